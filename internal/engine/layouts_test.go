// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/testutil"
)

// checkLayout checks the fleet at fleetPath with its .d1lint.yaml and
// returns the result, requiring that every cluster rendered completely and
// nothing was found: these layouts are clean.
func checkLayout(t *testing.T, fleetPath string) *Result {
	t.Helper()
	opts, cfg := options(t, filepath.Join(fleetPath, ".d1lint.yaml"))
	res, err := New(Config{File: cfg}).Check(context.Background(), opts)
	require.NoError(t, err)
	for _, c := range res.Fleet.Clusters {
		assert.True(t, c.Completeness.Complete, "cluster %s rendered completely: %+v", c.Name, c.Problems)
	}
	for _, f := range res.Report.Findings {
		assert.NotEqual(t, finding.Error, f.Severity, "no false error: %s %s %s", f.Rule, f.Cluster, f.Message)
	}
	assert.Empty(t, res.Report.Findings)
	return res
}

func clusterNames(fl *model.Fleet) []string {
	var out []string
	for _, c := range fl.Clusters {
		out = append(out, c.Name)
	}
	return out
}

// TestLayoutHomeOps: a home-ops repository, whose one cluster lives under
// kubernetes/flux/cluster with a root named cluster, renders from the root
// d1lint found, without assuming one.
func TestLayoutHomeOps(t *testing.T) {
	res := checkLayout(t, testutil.Fixture(t, "layouts", "home-ops"))
	require.Equal(t, []string{"cluster"}, clusterNames(res.Fleet))
	c := res.Fleet.Clusters[0]
	assert.Equal(t, "kubernetes/flux/cluster", c.Path)
	assert.Equal(t, "flux-system/cluster", c.Root)
	require.NotNil(t, c.Discovery)
	assert.Equal(t, model.FoundKustomization, c.Discovery.How)
	assert.Equal(t, &model.Location{Repo: "github.com/acme/home-ops", Branch: "main", Path: "kubernetes/flux/cluster/cluster.yaml", Line: 18}, c.Discovery.Location)
	var keys []string
	for _, k := range c.Kustomizations {
		keys = append(keys, k.Key)
		assert.Equal(t, model.StatusRendered, k.Status, k.Key)
	}
	assert.Equal(t, []string{"flux-system/cluster", "flux-system/cluster-apps", "flux-system/echo"}, keys)
	assert.Empty(t, c.Problems, "no assumed root, no warning")
	var echo *model.Object
	for _, o := range c.Objects {
		if o.Kind == "ConfigMap" && o.Name == "echo" {
			echo = o
		}
	}
	require.NotNil(t, echo)
	assert.Equal(t, "echo.home.acme.example", echo.Object["data"].(map[string]any)["HOST"], "substituted from cluster-settings")
}

// TestLayoutMonorepo: a fleet in a subfolder of a monorepo renders from the
// whole repository, as Flux's artifact is: its roots and Kustomizations
// name paths from the repository's top.
func TestLayoutMonorepo(t *testing.T) {
	for name, repo := range map[string]string{
		"plain folder":   testutil.Fixture(t, "layouts", "monorepo"),
		"git repository": testutil.GitCopy(t, testutil.Fixture(t, "layouts", "monorepo"), "git@github.com:acme/platform.git"),
	} {
		t.Run(name, func(t *testing.T) {
			res := checkLayout(t, filepath.Join(repo, "platform", "fleet"))
			require.Equal(t, []string{"dev", "prod"}, clusterNames(res.Fleet))
			for _, c := range res.Fleet.Clusters {
				assert.Equal(t, "platform/fleet/clusters/"+c.Name, c.Path)
				var keys []string
				for _, k := range c.Kustomizations {
					keys = append(keys, k.Key)
					assert.Equal(t, model.StatusRendered, k.Status, k.Key)
				}
				assert.Equal(t, []string{"flux-system/flux-system", "flux-system/infra", "flux-system/apps"}, keys)
				var web *model.Object
				for _, o := range c.Objects {
					if o.Kind == "ConfigMap" && o.Name == "web" {
						web = o
					}
				}
				require.NotNil(t, web, "apps/ outside the fleet folder is read")
				assert.Equal(t, "apps/base/configmap.yaml", web.Location.Path)
				assert.Equal(t, "github.com/acme/platform", web.Location.Repo)
				want := map[string]string{"dev": "1", "prod": "3"}[c.Name]
				assert.Equal(t, want, web.Object["data"].(map[string]any)["replicas"])
			}
		})
	}
}

