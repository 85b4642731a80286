// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package source

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/stretchr/testify/require"
)

const appsURL = "https://github.com/d1/apps.git"

// fixture is a git repository built with go-git:
//
//	main1       main: apps/app.yaml "branch: main", symlinks, .github/, logo.png; tags v1.0.0 (lightweight), v2.0.0 (lightweight)
//	prod        production: apps/app.yaml "branch: production"; tag v1.2.0 (annotated)
//	onlyRemote  refs/remotes/origin/only-remote and refs/remotes/upstream/elsewhere only
//	main2       main: adds apps/new.yaml; checked out
//
// and a working tree on main with apps/app.yaml modified, an untracked
// apps/untracked.yaml and a .gitignored ignored.txt.
type fixture struct {
	dir                            string
	repo                           *git.Repository
	main1, main2, prod, onlyRemote string
}

const aliasesYAML = `base: &base
  replicas: 2
one:
  <<: *base
two: *base
`

func newFixture(t testing.TB) *fixture {
	t.Helper()
	dir := t.TempDir()
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
	})
	require.NoError(t, err)
	w, err := repo.Worktree()
	require.NoError(t, err)
	f := &fixture{dir: dir, repo: repo}
	when := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	commit := func(msg string) string {
		t.Helper()
		require.NoError(t, w.AddWithOptions(&git.AddOptions{All: true}))
		when = when.Add(time.Hour)
		sig := &object.Signature{Name: "Test", Email: "test@example.com", When: when}
		h, err := w.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig})
		require.NoError(t, err)
		return h.String()
	}

	writeFiles(t, dir, map[string]string{
		"apps/app.yaml":             "branch: main\n",
		"apps/aliases.yaml":         aliasesYAML,
		".gitignore":                "ignored.txt\n/build/\n",
		".github/workflows/ci.yaml": "on: push\n",
		"logo.png":                  "not really a png",
		"README.md":                 "# apps\n",
	})
	require.NoError(t, os.Symlink("apps/app.yaml", filepath.Join(dir, "link.yaml")))
	require.NoError(t, os.Symlink("apps", filepath.Join(dir, "linkdir")))
	f.main1 = commit("main 1")
	_, err = repo.CreateTag("v1.0.0", plumbing.NewHash(f.main1), nil)
	require.NoError(t, err)
	_, err = repo.CreateTag("v2.0.0", plumbing.NewHash(f.main1), nil)
	require.NoError(t, err)
	_, err = repo.CreateTag("not-semver", plumbing.NewHash(f.main1), nil)
	require.NoError(t, err)

	require.NoError(t, w.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName("production"), Create: true}))
	writeFiles(t, dir, map[string]string{"apps/app.yaml": "branch: production\n"})
	f.prod = commit("production")
	_, err = repo.CreateTag("v1.2.0", plumbing.NewHash(f.prod), &git.CreateTagOptions{
		Tagger:  &object.Signature{Name: "Test", Email: "test@example.com", When: when},
		Message: "release 1.2.0",
	})
	require.NoError(t, err)

	require.NoError(t, w.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName("tmp"), Create: true}))
	writeFiles(t, dir, map[string]string{"apps/app.yaml": "branch: only-remote\n"})
	f.onlyRemote = commit("only remote")
	require.NoError(t, w.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName("main")}))
	require.NoError(t, repo.Storer.RemoveReference(plumbing.NewBranchReferenceName("tmp")))
	require.NoError(t, repo.Storer.SetReference(plumbing.NewHashReference("refs/remotes/origin/only-remote", plumbing.NewHash(f.onlyRemote))))
	require.NoError(t, repo.Storer.SetReference(plumbing.NewHashReference("refs/remotes/upstream/elsewhere", plumbing.NewHash(f.onlyRemote))))

	writeFiles(t, dir, map[string]string{"apps/new.yaml": "new: true\n"})
	f.main2 = commit("main 2")

	// Uncommitted state of the working tree.
	writeFiles(t, dir, map[string]string{
		"apps/app.yaml":       "branch: main-dirty\n",
		"apps/untracked.yaml": "untracked: true\n",
		"ignored.txt":         "ignored\n",
		"build/out.yaml":      "built: true\n",
	})
	return f
}

func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
}

// newResolver returns a Resolver writing under a test temp dir, with an
// empty environment unless opts.Getenv is set.
func newResolver(t testing.TB, opts Options, ms ...Mapping) *Resolver {
	t.Helper()
	if opts.TempDir == "" {
		opts.TempDir = t.TempDir()
	}
	if opts.Getenv == nil {
		opts.Getenv = func(string) string { return "" }
	}
	r, err := NewResolver(ms, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// files lists the files under dir (slash-separated, sorted), failing on
// anything that is not a regular file or directory.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		require.True(t, d.Type().IsRegular(), "%s is not a regular file", p)
		rel, err := filepath.Rel(dir, p)
		require.NoError(t, err)
		out = append(out, filepath.ToSlash(rel))
		return nil
	}))
	sort.Strings(out)
	return out
}

// snapshotFiles is files, without the lock files of the Resolvers' folders
// in tmp (see sweep).
func snapshotFiles(t *testing.T, tmp string) []string {
	t.Helper()
	var out []string
	for _, f := range files(t, tmp) {
		if path.Base(f) != lockName {
			out = append(out, f)
		}
	}
	return out
}

func read(t *testing.T, s *Snapshot, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.Dir, filepath.FromSlash(rel)))
	require.NoError(t, err)
	return string(b)
}

func sigAt(when time.Time) *object.Signature {
	return &object.Signature{Name: "Test", Email: "test@example.com", When: when}
}
