// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package synth

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

var small = Options{Clusters: 3, AppNamespaces: 2, InfraComponents: 3}

func generate(t testing.TB, opts Options) *Fleet {
	t.Helper()
	f, err := Generate(filepath.Join(t.TempDir(), "fleet"), opts)
	require.NoError(t, err)
	return f
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

func TestGenerateLayout(t *testing.T) {
	f := generate(t, small)
	assert.Equal(t, []string{"prod-002", "staging-001", "staging-003"}, f.Clusters)
	assert.Equal(t, filepath.Join(f.Dir, "d1-fleet"), f.FleetPath)
	assert.Equal(t, filepath.Join(f.Dir, "d1-infra"), f.InfraPath)
	assert.Equal(t, filepath.Join(f.Dir, "d1-apps"), f.AppsPath)
	assert.Equal(t, "https://github.com/synth/d1-fleet.git", f.FleetURL)
	assert.Equal(t, "https://github.com/synth/d1-infra.git", f.InfraURL)
	assert.Equal(t, "https://github.com/synth/d1-apps.git", f.AppsURL)

	entries, err := os.ReadDir(filepath.Join(f.FleetPath, "clusters"))
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, f.Clusters, names)

	for _, c := range f.Clusters {
		for _, p := range []string{"flux-system/flux-instance.yaml", "runtime-info.yaml", "infra-tenant.yaml", "apps-tenant.yaml"} {
			assert.FileExists(t, filepath.Join(f.FleetPath, "clusters", c, p))
		}
	}
	cl := func(c, p string) string { return readFile(t, filepath.Join(f.FleetPath, "clusters", c, p)) }

	staging := cl("staging-001", "runtime-info.yaml")
	assert.Contains(t, staging, `ENVIRONMENT: "staging"`)
	assert.Contains(t, staging, `GIT_BRANCH: "main"`)
	assert.Contains(t, staging, `CLUSTER_NAME: "staging-001"`)
	assert.Contains(t, staging, `CLUSTER_DOMAIN: "staging-001.example.com"`)
	prod := cl("prod-002", "runtime-info.yaml")
	assert.Contains(t, prod, `ENVIRONMENT: "production"`)
	assert.Contains(t, prod, `GIT_BRANCH: "production"`)

	assert.Contains(t, cl("staging-001", "flux-system/flux-instance.yaml"), "image-automation-controller")
	assert.Contains(t, cl("staging-001", "flux-system/flux-instance.yaml"), `path: "clusters/staging-001"`)
	assert.NotContains(t, cl("prod-002", "flux-system/flux-instance.yaml"), "image-")
	for _, p := range []string{"infra-tenant.yaml", "apps-tenant.yaml"} {
		assert.NotContains(t, cl("staging-001", p), "$patch: delete")
		assert.Contains(t, cl("prod-002", p), "$patch: delete")
		assert.Contains(t, cl("prod-002", p), "labelSelector: toolkit.fluxcd.io/role=automation")
	}

	for _, p := range []string{
		"tenants/infra/components/kustomization.yaml",
		"tenants/infra/components/source.yaml",
		"tenants/infra/components/rbac.yaml",
		"tenants/infra/components/comp-01.yaml",
		"tenants/infra/components/comp-03.yaml",
		"tenants/infra/update/kustomization.yaml",
		"tenants/infra/update/automation.yaml",
		"tenants/apps/components/app-01/sync.yaml",
		"tenants/apps/components/app-02/namespace.yaml",
		"tenants/apps/update/automation.yaml",
	} {
		assert.FileExists(t, filepath.Join(f.FleetPath, p))
	}
	assert.NoFileExists(t, filepath.Join(f.FleetPath, "tenants/infra/kustomization.yaml"))
	assert.NoFileExists(t, filepath.Join(f.FleetPath, "tenants/apps/kustomization.yaml"))
	comp3 := readFile(t, filepath.Join(f.FleetPath, "tenants/infra/components/comp-03.yaml"))
	assert.Contains(t, comp3, "path: components/comp-03/controllers/${ENVIRONMENT}")
	assert.Contains(t, comp3, "- name: comp-02-controllers")
	assert.Contains(t, comp3, "- name: comp-03-controllers")
	assert.NotContains(t, readFile(t, filepath.Join(f.FleetPath, "tenants/infra/components/comp-01.yaml")), "comp-00")

	assert.Equal(t, `sources:
  - url: https://github.com/synth/d1-infra.git
    path: ../d1-infra
  - url: https://github.com/synth/d1-apps.git
    path: ../d1-apps
charts:
  - ../charts
`, readFile(t, filepath.Join(f.FleetPath, ".d1lint.yaml")))
	assert.FileExists(t, filepath.Join(f.ChartsPath, "ghcr.io/synth/charts/comp-01-1.2.0/crds/clusterpolicies.yaml"))
	assert.FileExists(t, filepath.Join(f.ChartsPath, "ghcr.io/synth/charts/web-2.3.1/templates/workload.yaml"))

	for _, p := range []string{
		"components/comp-02/controllers/base/release.yaml",
		"components/comp-02/controllers/staging/kustomization.yaml",
		"components/comp-02/configs/production/kustomization.yaml",
		"update/comp-03.yaml",
	} {
		assert.FileExists(t, filepath.Join(f.InfraPath, p))
	}
	assert.Contains(t, readFile(t, filepath.Join(f.InfraPath, "components/comp-01/configs/base/configmap.yaml")), "${LOG_LEVEL:=info}")
	for _, p := range []string{"components/app-02/base/release.yaml", "components/app-02/production/values.yaml", "update/app-02-web.yaml"} {
		assert.FileExists(t, filepath.Join(f.AppsPath, p))
	}
}

