// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package fleet

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/internal/testutil"
)

// syncFile is a GitRepository and a Kustomization applying path from it,
// both named name in namespace flux-system: a root, whatever its name,
// when path is its own folder.
func syncFile(name, url, path string) string {
	return "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: " + name + "\n  namespace: flux-system\n" +
		"spec:\n  url: " + url + "\n  ref:\n    branch: main\n---\n" +
		"apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: " + name + "\n  namespace: flux-system\n" +
		"spec:\n  path: " + path + "\n  sourceRef:\n    kind: GitRepository\n    name: " + name + "\n"
}

func discover(t *testing.T, root string, opts Options) *Layout {
	t.Helper()
	l, err := Discover(root, opts)
	require.NoError(t, err)
	return l
}

func byName(cs []*Cluster) map[string]*Cluster {
	out := map[string]*Cluster{}
	for _, c := range cs {
		out[c.Name] = c
	}
	return out
}

// TestDiscoverHomeOps: a home-ops repository keeps its one cluster under
// kubernetes/flux/cluster, with no clusters/ folder; its root is a
// Kustomization named cluster that applies its own folder from the
// GitRepository home-ops beside it.
func TestDiscoverHomeOps(t *testing.T) {
	root := testutil.Fixture(t, "layouts", "home-ops")
	l := discover(t, root, Options{})
	assert.Equal(t, root, l.RepoRoot)
	assert.Empty(t, l.Prefix)
	assert.Empty(t, l.Skipped)
	require.Len(t, l.Clusters, 1)
	c := l.Clusters[0]
	assert.Equal(t, "cluster", c.Name)
	assert.Equal(t, "kubernetes/flux/cluster", c.Path)
	assert.Equal(t, EraBootstrap, c.Era)
	assert.Equal(t, FoundKustomization, c.Found)
	assert.False(t, c.Assumed)
	assert.Empty(t, c.Problem)
	assert.Equal(t, "flux-system/cluster", c.Root)
	assert.Equal(t, "flux-system", c.SourceNamespace)
	assert.Equal(t, "home-ops", c.SourceName)
	assert.Equal(t, "https://github.com/acme/home-ops.git", c.URL)
	assert.Equal(t, source.Ref{Branch: "main"}, c.Ref)
	assert.Equal(t, "./kubernetes/flux/cluster", c.SyncPath)
	assert.Equal(t, "kubernetes/flux/cluster/cluster.yaml", c.RootFile)
	assert.Equal(t, 18, c.RootLine, "the Kustomization, second document")
	assert.Equal(t, c.RootFile, c.SyncFile)
	assert.Equal(t, c.RootFile, c.URLFile)
	assert.Equal(t, 11, c.URLLine)
	assert.Equal(t, 4, c.RepoLine)
	require.NotNil(t, c.Repo)
	assert.Equal(t, "cluster", nestedString(c.Sync, "metadata", "name"))
}

// TestDiscoverMonorepo: the fleet is platform/fleet of a monorepo; its
// roots' spec.path start at the repository's top, which is where the
// clusters' paths start too. clusters/all, which every cluster's
// kustomization.yaml includes, is a shared base.
func TestDiscoverMonorepo(t *testing.T) {
	check := func(t *testing.T, repo string) {
		fleet := filepath.Join(repo, "platform", "fleet")
		l := discover(t, fleet, Options{})
		assert.Equal(t, repo, l.RepoRoot)
		assert.Equal(t, "platform/fleet", l.Prefix)
		require.Equal(t, []string{"dev", "prod"}, names(l.Clusters))
		for _, c := range l.Clusters {
			assert.Equal(t, "platform/fleet/clusters/"+c.Name, c.Path)
			assert.Equal(t, FoundBootstrap, c.Found)
			assert.Equal(t, "./platform/fleet/clusters/"+c.Name, c.SyncPath)
			assert.Equal(t, "platform/fleet/clusters/"+c.Name+"/flux-system/gotk-sync.yaml", c.RootFile)
			assert.Equal(t, "https://github.com/acme/platform.git", c.URL)
			assert.Empty(t, c.Problem)
		}
		assert.Equal(t, []Skipped{{Path: "platform/fleet/clusters/all", Reason: "a shared base: clusters/dev/kustomization.yaml refers to it"}}, l.Skipped)
	}
	t.Run("plain folder", func(t *testing.T) {
		// Inside d1lint's own checkout: the enclosing folder that the
		// roots' spec.path name is the repository root.
		check(t, testutil.Fixture(t, "layouts", "monorepo"))
	})
	t.Run("git repository", func(t *testing.T) {
		check(t, testutil.GitCopy(t, testutil.Fixture(t, "layouts", "monorepo"), "https://github.com/acme/platform.git"))
	})
}

