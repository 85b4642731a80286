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
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFixtureCommitsSymlinks(t *testing.T) {
	f := newFixture(t)
	c, err := f.repo.CommitObject(plumbing.NewHash(f.main1))
	require.NoError(t, err)
	tree, err := c.Tree()
	require.NoError(t, err)
	for _, name := range []string{"link.yaml", "linkdir"} {
		e, err := tree.FindEntry(name)
		require.NoError(t, err, name)
		assert.Equal(t, filemode.Symlink, e.Mode, name)
	}
}

// Rule 2: a git mapping without Branch whose checked-out branch is asked
// for gives its working tree, uncommitted and untracked files included,
// .gitignored files and Flux's default exclusions left out.
func TestResolveCheckedOutBranchIsWorktree(t *testing.T) {
	f := newFixture(t)
	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: f.dir})
	s, err := r.Resolve("git@github.com:d1/apps", Ref{Branch: "main"}, "")
	require.NoError(t, err)
	assert.Equal(t, ModeWorktree, s.Mode)
	assert.Equal(t, "main", s.Branch)
	assert.Equal(t, f.main2, s.Commit)
	assert.Equal(t, "github.com/d1/apps", s.URL)
	assert.Equal(t, f.dir, s.LocalPath)
	assert.Contains(t, s.Note, "working tree of")
	assert.Contains(t, s.Note, "checked out: main")
	assert.True(t, filepath.IsAbs(s.Dir))
	assert.Equal(t, "branch: main-dirty\n", read(t, s, "apps/app.yaml"), "uncommitted change")
	assert.Equal(t, []string{
		"README.md", "apps/aliases.yaml", "apps/app.yaml", "apps/new.yaml", "apps/untracked.yaml",
	}, files(t, s.Dir), "no .git, .gitignore, ignored.txt, build/, .github/, *.png, symlinks")
	assert.Equal(t, []FileProblem{
		{Path: "link.yaml", Reason: reasonSymlink},
		{Path: "linkdir", Reason: reasonSymlink},
	}, s.Problems)
}

// Rule 1: a mapping pinned to the branch wins, whatever is checked out.
func TestResolveMappedBranch(t *testing.T) {
	f := newFixture(t)
	folder := t.TempDir()
	writeFiles(t, folder, map[string]string{"apps/app.yaml": "branch: folder-production\n"})

	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: f.dir}, Mapping{URL: appsURL, Path: folder, Branch: "production"})
	s, err := r.Resolve(appsURL, Ref{Branch: "production"}, "")
	require.NoError(t, err)
	assert.Equal(t, ModeFolder, s.Mode)
	assert.Equal(t, "production", s.Branch)
	assert.Empty(t, s.Commit)
	assert.Equal(t, "branch: folder-production\n", read(t, s, "apps/app.yaml"))
	assert.Contains(t, s.Note, "mapped to branch production")

	// A git checkout pinned to a branch stands for it with its working tree.
	r2 := newResolver(t, Options{}, Mapping{URL: appsURL, Path: f.dir, Branch: "production"})
	s, err = r2.Resolve(appsURL, Ref{Branch: "production"}, "")
	require.NoError(t, err)
	assert.Equal(t, ModeWorktree, s.Mode)
	assert.Equal(t, "production", s.Branch)
	assert.Equal(t, f.main2, s.Commit)
	assert.Equal(t, "branch: main-dirty\n", read(t, s, "apps/app.yaml"))
}

