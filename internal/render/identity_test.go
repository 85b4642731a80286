// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/source"
)

const (
	forkURL     = "https://example.com/acme/fleet.git"
	upstreamURL = "https://example.com/upstream/fleet.git"
)

// operatorCluster is an operator-era cluster folder syncing url; its
// spec.sync.url is on line 12 of flux-instance.yaml.
func operatorCluster(name, url string) map[string]string {
	return map[string]string{
		"clusters/" + name + "/flux-system/flux-instance.yaml": `apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata:
  name: flux
  namespace: flux-system
spec:
  distribution:
    version: 2.7.x
  cluster:
    multitenant: true
  sync:
    url: ` + url + `
    kind: GitRepository
    ref: refs/heads/main
    path: clusters/` + name + `
`,
		"clusters/" + name + "/cm.yaml": strings.Replace(configMap, "%s", "local-"+name, 1),
	}
}

// bootstrapCluster is a bootstrap-era cluster folder syncing url; the
// GitRepository's spec.url is on line 10 of gotk-sync.yaml.
func bootstrapCluster(name, url string) map[string]string {
	return map[string]string{
		"clusters/" + name + "/flux-system/gotk-sync.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m0s
  ref:
    branch: main
  url: ` + url + `
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m0s
  path: ./clusters/` + name + `
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`,
		"clusters/" + name + "/flux-system/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- gotk-sync.yaml\n",
		"clusters/" + name + "/cm.yaml":                        strings.Replace(configMap, "%s", "local-"+name, 1),
	}
}

func writeTree(t *testing.T, dir string, parts ...map[string]string) string {
	t.Helper()
	for _, files := range parts {
		for name, content := range files {
			p := filepath.Join(dir, filepath.FromSlash(name))
			require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
			require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		}
	}
	return dir
}

// TestForeignRoot: a fleet whose clusters one and three sync the fork and
// two still syncs upstream (a fork of d1). Two is not rendered from the
// fork's checkout: one error at its sync URL, and one and three are
// unaffected.
func TestForeignRoot(t *testing.T) {
	for _, era := range []struct {
		name    string
		cluster func(string, string) map[string]string
		file    string
		line    int
	}{
		{"operator", operatorCluster, "clusters/two/flux-system/flux-instance.yaml", 12},
		{"bootstrap", bootstrapCluster, "clusters/two/flux-system/gotk-sync.yaml", 10},
	} {
		t.Run(era.name, func(t *testing.T) {
			dir := writeTree(t, t.TempDir(), era.cluster("one", forkURL), era.cluster("two", upstreamURL), era.cluster("three", forkURL))
			for _, selected := range [][]string{nil, {"two"}} {
				fl := renderOpts(t, Options{FleetPath: dir, Clusters: selected})
				two := cluster(t, fl, "two")
				probs := hardProblems(two)
				require.Len(t, probs, 1, "exactly one error names the cause: %+v", probs)
				p := probs[0]
				assert.Equal(t, model.ProblemUnresolvedSource, p.Kind)
				assert.Equal(t, "flux-system/flux-system", p.Kustomization)
				require.NotNil(t, p.Location)
				assert.Equal(t, model.Location{Repo: "example.com/acme/fleet", Branch: "main", Path: era.file, Line: era.line}, *p.Location,
					"at the sync URL's line, in the fleet checkout")
				assert.Equal(t, "flux-system/flux-system: the root syncs "+upstreamURL+", but this fleet checkout is "+forkURL+
					" (decided from the sync URL of most clusters), so that repository's content is not read from it; fix "+
					map[string]string{"operator": "spec.sync.url", "bootstrap": "the flux-system GitRepository's spec.url"}[era.name]+
					", or map "+upstreamURL+" to a local checkout (--source URL=PATH, or sources: in .d1lint.yaml), "+
					"or set fleetURL (--fleet-url) if this checkout is that repository", p.Reason)
				assert.Empty(t, two.Objects, "the fork's clusters/two does not stand in for upstream's")
				require.Len(t, two.Kustomizations, 1)
				assert.Equal(t, model.StatusSkipped, two.Kustomizations[0].Status)
				require.Len(t, two.Sources, 1)
				assert.False(t, two.Sources[0].Resolved)
				assert.Equal(t, upstreamURL, two.Sources[0].URL)
				assert.False(t, two.Completeness.Complete, "the render of two is incomplete")
				assert.Equal(t, era.name, two.Era)
				if selected != nil {
					assert.Len(t, fl.Clusters, 1, "the identity does not depend on the selection")
					continue
				}
				for _, name := range []string{"one", "three"} {
					c := cluster(t, fl, name)
					assert.Empty(t, hardProblems(c), name)
					assert.NotNil(t, object(c, "ConfigMap", "default", "local-"+name), "%s renders from the checkout", name)
					assert.True(t, c.Completeness.Complete, name)
				}
			}
		})
	}
}

// TestForeignRootMapped: mapping the other URL explicitly renders the
// cluster from that mapping, with no error.
func TestForeignRootMapped(t *testing.T) {
	dir := writeTree(t, t.TempDir(), operatorCluster("one", forkURL), operatorCluster("two", upstreamURL))
	upstream := writeTree(t, t.TempDir(), map[string]string{"clusters/two/cm.yaml": strings.Replace(configMap, "%s", "upstream-two", 1)})
	fl := renderOpts(t, Options{FleetPath: dir, FleetURL: forkURL, Sources: []source.Mapping{{URL: upstreamURL, Path: upstream}}})
	two := cluster(t, fl, "two")
	assert.Empty(t, hardProblems(two))
	assert.NotNil(t, object(two, "ConfigMap", "default", "upstream-two"), "read from the mapping")
	assert.Nil(t, object(two, "ConfigMap", "default", "local-two"), "not from the fleet checkout")
	assert.True(t, two.Completeness.Complete)
	one := cluster(t, fl, "one")
	assert.Empty(t, hardProblems(one))
	assert.NotNil(t, object(one, "ConfigMap", "default", "local-one"))
}

// TestFleetIdentityFromRemote: in a checkout whose origin is the fork,
// every root syncing upstream is foreign, even the majority; and the fleet
// source's note says how the checkout's URL was decided.
func TestFleetIdentityFromRemote(t *testing.T) {
	dir := writeTree(t, t.TempDir(), operatorCluster("one", "git@example.com:acme/fleet"), operatorCluster("two", upstreamURL),
		operatorCluster("three", upstreamURL))
	repo, err := git.PlainInit(dir, false)
	require.NoError(t, err)
	_, err = repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{forkURL}})
	require.NoError(t, err)

	fl := renderOpts(t, Options{FleetPath: dir, Getenv: func(string) string { return "" }})
	one := cluster(t, fl, "one")
	assert.Empty(t, hardProblems(one), "the ssh spelling of the fork is the checkout")
	assert.NotNil(t, object(one, "ConfigMap", "default", "local-one"))
	require.Len(t, one.Sources, 1)
	assert.True(t, one.Sources[0].Resolved)
	assert.True(t, strings.HasSuffix(one.Sources[0].Note, "; the fleet checkout, whose URL was decided from git remote origin"), one.Sources[0].Note)
	for _, name := range []string{"two", "three"} {
		probs := hardProblems(cluster(t, fl, name))
		require.Len(t, probs, 1, name)
		assert.Contains(t, probs[0].Reason, "this fleet checkout is "+forkURL+" (decided from git remote origin)")
	}

	// Configuration overrides the remote.
	fl = renderOpts(t, Options{FleetPath: dir, FleetURL: upstreamURL, Getenv: func(string) string { return "" }})
	assert.Empty(t, hardProblems(cluster(t, fl, "two")))
	probs := hardProblems(cluster(t, fl, "one"))
	require.Len(t, probs, 1)
	assert.Contains(t, probs[0].Reason, "this fleet checkout is "+upstreamURL+" (decided from configuration)")
}
