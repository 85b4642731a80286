// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package source

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/Masterminds/semver/v3"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// isBare reports whether dir is a bare git repository (git clone --bare, a
// mirror, a forge's storage): it has the HEAD file naming a ref or a
// commit, and the objects and refs folders, that git itself looks for
// before it takes a folder for a repository (setup.c, is_git_directory).
func isBare(dir string) bool {
	st, err := os.Lstat(filepath.Join(dir, "HEAD"))
	if err != nil || !st.Mode().IsRegular() || st.Size() > 1024 {
		return false
	}
	for _, sub := range []string{"objects", "refs"} {
		if st, err := os.Stat(filepath.Join(dir, sub)); err != nil || !st.IsDir() {
			return false
		}
	}
	head, err := os.ReadFile(filepath.Join(dir, "HEAD"))
	if err != nil {
		return false
	}
	h := strings.TrimSpace(string(head))
	return strings.HasPrefix(h, "ref: refs/") || (len(h) == 40 || len(h) == 64) && isHex(h)
}

// repoEntry opens a repository once.
type repoEntry struct {
	once sync.Once
	g    *gitRepo
	err  error
}

// gitRepo is an opened repository. go-git repositories are not safe for
// concurrent use, so every access holds mu.
type gitRepo struct {
	mu   sync.Mutex
	repo *git.Repository
	path string
}