// Rule 3: other branches are read from git objects: local, then origin,
// then any remote.
func TestResolveBranchFromGitObjects(t *testing.T) {
	f := newFixture(t)
	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: f.dir})
	cases := []struct {
		branch, commit, content, ref string
	}{
		{"production", f.prod, "branch: production\n", "refs/heads/production"},
		{"only-remote", f.onlyRemote, "branch: only-remote\n", "refs/remotes/origin/only-remote"},
		{"elsewhere", f.onlyRemote, "branch: only-remote\n", "refs/remotes/upstream/elsewhere"},
	}
	for _, c := range cases {
		s, err := r.Resolve(appsURL, Ref{Branch: c.branch}, "")
		require.NoError(t, err, c.branch)
		assert.Equal(t, ModeGit, s.Mode, c.branch)
		assert.Equal(t, c.commit, s.Commit, c.branch)
		assert.Equal(t, c.branch, s.Branch, c.branch)
		assert.Equal(t, c.content, read(t, s, "apps/app.yaml"), c.branch)
		assert.Contains(t, s.Note, c.ref+" at "+c.commit[:7], c.branch)
		assert.NotContains(t, files(t, s.Dir), "apps/untracked.yaml", c.branch)
		assert.NotContains(t, files(t, s.Dir), "apps/new.yaml", c.branch)
	}
	// A branch checked out elsewhere is still read from objects when the
	// mapping is pinned to another branch.
	r2 := newResolver(t, Options{}, Mapping{URL: appsURL, Path: f.dir, Branch: "staging"})
	s, err := r2.Resolve(appsURL, Ref{Branch: "main"}, "")
	require.NoError(t, err)
	assert.Equal(t, ModeGit, s.Mode)
	assert.Equal(t, f.main2, s.Commit)
	assert.Equal(t, "branch: main\n", read(t, s, "apps/app.yaml"))
}

// Rule 4: a plain folder with no branch stands for any ref.
func TestResolvePlainFolderStandsForAnyRef(t *testing.T) {
	folder := t.TempDir()
	writeFiles(t, folder, map[string]string{"a.yaml": "a: 1\n"})
	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: folder})
	for _, ref := range []Ref{{Branch: "whatever"}, {Tag: "v9"}, {Commit: "abcdef1"}, {SemVer: ">=1"}, {Name: "refs/pull/1/head"}} {
		s, err := r.Resolve(appsURL, ref, "")
		require.NoError(t, err, ref)
		assert.Equal(t, ModeFolder, s.Mode, ref)
		assert.Contains(t, s.Note, "standing for any ref", ref)
		assert.Equal(t, []string{"a.yaml"}, files(t, s.Dir), ref)
	}
}

// Rule 5: nothing provides the branch.
func TestResolveMissingBranch(t *testing.T) {
	f := newFixture(t)
	folder := t.TempDir()
	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: f.dir}, Mapping{URL: appsURL, Path: folder, Branch: "staging"})
	_, err := r.Resolve(appsURL, Ref{Branch: "nope"}, "")
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrRefNotFound))
	assert.False(t, errors.Is(err, ErrUnmapped))
	assert.Contains(t, err.Error(), `branch "nope" not found in `+f.dir)
	assert.Contains(t, err.Error(), "refs/heads/nope, refs/remotes/*/nope")
	assert.Contains(t, err.Error(), "mapped branches: staging")
}

// TestResolveRefName: spec.ref.name (a FluxInstance's spec.sync.ref) is a
// full git ref to Flux; a name outside refs/ or one git refuses is said so
// in Flux's terms, never as go-git's lookup failure, and a missing ref
// names the forms Flux accepts.
func TestResolveRefName(t *testing.T) {
	f := newFixture(t)
	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: f.dir})
	for name, want := range map[string]string{
		"main":               `ref name "main" is not a full git ref (a FluxInstance's spec.sync.ref is one): a branch is refs/heads/<branch>`,
		"main/foo":           `ref name "main/foo" is not a full git ref`,
		"refs/x..y":          `ref name "refs/x..y" is not a valid git ref name (see git check-ref-format)`,
		"refs/x":             "name refs/x not found in " + f.dir + "; a branch is refs/heads/<branch>, a tag refs/tags/<tag>, another ref refs/<path> (refs/pull/<n>/head)",
		"refs/pull/420/head": "name refs/pull/420/head not found in ",
	} {
		_, err := r.Resolve(appsURL, Ref{Name: name}, "")
		require.Error(t, err, name)
		assert.ErrorIs(t, err, ErrRefNotFound, name)
		assert.Contains(t, err.Error(), want, name)
		assert.NotContains(t, err.Error(), "reference storage", name)
	}
	s, err := r.Resolve(appsURL, Ref{Name: "refs/heads/main"}, "")
	require.NoError(t, err)
	assert.Equal(t, "main", s.Branch)
}

