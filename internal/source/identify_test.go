// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package source

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// identity is Identify on a fresh Resolver (its tree hashes are memoised
// per run).
func identity(t *testing.T, m Mapping, ref Ref, ignore string) string {
	t.Helper()
	id, err := newResolver(t, Options{}, m).Identify(appsURL, ref, ignore)
	require.NoError(t, err)
	return id
}

// TestIdentifyWorktree: a working tree's identity changes with any of its
// files, uncommitted or untracked, and with the ignore rules; it does not
// change without a change, and Identify materialises nothing.
func TestIdentifyWorktree(t *testing.T) {
	f := newFixture(t)
	m := Mapping{URL: appsURL, Path: f.dir}
	tmp := t.TempDir()
	r := newResolver(t, Options{TempDir: tmp}, m)
	first, err := r.Identify(appsURL, Ref{Branch: "main"}, "")
	require.NoError(t, err)
	assert.Empty(t, snapshotFiles(t, tmp), "nothing materialised")
	assert.Equal(t, first, identity(t, m, Ref{Branch: "main"}, ""), "the same files, the same identity")
	assert.NotEqual(t, first, identity(t, m, Ref{Branch: "main"}, "*.md"), "other ignore rules")

	for name, edit := range map[string]func(){
		"a tracked file edited": func() { writeFiles(t, f.dir, map[string]string{"apps/app.yaml": "branch: main-dirtier\n"}) },
		"an untracked file":     func() { writeFiles(t, f.dir, map[string]string{"apps/more.yaml": "more: true\n"}) },
		"a file removed":        func() { require.NoError(t, os.Remove(filepath.Join(f.dir, "apps/new.yaml"))) },
		"a symlink retargeted": func() {
			require.NoError(t, os.Remove(filepath.Join(f.dir, "link.yaml")))
			require.NoError(t, os.Symlink("apps/new.yaml", filepath.Join(f.dir, "link.yaml")))
		},
	} {
		before := identity(t, m, Ref{Branch: "main"}, "")
		edit()
		assert.NotEqual(t, before, identity(t, m, Ref{Branch: "main"}, ""), name)
	}
}

// TestIdentifyGit: a revision read from git objects is its commit: edits
// to the working tree leave it alone, another branch differs, and a ref
// Resolve cannot resolve fails alike.
func TestIdentifyGit(t *testing.T) {
	f := newFixture(t)
	m := Mapping{URL: appsURL, Path: f.dir}
	prod := identity(t, m, Ref{Branch: "production"}, "")
	writeFiles(t, f.dir, map[string]string{"apps/app.yaml": "branch: edited\n"})
	assert.Equal(t, prod, identity(t, m, Ref{Branch: "production"}, ""), "the working tree is not production")
	assert.NotEqual(t, prod, identity(t, m, Ref{Tag: "v1.2.0"}, ""), "a tag: another note, the same commit")
	assert.NotEqual(t, prod, identity(t, m, Ref{Branch: "only-remote"}, ""))

	r := newResolver(t, Options{}, m)
	_, idErr := r.Identify(appsURL, Ref{Branch: "nowhere"}, "")
	_, resErr := r.Resolve(appsURL, Ref{Branch: "nowhere"}, "")
	require.Error(t, idErr)
	assert.Equal(t, resErr.Error(), idErr.Error())
	_, err := r.Identify("https://github.com/d1/unmapped.git", Ref{Branch: "main"}, "")
	require.ErrorIs(t, err, ErrUnmapped)
}

// TestIdentifyFolder: a plain folder stands for any ref, with one identity
// per content.
func TestIdentifyFolder(t *testing.T) {
	folder := t.TempDir()
	writeFiles(t, folder, map[string]string{"a.yaml": "a: 1\n"})
	m := Mapping{URL: appsURL, Path: folder}
	before := identity(t, m, Ref{Branch: "x"}, "")
	writeFiles(t, folder, map[string]string{"a.yaml": "a: 2\n"})
	assert.NotEqual(t, before, identity(t, m, Ref{Branch: "x"}, ""))
}
