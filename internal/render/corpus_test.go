// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/guard"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/internal/testutil"
)

func d1Options(d testutil.D1) Options {
	return Options{
		FleetPath: d.Fleet,
		Sources: []source.Mapping{
			{URL: testutil.D1InfraURL, Path: d.Infra},
			{URL: testutil.D1AppsURL, Path: d.Apps},
		},
		OutOfBand: config.DefaultOutOfBand(),
		Getenv:    func(string) string { return "" },
	}
}

// TestD1Corpus renders the public d1 repositories, both eras, with the
// network locked away.
func TestD1Corpus(t *testing.T) {
	for _, bootstrap := range []bool{false, true} {
		name := map[bool]string{false: "operator-era", true: "bootstrap-era"}[bootstrap]
		t.Run(name, func(t *testing.T) {
			d := testutil.D1Corpus(t, bootstrap) // lays out git repos: before the lockdown
			restore := guard.Lockdown()
			defer restore()
			dials := guard.Dials()
			fl := renderOpts(t, d1Options(d))
			assert.Equal(t, dials, guard.Dials())

			require.Len(t, fl.Clusters, 3)
			for _, c := range fl.Clusters {
				// No chart cache is given: the packaged charts are the
				// only gaps (TestD1CorpusCharts renders them).
				assert.Empty(t, hardProblems(c), "cluster %s renders with no problems", c.Name)
				for _, k := range c.Kustomizations {
					assert.Equal(t, model.StatusRendered, k.Status, "%s %s: %s", c.Name, k.Key, k.Reason)
				}
				assert.True(t, c.Flux.Multitenant, "%s has multi-tenancy lockdown", c.Name)
				if bootstrap {
					assert.Equal(t, "bootstrap", c.Era)
					// The corpus upgraded staging first.
					assert.Equal(t, map[string]string{"staging": "v2.7.5", "prod-eu": "v2.7.1", "prod-us": "v2.7.1"}[c.Name], c.Flux.Version)
					assert.Contains(t, c.Flux.ControllerFlags["kustomize-controller"], "--no-cross-namespace-refs=true")
				} else {
					assert.Equal(t, "operator", c.Era)
					assert.Equal(t, "2.7.x", c.Flux.Version)
				}

				// Branch mapping: production clusters read infra and apps at
				// production, staging at main; the fleet is always main.
				want := "main"
				if c.Name != "staging" {
					want = "production"
				}
				assert.Equal(t, want, c.RuntimeInfo["GIT_BRANCH"])
				var infra, apps int
				for _, s := range c.Sources {
					require.True(t, s.Resolved, "%s: %s", c.Name, s.Reason)
					switch source.NormalizeURL(s.URL) {
					case "github.com/controlplaneio-fluxcd/d1-infra":
						infra++
						assert.Equal(t, want, s.Branch, "%s reads d1-infra at %s", c.Name, want)
						// main is checked out: its working tree stands for it;
						// production is read straight from git objects.
						wantMode := source.ModeWorktree
						if want == "production" {
							wantMode = source.ModeGit
						}
						assert.Equal(t, wantMode, s.Mode)
					case "github.com/controlplaneio-fluxcd/d1-apps":
						apps++
						assert.Equal(t, want, s.Branch, "%s reads d1-apps at %s", c.Name, want)
					case "github.com/controlplaneio-fluxcd/d1-fleet":
						assert.Equal(t, "main", s.Branch)
					}
				}
				assert.Positive(t, infra)
				assert.Positive(t, apps)
				for _, o := range c.Objects {
					if strings.Contains(o.Location.Repo, "d1-infra") || strings.Contains(o.Location.Repo, "d1-apps") {
						assert.Equal(t, want, o.Location.Branch, "%s %s", o.Kind, o.Name)
						assert.Len(t, o.Location.Commit, 40)
					}
				}

				if !bootstrap {
					// The flux-operator ResourceSet of each cluster expands
					// into the operator's OCIRepository and HelmRelease.
					var rs *model.ResourceSet
					for _, r := range c.ResourceSets {
						if r.Key() == "flux-system/flux-operator" {
							rs = r
						}
					}
					require.NotNil(t, rs, "%s: the flux-operator ResourceSet", c.Name)
					assert.Equal(t, model.ResourceSetRendered, rs.Status, rs.Reason)
					assert.Equal(t, 2, rs.Objects)
					var generated []string
					for _, o := range c.Objects {
						if o.ResourceSet == "flux-system/flux-operator" {
							generated = append(generated, o.Kind+" "+o.Namespace+"/"+o.Name)
							assert.Equal(t, "github.com/controlplaneio-fluxcd/d1-fleet", o.Location.Repo)
							assert.True(t, strings.HasSuffix(o.Location.Path, "/flux-system/flux-operator.yaml"), o.Location.Path)
							assert.Greater(t, o.Location.Line, rs.Location.Line, "at the line of its resource")
						}
					}
					assert.ElementsMatch(t, []string{"OCIRepository flux-system/flux-operator", "HelmRelease flux-system/flux-operator"}, generated)
				}

				// Image automation exists on staging only.
				automation := 0
				for _, o := range c.Objects {
					labels, _ := nestedMap(o.Object, "metadata")["labels"].(map[string]any)
					if o.Kind == "ImageUpdateAutomation" || labels["toolkit.fluxcd.io/role"] == "automation" {
						automation++
					}
				}
				if c.Name == "staging" {
					assert.Positive(t, automation, "staging runs image automation")
					assert.NotNil(t, kustomization(c, "flux-system/flux-infra-update-policies"))
				} else {
					assert.Zero(t, automation, "%s must not render image automation", c.Name)
				}

				// Every variable postBuild substitutes resolves; the Grafana
				// dashboards' ${DS_PROMETHEUS} sits in a Kustomization
				// without postBuild and rightly stays literal.
				var ds int
				for _, v := range c.Variables {
					if v.Substituted {
						assert.Equal(t, model.VarResolved, v.Status, "%s: %s in %s %s (%s)", c.Name, v.Expression, v.Object.Kind, v.Object.Name, v.Field)
					}
					if v.Name == "DS_PROMETHEUS" {
						ds++
						assert.Equal(t, model.VarNotSubstituted, v.Status)
						assert.Equal(t, "flux-system/monitoring-configs", v.Kustomization)
					}
				}
				assert.Positive(t, ds, "the dashboards' variable is recorded")
				k := kustomization(c, "flux-system/monitoring-configs")
				require.NotNil(t, k)
				assert.Nil(t, k.PostBuild)
			}
		})
	}
}