func TestResolveUnmapped(t *testing.T) {
	f := newFixture(t)
	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: f.dir})
	_, err := r.Resolve("https://github.com/d1/other", Ref{Branch: "main"}, "")
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrUnmapped))
	assert.Equal(t, "no local path mapped for https://github.com/d1/other (map the repository to a local checkout)", err.Error())
	_, err = r.Worktree("https://github.com/d1/other", "main")
	assert.ErrorIs(t, err, ErrUnmapped)
}

func TestResolveTagsCommitsNamesSemver(t *testing.T) {
	f := newFixture(t)
	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: f.dir})
	cases := []struct {
		ref     Ref
		commit  string
		content string
		note    string
	}{
		{Ref{Tag: "v1.0.0"}, f.main1, "branch: main\n", "refs/tags/v1.0.0"},
		{Ref{Tag: "v1.2.0"}, f.prod, "branch: production\n", "refs/tags/v1.2.0"}, // annotated: peeled
		{Ref{Commit: f.prod}, f.prod, "branch: production\n", "commit " + f.prod[:7]},
		{Ref{Commit: f.onlyRemote[:7]}, f.onlyRemote, "branch: only-remote\n", "commit " + f.onlyRemote[:7]},
		{Ref{Commit: f.main1, Branch: "production"}, f.main1, "branch: main\n", "commit"}, // commit wins over branch
		{Ref{Name: "refs/remotes/origin/only-remote"}, f.onlyRemote, "branch: only-remote\n", "refs/remotes/origin/only-remote"},
		{Ref{Name: "refs/tags/v1.2.0"}, f.prod, "branch: production\n", "refs/tags/v1.2.0"},
		{Ref{SemVer: ">=1.0.0 <2.0.0"}, f.prod, "branch: production\n", "tag v1.2.0"},
		{Ref{SemVer: "~1.0"}, f.main1, "branch: main\n", "tag v1.0.0"},
		{Ref{SemVer: ">=1"}, f.main1, "branch: main\n", "tag v2.0.0"},
		{Ref{SemVer: "^1", Tag: "v1.0.0"}, f.prod, "branch: production\n", "tag v1.2.0"}, // semver before tag
		{Ref{Tag: "v1.0.0", Branch: "production"}, f.main1, "branch: main\n", "refs/tags/v1.0.0"},
	}
	for _, c := range cases {
		s, err := r.Resolve(appsURL, c.ref, "")
		require.NoError(t, err, c.ref.String())
		assert.Equal(t, ModeGit, s.Mode, c.ref.String())
		assert.Equal(t, c.commit, s.Commit, c.ref.String())
		assert.Equal(t, c.content, read(t, s, "apps/app.yaml"), c.ref.String())
		assert.Contains(t, s.Note, c.note, c.ref.String())
	}

	// refs/heads/B names follow the branch rules (here: the working tree).
	s, err := r.Resolve(appsURL, Ref{Name: "refs/heads/main"}, "")
	require.NoError(t, err)
	assert.Equal(t, ModeWorktree, s.Mode)
	assert.Equal(t, "main", s.Branch)

	for _, ref := range []Ref{{Tag: "v0.0.1"}, {Commit: "0123456789abcdef0123456789abcdef01234567"}, {Commit: "0123456"}, {Name: "refs/pull/1/head"}, {SemVer: ">=5"}, {Commit: "xyz"}, {Commit: "abc"}} {
		_, err := r.Resolve(appsURL, ref, "")
		assert.ErrorIs(t, err, ErrRefNotFound, ref.String())
	}
	_, err = r.Resolve(appsURL, Ref{SemVer: "not a constraint!"}, "")
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrRefNotFound)
	assert.Contains(t, err.Error(), "semver")
}

