// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package source

import (
	"errors"
	"io"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bareClone copies the objects and refs of the fixture into a new bare
// repository, as git clone --bare --mirror would (no transport, no git
// binary), with HEAD on main.
func bareClone(t *testing.T, f *fixture) string {
	t.Helper()
	dir := t.TempDir()
	bare, err := git.PlainInit(dir, true)
	require.NoError(t, err)
	it, err := f.repo.Storer.IterEncodedObjects(plumbing.AnyObject)
	require.NoError(t, err)
	for {
		o, err := it.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		_, err = bare.Storer.SetEncodedObject(o)
		require.NoError(t, err)
	}
	refs, err := f.repo.References()
	require.NoError(t, err)
	require.NoError(t, refs.ForEach(func(ref *plumbing.Reference) error {
		if ref.Name() == plumbing.HEAD {
			return nil
		}
		return bare.Storer.SetReference(ref)
	}))
	require.NoError(t, bare.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, plumbing.NewBranchReferenceName("main"))))
	return dir
}

// A bare repository (git clone --bare, a mirror) is read from its objects
// at the ref asked for, as a checkout's other branches are; it is no plain
// folder (where every path would be missing) and has no working tree to
// stand for the branch its HEAD names.
func TestResolveBareRepository(t *testing.T) {
	f := newFixture(t)
	bare := bareClone(t, f)
	assert.True(t, isBare(bare))
	assert.False(t, isBare(f.dir), "a checkout is no bare repository")
	assert.False(t, isBare(t.TempDir()))

	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: bare})
	cases := []struct {
		ref             Ref
		commit, content string
	}{
		{Ref{Branch: "main"}, f.main2, "branch: main\n"},
		{Ref{Branch: "production"}, f.prod, "branch: production\n"},
		{Ref{Branch: "only-remote"}, f.onlyRemote, "branch: only-remote\n"},
		{Ref{Tag: "v1.2.0"}, f.prod, "branch: production\n"},
		{Ref{SemVer: ">=2.0.0"}, f.main1, "branch: main\n"},
		{Ref{Commit: f.prod[:10]}, f.prod, "branch: production\n"},
		{Ref{}, f.main2, "branch: main\n"},
	}
	for _, c := range cases {
		s, err := r.Resolve(appsURL, c.ref, "")
		require.NoError(t, err, c.ref)
		assert.Equal(t, ModeGit, s.Mode, c.ref)
		assert.Equal(t, c.commit, s.Commit, c.ref)
		assert.Equal(t, c.content, read(t, s, "apps/app.yaml"), c.ref)
		assert.NotContains(t, files(t, s.Dir), "HEAD", c.ref)
	}
	_, err := r.Resolve(appsURL, Ref{Branch: "nope"}, "")
	require.ErrorIs(t, err, ErrRefNotFound)

	// Pinned to a branch, it is still read from its objects.
	r2 := newResolver(t, Options{}, Mapping{URL: appsURL, Path: bare, Branch: "production"})
	s, err := r2.Resolve(appsURL, Ref{Branch: "production"}, "")
	require.NoError(t, err)
	assert.Equal(t, ModeGit, s.Mode)
	assert.Equal(t, "branch: production\n", read(t, s, "apps/app.yaml"))

	// It has no working tree.
	_, err = r.Worktree(appsURL, "main")
	require.ErrorIs(t, err, ErrRefNotFound)
	b, err := WorktreeBranch(bare, func(string) string { return "" })
	require.NoError(t, err)
	assert.Empty(t, b)
	s, err = r.Revision(appsURL, "production")
	require.NoError(t, err)
	assert.Equal(t, f.prod, s.Commit)
}