func TestGenerateDefaultsAndErrors(t *testing.T) {
	f := generate(t, Options{})
	assert.Equal(t, []string{"prod-002", "staging-001", "staging-003"}, f.Clusters)
	assert.DirExists(t, filepath.Join(f.AppsPath, "components/app-02"))
	assert.NoDirExists(t, filepath.Join(f.AppsPath, "components/app-03"))
	assert.DirExists(t, filepath.Join(f.InfraPath, "components/comp-02"))
	assert.NoDirExists(t, filepath.Join(f.InfraPath, "components/comp-03"))

	_, err := Generate(f.Dir, Options{})
	assert.ErrorContains(t, err, "not empty")
	_, err = Generate(t.TempDir(), Options{Clusters: -1})
	assert.Error(t, err)

	empty := t.TempDir()
	_, err = Generate(empty, Options{Clusters: 1})
	assert.NoError(t, err)
}

// branchTree returns the tree of refs/heads/<branch>.
func branchTree(t *testing.T, r *git.Repository, branch string) (plumbing.Hash, *object.Tree) {
	t.Helper()
	ref, err := r.Reference(plumbing.NewBranchReferenceName(branch), true)
	require.NoError(t, err, branch)
	c, err := r.CommitObject(ref.Hash())
	require.NoError(t, err)
	assert.Equal(t, "synth", c.Author.Name)
	assert.Equal(t, "synth@example.invalid", c.Author.Email)
	assert.True(t, c.Author.When.Equal(CommitTime))
	tree, err := c.Tree()
	require.NoError(t, err)
	return ref.Hash(), tree
}

func treeFile(t *testing.T, tree *object.Tree, path string) string {
	t.Helper()
	f, err := tree.File(path)
	require.NoError(t, err, path)
	s, err := f.Contents()
	require.NoError(t, err)
	return s
}