// TestDiscoverHubAndSpoke: the hub applies the spokes' folders through
// spec.kubeConfig; they are not clusters, unless one holds a root of its
// own (edge).
func TestDiscoverHubAndSpoke(t *testing.T) {
	l := discover(t, testutil.Fixture(t, "layouts", "hub-spoke"), Options{})
	require.Equal(t, []string{"edge", "hub"}, names(l.Clusters))
	for _, c := range l.Clusters {
		assert.Equal(t, "clusters/"+c.Name, c.Path)
		assert.Equal(t, FoundBootstrap, c.Found)
	}
	assert.Equal(t, []Skipped{
		{Path: "clusters/eu", Reason: "Kustomization flux-system/spoke-eu (clusters/hub/spokes/eu.yaml) applies clusters/eu through spec.kubeConfig (the content of a remote cluster)"},
		{Path: "clusters/us", Reason: "Kustomization flux-system/spoke-us (clusters/hub/spokes/us.yaml) applies clusters/us through spec.kubeConfig (the content of a remote cluster)"},
	}, l.Skipped)
}

// TestDiscoverRootByWhatItApplies: a root is recognised by what it
// applies, not by its name; what is not a root is not taken for one.
func TestDiscoverRootByWhatItApplies(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		// A root named default, in a file of its own name.
		"clusters/prod/sync.yaml": syncFile("default", fleetURL, "./clusters/prod"),
		"clusters/prod/apps.yaml": appsKustomization,
		// A root whose GitRepository is declared elsewhere in its folder.
		"clusters/dev/flux/ks.yaml": "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: dev\n  namespace: flux-system\n" +
			"spec:\n  path: clusters/dev\n  sourceRef:\n    kind: GitRepository\n    name: fleet\n",
		"clusters/dev/flux/repo.yaml": "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: fleet\n  namespace: flux-system\nspec:\n  url: " + fleetURL + "\n",
		// A tenant's sync: it applies ./ of another repository, from deep
		// in the fleet.
		"tenants/base/dev-team/sync.yaml": syncFile("dev-team", "https://github.com/acme/dev-team.git", "./"),
		// A Kustomization applying its own folder from a source nowhere
		// declared: no root.
		"loose/ks.yaml": "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: loose\n  namespace: flux-system\n" +
			"spec:\n  path: ./loose\n  sourceRef:\n    kind: GitRepository\n    name: nowhere\n",
		// A Kustomization applying its own folder through a kubeconfig:
		// another cluster's content, no root.
		"remote/ks.yaml": "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: remote\n  namespace: flux-system\n" +
			"spec:\n  path: ./remote\n  kubeConfig:\n    secretRef:\n      name: kc\n  sourceRef:\n    kind: GitRepository\n    name: remote\n---\n" +
			"apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: remote\n  namespace: flux-system\nspec:\n  url: " + fleetURL + "\n",
		// A root inside another root's folder belongs to that cluster.
		"clusters/prod/nested/sync.yaml": syncFile("nested", fleetURL, "./clusters/prod/nested"),
		// A templated path names no folder.
		"clusters/tmpl/sync.yaml": syncFile("tmpl", fleetURL, "./clusters/${CLUSTER}"),
	})
	l := discover(t, root, Options{})
	require.Equal(t, []string{"dev", "prod", "tmpl"}, names(l.Clusters))
	c := byName(l.Clusters)
	assert.Equal(t, FoundKustomization, c["prod"].Found)
	assert.Equal(t, "flux-system/default", c["prod"].Root)
	assert.Equal(t, "clusters/prod/sync.yaml", c["prod"].RootFile)
	assert.Equal(t, fleetURL, c["prod"].URL)
	assert.Equal(t, "flux-system/dev", c["dev"].Root)
	assert.Equal(t, "flux-system/fleet", c["dev"].SourceNamespace+"/"+c["dev"].SourceName)
	assert.Equal(t, "clusters/dev/flux/repo.yaml", c["dev"].URLFile)
	assert.True(t, c["tmpl"].Assumed, "the templated root is no root: flux bootstrap's is assumed")
	assert.Equal(t, FoundAssumed, c["tmpl"].Found)
	assert.Equal(t, "flux-system/flux-system", c["tmpl"].Root)
}