func TestResolveEmptyRef(t *testing.T) {
	f := newFixture(t)
	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: f.dir})
	s, err := r.Resolve(appsURL, Ref{}, "")
	require.NoError(t, err)
	assert.Equal(t, "main", s.Branch, "no master anywhere: main")
	assert.Equal(t, ModeWorktree, s.Mode)
	assert.Contains(t, s.Note, "spec.ref empty")

	// With a master branch, master is used.
	require.NoError(t, f.repo.Storer.SetReference(plumbing.NewHashReference("refs/heads/master", plumbing.NewHash(f.prod))))
	r2 := newResolver(t, Options{}, Mapping{URL: appsURL, Path: f.dir})
	s, err = r2.Resolve(appsURL, Ref{}, "")
	require.NoError(t, err)
	assert.Equal(t, "master", s.Branch)
	assert.Equal(t, ModeGit, s.Mode)
	assert.Equal(t, f.prod, s.Commit)
	assert.Contains(t, s.Note, "default branch master")
}

// A detached HEAD stands for the branch GITHUB_BASE_REF names.
func TestResolveDetachedHeadWithGitHubBaseRef(t *testing.T) {
	f := newFixture(t)
	w, err := f.repo.Worktree()
	require.NoError(t, err)
	require.NoError(t, w.Checkout(&git.CheckoutOptions{Hash: plumbing.NewHash(f.prod), Force: true}))
	head, err := f.repo.Reference(plumbing.HEAD, false)
	require.NoError(t, err)
	require.Equal(t, plumbing.HashReference, head.Type(), "HEAD is detached")
	writeFiles(t, f.dir, map[string]string{"apps/pr.yaml": "pr: 1\n"})

	env := map[string]string{"GITHUB_BASE_REF": "release"}
	r := newResolver(t, Options{Getenv: func(k string) string { return env[k] }}, Mapping{URL: appsURL, Path: f.dir})
	s, err := r.Resolve(appsURL, Ref{Branch: "release"}, "")
	require.NoError(t, err)
	assert.Equal(t, ModeWorktree, s.Mode)
	assert.Equal(t, "release", s.Branch)
	assert.Equal(t, f.prod, s.Commit)
	assert.Contains(t, s.Note, "GITHUB_BASE_REF")
	assert.Contains(t, files(t, s.Dir), "apps/pr.yaml")

	// Without it, the detached working tree stands for no branch.
	r2 := newResolver(t, Options{}, Mapping{URL: appsURL, Path: f.dir})
	_, err = r2.Resolve(appsURL, Ref{Branch: "release"}, "")
	assert.ErrorIs(t, err, ErrRefNotFound)
	s, err = r2.Resolve(appsURL, Ref{Branch: "main"}, "")
	require.NoError(t, err)
	assert.Equal(t, ModeGit, s.Mode, "main is read from objects when HEAD is detached")
}

