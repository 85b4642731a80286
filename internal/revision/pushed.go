// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package revision

import (
	"container/heap"
	"errors"
	"fmt"
	"slices"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// Commit is one pushed commit.
type Commit struct {
	// Hash is the full commit hash.
	Hash string
	// Subject is the first line of its message.
	Subject string
}

// Short is the hash's first seven characters and the subject, as git log
// --oneline shows a commit.
func (c Commit) Short() string {
	h := c.Hash
	if len(h) > 7 {
		h = h[:7]
	}
	if c.Subject == "" {
		return h
	}
	return h + " (" + c.Subject + ")"
}

// Pushed says which commits a push of localSHA over remoteSHA sends, read
// from the git objects of the repository whose working tree is root (no git
// process runs).
type Pushed struct {
	// Commits are the commits to check, parents before children, the
	// pushed commit last.
	Commits []Commit
	// Note says why fewer commits than the push sends are listed ("" when
	// all are): the remote has no commit of the repository yet (a first
	// push: the pushed commit alone), or there were more than the limit
	// (the newest ones).
	Note string
}

// PushedCommits lists the commits a push sends: those of remoteSHA..localSHA
// when the remote's commit is known locally, else (a new ref, or a remote
// that moved) those not reachable from any remote-tracking ref
// (refs/remotes/*). When there is no remote-tracking ref at all, only the
// pushed commit is listed: the whole history is new to the remote, and it
// is not what the push reviews. At most limit commits are listed (the
// newest), limit 0 meaning no limit.
func PushedCommits(root, localSHA, remoteSHA string, limit int) (Pushed, error) {
	repo, err := git.PlainOpenWithOptions(root, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
	if err != nil {
		return Pushed{}, fmt.Errorf("opening git repository %s: %w", root, err)
	}
	tip, err := repo.CommitObject(plumbing.NewHash(localSHA))
	if err != nil {
		return Pushed{}, fmt.Errorf("reading pushed commit %s: %w", localSHA, err)
	}
	var known []*object.Commit
	if strings.Trim(remoteSHA, "0") != "" {
		if c, err := repo.CommitObject(plumbing.NewHash(remoteSHA)); err == nil {
			known = append(known, c)
		}
	}
	if len(known) == 0 {
		if known, err = remoteTracking(repo); err != nil {
			return Pushed{}, err
		}
		if len(known) == 0 {
			return Pushed{Commits: []Commit{commitOf(tip)}, Note: "no remote-tracking ref: the pushed commit alone is checked"}, nil
		}
	}
	fresh, err := newCommits(repo, tip, known)
	if err != nil {
		return Pushed{}, err
	}
	out := Pushed{Commits: topological(fresh)}
	if limit > 0 && len(out.Commits) > limit {
		out.Note = fmt.Sprintf("%d commits pushed: the newest %d are checked", len(out.Commits), limit)
		out.Commits = out.Commits[len(out.Commits)-limit:]
	}
	return out, nil
}

func commitOf(c *object.Commit) Commit {
	subject, _, _ := strings.Cut(strings.TrimSpace(c.Message), "\n")
	return Commit{Hash: c.Hash.String(), Subject: strings.TrimSpace(subject)}
}

// remoteTracking returns the commits of every refs/remotes/* ref.
func remoteTracking(repo *git.Repository) ([]*object.Commit, error) {
	refs, err := repo.References()
	if err != nil {
		return nil, fmt.Errorf("listing references: %w", err)
	}
	var out []*object.Commit
	err = refs.ForEach(func(r *plumbing.Reference) error {
		if !r.Name().IsRemote() {
			return nil
		}
		if r.Type() == plumbing.SymbolicReference {
			// origin/HEAD names another remote-tracking ref, listed too.
			return nil
		}
		c, err := repo.CommitObject(r.Hash())
		if err != nil {
			// A remote-tracking ref to a missing or non-commit object
			// excludes nothing.
			return nil
		}
		out = append(out, c)
		return nil
	})
	if err != nil && !errors.Is(err, storer.ErrStop) {
		return nil, err
	}
	return out, nil
}

// walkItem is a commit in the walk's queue, and whether it is reachable
// from a known commit (uninteresting).
type walkItem struct {
	c     *object.Commit
	known bool
}

// walkQueue pops the newest commit first (committer time), as git's
// revision walk does.
type walkQueue []walkItem

func (q walkQueue) Len() int { return len(q) }
func (q walkQueue) Less(i, j int) bool {
	ti, tj := q[i].c.Committer.When, q[j].c.Committer.When
	if !ti.Equal(tj) {
		return ti.After(tj)
	}
	return q[i].c.Hash.String() < q[j].c.Hash.String()
}
func (q walkQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *walkQueue) Push(x any)   { *q = append(*q, x.(walkItem)) }
func (q *walkQueue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}

// newCommits returns the commits reachable from tip and from none of
// known, as git rev-list tip --not known... lists them: a walk newest
// first that marks what the known commits reach, and stops once only
// known commits are left in the queue. It reads no more of the history
// than the new commits and what separates them from the known ones.
func newCommits(repo *git.Repository, tip *object.Commit, known []*object.Commit) (map[plumbing.Hash]*object.Commit, error) {
	// state: 1 reached from tip only, 2 reached from a known commit.
	state := map[plumbing.Hash]int{}
	q := &walkQueue{}
	push := func(c *object.Commit, k bool) {
		s := state[c.Hash]
		switch {
		case k && s == 2, !k && s != 0:
			return
		}
		if k {
			state[c.Hash] = 2
		} else {
			state[c.Hash] = 1
		}
		heap.Push(q, walkItem{c, k})
	}
	for _, k := range known {
		push(k, true)
	}
	push(tip, false)
	interesting := func() bool {
		for _, it := range *q {
			if !it.known && state[it.c.Hash] != 2 {
				return true
			}
		}
		return false
	}
	for q.Len() > 0 && interesting() {
		it := heap.Pop(q).(walkItem)
		// A commit queued from the tip may have been reached from a known
		// commit since: it is known, and so are its parents.
		k := state[it.c.Hash] == 2
		for _, ph := range it.c.ParentHashes {
			p, err := repo.CommitObject(ph)
			if err != nil {
				if errors.Is(err, plumbing.ErrObjectNotFound) {
					// A shallow clone's boundary: nothing beyond it is
					// pushed from here.
					continue
				}
				return nil, fmt.Errorf("reading commit %s: %w", ph, err)
			}
			push(p, k)
		}
	}
	// Everything reached from the tip and not marked known is new (the
	// loop ran until only known commits were left in the queue).
	out := map[plumbing.Hash]*object.Commit{}
	for stack := []*object.Commit{tip}; len(stack) > 0; {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if out[c.Hash] != nil || state[c.Hash] != 1 {
			continue
		}
		out[c.Hash] = c
		for _, ph := range c.ParentHashes {
			if state[ph] != 1 {
				continue
			}
			p, err := repo.CommitObject(ph)
			if err != nil {
				return nil, fmt.Errorf("reading commit %s: %w", ph, err)
			}
			stack = append(stack, p)
		}
	}
	return out, nil
}

// topological orders commits parents first; among commits whose parents
// are all listed, the older (committer time, then hash) comes first.
func topological(set map[plumbing.Hash]*object.Commit) []Commit {
	children := map[plumbing.Hash][]plumbing.Hash{}
	pending := map[plumbing.Hash]int{}
	for h, c := range set {
		for _, p := range c.ParentHashes {
			if _, ok := set[p]; ok {
				pending[h]++
				children[p] = append(children[p], h)
			}
		}
	}
	var ready []*object.Commit
	for h, c := range set {
		if pending[h] == 0 {
			ready = append(ready, c)
		}
	}
	older := func(a, b *object.Commit) int {
		if c := a.Committer.When.Compare(b.Committer.When); c != 0 {
			return c
		}
		return strings.Compare(a.Hash.String(), b.Hash.String())
	}
	out := make([]Commit, 0, len(set))
	for len(ready) > 0 {
		slices.SortFunc(ready, older)
		c := ready[0]
		ready = ready[1:]
		out = append(out, commitOf(c))
		for _, ch := range children[c.Hash] {
			if pending[ch]--; pending[ch] == 0 {
				ready = append(ready, set[ch])
			}
		}
	}
	return out
}