// TestDiscoverFleetURLNamesTheSource: a root's GitRepository declared
// outside its folder is the fleet's when its URL is the configured fleet
// URL (or a git remote's).
func TestDiscoverFleetURLNamesTheSource(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"sources/fleet.yaml": "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: fleet\n  namespace: flux-system\nspec:\n  url: " + fleetURL + "\n",
		"k8s/main/ks.yaml": "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: main\n  namespace: flux-system\n" +
			"spec:\n  path: ./k8s/main\n  sourceRef:\n    kind: GitRepository\n    name: fleet\n",
	})
	_, err := Discover(root, Options{})
	require.ErrorIs(t, err, ErrNoCluster, "an unknown repository's source")
	l := discover(t, root, Options{FleetURL: "git@github.com:acme/d1-fleet"})
	require.Equal(t, []string{"main"}, names(l.Clusters))
	assert.Equal(t, "sources/fleet.yaml", l.Clusters[0].URLFile)

	gitInit(t, root, map[string]string{"origin": fleetURL})
	l = discover(t, root, Options{})
	assert.Equal(t, []string{"main"}, names(l.Clusters), "the git remote names the fleet")
}

// TestDiscoverInstanceOutsideClusters: a FluxInstance anywhere makes the
// folder its spec.sync.path names a cluster.
func TestDiscoverInstanceOutsideClusters(t *testing.T) {
	root := t.TempDir()
	inst := testutil.FluxInstance("x", fleetURL)
	writeTree(t, root, map[string]string{
		"bootstrap/flux-instance.yaml": inst[:len(inst)-len("clusters/x\n")] + "kubernetes/main\n",
		"kubernetes/main/apps.yaml":    appsKustomization,
	})
	l := discover(t, root, Options{})
	require.Equal(t, []string{"main"}, names(l.Clusters))
	c := l.Clusters[0]
	assert.Equal(t, "kubernetes/main", c.Path)
	assert.Equal(t, EraOperator, c.Era)
	assert.Equal(t, FoundInstance, c.Found)
	assert.Equal(t, "bootstrap/flux-instance.yaml", c.RootFile)
	assert.Equal(t, "flux-system/flux-system", c.Root)
}

// TestDiscoverSharedBases: folders under clusters/ that only hold shared
// bases or templates are not clusters.
func TestDiscoverSharedBases(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"clusters/prod/flux-system/flux-instance.yaml": testutil.FluxInstance("prod", fleetURL),
		"clusters/prod/kustomization.yaml":             "resources:\n  - flux-system\n  - ../common-infra/infra.yaml\n",
		"clusters/common-infra/infra.yaml":             appsKustomization,
		"clusters/base/apps.yaml":                      appsKustomization,
		"clusters/_templates/apps.yaml":                appsKustomization,
		"clusters/only-kustomize/kustomization.yaml":   "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - configmap.yaml\n",
		"clusters/only-kustomize/configmap.yaml":       "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: default\n",
		"clusters/empty/README.md":                     "# soon\n",
		"clusters/staging/apps.yaml":                   appsKustomization,
		// A tenant's sync, whose path names a folder of its own
		// repository that happens to exist in the fleet too.
		"tenants/team/sync.yaml": syncFile("team", "https://github.com/acme/team.git", "./clusters/staging"),
	})
	l := discover(t, root, Options{})
	assert.Equal(t, []string{"prod", "staging"}, names(l.Clusters))
	assert.True(t, byName(l.Clusters)["staging"].Assumed)
	assert.Equal(t, []Skipped{
		{Path: "clusters/_templates", Reason: "a shared base or template (by its name), with no cluster root"},
		{Path: "clusters/base", Reason: "a shared base or template (by its name), with no cluster root"},
		{Path: "clusters/common-infra", Reason: "a shared base: clusters/prod/kustomization.yaml refers to it"},
		{Path: "clusters/empty", Reason: "no cluster root and no Flux manifest"},
		{Path: "clusters/only-kustomize", Reason: "no cluster root and no Flux manifest"},
	}, l.Skipped)
}

// TestDiscoverNoCluster: a folder without clusters is a clear error, naming
// what d1lint looked for and what it left out, never a raw OS error.
func TestDiscoverNoCluster(t *testing.T) {
	root := t.TempDir()
	_, err := Discover(root, Options{})
	require.ErrorIs(t, err, ErrNoCluster)
	assert.Equal(t, "no cluster found under "+root+"; d1lint looks for folders holding a cluster root (a FluxInstance, flux bootstrap's gotk-sync.yaml, "+
		"or a Flux Kustomization that applies its own folder from the fleet repository) and for folders under clusters/ holding Flux manifests; "+
		"pass --fleet with the fleet repository's folder, or list the clusters under clusters: in .d1lint.yaml", err.Error())

	writeTree(t, root, map[string]string{"clusters/base/kustomization.yaml": "resources: []\n"})
	_, err = Discover(root, Options{})
	require.ErrorIs(t, err, ErrNoCluster)
	assert.Contains(t, err.Error(), "under "+root+" (not clusters: clusters/base: a shared base or template (by its name), with no cluster root); d1lint looks for")
}

