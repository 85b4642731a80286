// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package source

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultRules(t *testing.T) {
	a := DefaultArtifacts()
	root, err := a.Map(Spec{URL: "oci://ghcr.io/acme/d2-fleet", Ref: map[string]string{"tag": "latest"}})
	require.NoError(t, err)
	assert.Equal(t, "https://github.com/acme/d2-fleet", root.Repository)
	assert.Equal(t, "", root.Path)
	assert.Equal(t, []Ref{{Branch: "main"}}, root.Refs)
	assert.Equal(t, RuleDefault, root.From)

	comp, err := a.Map(Spec{URL: "oci://GHCR.io/acme/d2-apps/frontend/", Ref: map[string]string{"tag": "latest-stable"}})
	require.NoError(t, err)
	assert.Equal(t, "https://github.com/acme/d2-apps", comp.Repository)
	assert.Equal(t, "components/frontend", comp.Path)
	assert.Equal(t, []Ref{{SemVer: "*", TagPrefix: "frontend/"}, {SemVer: "*"}}, comp.Refs,
		"the newest component release, else the newest release of the repository")

	_, err = a.Map(Spec{URL: "oci://registry.example.com/acme/app"})
	require.ErrorIs(t, err, ErrNotRendered)
	assert.Contains(t, err.Error(), "oci://registry.example.com/acme/app")
	assert.Contains(t, err.Error(), "artifacts:")

	_, err = a.Map(Spec{URL: "https://github.com/acme/app"})
	require.ErrorIs(t, err, ErrNotRendered)
}

func TestArtifactRefs(t *testing.T) {
	a := DefaultArtifacts()
	const url = "oci://ghcr.io/acme/d2-apps/backend"
	for name, tc := range map[string]struct {
		ref  map[string]string
		want []Ref
		desc string
	}{
		"no ref is latest": {nil, []Ref{{Branch: "main"}}, "tag latest"},
		"latest":           {map[string]string{"tag": "latest"}, []Ref{{Branch: "main"}}, "tag latest"},
		"latest-stable": {map[string]string{"tag": "latest-stable"},
			[]Ref{{SemVer: "*", TagPrefix: "backend/"}, {SemVer: "*"}}, "tag latest-stable"},
		"exact version": {map[string]string{"tag": "v1.2.3"},
			[]Ref{{Tag: "backend/v1.2.3"}, {Tag: "v1.2.3"}}, "tag v1.2.3"},
		"exact version without v": {map[string]string{"tag": "1.2.3"},
			[]Ref{{Tag: "backend/v1.2.3"}, {Tag: "backend/1.2.3"}, {Tag: "v1.2.3"}, {Tag: "1.2.3"}}, "tag 1.2.3"},
		"semver range wins over the tag": {map[string]string{"tag": "latest", "semver": ">=1.0.0 <2.0.0"},
			[]Ref{{SemVer: ">=1.0.0 <2.0.0", TagPrefix: "backend/"}, {SemVer: ">=1.0.0 <2.0.0"}}, "semver >=1.0.0 <2.0.0"},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := a.Map(Spec{URL: url, Ref: tc.ref})
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.Refs)
			assert.Equal(t, tc.desc, got.Ref)
		})
	}

	_, err := a.Map(Spec{URL: url, Ref: map[string]string{"digest": "sha256:0123abcd", "tag": "latest"}})
	require.ErrorIs(t, err, ErrNotRendered, "a digest wins over a tag, and git cannot say which commit it is")
	assert.Contains(t, err.Error(), "digest")

	_, err = a.Map(Spec{URL: url, Ref: map[string]string{"tag": "main-0a1b2c3d"}})
	require.ErrorIs(t, err, ErrNotRendered)
	assert.Contains(t, err.Error(), "tags: in the artifacts: entry")
}