// A linked worktree (.git is a file) is opened through the common dir.
func TestResolveLinkedWorktree(t *testing.T) {
	f := newFixture(t)
	wt := t.TempDir()
	admin := filepath.Join(f.dir, ".git", "worktrees", "wt")
	require.NoError(t, os.MkdirAll(admin, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(admin, "HEAD"), []byte("ref: refs/heads/production\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(admin, "commondir"), []byte("../..\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(admin, "gitdir"), []byte(filepath.Join(wt, ".git")+"\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(wt, ".git"), []byte("gitdir: "+admin+"\n"), 0o644))
	writeFiles(t, wt, map[string]string{"apps/app.yaml": "branch: production-wt\n"})

	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: wt})
	s, err := r.Resolve(appsURL, Ref{Branch: "production"}, "")
	require.NoError(t, err)
	assert.Equal(t, ModeWorktree, s.Mode)
	assert.Equal(t, f.prod, s.Commit)
	assert.Equal(t, "branch: production-wt\n", read(t, s, "apps/app.yaml"))
	assert.NotContains(t, files(t, s.Dir), ".git")

	s, err = r.Resolve(appsURL, Ref{Tag: "v1.0.0"}, "")
	require.NoError(t, err)
	assert.Equal(t, ModeGit, s.Mode)
	assert.Equal(t, "branch: main\n", read(t, s, "apps/app.yaml"))
}

func TestWorktree(t *testing.T) {
	f := newFixture(t)
	folder := t.TempDir()
	writeFiles(t, folder, map[string]string{"x.yaml": "x: 1\n"})
	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: f.dir}, Mapping{URL: appsURL, Path: folder, Branch: "staging"})

	s, err := r.Worktree(appsURL, "production")
	require.NoError(t, err)
	assert.Equal(t, ModeWorktree, s.Mode, "the working tree stands for the synced branch")
	assert.Equal(t, "production", s.Branch)
	assert.Equal(t, "branch: main-dirty\n", read(t, s, "apps/app.yaml"))
	assert.Contains(t, s.Note, "standing for production")

	s2, err := r.Worktree(appsURL, "")
	require.NoError(t, err)
	assert.Equal(t, "main", s2.Branch, "empty branch: the checked-out one")
	assert.Equal(t, s.ID, s2.ID, "same content, same ID")
	assert.Equal(t, s.Dir, s2.Dir)

	s3, err := r.Worktree(appsURL, "staging")
	require.NoError(t, err)
	assert.Equal(t, ModeFolder, s3.Mode)
	assert.Equal(t, []string{"x.yaml"}, files(t, s3.Dir))

	// The same working tree through Resolve shares the snapshot.
	s4, err := r.Resolve(appsURL, Ref{Branch: "main"}, "")
	require.NoError(t, err)
	assert.Same(t, s2, s4)
}

func TestSnapshotsAreSharedAndDeterministic(t *testing.T) {
	f := newFixture(t)
	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: f.dir})
	a, err := r.Resolve(appsURL, Ref{Branch: "production"}, "")
	require.NoError(t, err)
	b, err := r.Resolve("git@github.com:d1/apps.git", Ref{Branch: "production"}, "")
	require.NoError(t, err)
	assert.Same(t, a, b)

	c, err := r.Resolve(appsURL, Ref{Branch: "production"}, "*.md\n")
	require.NoError(t, err)
	assert.NotEqual(t, a.ID, c.ID)
	assert.NotEqual(t, a.Dir, c.Dir)

	// The same commit through a tag shares the files but keeps its own label.
	d, err := r.Resolve(appsURL, Ref{Tag: "v1.2.0"}, "")
	require.NoError(t, err)
	assert.Equal(t, a.ID, d.ID)
	assert.Equal(t, a.Dir, d.Dir)
	assert.Empty(t, d.Branch)
	assert.Equal(t, "production", a.Branch)

	// IDs are stable across resolvers (and runs).
	r2 := newResolver(t, Options{}, Mapping{URL: appsURL, Path: f.dir})
	e, err := r2.Resolve(appsURL, Ref{Branch: "production"}, "")
	require.NoError(t, err)
	assert.Equal(t, a.ID, e.ID)
	assert.Len(t, a.ID, 16)
	assert.NotEqual(t, a.Dir, e.Dir)
}