// TestDiscoverConfigured: the configuration's clusters: list the clusters,
// by folder pattern or by path, root file and name.
func TestDiscoverConfigured(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"k8s/eu/flux-system/gotk-sync.yaml": syncFile("flux-system", fleetURL, "./k8s/eu"),
		"k8s/us/apps.yaml":                  appsKustomization,
		"k8s/base/apps.yaml":                appsKustomization,
		"edge/one/root.yaml":                syncFile("edge", fleetURL, "./edge/one"),
		"edge/one/other.yaml":               appsKustomization,
		"hub/instance.yaml":                 testutil.FluxInstance("hub", fleetURL),
		"misc/cm.yaml":                      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
	})
	l := discover(t, root, Options{Entries: []Entry{
		{Path: "k8s/*"},
		{Path: "edge/one", Root: "edge/one/root.yaml", Name: "edge-1"},
		{Path: "hub", Root: "hub/instance.yaml"},
		{Path: "k8s/eu"}, // already listed: once
	}})
	require.Equal(t, []string{"base", "edge-1", "eu", "hub", "us"}, names(l.Clusters))
	c := byName(l.Clusters)
	for _, cl := range l.Clusters {
		assert.True(t, cl.Configured, cl.Name)
	}
	assert.Equal(t, FoundBootstrap, c["eu"].Found)
	assert.True(t, c["base"].Assumed, "listed, so a cluster, whatever its name")
	assert.True(t, c["us"].Assumed)
	assert.Equal(t, "./k8s/us", c["us"].SyncPath)
	assert.Equal(t, "flux-system/edge", c["edge-1"].Root)
	assert.Equal(t, "edge/one", c["edge-1"].Path)
	assert.Equal(t, FoundInstance, c["hub"].Found)
	assert.Equal(t, "hub", c["hub"].Path, "the configured folder, whatever spec.sync.path says")

	for _, tt := range []struct {
		entries []Entry
		msg     string
	}{
		{[]Entry{{Path: "nope/*"}}, `clusters[0]: path "nope/*" matches no folder under ` + root},
		{[]Entry{{Path: "k8s/eu"}, {Path: "../x"}}, `clusters[1]: path "../x" is not a folder inside the fleet folder`},
		{[]Entry{{Path: "k8s/["}}, `clusters[0]: path "k8s/[" is not a valid pattern`},
		{[]Entry{{Path: "k8s/*", Name: "k"}}, `clusters[0]: name "k" given to 3 folders (k8s/* matches k8s/base, k8s/eu, k8s/us)`},
		{[]Entry{{Path: "k8s/eu", Root: "k8s/eu/missing.yaml"}}, `clusters[0]: root "k8s/eu/missing.yaml" is not a YAML file under ` + root},
		{[]Entry{{Path: "k8s/us", Root: "misc/cm.yaml"}}, `clusters[0]: root misc/cm.yaml holds no FluxInstance and no single Flux Kustomization applying k8s/us`},
		{[]Entry{{Path: "k8s/eu", Name: "x"}, {Path: "k8s/us", Name: "x"}}, `clusters: two clusters are named "x"`},
	} {
		_, err := Discover(root, Options{Entries: tt.entries})
		assert.EqualError(t, err, tt.msg)
	}
}

// TestDiscoverNameClashes: clusters whose folders share a name are named by
// their paths.
func TestDiscoverNameClashes(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"kubernetes/main/flux/cluster/root.yaml":    syncFile("cluster", fleetURL, "./kubernetes/main/flux/cluster"),
		"kubernetes/staging/flux/cluster/root.yaml": syncFile("cluster", fleetURL, "./kubernetes/staging/flux/cluster"),
	})
	l := discover(t, root, Options{})
	assert.Equal(t, []string{"kubernetes/main/flux/cluster", "kubernetes/staging/flux/cluster"}, names(l.Clusters))
	l = discover(t, root, Options{Only: []string{"kubernetes/main/flux/cluster"}})
	assert.Len(t, l.Clusters, 1)
}

// TestDiscoverWholeRepositoryRoot: a root applying the whole repository
// (flux bootstrap --path=.) is the fleet's one cluster, named after the
// fleet folder.
func TestDiscoverWholeRepositoryRoot(t *testing.T) {
	root := filepath.Join(t.TempDir(), "homelab")
	writeTree(t, root, map[string]string{
		"flux-system/gotk-sync.yaml": syncFile("flux-system", fleetURL, "./"),
		"apps/ks.yaml":               appsKustomization,
		"clusters/x/apps.yaml":       appsKustomization,
	})
	l := discover(t, root, Options{})
	require.Equal(t, []string{"homelab"}, names(l.Clusters))
	assert.Equal(t, ".", l.Clusters[0].Path)
	assert.Empty(t, l.Skipped, "clusters/x lies in the cluster's folder")
}