func TestBranches(t *testing.T) {
	f := generate(t, small)
	for _, tc := range []struct {
		path, file, mainHas, prodHas string
	}{
		{f.InfraPath, "components/comp-01/controllers/base/release.yaml", `version: "1.2.0"`, `version: "1.1.0"`},
		{f.AppsPath, "components/app-02/base/release.yaml", `version: "2.4.1"`, `version: "2.3.1"`},
		{f.AppsPath, "components/app-01/production/values.yaml", "replicaCount: 3", "replicaCount: 2"},
	} {
		r, err := git.PlainOpen(tc.path)
		require.NoError(t, err)
		head, err := r.Head()
		require.NoError(t, err)
		assert.Equal(t, plumbing.NewBranchReferenceName("main"), head.Name())

		mainHash, mainTree := branchTree(t, r, "main")
		prodHash, prodTree := branchTree(t, r, "production")
		assert.NotEqual(t, mainTree.Hash, prodTree.Hash)
		assert.Contains(t, treeFile(t, mainTree, tc.file), tc.mainHas)
		assert.Contains(t, treeFile(t, prodTree, tc.file), tc.prodHas)
		// Both branches carry both overlays.
		assert.Equal(t, len(mainTree.Entries), len(prodTree.Entries))
		mc, err := r.CommitObject(mainHash)
		require.NoError(t, err)
		assert.Equal(t, []plumbing.Hash{prodHash}, mc.ParentHashes)

		// The working tree and index match main.
		w, err := r.Worktree()
		require.NoError(t, err)
		st, err := w.Status()
		require.NoError(t, err)
		assert.True(t, st.IsClean(), "%s: %v", tc.path, st)
		assert.Contains(t, readFile(t, filepath.Join(tc.path, filepath.FromSlash(tc.file))), tc.mainHas)
	}

	r, err := git.PlainOpen(f.FleetPath)
	require.NoError(t, err)
	branchTree(t, r, "main")
	_, err = r.Reference(plumbing.NewBranchReferenceName("production"), true)
	assert.Error(t, err)
	w, err := r.Worktree()
	require.NoError(t, err)
	st, err := w.Status()
	require.NoError(t, err)
	assert.True(t, st.IsClean(), "%v", st)
	_, err = os.Stat(filepath.Join(f.FleetPath, ".d1lint.yaml"))
	require.NoError(t, err)
}

// checkYAML parses every document of content and checks Kubernetes
// manifests have apiVersion and kind.
func checkYAML(t *testing.T, name, content string) {
	t.Helper()
	dec := yaml.NewDecoder(strings.NewReader(content))
	docs := 0
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if !assert.NoError(t, err, name) {
			return
		}
		if doc == nil {
			continue
		}
		docs++
		if filepath.Base(name) != ConfigFile {
			assert.NotEmpty(t, doc["apiVersion"], name)
			assert.NotEmpty(t, doc["kind"], name)
		}
	}
	assert.Positive(t, docs, name)
}

func TestYAMLParses(t *testing.T) {
	f := generate(t, small)
	count := 0
	for _, repo := range []string{f.FleetPath, f.InfraPath, f.AppsPath} {
		err := filepath.WalkDir(repo, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == ".git" {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(p, ".yaml") {
				count++
				checkYAML(t, p, readFile(t, p))
			}
			return nil
		})
		require.NoError(t, err)
	}
	assert.Greater(t, count, 50)

	for _, repo := range []string{f.InfraPath, f.AppsPath} {
		r, err := git.PlainOpen(repo)
		require.NoError(t, err)
		_, tree := branchTree(t, r, "production")
		require.NoError(t, tree.Files().ForEach(func(file *object.File) error {
			if strings.HasSuffix(file.Name, ".yaml") {
				s, err := file.Contents()
				if err != nil {
					return err
				}
				checkYAML(t, repo+"@production:"+file.Name, s)
			}
			return nil
		}))
	}
}