func TestResolveConcurrent(t *testing.T) {
	f := newFixture(t)
	folder := t.TempDir()
	writeFiles(t, folder, map[string]string{"x.yaml": "x: 1\n"})
	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: f.dir}, Mapping{URL: "https://github.com/d1/other", Path: folder})
	refs := []Ref{{Branch: "main"}, {Branch: "production"}, {Tag: "v1.0.0"}, {Branch: "only-remote"}, {SemVer: "^1"}, {Commit: f.main1[:8]}}
	const workers = 24
	results := make([][]*Snapshot, workers)
	others := make([]*Snapshot, workers)
	errs := make(chan error, workers*(len(refs)+1))
	done := make(chan struct{})
	for i := 0; i < workers; i++ {
		go func(i int) {
			defer func() { done <- struct{}{} }()
			for j := range refs {
				ref := refs[(i+j)%len(refs)]
				s, err := r.Resolve(appsURL, ref, "")
				if err != nil {
					errs <- err
					return
				}
				if results[i] == nil {
					results[i] = make([]*Snapshot, len(refs))
				}
				results[i][(i+j)%len(refs)] = s
			}
			s, err := r.Resolve("https://github.com/d1/other", Ref{Branch: "x"}, "")
			if err != nil {
				errs <- err
			}
			others[i] = s
		}(i)
	}
	for i := 0; i < workers; i++ {
		<-done
	}
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for i := 1; i < workers; i++ {
		for j := range refs {
			assert.Same(t, results[0][j], results[i][j], "worker %d ref %s", i, refs[j])
		}
		assert.Same(t, others[0], others[i])
	}
	assert.Equal(t, "branch: production\n", read(t, results[0][1], "apps/app.yaml"))
}

func TestClose(t *testing.T) {
	f := newFixture(t)
	tmp := t.TempDir()
	r, err := NewResolver([]Mapping{{URL: appsURL, Path: f.dir}}, Options{TempDir: tmp, Getenv: func(string) string { return "" }})
	require.NoError(t, err)
	a, err := r.Resolve(appsURL, Ref{Branch: "main"}, "")
	require.NoError(t, err)
	b, err := r.Resolve(appsURL, Ref{Tag: "v1.0.0"}, "")
	require.NoError(t, err)
	assert.DirExists(t, a.Dir)
	assert.DirExists(t, b.Dir)
	require.NoError(t, r.Close())
	assert.NoDirExists(t, a.Dir)
	assert.NoDirExists(t, b.Dir)
	left, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, left, "the per-resolver temp root is removed too")
	_, err = r.Resolve(appsURL, Ref{Branch: "main"}, "")
	assert.Error(t, err)
	assert.NoError(t, r.Close(), "Close is idempotent")
}