// TestGenericCorpus renders the other public Flux repositories: whatever
// cannot be resolved offline is reported, nothing crashes.
func TestGenericCorpus(t *testing.T) {
	g := filepath.Join(testutil.SharedCorpus(t), "generic")
	restore := guard.Lockdown()
	defer restore()

	fl := renderOpts(t, Options{FleetPath: filepath.Join(g, "flux2-kustomize-helm-example")})
	require.Len(t, fl.Clusters, 2)
	for _, c := range fl.Clusters {
		assert.Equal(t, model.StatusRendered, c.Kustomizations[0].Status)
		var external int
		for _, s := range c.Sources {
			if s.Kind == "ExternalArtifact" {
				external++
				assert.False(t, s.Resolved)
				assert.Contains(t, s.Reason, "does not render")
			}
		}
		assert.Positive(t, external, "ExternalArtifact sources are reported")
	}

	fl = renderOpts(t, Options{
		FleetPath: filepath.Join(g, "flux2-multi-tenancy-main"),
		FleetURL:  "https://github.com/fluxcd/flux2-multi-tenancy",
		Sources: []source.Mapping{{URL: "https://github.com/fluxcd/flux2-multi-tenancy", Branch: "dev-team",
			Path: filepath.Join(g, "flux2-multi-tenancy-dev-team")}},
	})
	require.Len(t, fl.Clusters, 2)
	for _, c := range fl.Clusters {
		k := kustomization(c, "apps/dev-team")
		require.NotNil(t, k, "the tenant Kustomization on the dev-team branch is reached")
		assert.Equal(t, model.StatusRendered, k.Status, k.Reason)
		assert.Equal(t, "dev-team", k.Revision.Branch)
		assert.NotEmpty(t, objects(c, "HelmRelease"))
		kc := kustomization(c, "flux-system/kyverno-controller")
		require.NotNil(t, kc)
		assert.Equal(t, model.StatusSkipped, kc.Status, "an OCI source is never fetched")
	}
}
