// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package revision

import (
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// history builds commits in a bare-bones repository with go-git: each
// commit has the given parents and a committer time an hour after the
// previous one.
type history struct {
	t    *testing.T
	dir  string
	repo *git.Repository
	n    int
}

func newHistory(t *testing.T) *history {
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	require.NoError(t, err)
	return &history{t: t, dir: dir, repo: repo}
}

func (h *history) commit(subject string, parents ...plumbing.Hash) plumbing.Hash {
	h.t.Helper()
	h.n++
	tree := &object.Tree{}
	te := h.repo.Storer.NewEncodedObject()
	require.NoError(h.t, tree.Encode(te))
	treeHash, err := h.repo.Storer.SetEncodedObject(te)
	require.NoError(h.t, err)
	sig := object.Signature{Name: "t", Email: "t@example.invalid", When: time.Date(2026, 1, 1, h.n, 0, 0, 0, time.UTC)}
	c := &object.Commit{Author: sig, Committer: sig, Message: subject + "\n\nbody\n", TreeHash: treeHash, ParentHashes: parents}
	o := h.repo.Storer.NewEncodedObject()
	require.NoError(h.t, c.Encode(o))
	hash, err := h.repo.Storer.SetEncodedObject(o)
	require.NoError(h.t, err)
	return hash
}

func (h *history) ref(name string, at plumbing.Hash) {
	require.NoError(h.t, h.repo.Storer.SetReference(plumbing.NewHashReference(plumbing.ReferenceName(name), at)))
}

func subjects(p Pushed) []string {
	var out []string
	for _, c := range p.Commits {
		out = append(out, c.Subject)
	}
	return out
}

const zero = "0000000000000000000000000000000000000000"

func TestPushedCommits(t *testing.T) {
	h := newHistory(t)
	a := h.commit("a")
	b := h.commit("b", a)
	d := h.commit("d on a side branch", b)
	c := h.commit("c", b)
	m := h.commit("merge", c, d)

	// Without a remote-tracking ref, a first push checks its commit alone.
	p, err := PushedCommits(h.dir, m.String(), zero, 0)
	require.NoError(t, err)
	assert.Equal(t, []string{"merge"}, subjects(p))
	assert.Contains(t, p.Note, "no remote-tracking ref")

	h.ref("refs/remotes/origin/main", a)
	p, err = PushedCommits(h.dir, m.String(), a.String(), 0)
	require.NoError(t, err)
	assert.Equal(t, []string{"b", "d on a side branch", "c", "merge"}, subjects(p), "parents first, older first, the pushed commit last")
	assert.Empty(t, p.Note)
	assert.Equal(t, m.String(), p.Commits[3].Hash)
	assert.Equal(t, m.String()[:7]+" (merge)", p.Commits[3].Short())

	// A new ref: what no remote-tracking ref reaches.
	h.ref("refs/remotes/origin/feature", d)
	p, err = PushedCommits(h.dir, m.String(), zero, 0)
	require.NoError(t, err)
	assert.Equal(t, []string{"c", "merge"}, subjects(p))

	// The remote's commit is unknown here (someone else pushed): the
	// remote-tracking refs decide.
	p, err = PushedCommits(h.dir, m.String(), "1111111111111111111111111111111111111111", 0)
	require.NoError(t, err)
	assert.Equal(t, []string{"c", "merge"}, subjects(p))

	p, err = PushedCommits(h.dir, c.String(), b.String(), 0)
	require.NoError(t, err)
	assert.Equal(t, []string{"c"}, subjects(p))

	p, err = PushedCommits(h.dir, m.String(), a.String(), 2)
	require.NoError(t, err)
	assert.Equal(t, []string{"c", "merge"}, subjects(p), "the newest within the limit")
	assert.Equal(t, "4 commits pushed: the newest 2 are checked", p.Note)

	_, err = PushedCommits(h.dir, "2222222222222222222222222222222222222222", a.String(), 0)
	assert.ErrorContains(t, err, "reading pushed commit 2222222222222222222222222222222222222222")
}