func TestNewResolverValidatesPaths(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	_, err := NewResolver([]Mapping{{URL: appsURL, Path: missing}}, Options{TempDir: t.TempDir()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the folder "+missing+" does not exist; map the URL to the folder of a local checkout")
	assert.NotContains(t, err.Error(), "stat ", "no raw OS error")

	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	_, err = NewResolver([]Mapping{{URL: appsURL, Path: file}}, Options{TempDir: t.TempDir()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), file+" is a file, not a folder")

	_, err = NewResolver([]Mapping{{URL: "", Path: t.TempDir()}}, Options{TempDir: t.TempDir()})
	assert.Error(t, err)
}

func TestMappingsAndAddMapping(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	r := newResolver(t, Options{},
		Mapping{URL: "https://github.com/z/z", Path: a},
		Mapping{URL: "https://github.com/a/a", Path: b, Branch: "prod"},
		Mapping{URL: "https://github.com/a/a", Path: a},
	)
	want := []Mapping{
		{URL: "https://github.com/a/a", Path: a},
		{URL: "https://github.com/a/a", Path: b, Branch: "prod"},
		{URL: "https://github.com/z/z", Path: a},
	}
	assert.Equal(t, want, r.Mappings())

	require.NoError(t, r.AddMapping(Mapping{URL: "https://github.com/a/a", Path: a}), "duplicate is a no-op")
	assert.Len(t, r.Mappings(), 3)
	err := r.AddMapping(Mapping{URL: "git@github.com:a/a.git", Path: a, Branch: "prod"})
	require.Error(t, err, "prod is already mapped to another path")
	assert.Contains(t, err.Error(), "already mapped")

	// Relative paths are stored absolute.
	wd, err := os.Getwd()
	require.NoError(t, err)
	require.NoError(t, r.AddMapping(Mapping{URL: "https://github.com/r/r", Path: "."}))
	assert.Contains(t, r.Mappings(), Mapping{URL: "https://github.com/r/r", Path: wd})
}

func TestRefString(t *testing.T) {
	assert.Equal(t, "branch main", Ref{Branch: "main"}.String())
	assert.Equal(t, "tag v1.2.0", Ref{Tag: "v1.2.0", Branch: "main"}.String())
	assert.Equal(t, "commit abc123", Ref{Commit: "abc123"}.String())
	assert.Equal(t, "commit abc123 on branch main", Ref{Commit: "abc123", Branch: "main"}.String())
	assert.Equal(t, "semver >=1", Ref{SemVer: ">=1", Tag: "x"}.String())
	assert.Equal(t, "name refs/pull/1/head", Ref{Name: "refs/pull/1/head", SemVer: "x"}.String())
	assert.Equal(t, "default branch", Ref{}.String())
}

// A hostile tree entry named ".." must not escape the snapshot.
func TestGitModeRefusesUnsafePaths(t *testing.T) {
	f := newFixture(t)
	st := f.repo.Storer
	blob := st.NewEncodedObject()
	blob.SetType(plumbing.BlobObject)
	wr, err := blob.Writer()
	require.NoError(t, err)
	_, err = wr.Write([]byte("evil: true\n"))
	require.NoError(t, err)
	require.NoError(t, wr.Close())
	blobHash, err := st.SetEncodedObject(blob)
	require.NoError(t, err)

	storeTree := func(entries ...object.TreeEntry) plumbing.Hash {
		tr := &object.Tree{Entries: entries}
		o := st.NewEncodedObject()
		require.NoError(t, tr.Encode(o))
		h, err := st.SetEncodedObject(o)
		require.NoError(t, err)
		return h
	}
	inner := storeTree(object.TreeEntry{Name: "evil.yaml", Mode: filemode.Regular, Hash: blobHash})
	root := storeTree(
		object.TreeEntry{Name: "..", Mode: filemode.Dir, Hash: inner},
		object.TreeEntry{Name: "ok.yaml", Mode: filemode.Regular, Hash: blobHash},
	)
	sig := object.Signature{Name: "x", Email: "x@example.com", When: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}
	c := &object.Commit{Author: sig, Committer: sig, Message: "evil", TreeHash: root}
	o := st.NewEncodedObject()
	require.NoError(t, c.Encode(o))
	ch, err := st.SetEncodedObject(o)
	require.NoError(t, err)

	tmp := t.TempDir()
	r := newResolver(t, Options{TempDir: tmp}, Mapping{URL: appsURL, Path: f.dir})
	_, err = r.Resolve(appsURL, Ref{Commit: ch.String()}, "")
	require.Error(t, err, "go-git refuses to decode the tree; the resolve fails")
	assert.Contains(t, err.Error(), `invalid path ".."`)
	assert.Contains(t, err.Error(), f.dir)
	// Nothing was written, and the failed snapshot directory is gone.
	assert.Equal(t, []string{}, append([]string{}, snapshotFiles(t, tmp)...))
}

func TestCheckPath(t *testing.T) {
	for _, p := range []string{"../x", "a/../x", "/etc/passwd", "a//b", "./a", "a\\b", "a\x00b", ""} {
		_, skip, refuse := checkPath(p)
		assert.True(t, refuse, p)
		assert.False(t, skip, p)
	}
	for _, p := range []string{".git/config", "a/.GIT/x"} {
		_, skip, _ := checkPath(p)
		assert.True(t, skip, p)
	}
	_, skip, refuse := checkPath("apps/.gitkeep")
	assert.False(t, skip || refuse)
}

// Revision reads any revision git rev-parse names, from git objects, never
// the working tree's edits.
func TestRevision(t *testing.T) {
	f := newFixture(t)
	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: f.dir})
	for rev, want := range map[string]string{
		"main": f.main2, "HEAD": f.main2, "main~1": f.main1, "production": f.prod,
		"origin/only-remote": f.onlyRemote, "v1.2.0": f.prod, f.main1[:10]: f.main1,
	} {
		s, err := r.Revision(appsURL, rev)
		require.NoError(t, err, rev)
		assert.Equal(t, ModeGit, s.Mode, rev)
		assert.Equal(t, want, s.Commit, rev)
		assert.NotContains(t, files(t, s.Dir), "apps/untracked.yaml", rev)
	}
	s, err := r.Revision(appsURL, "main")
	require.NoError(t, err)
	assert.Equal(t, "branch: main\n", read(t, s, "apps/app.yaml"), "committed content, not the working tree's edit")
	_, err = r.Revision(appsURL, "no-such-rev")
	assert.ErrorIs(t, err, ErrRefNotFound)
}