// repo returns the repository at path, opened once per Resolver.
func (r *Resolver) repo(path string) (*gitRepo, error) {
	r.mu.Lock()
	e := r.repos[path]
	if e == nil {
		e = &repoEntry{}
		r.repos[path] = e
	}
	r.mu.Unlock()
	e.once.Do(func() {
		repo, err := git.PlainOpenWithOptions(path, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
		if err != nil {
			e.err = fmt.Errorf("opening git repository %s: %w", path, err)
			return
		}
		e.g = &gitRepo{repo: repo, path: path}
	})
	return e.g, e.err
}

// head returns the checked-out branch ("" on a detached HEAD) and the HEAD
// commit ("" on an unborn branch).
func (g *gitRepo) head() (branch, head string, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	ref, err := g.repo.Reference(plumbing.HEAD, false)
	if err != nil {
		return "", "", err
	}
	if ref.Type() == plumbing.SymbolicReference {
		if t := ref.Target(); t.IsBranch() {
			branch = strings.TrimPrefix(t.String(), "refs/heads/")
		}
		if res, err := g.repo.Reference(ref.Target(), true); err == nil {
			head = res.Hash().String()
		}
		return branch, head, nil
	}
	return "", ref.Hash().String(), nil
}

// findBranch looks b up as refs/heads/b, then refs/remotes/origin/b, then
// refs/remotes/<remote>/b for the other remotes in name order. It returns
// the commit and the ref it came from, or "" when there is none.
func (g *gitRepo) findBranch(b string) (commit, how string, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	names := []plumbing.ReferenceName{plumbing.NewBranchReferenceName(b), plumbing.NewRemoteReferenceName("origin", b)}
	remotes, err := g.remoteNames()
	if err != nil {
		return "", "", err
	}
	for _, rm := range remotes {
		if rm != "origin" {
			names = append(names, plumbing.NewRemoteReferenceName(rm, b))
		}
	}
	for _, n := range names {
		c, err := g.refCommit(n)
		if err != nil {
			return "", "", err
		}
		if c != nil {
			return c.Hash.String(), n.String(), nil
		}
	}
	return "", "", nil
}

// remoteNames returns the configured remotes and the first path element of
// every refs/remotes/ ref (a remote-tracking ref may outlive its remote),
// sorted. Taking only the first element keeps "origin/feature/x" from
// passing for branch "x" of a remote "origin/feature".
func (g *gitRepo) remoteNames() ([]string, error) {
	set := map[string]bool{}
	if cfg, err := g.repo.Config(); err == nil {
		for name := range cfg.Remotes {
			set[name] = true
		}
	}
	it, err := g.repo.References()
	if err != nil {
		return nil, err
	}
	defer it.Close()
	err = it.ForEach(func(ref *plumbing.Reference) error {
		if rest, ok := strings.CutPrefix(ref.Name().String(), "refs/remotes/"); ok {
			if i := strings.IndexByte(rest, '/'); i > 0 {
				set[rest[:i]] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out, nil
}

// findRef resolves the full ref name to a commit, peeling tags.
func (g *gitRepo) findRef(name string) (commit, how string, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	c, err := g.refCommit(plumbing.ReferenceName(name))
	if err != nil || c == nil {
		return "", "", err
	}
	return c.Hash.String(), name, nil
}

// findCommit resolves a full or abbreviated (lower-case hex) commit hash.
func (g *gitRepo) findCommit(h string) (commit, how string, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var hash plumbing.Hash
	if len(h) == len(plumbing.ZeroHash)*2 {
		hash = plumbing.NewHash(h)
	} else {
		p, err := g.repo.ResolveRevision(plumbing.Revision(h))
		if err != nil || p == nil {
			return "", "", nil
		}
		hash = *p
	}
	if !strings.HasPrefix(hash.String(), h) {
		// ResolveRevision also accepts ref names; only a hash counts.
		return "", "", nil
	}
	c, err := g.repo.CommitObject(hash)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return "", "", nil
	}
	if err != nil {
		return "", "", err
	}
	return c.Hash.String(), "commit " + short(h), nil
}

// findSemVer picks the highest tag (a leading "v" stripped, then strict
// semver) that satisfies the constraint, as source-controller does: equal
// versions are ordered by the time of the commit they point to, then by
// tag name. With a prefix, only the tags that start with it count, read
// without it: d2 releases each component of a repository with tags
// <component>/vX.Y.Z, which source-controller never sees (the artifact is
// pushed from them), but which say which commit an OCI tag was built from.
// It returns the tag chosen too.
func (g *gitRepo) findSemVer(constraint, prefix string) (commit, how, tag string, err error) {
	cons, err := semver.NewConstraint(constraint)
	if err != nil {
		return "", "", "", fmt.Errorf("semver constraint %q: %w", constraint, err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	type cand struct {
		v    *semver.Version
		name string
		when time.Time
		hash string
	}
	var cands []cand
	it, err := g.repo.Tags()
	if err != nil {
		return "", "", "", err
	}
	var tagRefs []*plumbing.Reference
	_ = it.ForEach(func(ref *plumbing.Reference) error {
		tagRefs = append(tagRefs, ref)
		return nil
	})
	for _, ref := range tagRefs {
		name := ref.Name().Short()
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok {
			continue
		}
		v, err := semver.StrictNewVersion(strings.TrimPrefix(rest, "v"))
		if err != nil || !cons.Check(v) {
			continue
		}
		c, err := g.refCommit(ref.Name())
		if err != nil || c == nil {
			continue
		}
		cands = append(cands, cand{v: v, name: name, when: c.Committer.When, hash: c.Hash.String()})
	}
	if len(cands) == 0 {
		return "", "", "", nil
	}
	sort.Slice(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if !a.v.Equal(b.v) {
			return a.v.LessThan(b.v)
		}
		if !a.when.Equal(b.when) {
			return a.when.Before(b.when)
		}
		return a.name < b.name
	})
	best := cands[len(cands)-1]
	return best.hash, fmt.Sprintf("semver %s: tag %s (refs/tags/%s)", constraint, best.name, best.name), best.name, nil
}

// refCommit returns the commit a ref points to (peeling annotated tags), or
// nil when the ref does not exist. The caller holds g.mu.
func (g *gitRepo) refCommit(name plumbing.ReferenceName) (*object.Commit, error) {
	ref, err := g.repo.Reference(name, true)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	return g.peel(ref.Hash())
}

// peel follows tag objects to the commit they name.
func (g *gitRepo) peel(h plumbing.Hash) (*object.Commit, error) {
	for range 32 {
		obj, err := g.repo.Object(plumbing.AnyObject, h)
		if err != nil {
			return nil, fmt.Errorf("reading object %s: %w", h, err)
		}
		switch o := obj.(type) {
		case *object.Commit:
			return o, nil
		case *object.Tag:
			h = o.Target
		default:
			return nil, fmt.Errorf("object %s is a %s, not a commit", h, obj.Type())
		}
	}
	return nil, fmt.Errorf("tag chain too long at %s", h)
}

// findRevision resolves a git revision as git rev-parse would name it (a
// branch, a remote-tracking branch such as origin/main, a tag, a full or
// abbreviated hash, HEAD~1) to a commit.
func (g *gitRepo) findRevision(rev string) (commit string, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	h, err := g.repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil || h == nil {
		return "", nil
	}
	c, err := g.peel(*h)
	if err != nil || c == nil {
		return "", err
	}
	return c.Hash.String(), nil
}

// refNameForms says which spec.ref.name values Flux checks out.
const refNameForms = "a branch is refs/heads/<branch>, a tag refs/tags/<tag>, another ref refs/<path> (refs/pull/<n>/head)"

// checkRefName refuses a spec.ref.name that source-controller cannot check
// out: it clones the name as a full ref (Flux Operator writes a
// FluxInstance's spec.sync.ref there), so "main" or "main/foo" name
// nothing, and a name git's check-ref-format rejects never matches. Said
// here, in Flux's terms, rather than as go-git's lookup failure.
func checkRefName(name string) error {
	if name == plumbing.HEAD.String() {
		return nil
	}
	if !strings.HasPrefix(name, "refs/") {
		return errorf(ErrRefNotFound, "ref name %q is not a full git ref (a FluxInstance's spec.sync.ref is one): %s", name, refNameForms)
	}
	if plumbing.ReferenceName(name).Validate() != nil {
		return errorf(ErrRefNotFound, "ref name %q is not a valid git ref name (see git check-ref-format): %s", name, refNameForms)
	}
	return nil
}