// TestNextRelease: a promotion preview reads what releases publish where
// the next release is cut from, what latest maps to.
func TestNextRelease(t *testing.T) {
	const url = "oci://ghcr.io/acme/d2-apps/backend"
	next := DefaultArtifacts().NextRelease()
	for _, ref := range []map[string]string{{"tag": "latest-stable"}, {"tag": "v1.2.3"}, {"semver": ">=1.0.0"}} {
		assert.True(t, ReleaseRef(ref), "%v", ref)
		got, err := next.Map(Spec{URL: url, Ref: ref})
		require.NoError(t, err)
		assert.Equal(t, []Ref{{Branch: "main"}}, got.Refs, "%v", ref)
		assert.Contains(t, got.Ref, "the next release")
	}
	for _, ref := range []map[string]string{{"tag": "latest"}, nil, {"tag": "main-0a1b2c3d"}, {"digest": "sha256:0123abcd"}} {
		assert.False(t, ReleaseRef(ref), "%v", ref)
	}
	got, err := next.Map(Spec{URL: url, Ref: map[string]string{"tag": "latest"}})
	require.NoError(t, err)
	assert.Equal(t, "tag latest", got.Ref, "latest is what it was")

	// A configured latest is where the next release is cut from.
	a, err := NewArtifacts([]ArtifactRule{{URL: "oci://registry.example.com/app", Repository: "https://github.com/acme/app",
		Tags: map[string]Ref{"latest": {Branch: "develop"}}, From: "test"}})
	require.NoError(t, err)
	got, err = a.NextRelease().Map(Spec{URL: "oci://registry.example.com/app", Ref: map[string]string{"tag": "latest-stable"}})
	require.NoError(t, err)
	assert.Equal(t, []Ref{{Branch: "develop"}}, got.Refs)
	got, err = a.Map(Spec{URL: "oci://registry.example.com/app", Ref: map[string]string{"tag": "latest-stable"}})
	require.NoError(t, err)
	assert.NotEqual(t, []Ref{{Branch: "develop"}}, got.Refs, "NextRelease leaves the mapper it came from alone")
}

