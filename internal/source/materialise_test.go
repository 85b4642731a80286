// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package source

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGitModeDropsSymlinks(t *testing.T) {
	f := newFixture(t)
	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: f.dir})
	s, err := r.Resolve(appsURL, Ref{Tag: "v1.0.0"}, "")
	require.NoError(t, err)
	assert.Equal(t, ModeGit, s.Mode)
	assert.Equal(t, []FileProblem{
		{Path: "link.yaml", Reason: reasonSymlink},
		{Path: "linkdir", Reason: reasonSymlink},
	}, s.Problems)
	assert.Equal(t, []string{"README.md", "apps/aliases.yaml", "apps/app.yaml"}, files(t, s.Dir))
	assert.NoFileExists(t, filepath.Join(s.Dir, "link.yaml"))
	assert.NoDirExists(t, filepath.Join(s.Dir, "linkdir"))
}

func TestFolderModeDropsSymlinksAndSpecialFiles(t *testing.T) {
	folder := t.TempDir()
	outside := t.TempDir()
	writeFiles(t, outside, map[string]string{"secret.yaml": "token: x\n"})
	writeFiles(t, folder, map[string]string{"a.yaml": "a: 1\n", "sub/b.yaml": "b: 1\n"})
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret.yaml"), filepath.Join(folder, "sub", "secret.yaml")))
	require.NoError(t, os.Symlink(outside, filepath.Join(folder, "outside")))
	fifo := filepath.Join(folder, "pipe.yaml")
	if err := mkfifo(fifo); err != nil {
		t.Logf("no fifo: %v", err)
		fifo = ""
	}
	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: folder})
	done := make(chan struct{})
	var s *Snapshot
	var err error
	go func() {
		defer close(done)
		s, err = r.Resolve(appsURL, Ref{Branch: "main"}, "")
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("materialising hung (a FIFO must never be opened)")
	}
	require.NoError(t, err)
	assert.Equal(t, []string{"a.yaml", "sub/b.yaml"}, files(t, s.Dir))
	want := []FileProblem{{Path: "outside", Reason: reasonSymlink}}
	if fifo != "" {
		want = append(want, FileProblem{Path: "pipe.yaml", Reason: reasonSpecial})
	}
	want = append(want, FileProblem{Path: "sub/secret.yaml", Reason: reasonSymlink})
	assert.Equal(t, want, s.Problems)
}

// The mapped path itself may be a symlink to the checkout.
func TestMappedPathMayBeSymlink(t *testing.T) {
	folder := t.TempDir()
	writeFiles(t, folder, map[string]string{"a.yaml": "a: 1\n"})
	link := filepath.Join(t.TempDir(), "link")
	require.NoError(t, os.Symlink(folder, link))
	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: link})
	s, err := r.Resolve(appsURL, Ref{Branch: "main"}, "")
	require.NoError(t, err)
	assert.Equal(t, []string{"a.yaml"}, files(t, s.Dir))
}