// TestRevisionCopyStandsIn: a copy of a revision applies no ignore rules
// and lists every file it lacks; mapped with those problems, it gives, for
// any spec.ignore, the files and the problems of the revision itself.
func TestRevisionCopyStandsIn(t *testing.T) {
	f := newFixture(t)
	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: f.dir})
	c, err := r.Revision(appsURL, "HEAD")
	require.NoError(t, err)
	assert.Equal(t, []string{".github/workflows/ci.yaml", ".gitignore", "README.md", "apps/aliases.yaml", "apps/app.yaml", "apps/new.yaml", "logo.png"},
		files(t, c.Dir), "no ignore rules")
	assert.Equal(t, []FileProblem{{Path: "link.yaml", Reason: reasonSymlink}, {Path: "linkdir", Reason: reasonSymlink}}, c.Problems)
	ignored, err := r.Resolve(appsURL, Ref{Commit: f.main2}, "")
	require.NoError(t, err)
	assert.NotEqual(t, ignored.ID, c.ID, "not the snapshot that applies the default exclusions")

	const copyURL = "https://github.com/d1/copy.git"
	cr := newResolver(t, Options{}, Mapping{URL: copyURL, Path: c.Dir, Problems: c.Problems})
	for _, ignore := range []string{"", "/link.yaml\n", "!*.png\n/apps/new.yaml\n", "*\n"} {
		want, err := r.Resolve(appsURL, Ref{Commit: f.main2}, ignore)
		require.NoError(t, err)
		got, err := cr.Resolve(copyURL, Ref{Branch: "main"}, ignore)
		require.NoError(t, err)
		assert.Equal(t, ModeFolder, got.Mode)
		assert.Equal(t, files(t, want.Dir), files(t, got.Dir), "spec.ignore %q", ignore)
		assert.Equal(t, want.Problems, got.Problems, "spec.ignore %q", ignore)
	}
}

// TestMappingProblems: the problems a mapping carries are the snapshot's,
// sorted with its own, kept or left out as a file of the folder would be:
// an unsafe path is refused whatever the ignore rules, a .git element is
// never read, anything else follows the ignore rules.
func TestMappingProblems(t *testing.T) {
	folder := t.TempDir()
	writeFiles(t, folder, map[string]string{"a.yaml": "a: 1\n"})
	require.NoError(t, os.Symlink("a.yaml", filepath.Join(folder, "b.yaml")))
	carried := []FileProblem{
		{Path: "z/big.yaml", Reason: "file too large (9 bytes > 8)", Refused: true},
		{Path: "../up.yaml", Reason: "unsafe path refused", Refused: true},
		{Path: "sub/.git/config", Reason: reasonSpecial},
		{Path: "c.yaml", Reason: reasonSymlink},
	}
	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: folder, Problems: carried})
	s, err := r.Resolve(appsURL, Ref{Branch: "main"}, "")
	require.NoError(t, err)
	assert.Equal(t, []FileProblem{carried[1], {Path: "b.yaml", Reason: reasonSymlink}, carried[3], carried[0]}, s.Problems)
	s, err = r.Resolve(appsURL, Ref{Branch: "main"}, "/z/\n/c.yaml\n")
	require.NoError(t, err)
	assert.Equal(t, []FileProblem{carried[1], {Path: "b.yaml", Reason: reasonSymlink}}, s.Problems)
	assert.Equal(t, carried, r.Mappings()[0].Problems)
}