// TestKustomizeBuilds builds every folder that has a kustomization.yaml
// with kustomize, the way kustomize-controller would (before postBuild).
func TestKustomizeBuilds(t *testing.T) {
	f := generate(t, small)
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	fsys := filesys.MakeFsOnDisk()
	built := 0
	for _, repo := range []string{f.FleetPath, f.InfraPath, f.AppsPath} {
		err := filepath.WalkDir(repo, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || d.Name() != "kustomization.yaml" {
				return err
			}
			m, err := k.Run(fsys, filepath.Dir(p))
			if !assert.NoError(t, err, p) {
				return nil
			}
			assert.NotEmpty(t, m.Resources(), p)
			built++
			return nil
		})
		require.NoError(t, err)
	}
	assert.Greater(t, built, 20)

	m, err := k.Run(fsys, filepath.Join(f.AppsPath, "components/app-01/production"))
	require.NoError(t, err)
	out, err := m.AsYaml()
	require.NoError(t, err)
	assert.Contains(t, string(out), "namespace: app-01")
	assert.Contains(t, string(out), "replicaCount: 3")
	assert.Contains(t, string(out), "host: app-01.${CLUSTER_DOMAIN}")

	m, err = k.Run(fsys, filepath.Join(f.FleetPath, "tenants/apps/components/app-02"))
	require.NoError(t, err)
	for _, r := range m.Resources() {
		if r.GetKind() != "Namespace" {
			assert.Equal(t, "app-02", r.GetNamespace(), r.CurId().String())
		}
		assert.Equal(t, "apps", r.GetLabels()["toolkit.fluxcd.io/tenant"])
	}
}

func refHashes(t testing.TB, f *Fleet) map[string]string {
	t.Helper()
	hashes := map[string]string{}
	for _, repo := range []string{f.FleetPath, f.InfraPath, f.AppsPath} {
		r, err := git.PlainOpen(repo)
		require.NoError(t, err)
		refs, err := r.References()
		require.NoError(t, err)
		require.NoError(t, refs.ForEach(func(ref *plumbing.Reference) error {
			if ref.Type() == plumbing.HashReference {
				hashes[filepath.Base(repo)+" "+ref.Name().String()] = ref.Hash().String()
			}
			return nil
		}))
	}
	return hashes
}

func TestDeterministic(t *testing.T) {
	opts := Options{Clusters: 5, AppNamespaces: 3, InfraComponents: 2}
	a := refHashes(t, generate(t, opts))
	b := refHashes(t, generate(t, opts))
	assert.Len(t, a, 5) // fleet main; infra and apps main and production
	assert.Equal(t, a, b)

	c := refHashes(t, generate(t, Options{Clusters: 6, AppNamespaces: 3, InfraComponents: 2}))
	assert.NotEqual(t, a["d1-fleet refs/heads/main"], c["d1-fleet refs/heads/main"])
	assert.Equal(t, a["d1-infra refs/heads/main"], c["d1-infra refs/heads/main"])
}

func TestWriteTreeMatchesIndex(t *testing.T) {
	// The plumbing tree builder must order entries the way git does
	// ("a.b" before the folder "a", which sorts as "a/").
	f := generate(t, Options{Clusters: 1, AppNamespaces: 1, InfraComponents: 1})
	r, err := git.PlainOpen(f.InfraPath)
	require.NoError(t, err)
	files := map[string]string{"a.b": "1", "a/c": "2", "a-b": "3", "ab": "4"}
	h, _, err := writeTree(r.Storer, files)
	require.NoError(t, err)
	tree, err := r.TreeObject(h)
	require.NoError(t, err)
	var names []string
	for _, e := range tree.Entries {
		names = append(names, e.Name)
	}
	assert.Equal(t, []string{"a-b", "a.b", "a", "ab"}, names)
	var buf bytes.Buffer
	for _, p := range slices.Sorted(maps.Keys(files)) {
		buf.WriteString(treeFile(t, tree, p))
	}
	assert.Equal(t, "3124", buf.String())
}

func BenchmarkGenerate(b *testing.B) {
	opts := Options{Clusters: 100, AppNamespaces: 20, InfraComponents: 8}
	for b.Loop() {
		b.StopTimer()
		dir := filepath.Join(b.TempDir(), "fleet")
		b.StartTimer()
		if _, err := Generate(dir, opts); err != nil {
			b.Fatal(err)
		}
	}
}