func TestOversizeFileRefused(t *testing.T) {
	f := newFixture(t)
	big := strings.Repeat("x", 200)
	writeFiles(t, f.dir, map[string]string{"apps/big.txt": big})
	r := newResolver(t, Options{MaxFileSize: 100}, Mapping{URL: appsURL, Path: f.dir})
	s, err := r.Resolve(appsURL, Ref{Branch: "main"}, "")
	require.NoError(t, err)
	assert.NotContains(t, files(t, s.Dir), "apps/big.txt")
	assert.Contains(t, files(t, s.Dir), "apps/app.yaml")
	assert.Contains(t, s.Problems, FileProblem{Path: "apps/big.txt", Reason: "file too large (200 bytes > 100)", Refused: true})

	// The same in git mode.
	w, err := f.repo.Worktree()
	require.NoError(t, err)
	_, err = w.Add("apps/big.txt")
	require.NoError(t, err)
	h, err := w.Commit("big", &git.CommitOptions{Author: sigAt(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	s, err = r.Resolve(appsURL, Ref{Commit: h.String()}, "")
	require.NoError(t, err)
	assert.Equal(t, ModeGit, s.Mode)
	assert.Contains(t, s.Problems, FileProblem{Path: "apps/big.txt", Reason: "file too large (200 bytes > 100)", Refused: true})
	assert.NotContains(t, files(t, s.Dir), "apps/big.txt")
}

func TestTotalSizeLimit(t *testing.T) {
	folder := t.TempDir()
	writeFiles(t, folder, map[string]string{"a.txt": strings.Repeat("a", 60), "b.txt": strings.Repeat("b", 60)})
	tmp := t.TempDir()
	r := newResolver(t, Options{TempDir: tmp, MaxTotalSize: 100}, Mapping{URL: appsURL, Path: folder})
	_, err := r.Resolve(appsURL, Ref{Branch: "main"}, "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "total size exceeds the limit of 100 bytes")
	assert.Contains(t, err.Error(), folder)
	assert.Empty(t, snapshotFiles(t, tmp), "the partial snapshot is removed")
	// The failure is remembered, not retried.
	_, err2 := r.Resolve(appsURL, Ref{Branch: "other"}, "")
	assert.Equal(t, err, err2)
}

func TestBillionLaughsRefused(t *testing.T) {
	folder := t.TempDir()
	writeFiles(t, folder, map[string]string{
		"bomb.yaml":      billionLaughs,
		"ok/aliases.yml": fewAliases,
		"broken.yaml":    "a: [\n",
		"cycle.json":     "a: &a [*a]\n",
	})
	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: folder})
	start := time.Now()
	s, err := r.Resolve(appsURL, Ref{Branch: "main"}, "")
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Equal(t, []string{"broken.yaml", "ok/aliases.yml"}, files(t, s.Dir), "unparsable YAML is still written")
	require.Len(t, s.Problems, 2)
	assert.Equal(t, "bomb.yaml", s.Problems[0].Path)
	assert.True(t, s.Problems[0].Refused)
	assert.Contains(t, s.Problems[0].Reason, `YAML alias expansion too large (a "billion laughs" document): `)
	assert.Contains(t, s.Problems[0].Reason, "nodes > 1000000")
	assert.Equal(t, "cycle.json", s.Problems[1].Path)
	assert.True(t, s.Problems[1].Refused)

	// A lower limit refuses the benign file too.
	r2 := newResolver(t, Options{MaxYAMLNodes: 10}, Mapping{URL: appsURL, Path: folder})
	s, err = r2.Resolve(appsURL, Ref{Branch: "main"}, "")
	require.NoError(t, err)
	assert.Equal(t, []string{"broken.yaml"}, files(t, s.Dir))
}

func TestDefaultExclusions(t *testing.T) {
	folder := t.TempDir()
	writeFiles(t, folder, map[string]string{
		"a.yaml":                    "a: 1\n",
		"img/logo.png":              "png",
		"dist.tar.gz":               "gz",
		".github/workflows/ci.yaml": "on: push\n",
		".gitlab-ci.yml":            "x: 1\n",
		"deep/.sops.yaml":           "creation_rules: []\n",
		".gitignore":                "x\n",
		"vendored/.git/config":      "[core]\n",
	})
	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: folder})
	s, err := r.Resolve(appsURL, Ref{Branch: "main"}, "")
	require.NoError(t, err)
	assert.Equal(t, []string{"a.yaml"}, files(t, s.Dir))
	assert.Empty(t, s.Problems)
}

func TestSourceIgnoreAndSpecIgnore(t *testing.T) {
	folder := t.TempDir()
	writeFiles(t, folder, map[string]string{
		".sourceignore":         "# comment\ndrop-me/\n*.txt\n",
		"keep.yaml":             "k: 1\n",
		"drop-me/x.yaml":        "x: 1\n",
		"notes.txt":             "n\n",
		"logo.png":              "png",
		"sub/.sourceignore":     "local.yaml\n",
		"sub/local.yaml":        "l: 1\n",
		"local.yaml":            "l: 1\n",
		"sub/keep.yaml":         "k: 1\n",
		".github/workflows/a.y": "x",
	})
	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: folder})
	s, err := r.Resolve(appsURL, Ref{Branch: "main"}, "")
	require.NoError(t, err)
	// With ignore patterns present, source-controller keeps only the VCS
	// exclusions: *.png and .github/ are no longer excluded.
	assert.Equal(t, []string{
		".github/workflows/a.y", ".sourceignore", "keep.yaml", "local.yaml", "logo.png", "sub/.sourceignore", "sub/keep.yaml",
	}, files(t, s.Dir))

	// spec.ignore comes last and can re-include.
	s2, err := r.Resolve(appsURL, Ref{Branch: "main"}, "/keep.yaml\n!notes.txt\n")
	require.NoError(t, err)
	assert.NotEqual(t, s.ID, s2.ID)
	got := files(t, s2.Dir)
	assert.NotContains(t, got, "keep.yaml")
	assert.Contains(t, got, "sub/keep.yaml")
	assert.Contains(t, got, "notes.txt")
	assert.NotContains(t, got, "drop-me/x.yaml")
}