// TestLayoutHubAndSpoke: the hub is one cluster; what it applies through
// spec.kubeConfig is rendered and marked remote, but is not on the hub:
// the same objects on two spokes are no conflict, and the Flux
// Kustomizations among them (reconciled by the spokes' own Flux) are not
// the hub's. A spoke holding a root of its own (edge) is a cluster.
func TestLayoutHubAndSpoke(t *testing.T) {
	res := checkLayout(t, testutil.Fixture(t, "layouts", "hub-spoke"))
	require.Equal(t, []string{"edge", "hub"}, clusterNames(res.Fleet))
	hub := res.Fleet.Clusters[1]
	remote := map[string]string{}
	for _, k := range hub.Kustomizations {
		remote[k.Key] = k.Remote
		assert.Equal(t, model.StatusRendered, k.Status, k.Key)
	}
	assert.Equal(t, map[string]string{
		"flux-system/flux-system": "",
		"flux-system/spoke-edge":  "Secret flux-system/edge-kubeconfig",
		"flux-system/spoke-eu":    "Secret flux-system/eu-kubeconfig",
		"flux-system/spoke-us":    "Secret flux-system/us-kubeconfig",
	}, remote)
	var spoke []string
	for _, o := range hub.Objects {
		if o.Remote != "" {
			spoke = append(spoke, o.Remote+" "+o.Kind+" "+o.Namespace+"/"+o.Name)
			continue
		}
		assert.NotEqual(t, "podinfo", o.Namespace, "no spoke object on the hub")
	}
	slices.Sort(spoke)
	assert.Equal(t, []string{
		"Secret flux-system/edge-kubeconfig ConfigMap podinfo/settings",
		"Secret flux-system/edge-kubeconfig Namespace /podinfo",
		"Secret flux-system/eu-kubeconfig ConfigMap podinfo/settings",
		"Secret flux-system/eu-kubeconfig GitRepository podinfo/podinfo",
		"Secret flux-system/eu-kubeconfig Kustomization podinfo/podinfo",
		"Secret flux-system/eu-kubeconfig Namespace /podinfo",
		"Secret flux-system/us-kubeconfig ConfigMap podinfo/settings",
		"Secret flux-system/us-kubeconfig GitRepository podinfo/podinfo",
		"Secret flux-system/us-kubeconfig Kustomization podinfo/podinfo",
		"Secret flux-system/us-kubeconfig Namespace /podinfo",
	}, spoke)
	for _, o := range hub.Objects {
		if o.Kind == "ConfigMap" && o.Name == "settings" {
			// Built on the hub, with the hub Kustomization's variables.
			assert.Contains(t, []string{"edge", "eu", "us"}, o.Object["data"].(map[string]any)["CLUSTER"])
		}
	}
	edge := res.Fleet.Clusters[0]
	assert.Equal(t, "clusters/edge", edge.Path)
	for _, o := range edge.Objects {
		assert.NotEqual(t, "podinfo", o.Namespace, "the hub's addons are not in the edge's own render")
	}
}