func TestConfiguredRulesWin(t *testing.T) {
	a, err := NewArtifacts([]ArtifactRule{{
		URL: "oci://ghcr.io/{owner}/apps/{component}", Repository: "https://git.example.com/{owner}/monorepo",
		Path: "deploy/{component}", TagPrefix: "release-{component}-",
		Tags: map[string]Ref{"latest": {Branch: "develop"}, "stable": {SemVer: "~1"}}, From: RuleConfig,
	}})
	require.NoError(t, err)
	got, err := a.Map(Spec{URL: "oci://ghcr.io/acme/team/apps/web", Ref: map[string]string{"tag": "latest"}})
	require.NoError(t, err)
	assert.Equal(t, "https://git.example.com/acme/team/monorepo", got.Repository, "{owner} spans a nested namespace")
	assert.Equal(t, "deploy/web", got.Path)
	assert.Equal(t, []Ref{{Branch: "develop"}}, got.Refs)
	assert.Equal(t, RuleConfig, got.From)

	got, err = a.Map(Spec{URL: "oci://ghcr.io/acme/apps/web", Ref: map[string]string{"tag": "stable"}})
	require.NoError(t, err)
	assert.Equal(t, []Ref{{SemVer: "~1", TagPrefix: "release-web-"}, {SemVer: "~1"}}, got.Refs)

	// Not matched by the configured rule: d2's conventions still apply.
	got, err = a.Map(Spec{URL: "oci://ghcr.io/acme/d2-fleet"})
	require.NoError(t, err)
	assert.Equal(t, RuleDefault, got.From)

	_, err = NewArtifacts([]ArtifactRule{{URL: "oci://ghcr.io/{x}/{x}", From: "here"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "here")
	_, err = NewArtifacts([]ArtifactRule{{URL: "ghcr.io/acme", From: "there"}})
	require.Error(t, err)

	a, err = NewArtifacts([]ArtifactRule{{URL: "oci://ghcr.io/acme/{app}", Repository: "https://github.com/acme/{repo}"}})
	require.NoError(t, err)
	_, err = a.Map(Spec{URL: "oci://ghcr.io/acme/web"})
	require.Error(t, err, "a placeholder the URL does not bind")
	assert.Contains(t, err.Error(), "{repo}")
}

func TestWorkflowRules(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "shop-apps")
	writeFiles(t, dir, map[string]string{
		// The ControlPlane action, one artifact per component.
		".github/workflows/push.yaml": `on: {push: {branches: [main]}}
jobs:
  push:
    strategy: {matrix: {component: [cart, web]}}
    steps:
      - uses: actions/checkout@v4
      - uses: controlplaneio-fluxcd/distribution/actions/push@main
        with:
          repository: ghcr.io/${{ github.repository }}/${{ matrix.component }}
          path: "./components/${{ matrix.component }}"
          diff-tag: latest
`,
		// The same artifacts on release: one rule for both.
		".github/workflows/release.yml": `jobs:
  release:
    steps:
      - uses: controlplaneio-fluxcd/distribution/actions/push@v1
        with:
          repository: ghcr.io/${{ github.repository }}/${{ steps.prep.outputs.component }}
          path: ./components/${{ steps.prep.outputs.component }}
`,
		// The flux CLI, with a shell variable and a line continuation.
		".github/workflows/flux.yaml": `jobs:
  push:
    steps:
      - run: |
          flux push artifact oci://ghcr.io/${{ github.repository_owner }}/shop-config:$(git rev-parse --short HEAD) \
            --path="./config" --source="$(git config --get remote.origin.url)"
          flux push artifact oci://ghcr.io/acme/tools/${TOOL}:latest --path=./tools/${TOOL}
`,
		// Not a workflow, and a workflow whose folder names nothing the URL binds.
		".github/workflows/README.md": "flux push artifact oci://ghcr.io/acme/x:latest --path=.\n",
		".github/workflows/odd.yaml":  "jobs:\n  a:\n    steps:\n      - run: flux push artifact oci://ghcr.io/acme/odd:latest --path=./${{ matrix.x }}\n",
	})
	rules := WorkflowRules(dir, "")
	from := func(f string) string { return "the workflow " + filepath.Join(dir, ".github/workflows", f) }
	assert.ElementsMatch(t, []ArtifactRule{
		{URL: "oci://ghcr.io/{owner}/shop-config", Repository: "https://github.com/{owner}/shop-apps", Path: "config", From: from("flux.yaml")},
		{URL: "oci://ghcr.io/{owner}/shop-apps/{component}", Repository: "https://github.com/{owner}/shop-apps", Path: "components/{component}", From: from("push.yaml")},
	}, rules, "a rule needs a repository: the URL names the owner, or the checkout's URL is known")

	rules = WorkflowRules(dir, "https://github.com/acme/shop-apps.git")
	assert.Contains(t, rules, ArtifactRule{URL: "oci://ghcr.io/acme/tools/{TOOL}", Repository: "https://github.com/acme/shop-apps.git",
		Path: "tools/{TOOL}", From: from("flux.yaml")})

	a, err := NewArtifacts(rules)
	require.NoError(t, err)
	got, err := a.Map(Spec{URL: "oci://ghcr.io/acme/shop-apps/cart", Ref: map[string]string{"tag": "latest-stable"}})
	require.NoError(t, err)
	assert.Equal(t, "components/cart", got.Path)
	assert.Equal(t, "https://github.com/acme/shop-apps.git", got.Repository)
	assert.Equal(t, []Ref{{SemVer: "*", TagPrefix: "cart/"}, {SemVer: "*"}}, got.Refs)

	assert.Empty(t, WorkflowRules(filepath.Join(dir, "missing"), ""))
}

// componentsRepo makes a git repository laid out as d2-apps: components
// backend and frontend, released with tags <component>/vX.Y.Z, and the
// repository itself with v2.0.0.
func componentsRepo(t *testing.T) (dir string, commits map[string]string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "apps")
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")}})
	require.NoError(t, err)
	w, err := repo.Worktree()
	require.NoError(t, err)
	commits = map[string]string{}
	when := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	step := func(version string, tags ...string) {
		writeFiles(t, dir, map[string]string{
			"components/backend/staging/cm.yaml":  "kind: ConfigMap\nmetadata: {name: backend}\ndata: {v: " + version + "}\n",
			"components/frontend/staging/cm.yaml": "kind: ConfigMap\nmetadata: {name: frontend}\ndata: {v: " + version + "}\n",
		})
		require.NoError(t, w.AddWithOptions(&git.AddOptions{All: true}))
		when = when.Add(time.Hour)
		sig := &object.Signature{Name: "T", Email: "t@example.com", When: when}
		h, err := w.Commit(version, &git.CommitOptions{Author: sig, Committer: sig})
		require.NoError(t, err)
		commits[version] = h.String()
		for _, tag := range tags {
			// Annotated, as release tags usually are.
			_, err := repo.CreateTag(tag, h, &git.CreateTagOptions{Tagger: sig, Message: tag})
			require.NoError(t, err)
		}
	}
	step("one", "backend/v0.1.0", "frontend/v0.1.0")
	step("two", "frontend/v0.2.0", "v2.0.0")
	step("three", "backend/v0.2.0-rc.1")
	step("four")
	return dir, commits
}