func TestSourceIgnoreInGitMode(t *testing.T) {
	f := newFixture(t)
	writeFiles(t, f.dir, map[string]string{".sourceignore": "apps/aliases.yaml\n"})
	w, err := f.repo.Worktree()
	require.NoError(t, err)
	_, err = w.Add(".sourceignore")
	require.NoError(t, err)
	h, err := w.Commit("sourceignore", &git.CommitOptions{Author: sigAt(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: f.dir})
	s, err := r.Resolve(appsURL, Ref{Commit: h.String()}, "")
	require.NoError(t, err)
	assert.Equal(t, ModeGit, s.Mode)
	got := files(t, s.Dir)
	assert.NotContains(t, got, "apps/aliases.yaml")
	assert.Contains(t, got, "apps/app.yaml")
	assert.Contains(t, got, "logo.png", "defaults are off once patterns exist")
	assert.NotContains(t, got, ".gitignore", "VCS files stay excluded")
}

func TestWorktreeGitignoreDetails(t *testing.T) {
	f := newFixture(t)
	// A tracked file matching .gitignore stays; a nested repository is skipped.
	writeFiles(t, f.dir, map[string]string{"build/tracked.yaml": "t: 1\n"})
	w, err := f.repo.Worktree()
	require.NoError(t, err)
	_, err = w.Add("build/tracked.yaml")
	require.NoError(t, err)
	writeFiles(t, f.dir, map[string]string{
		"nested/.git/HEAD":    "ref: refs/heads/main\n",
		"nested/inner.yaml":   "inner: 1\n",
		"apps/.gitignore":     "*.local.yaml\n",
		"apps/dev.local.yaml": "dev: 1\n",
	})
	require.NoError(t, os.MkdirAll(filepath.Join(f.dir, ".git", "info"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(f.dir, ".git", "info", "exclude"), []byte("README.md\n"), 0o644))

	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: f.dir})
	s, err := r.Resolve(appsURL, Ref{Branch: "main"}, "")
	require.NoError(t, err)
	got := files(t, s.Dir)
	assert.Contains(t, got, "build/tracked.yaml")
	assert.NotContains(t, got, "build/out.yaml")
	assert.NotContains(t, got, "nested/inner.yaml")
	assert.NotContains(t, got, "apps/dev.local.yaml")
	assert.Contains(t, got, "README.md", "tracked files are never ignored")
	assert.NotContains(t, got, "ignored.txt")
}

func TestSnapshotFileModes(t *testing.T) {
	folder := t.TempDir()
	writeFiles(t, folder, map[string]string{"bin/run.sh": "#!/bin/sh\n"})
	require.NoError(t, os.Chmod(filepath.Join(folder, "bin", "run.sh"), 0o755))
	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: folder})
	s, err := r.Resolve(appsURL, Ref{Branch: "main"}, "")
	require.NoError(t, err)
	fi, err := os.Stat(filepath.Join(s.Dir, "bin", "run.sh"))
	require.NoError(t, err)
	assert.Zero(t, fi.Mode().Perm()&0o111, "files are written 0644")
	di, err := os.Stat(filepath.Join(s.Dir, "bin"))
	require.NoError(t, err)
	assert.True(t, di.IsDir())
}

func TestBrokenGitDirIsAnError(t *testing.T) {
	folder := t.TempDir()
	writeFiles(t, folder, map[string]string{".git/config": "[core]\n", "a.yaml": "a: 1\n"})
	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: folder})
	_, err := r.Resolve(appsURL, Ref{Branch: "main"}, "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "opening git repository "+folder)
}

func TestLessPath(t *testing.T) {
	assert.True(t, lessPath(nil, []string{"a"}), "the root before its subdirectories")
	assert.True(t, lessPath([]string{"a"}, []string{"a", "b"}))
	assert.True(t, lessPath([]string{"a", "z"}, []string{"b"}), "depth-first: a/z before b")
	assert.False(t, lessPath([]string{"b"}, []string{"a", "z"}))
	assert.False(t, lessPath([]string{"a"}, []string{"a"}))
}

// A later (deeper) .sourceignore outranks its parent's.
func TestSourceIgnorePrecedence(t *testing.T) {
	folder := t.TempDir()
	writeFiles(t, folder, map[string]string{
		".sourceignore":     "*.yaml\n",
		"z/.sourceignore":   "!keep.yaml\n",
		"z/keep.yaml":       "k: 1\n",
		"z/drop.yaml":       "d: 1\n",
		"a/drop.yaml":       "d: 1\n",
		"a/b/.sourceignore": "!*.yaml\n",
		"a/b/kept-too.yaml": "k: 1\n",
	})
	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: folder})
	s, err := r.Resolve(appsURL, Ref{Branch: "main"}, "")
	require.NoError(t, err)
	assert.Equal(t, []string{".sourceignore", "a/b/.sourceignore", "a/b/kept-too.yaml", "z/.sourceignore", "z/keep.yaml"}, files(t, s.Dir))
}