// TestLayoutRootNamedDefault: a d1-style fleet whose roots are not named
// flux-system is rendered from those roots, not from an assumed
// flux-system root that would apply every folder twice.
func TestLayoutRootNamedDefault(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{".d1lint.yaml": "outOfBand: []\n"}
	for _, c := range []string{"staging", "production"} {
		files["clusters/"+c+"/sync.yaml"] = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: default
  namespace: flux-system
spec:
  interval: 5m
  url: https://github.com/acme/fleet.git
  ref:
    branch: main
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: default
  namespace: flux-system
spec:
  interval: 10m
  path: ./clusters/` + c + `
  prune: true
  sourceRef:
    kind: GitRepository
    name: default
`
		files["clusters/"+c+"/apps.yaml"] = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: default
`
	}
	files["apps/namespace.yaml"] = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n"
	testutil.WriteFiles(t, dir, files)
	res := checkLayout(t, dir)
	require.Equal(t, []string{"production", "staging"}, clusterNames(res.Fleet))
	for _, c := range res.Fleet.Clusters {
		assert.Equal(t, "flux-system/default", c.Root)
		require.Len(t, c.Kustomizations, 2)
		assert.Equal(t, "flux-system/default", c.Kustomizations[0].Key)
		assert.Equal(t, "flux-system/apps", c.Kustomizations[1].Key)
	}
}

// TestLayoutConfigured: clusters: in .d1lint.yaml names the clusters, and
// the engine renders those.
func TestLayoutConfigured(t *testing.T) {
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, map[string]string{
		".d1lint.yaml": "outOfBand: []\nclusters:\n  - path: kubernetes/flux/cluster\n    root: kubernetes/flux/cluster/cluster.yaml\n    name: home\n",
	})
	opts, cfg := options(t, filepath.Join(dir, ".d1lint.yaml"))
	opts.FleetPath = testutil.Fixture(t, "layouts", "home-ops")
	res, err := New(Config{File: cfg}).Check(context.Background(), opts)
	require.NoError(t, err)
	assert.Equal(t, []string{"home"}, clusterNames(res.Fleet))
	assert.True(t, res.Fleet.Clusters[0].Discovery.Configured)
	assert.Empty(t, res.Report.Findings)

	testutil.WriteFiles(t, dir, map[string]string{".d1lint.yaml": "clusters: [kubernetes/*/nope]\n"})
	opts, cfg = options(t, filepath.Join(dir, ".d1lint.yaml"))
	opts.FleetPath = testutil.Fixture(t, "layouts", "home-ops")
	_, err = New(Config{File: cfg}).Check(context.Background(), opts)
	require.ErrorIs(t, err, ErrUsage)
	assert.Contains(t, err.Error(), `clusters[0]: path "kubernetes/*/nope" matches no folder under`)
}

// TestLayoutRootAppliedElsewhere: a root Kustomization that its folder's
// kustomization.yaml leaves out (a Helm chart or Terraform applies it) is
// reconciled as its file writes it: the cluster renders from it.
func TestLayoutRootAppliedElsewhere(t *testing.T) {
	dir := t.TempDir()
	src := testutil.Fixture(t, "layouts", "home-ops")
	files := map[string]string{".d1lint.yaml": "outOfBand: []\n",
		"kubernetes/flux/cluster/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - apps.yaml\n  - settings.yaml\n"}
	for _, f := range []string{"kubernetes/flux/cluster/cluster.yaml", "kubernetes/flux/cluster/apps.yaml", "kubernetes/flux/cluster/settings.yaml",
		"kubernetes/apps/media/kustomization.yaml", "kubernetes/apps/media/namespace.yaml", "kubernetes/apps/media/echo/ks.yaml",
		"kubernetes/apps/media/echo/app/kustomization.yaml", "kubernetes/apps/media/echo/app/configmap.yaml", "kubernetes/apps/media/echo/app/service.yaml"} {
		data, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(f)))
		require.NoError(t, err)
		files[f] = string(data)
	}
	testutil.WriteFiles(t, dir, files)
	res := checkLayout(t, dir)
	require.Equal(t, []string{"cluster"}, clusterNames(res.Fleet))
	c := res.Fleet.Clusters[0]
	require.NotEmpty(t, c.Kustomizations)
	root := c.Kustomizations[0]
	assert.Equal(t, "flux-system/cluster", root.Key)
	assert.Equal(t, &model.Location{Repo: "github.com/acme/home-ops", Branch: "main", Path: "kubernetes/flux/cluster/cluster.yaml", Line: 18}, root.Location)
	assert.Len(t, c.Kustomizations, 3)
	for _, o := range c.Objects {
		assert.NotEqual(t, "GitRepository", o.Kind, "the root's objects are not in its own build")
	}
}
