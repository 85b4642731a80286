// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/guard"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/internal/testutil"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testutil.Cleanup()
	os.Exit(code)
}

// renderConfig renders the fleet a .d1lint.yaml describes.
func renderConfig(t testing.TB, cfgPath string, clusters ...string) *model.Fleet {
	t.Helper()
	cfg, err := config.Load(cfgPath)
	require.NoError(t, err)
	opts := Options{OutOfBand: cfg.OutOfBandObjects(), FleetPath: cfg.FleetPath(), FleetURL: cfg.FleetURL, FleetBranch: cfg.FleetBranch,
		ProviderInputs: cfg.ProviderInputs}
	for _, s := range cfg.Sources {
		opts.Sources = append(opts.Sources, source.Mapping{URL: s.URL, Path: cfg.Resolve(s.Path), Branch: s.Branch})
	}
	for _, d := range cfg.Charts {
		opts.ChartDirs = append(opts.ChartDirs, cfg.Resolve(d))
	}
	opts.Clusters, opts.Getenv = clusters, func(string) string { return "" }
	return renderOpts(t, opts)
}

func renderOpts(t testing.TB, opts Options) *model.Fleet {
	t.Helper()
	res, err := Render(context.Background(), opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = res.Close() })
	return res.Fleet
}

func cluster(t testing.TB, fl *model.Fleet, name string) *model.Cluster {
	t.Helper()
	for _, c := range fl.Clusters {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no cluster %s", name)
	return nil
}

func kustomization(c *model.Cluster, key string) *model.Kustomization {
	for _, k := range c.Kustomizations {
		if k.Key == key {
			return k
		}
	}
	return nil
}

func objects(c *model.Cluster, kind string) []*model.Object {
	var out []*model.Object
	for _, o := range c.Objects {
		if o.Kind == kind {
			out = append(out, o)
		}
	}
	return out
}

func object(c *model.Cluster, kind, ns, name string) *model.Object {
	for _, o := range c.Objects {
		if o.Kind == kind && o.Namespace == ns && o.Name == name {
			return o
		}
	}
	return nil
}

// hardProblems are the problems that stop part of the render: no warning,
// and no chart missing from the chart cache (the test did not give one).
func hardProblems(c *model.Cluster) []*model.Problem {
	var out []*model.Problem
	for _, p := range c.Problems {
		if !p.Warning && p.Kind != model.ProblemChartMissing {
			out = append(out, p)
		}
	}
	return out
}

func TestExampleFleet(t *testing.T) {
	for _, era := range []string{"fleet", "fleet-bootstrap"} {
		t.Run(era, func(t *testing.T) {
			fl := renderConfig(t, testutil.Fixture(t, "example", era, ".d1lint.yaml"))
			require.Len(t, fl.Clusters, 2)
			for _, c := range fl.Clusters {
				assert.Empty(t, c.Problems, "cluster %s", c.Name)
				for _, k := range c.Kustomizations {
					assert.Equal(t, model.StatusRendered, k.Status, "%s %s: %s", c.Name, k.Key, k.Reason)
				}
				assert.Equal(t, "flux-system/flux-system", c.Kustomizations[0].Key, "the root comes first")
				assert.True(t, c.Flux.Multitenant, "lockdown is on in %s", c.Name)
				assert.Equal(t, "default", c.Flux.DefaultServiceAccount)
			}

			staging, prod := cluster(t, fl, "staging"), cluster(t, fl, "prod-eu")
			assert.Equal(t, "staging", staging.Environment)
			assert.Equal(t, "production", prod.Environment)

			// Each cluster reads d1-infra and d1-apps at the branch it follows.
			for _, tc := range []struct {
				c      *model.Cluster
				branch string
			}{{staging, "main"}, {prod, "production"}} {
				for _, s := range tc.c.Sources {
					switch source.NormalizeURL(s.URL) {
					case "github.com/acme/d1-infra", "github.com/acme/d1-apps":
						assert.True(t, s.Resolved, s.Reason)
						assert.Equal(t, tc.branch, s.Branch, "%s %s", tc.c.Name, s.Key)
					case "github.com/acme/d1-fleet":
						assert.Equal(t, "main", s.Branch)
					}
				}
				k := kustomization(tc.c, "shop/flux-shop")
				require.NotNil(t, k)
				assert.Equal(t, "./components/shop/"+tc.c.Environment, k.Path, "path substituted from runtime-info")
				assert.Equal(t, "github.com/acme/d1-apps", k.Revision.Repo)
				assert.Equal(t, tc.branch, k.Revision.Branch)
				assert.Equal(t, []string{"flux-system/flux-system", "flux-system/flux-apps-tenant", "shop/flux-shop"}, k.Chain)
			}

			// Image automation exists on staging only (production deletes it with a patch).
			assert.NotEmpty(t, objects(staging, "ImageUpdateAutomation"))
			assert.Empty(t, objects(prod, "ImageUpdateAutomation"))

			// Every variable postBuild substitutes resolves (or has a default).
			for _, c := range fl.Clusters {
				require.NotEmpty(t, c.Variables)
				for _, v := range c.Variables {
					if v.Substituted {
						assert.Contains(t, []string{model.VarResolved, model.VarDefaulted}, v.Status, "%s: %s in %s %s", c.Name, v.Expression, v.Object.Name, v.Field)
					}
				}
			}

			// Tenant Kustomizations find runtime-info through the Kyverno clone.
			k := kustomization(staging, "blog/flux-blog")
			require.NotNil(t, k)
			require.NotNil(t, k.PostBuild)
			assert.Equal(t, "generated", k.PostBuild.SubstituteFrom[0].From)

			// HelmReleases are listed with chart and version.
			require.NotEmpty(t, staging.HelmReleases)
			for _, hr := range staging.HelmReleases {
				assert.NotEmpty(t, hr.Chart, hr.Name)
				assert.NotEmpty(t, hr.Source, hr.Name)
				assert.NotEmpty(t, hr.Location.Path, hr.Name)
			}
		})
	}
}

func TestProvenance(t *testing.T) {
	fl := renderConfig(t, testutil.Fixture(t, "example", "fleet", ".d1lint.yaml"), "prod-eu")
	c := fl.Clusters[0]
	for _, o := range c.Objects {
		assert.NotEmpty(t, o.Location.Path, "%s %s/%s has a file", o.Kind, o.Namespace, o.Name)
		assert.NotEmpty(t, o.Location.Repo)
		assert.NotZero(t, o.Location.Line, "%s %s/%s has a line (%s)", o.Kind, o.Namespace, o.Name, o.Location.Path)
		assert.Equal(t, o.AppliedBy, o.Chain[len(o.Chain)-1])
		anns, _ := nestedMap(o.Object, "metadata")["annotations"].(map[string]any)
		_, hasOrigin := anns["config.kubernetes.io/origin"]
		assert.False(t, hasOrigin, "d1lint's origin tracking must not leak into %s %s", o.Kind, o.Name)
	}
	// An object from a base, built through a production overlay, points at the base file.
	ns := object(c, "Namespace", "", "kyverno")
	require.NotNil(t, ns)
	assert.Equal(t, "github.com/acme/d1-infra", ns.Location.Repo)
	assert.Equal(t, "production", ns.Location.Branch)
	assert.Equal(t, "components/policy/controllers/base/namespace.yaml", ns.Location.Path)
	// runtime-info is the fleet's.
	require.NotNil(t, c.RuntimeInfoLocation)
	assert.Equal(t, "clusters/prod-eu/runtime-info.yaml", c.RuntimeInfoLocation.Path)
	assert.Equal(t, "prod-eu", c.RuntimeInfo["CLUSTER_NAME"])
}

func TestDeterministic(t *testing.T) {
	cfg := testutil.Fixture(t, "example", "fleet", ".d1lint.yaml")
	a, err := json.Marshal(renderConfig(t, cfg))
	require.NoError(t, err)
	b, err := json.Marshal(renderConfig(t, cfg))
	require.NoError(t, err)
	assert.Equal(t, string(a), string(b))
}

// TestBadInputs renders the hazards fleet with the network locked away: each
// hazard becomes a problem naming its file, nothing is fetched, and every
// other cluster still renders.
func TestBadInputs(t *testing.T) {
	restore := guard.Lockdown()
	defer restore()
	dials := guard.Dials()

	done := make(chan *model.Fleet, 1)
	go func() { done <- renderConfig(t, testutil.Fixture(t, "bad", "fleet", ".d1lint.yaml")) }()
	var fl *model.Fleet
	select {
	case fl = <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("rendering the hazards fleet hangs")
	}
	assert.Equal(t, dials, guard.Dials(), "no network dial was attempted")

	cases := map[string]struct {
		kinds []string // problem kinds expected (each at least once)
		files []string // files the problems must name
	}{
		"good":            {},
		"invalid-yaml":    {[]string{model.ProblemInvalidYAML}, []string{"cases/invalid-yaml/broken.yaml"}},
		"missing-path":    {[]string{model.ProblemMissingPath}, []string{"clusters/missing-path/case.yaml"}},
		"escaping-path":   {[]string{model.ProblemPathEscape}, []string{"clusters/escaping-path/case.yaml", "cases/escaping-path/kustomization.yaml"}},
		"absolute-path":   {[]string{model.ProblemAbsolutePath}, []string{"cases/absolute-path/kustomization.yaml"}},
		"remote-base":     {[]string{model.ProblemRemoteBase}, []string{"cases/remote-base/kustomization.yaml"}},
		"http-resource":   {[]string{model.ProblemRemoteBase}, []string{"cases/http-resource/resources/kustomization.yaml", "cases/http-resource/patch/kustomization.yaml", "cases/http-resource/generator/kustomization.yaml", "cases/http-resource/openapi/kustomization.yaml"}},
		"base-cycle":      {[]string{model.ProblemCycle}, []string{"cases/base-cycle/a"}},
		"self-apply":      {[]string{model.ProblemCycle}, []string{"cases/self-apply/a/loop-a.yaml"}},
		"missing-branch":  {[]string{model.ProblemUnresolvedSource}, []string{"cases/missing-branch/sources.yaml"}},
		"unmapped-source": {[]string{model.ProblemUnresolvedSource}, []string{"cases/unmapped-source/sources.yaml"}},
		"alias-bomb":      {[]string{model.ProblemFileRefused}, []string{"cases/alias-bomb/laughs.yaml"}},
		"undefined-var":   {},
		"schema-errors":   {},
	}
	require.Len(t, fl.Clusters, len(cases))
	for _, c := range fl.Clusters {
		want, ok := cases[c.Name]
		require.True(t, ok, "unexpected cluster %s", c.Name)
		t.Run(c.Name, func(t *testing.T) {
			// The root always renders: a hazard stops only what depends on it.
			assert.Equal(t, model.StatusRendered, c.Kustomizations[0].Status)
			assert.NotNil(t, object(c, "ConfigMap", "flux-system", "flux-runtime-info"), "the rest of the cluster renders")
			probs := hardProblems(c)
			if len(want.kinds) == 0 {
				assert.Empty(t, probs)
				return
			}
			kinds := map[string]bool{}
			var files []string
			for _, p := range probs {
				kinds[p.Kind] = true
				require.NotEmpty(t, p.Reason)
				if p.Location != nil {
					files = append(files, p.Location.Path)
				}
			}
			for _, k := range want.kinds {
				assert.True(t, kinds[k], "problem kind %s in %v", k, probs)
			}
			for _, f := range want.files {
				assert.Contains(t, files, f)
			}
		})
	}

	// Variables: resolved, defaulted, undefined, escaped, disabled, SOPS keys, optional sources.
	uv := cluster(t, fl, "undefined-var")
	status := map[string]string{}
	for _, v := range uv.Variables {
		status[v.Object.Name+"/"+v.Name] = v.Status
	}
	assert.Equal(t, model.VarResolved, status["variables/CLUSTER_NAME"])
	assert.Equal(t, model.VarUndefined, status["variables/NOT_DEFINED_ANYWHERE"])
	assert.Equal(t, model.VarDefaulted, status["variables/WITH_DEFAULT"])
	assert.NotContains(t, status, "variables/ESCAPED", "$${ESCAPED} is an escape")
	assert.NotContains(t, status, "verbatim/CLUSTER_NAME", "substitute: disabled: Flux never parses the object")
	assert.Equal(t, model.VarResolved, status["mailer/SMTP_HOST"], "keys of SOPS-encrypted Secrets count as defined")
	cm := object(uv, "ConfigMap", "flux-system", "variables")
	require.NotNil(t, cm)
	// Flux substitutes the empty string into the YAML text, which leaves an
	// empty scalar: the value becomes null.
	data := cm.Object["data"].(map[string]any)
	assert.Contains(t, data, "undefined")
	assert.Nil(t, data["undefined"], "Flux substitutes the empty string")
	assert.Equal(t, "fallback", data["defaulted"])
	ok := kustomization(uv, "flux-system/optional-vars")
	require.NotNil(t, ok)
	assert.Equal(t, model.StatusRendered, ok.Status, "a missing optional substituteFrom is fine")
}

// writeFleet writes a minimal operator-era fleet with one cluster whose
// root applies clusters/one.
func writeFleet(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	base := map[string]string{
		"clusters/one/flux-system/flux-instance.yaml": testutil.FluxInstance("one", "https://example.com/acme/fleet.git"),
	}
	for k, v := range files {
		base[k] = v
	}
	testutil.WriteFiles(t, dir, base)
	return dir
}

// fluxKustomization is a Flux Kustomization in flux-system applying path
// from the fleet's own GitRepository; spec holds further spec fields, each
// line indented by two spaces.
func fluxKustomization(name, path, spec string) string {
	return `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ` + name + `
  namespace: flux-system
spec:
  interval: 10m
  path: ` + path + `
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
` + spec
}

const configMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: %s
  namespace: default
data:
  key: value
`

func TestSymlinkDropped(t *testing.T) {
	dir := writeFleet(t, map[string]string{"clusters/one/real.yaml": strings.Replace(configMap, "%s", "real", 1)})
	outside := filepath.Join(t.TempDir(), "secret.yaml")
	require.NoError(t, os.WriteFile(outside, []byte(strings.Replace(configMap, "%s", "linked", 1)), 0o644))
	require.NoError(t, os.Symlink(outside, filepath.Join(dir, "clusters/one/linked.yaml")))

	fl := renderOpts(t, Options{FleetPath: dir})
	c := fl.Clusters[0]
	assert.NotNil(t, object(c, "ConfigMap", "default", "real"))
	assert.Nil(t, object(c, "ConfigMap", "default", "linked"), "Flux drops symlinks from artifacts")
	require.NotEmpty(t, c.Problems)
	var found bool
	for _, p := range c.Problems {
		if p.Kind == model.ProblemFileDropped {
			found = true
			assert.True(t, p.Warning)
			assert.Equal(t, "clusters/one/linked.yaml", p.Location.Path)
		}
	}
	assert.True(t, found, "a warning names the symlink: %v", c.Problems)
	assert.Empty(t, hardProblems(c))
}

func TestOversizeFileRefused(t *testing.T) {
	big := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: \"" + strings.Repeat("x", 9<<20) + "\"\n"
	dir := writeFleet(t, map[string]string{"clusters/one/big.yaml": big})
	fl := renderOpts(t, Options{FleetPath: dir})
	c := fl.Clusters[0]
	require.NotEmpty(t, hardProblems(c))
	assert.Equal(t, model.ProblemFileRefused, hardProblems(c)[0].Kind)
	assert.Equal(t, "clusters/one/big.yaml", hardProblems(c)[0].Location.Path)
	assert.Nil(t, object(c, "ConfigMap", "", "big"))
}

// TestBuildTimeout checks that a build that outlives its bound is reported
// and that later builds fail fast instead of queueing behind it.
func TestBuildTimeout(t *testing.T) {
	dir := writeFleet(t, map[string]string{"clusters/one/cm.yaml": strings.Replace(configMap, "%s", "cm", 1)})
	start := time.Now()
	fl := renderOpts(t, Options{FleetPath: dir, BuildTimeout: time.Nanosecond})
	assert.Less(t, time.Since(start), time.Minute)
	c := fl.Clusters[0]
	require.NotEmpty(t, c.Problems)
	assert.Contains(t, c.Problems[0].Reason, "did not finish within")
}

func TestUnknownClusterIsUsageError(t *testing.T) {
	res, err := Render(context.Background(), Options{FleetPath: testutil.Fixture(t, "example", "fleet")})
	require.NoError(t, err)
	require.NoError(t, res.Close())
	_, err = Render(context.Background(), Options{FleetPath: testutil.Fixture(t, "example", "fleet"), Clusters: []string{"nope"}})
	require.ErrorIs(t, err, ErrUsage)
	assert.Contains(t, err.Error(), "nope")
	_, err = Render(context.Background(), Options{FleetPath: "/does/not/exist"})
	require.ErrorIs(t, err, ErrUsage)
}

// TestThenRunsOnEveryCluster: the next stage sees every rendered cluster,
// and a panic in it costs that cluster a problem, not the run.
func TestThenRunsOnEveryCluster(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	res, err := Render(context.Background(), Options{FleetPath: testutil.Fixture(t, "example", "fleet"),
		Then: func(c *model.Cluster) {
			mu.Lock()
			seen = append(seen, c.Name)
			mu.Unlock()
			if c.Name == "staging" {
				panic("boom")
			}
		}})
	require.NoError(t, err)
	defer res.Close()
	require.Len(t, seen, len(res.Fleet.Clusters))
	for _, c := range res.Fleet.Clusters {
		var internal bool
		for _, p := range c.Problems {
			internal = internal || strings.Contains(p.Reason, "internal error checking cluster staging: boom")
		}
		assert.Equal(t, c.Name == "staging", internal, c.Name)
	}
}

// TestSymlinkInBootstrapClusterFolder: a symlink in a bootstrap-era cluster
// folder is dropped with a warning, as source-controller drops it; the
// cluster still renders.
func TestSymlinkInBootstrapClusterFolder(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS(testutil.Fixture(t, "example"))))
	require.NoError(t, os.Symlink("../../../README.md", filepath.Join(dir, "fleet-bootstrap", "clusters", "staging", "notes.yaml")))
	fl := renderConfig(t, filepath.Join(dir, "fleet-bootstrap", ".d1lint.yaml"), "staging")
	c := cluster(t, fl, "staging")
	assert.Empty(t, hardProblems(c))
	assert.NotEmpty(t, c.Objects)
	var warned bool
	for _, p := range c.Problems {
		warned = warned || p.Warning && p.Kind == model.ProblemFileDropped && strings.HasSuffix(p.Location.Path, "clusters/staging/notes.yaml")
	}
	assert.True(t, warned, "the symlink is a warning: %+v", c.Problems)
}

// TestOutOfBandInModel: the model lists the out-of-band objects that apply
// to the cluster (sorted, without their cluster list), and a labelled
// out-of-band Secret is a source of a Kyverno cloneList policy whose
// namespace selector the rendered Namespaces' labels match: d1's
// clone-apps-secrets copies flux-system/flux-apps (created with
// `flux create secret git ... --label toolkit.fluxcd.io/tenant=apps`) into
// every namespace labelled toolkit.fluxcd.io/tenant: apps.
func TestOutOfBandInModel(t *testing.T) {
	cfg, err := config.Load(testutil.Fixture(t, "example", "fleet", ".d1lint.yaml"))
	require.NoError(t, err)
	opts := Options{FleetPath: cfg.FleetPath(), Clusters: []string{"staging"}, Getenv: func(string) string { return "" }}
	for _, s := range cfg.Sources {
		opts.Sources = append(opts.Sources, source.Mapping{URL: s.URL, Path: cfg.Resolve(s.Path), Branch: s.Branch})
	}
	tenant := map[string]string{"toolkit.fluxcd.io/tenant": "apps"}
	opts.OutOfBand = []model.OutOfBandObject{
		{APIVersion: "v1", Kind: "Secret", Namespace: "flux-system", Name: "registry", Labels: tenant, Clusters: []string{"staging"}},
		{APIVersion: "v1", Kind: "Secret", Namespace: "flux-system", Name: "unlabelled"},
		{APIVersion: "v1", Kind: "Secret", Namespace: "flux-system", Name: "elsewhere", Labels: tenant, Clusters: []string{"prod-eu"}},
	}
	opts.OutOfBand = append(opts.OutOfBand, config.DefaultOutOfBand()...)
	c := cluster(t, renderOpts(t, opts), "staging")

	var declared []string
	for _, o := range c.OutOfBand {
		assert.Nil(t, o.Clusters, o.Name)
		declared = append(declared, o.Namespace+"/"+o.Name)
	}
	assert.Equal(t, []string{"flux-system/flux-apps", "flux-system/flux-system", "flux-system/ghcr-auth", "flux-system/github-auth", "flux-system/registry", "flux-system/unlabelled"}, declared,
		"the declarations for this cluster, sorted")

	copies := map[string]bool{}
	for _, o := range c.Generated {
		if o.Kind == "Secret" {
			copies[o.Namespace+"/"+o.Name] = true
		}
	}
	for _, ns := range []string{"blog", "shop", "apps-update"} {
		assert.True(t, copies[ns+"/flux-apps"], "the labelled out-of-band flux-apps is cloned into %s", ns)
		assert.True(t, copies[ns+"/registry"], "the labelled out-of-band registry is cloned into %s", ns)
		assert.False(t, copies[ns+"/unlabelled"], "the cloneList selector leaves out an unlabelled Secret")
		assert.False(t, copies[ns+"/elsewhere"], "a declaration for another cluster is no source")
	}
	assert.False(t, copies["flux-system/flux-apps"], "flux-system is not labelled for the apps tenant")
}