func TestOCIKindResolves(t *testing.T) {
	dir, commits := componentsRepo(t)
	const repoURL = "https://github.com/acme/apps"
	r := newResolver(t, Options{}, Mapping{URL: repoURL, Path: dir})
	kind := OCIKind(r.Resolve, nil)
	assert.Equal(t, OCIRepository, kind.Kind())

	for name, tc := range map[string]struct {
		url, tag, semver string
		commit, gitTag   string
	}{
		"latest reads main (the working tree)":        {"oci://ghcr.io/acme/apps/backend", "latest", "", commits["four"], ""},
		"latest-stable: the newest component release": {"oci://ghcr.io/acme/apps/frontend", "latest-stable", "", commits["two"], "frontend/v0.2.0"},
		"latest-stable leaves pre-releases out":       {"oci://ghcr.io/acme/apps/backend", "latest-stable", "", commits["one"], "backend/v0.1.0"},
		"an exact version":                            {"oci://ghcr.io/acme/apps/frontend", "0.1.0", "", commits["one"], "frontend/v0.1.0"},
		"a semver range":                              {"oci://ghcr.io/acme/apps/backend", "", ">=0.2.0-0", commits["three"], "backend/v0.2.0-rc.1"},
		"the root at latest-stable":                   {"oci://ghcr.io/acme/apps", "latest-stable", "", commits["two"], "v2.0.0"},
	} {
		t.Run(name, func(t *testing.T) {
			ref := map[string]string{"tag": tc.tag}
			if tc.semver != "" {
				ref = map[string]string{"semver": tc.semver}
			}
			snap, err := kind.Resolve(Spec{URL: tc.url, Ref: ref})
			require.NoError(t, err)
			assert.Equal(t, tc.commit, snap.Commit)
			assert.Equal(t, tc.gitTag, snap.Tag)
			assert.Equal(t, "github.com/acme/apps", snap.URL)
			if tc.url == "oci://ghcr.io/acme/apps" {
				assert.Equal(t, "", snap.Prefix)
				assert.Equal(t, snap.Dir, snap.RepoDir())
				assert.DirExists(t, filepath.Join(snap.Dir, "components"))
				return
			}
			comp := filepath.Base(tc.url)
			assert.Equal(t, "components/"+comp, snap.Prefix)
			assert.FileExists(t, filepath.Join(snap.Dir, "staging", "cm.yaml"), "Dir is the artifact: the component's folder")
			assert.NoDirExists(t, filepath.Join(snap.Dir, "components"))
			assert.Equal(t, "components/"+comp+"/staging/cm.yaml", snap.RepoPath("staging/cm.yaml"))
			assert.FileExists(t, filepath.Join(snap.RepoDir(), "components", comp, "staging", "cm.yaml"))
			assert.Contains(t, snap.Note, tc.url)
			if tc.gitTag != "" {
				assert.Contains(t, snap.Note, "git tag "+tc.gitTag)
			}
		})
	}

	// The same folder of the same revision is one snapshot; two folders
	// of one revision are two, with different IDs (builds are keyed by ID).
	b1, err := kind.Resolve(Spec{URL: "oci://ghcr.io/acme/apps/backend"})
	require.NoError(t, err)
	b2, err := kind.Resolve(Spec{URL: "oci://ghcr.io/acme/apps/backend", Ref: map[string]string{"tag": "latest"}})
	require.NoError(t, err)
	assert.Same(t, b1, b2)
	f, err := kind.Resolve(Spec{URL: "oci://ghcr.io/acme/apps/frontend"})
	require.NoError(t, err)
	assert.NotEqual(t, b1.ID, f.ID)

	_, err = kind.Resolve(Spec{URL: "oci://ghcr.io/acme/apps/backend", Ref: map[string]string{"tag": "v9.9.9"}})
	require.ErrorIs(t, err, ErrRefNotFound)
	assert.Contains(t, err.Error(), "backend/v9.9.9")

	_, err = kind.Resolve(Spec{URL: "oci://ghcr.io/acme/apps/missing"})
	require.ErrorIs(t, err, ErrRefNotFound, "no such folder in the repository")
	assert.Contains(t, err.Error(), "components/missing")

	_, err = kind.Resolve(Spec{URL: "oci://ghcr.io/acme/apps/backend", Ref: map[string]string{"digest": "sha256:00"}})
	require.ErrorIs(t, err, ErrNotRendered)

	_, err = kind.Resolve(Spec{URL: "oci://ghcr.io/acme/unmapped"})
	require.ErrorIs(t, err, ErrNotRendered, "only d2's conventions map it, to a repository that is not checked out")
	assert.Contains(t, err.Error(), "https://github.com/acme/unmapped")
	assert.Contains(t, err.Error(), "artifacts:")

	configured, err := NewArtifacts([]ArtifactRule{{URL: "oci://ghcr.io/acme/unmapped", Repository: "https://github.com/acme/unmapped", From: RuleConfig}})
	require.NoError(t, err)
	_, err = OCIKind(r.Resolve, configured).Resolve(Spec{URL: "oci://ghcr.io/acme/unmapped"})
	assert.True(t, errors.Is(err, ErrUnmapped) && !errors.Is(err, ErrNotRendered), "a configured repository that is not checked out is a mistake: %v", err)
}

func TestSemVerTagPrefix(t *testing.T) {
	dir, commits := componentsRepo(t)
	require.NoError(t, os.RemoveAll(filepath.Join(dir, "components"))) // the working tree plays no part
	r := newResolver(t, Options{}, Mapping{URL: "https://github.com/acme/apps", Path: dir})
	snap, err := r.Resolve("https://github.com/acme/apps", Ref{SemVer: "*"}, "")
	require.NoError(t, err)
	assert.Equal(t, commits["two"], snap.Commit, "without a prefix, component tags are not versions")
	assert.Equal(t, "v2.0.0", snap.Tag)
	snap, err = r.Resolve("https://github.com/acme/apps", Ref{SemVer: "<0.2.0", TagPrefix: "frontend/"}, "")
	require.NoError(t, err)
	assert.Equal(t, commits["one"], snap.Commit)
	assert.Equal(t, "frontend/v0.1.0", snap.Tag)
	_, err = r.Resolve("https://github.com/acme/apps", Ref{SemVer: "*", TagPrefix: "cart/"}, "")
	require.ErrorIs(t, err, ErrRefNotFound)
}
