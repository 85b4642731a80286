// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package source

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Snapshot modes.
const (
	// ModeGit means the files were read from git objects (a commit's tree).
	ModeGit = "git"
	// ModeWorktree means the files are those of a git working tree,
	// uncommitted changes included.
	ModeWorktree = "worktree"
	// ModeFolder means the files are those of a plain folder.
	ModeFolder = "folder"
)

// Defaults applied to zero Options fields.
const (
	DefaultMaxFileSize  int64 = 8 << 20
	DefaultMaxTotalSize int64 = 512 << 20
)

// ErrUnmapped is wrapped by Resolve and Worktree errors for a URL that no
// mapping covers.
var ErrUnmapped = errors.New("no local path mapped")

// ErrRefNotFound is wrapped by Resolve errors for a ref (branch, tag,
// commit, name or semver range) that none of the mapped paths provides.
var ErrRefNotFound = errors.New("ref not found")

// resolveError carries a full message and the sentinel it stands for.
type resolveError struct {
	msg  string
	kind error
}

func (e *resolveError) Error() string { return e.msg }
func (e *resolveError) Unwrap() error { return e.kind }

func errorf(kind error, format string, args ...any) error {
	return &resolveError{msg: fmt.Sprintf(format, args...), kind: kind}
}

// Ref is what a GitRepository spec.ref asks for. Flux's precedence applies:
// Commit, then Name, then SemVer, then Tag, then Branch. A Commit given with
// a Branch is checked out as the commit; the branch only labels it. An empty
// Ref means branch "master" when some mapping provides it, else "main".
type Ref struct {
	Branch string
	Tag    string
	SemVer string
	Name   string
	Commit string
	// TagPrefix limits a SemVer search to the tags that start with it,
	// read as versions once it is cut off: "frontend/" finds the tags
	// frontend/v1.2.3 that d2's release workflows push for one component
	// of a repository. A GitRepository has none (source-controller reads
	// every tag as a version); an OCIRepository mapped to git sets it.
	TagPrefix string
}

// String describes the ref as Flux would resolve it, e.g. "branch main",
// "tag v1.2.0", "commit abc123".
func (r Ref) String() string {
	switch {
	case r.Commit != "" && r.Branch != "":
		return "commit " + r.Commit + " on branch " + r.Branch
	case r.Commit != "":
		return "commit " + r.Commit
	case r.Name != "":
		return "name " + r.Name
	case r.SemVer != "" && r.TagPrefix != "":
		return "semver " + r.SemVer + " of the tags " + r.TagPrefix + "*"
	case r.SemVer != "":
		return "semver " + r.SemVer
	case r.Tag != "":
		return "tag " + r.Tag
	case r.Branch != "":
		return "branch " + r.Branch
	}
	return "default branch"
}

// Snapshot is one revision of one repository materialised on disk as
// regular files only. Snapshots are owned by the Resolver that made them:
// treat them as read-only and do not use them after Resolver.Close.
type Snapshot struct {
	// ID is a stable key of the content: derived from the normalised URL,
	// the mode, the commit (or, for working trees and folders, the local
	// path) and the ignore rules; the same across runs for the same input.
	ID string
	// Dir is the absolute root of the materialised files: the source's
	// artifact, which for an OCIRepository mapped to a folder of a git
	// repository is that folder (Prefix) of the repository's snapshot.
	Dir string
	// Prefix is the folder of the repository Dir holds, slash-separated
	// ("" for the repository root). Paths relative to Dir are paths in the
	// repository once RepoPath prefixes them.
	Prefix string
	// Artifact is the OCI artifact the snapshot stands for, with the ref
	// asked ("oci://ghcr.io/acme/d2-apps/frontend:latest-stable"); "" for
	// a git source.
	Artifact string
	// Tag is the git tag the revision was resolved to (spec.ref.tag, or
	// the tag a semver range chose), when it was resolved from a tag.
	Tag string
	// URL is the normalised URL.
	URL string
	// LocalPath is the mapped local path the files were read from, as the
	// user gave it (so that messages and output do not depend on the machine).
	LocalPath string
	// Mode is ModeGit, ModeWorktree or ModeFolder.
	Mode string
	// Branch is the branch the snapshot stands for, when known.
	Branch string
	// Commit is the full commit hash: the commit read in ModeGit, the HEAD
	// commit of the working tree in ModeWorktree, empty in ModeFolder.
	Commit string
	// Note says how the revision was resolved, for humans.
	Note string
	// Problems lists files dropped or refused while materialising, sorted
	// by Path.
	Problems []FileProblem
}

// FileProblem is a file in the source that was dropped or refused.
type FileProblem struct {
	// Path is slash-separated and relative to the repository root.
	Path string
	// Reason says why the file is missing from the snapshot.
	Reason string
	// Refused is true for a file refused as hazardous (too large, a YAML
	// alias bomb, an unsafe path) and false for a file dropped as Flux
	// would drop it (a symlink).
	Refused bool
}

// Options tune a Resolver; zero values mean the defaults.
type Options struct {
	// TempDir is where snapshots are written (default: $D1LINT_TMPDIR as
	// Getenv reads it, else as DefaultTempDir decides); each Resolver makes
	// its own subdirectory there when it writes its first snapshot, and
	// removes the subdirectories that dead runs left (see sweep).
	TempDir string
	// MaxFileSize is the largest file written (default 8 MiB); larger
	// files are refused.
	MaxFileSize int64
	// MaxTotalSize is the most bytes one snapshot may hold (default
	// 512 MiB); beyond it Resolve fails.
	MaxTotalSize int64
	// MaxYAMLNodes is the most nodes a YAML or JSON file may expand to
	// after alias expansion (default DefaultMaxYAMLNodes).
	MaxYAMLNodes int
	// Getenv reads environment variables (default os.Getenv); it is used
	// for GITHUB_BASE_REF and D1LINT_TMPDIR.
	Getenv func(string) string
	// Siblings are the git checkouts found beside the fleet (FindSiblings).
	// A URL that no mapping names is mapped to those of them that stand for
	// it (MatchSiblings) when it is first asked for; explicit mappings
	// always win.
	Siblings []Sibling
}

func (o Options) withDefaults() Options {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.TempDir == "" {
		o.TempDir = defaultTempDir(o.Getenv)
	}
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = DefaultMaxFileSize
	}
	if o.MaxTotalSize <= 0 {
		o.MaxTotalSize = DefaultMaxTotalSize
	}
	if o.MaxYAMLNodes <= 0 {
		o.MaxYAMLNodes = DefaultMaxYAMLNodes
	}
	return o
}

// mapping is a Mapping with its derived facts.
type mapping struct {
	Mapping        // Path is absolute
	norm    string // NormalizeURL(URL)
	display string // Path as given
	git     bool   // Path holds a .git directory or file, or is a bare repository
	bare    bool   // Path is a bare repository: git objects, no working tree
}

// plan is a resolved revision, ready to be materialised.
type plan struct {
	m      mapping
	mode   string
	commit string
	branch string
	note   string
	// tag is the git tag the commit was found by, when one was.
	tag string
	// copy materialises a copy that stands in for a checkout (Revision,
	// Copy): no ignore rules apply, and every file dropped or refused is
	// listed, so that a render of the copy applies the ignore rules of its
	// own sources to the files and to the problems alike.
	copy bool
}

// contentEntry is one materialised directory; done is closed once dir,
// problems and err are set.
type contentEntry struct {
	done     chan struct{}
	dir      string
	problems []FileProblem
	err      error
}

type snapKey struct{ id, branch, note, local string }

// Resolver maps URLs to local paths and materialises snapshots. It is safe
// for concurrent use; call Close when done to remove the snapshots.
type Resolver struct {
	opts Options

	// root is the folder of the snapshots, made with the first one; lock
	// is its lock file, held open (and locked) until Close.
	root string
	lock *os.File

	mu     sync.Mutex
	closed bool
	maps   []mapping
	// found are the URLs (normalised) looked up among the siblings, once
	// each; refused says why a sibling named like one was not taken.
	found    map[string]*sync.Once
	refused  map[string]string
	repos    map[string]*repoEntry
	contents map[string]*contentEntry
	snaps    map[snapKey]*Snapshot
	// trees are the folders' content hashes (Identify).
	trees map[string]*treeEntry
}

// NewResolver returns a Resolver for mappings. Each mapping's Path must be
// an existing directory; a relative Path is taken relative to the current
// directory and stored absolute. The Resolver's folder under opts.TempDir
// is made with the first snapshot, so that a run that stops before it reads
// any source (a usage error) leaves nothing behind.
func NewResolver(mappings []Mapping, opts Options) (*Resolver, error) {
	r := &Resolver{
		opts:     opts.withDefaults(),
		repos:    map[string]*repoEntry{},
		contents: map[string]*contentEntry{},
		snaps:    map[snapKey]*Snapshot{},
		found:    map[string]*sync.Once{},
		refused:  map[string]string{},
	}
	for _, m := range mappings {
		if err := r.AddMapping(m); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// ensureRoot makes the Resolver's folder when it has none yet. The caller
// holds r.mu.
func (r *Resolver) ensureRoot() (string, error) {
	if r.root == "" {
		root, lock, err := makeRoot(r.opts.TempDir)
		if err != nil {
			return "", err
		}
		r.root, r.lock = root, lock
	}
	return r.root, nil
}

// AddMapping adds a mapping after construction (the fleet repository is
// recognised late). Adding a mapping equal to an existing one is a no-op;
// mapping the same URL and branch to two different paths is an error.
func (r *Resolver) AddMapping(m Mapping) error {
	nm, err := newMapping(m)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.add(nm)
}

// newMapping checks m and derives its facts.
func newMapping(m Mapping) (mapping, error) {
	m.URL = strings.TrimSpace(m.URL)
	norm := NormalizeURL(m.URL)
	if norm == "" {
		return mapping{}, fmt.Errorf("source mapping %s: empty URL", m)
	}
	if m.Path == "" {
		return mapping{}, fmt.Errorf("source mapping %s: empty path", m)
	}
	if err := checkBranchName(m.Branch); err != nil {
		return mapping{}, fmt.Errorf("source mapping %s: %w", m, err)
	}
	abs, err := filepath.Abs(m.Path)
	if err != nil {
		return mapping{}, fmt.Errorf("source mapping %s: path %s: %w", m, m.Path, err)
	}
	// Said in the user's terms: what the mapping needs, never the OS's
	// "stat PATH: no such file or directory".
	const want = "map the URL to the folder of a local checkout of that repository"
	st, err := os.Stat(abs)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return mapping{}, fmt.Errorf("source mapping %s: the folder %s does not exist; %s", m, m.Path, want)
	case err != nil:
		return mapping{}, fmt.Errorf("source mapping %s: reading %s: %w", m, m.Path, errors.Unwrap(err))
	case !st.IsDir():
		return mapping{}, fmt.Errorf("source mapping %s: %s is a file, not a folder; %s", m, m.Path, want)
	}
	_, gitErr := os.Lstat(filepath.Join(abs, ".git"))
	bare := gitErr != nil && isBare(abs)
	display := m.Path
	if m.Display != "" {
		display = m.Display
		if m.Revision != "" {
			display += " at " + m.Revision
		}
	}
	m.Path, m.Problems = abs, slices.Clone(m.Problems)
	return mapping{Mapping: m, norm: norm, display: display, git: gitErr == nil || bare, bare: bare}, nil
}

// add adds nm unless an equal mapping is there. The caller holds r.mu.
func (r *Resolver) add(nm mapping) error {
	m, norm, abs := nm.Mapping, nm.norm, nm.Path
	for _, o := range r.maps {
		if o.norm != norm || o.Branch != m.Branch {
			continue
		}
		if o.Path == abs {
			return nil
		}
		if m.Branch != "" {
			shown := m
			shown.Path = nm.display
			return fmt.Errorf("source mapping %s: branch %s of %s is already mapped to %s", shown, m.Branch, norm, o.display)
		}
	}
	r.maps = append(r.maps, nm)
	sort.SliceStable(r.maps, func(i, j int) bool {
		a, b := r.maps[i], r.maps[j]
		if a.norm != b.norm {
			return a.norm < b.norm
		}
		if a.Branch != b.Branch {
			return a.Branch < b.Branch
		}
		return a.Path < b.Path
	})
	return nil
}

// Mappings returns a copy of the mappings, with absolute paths, sorted by
// URL, then Branch, then Path.
func (r *Resolver) Mappings() []Mapping {
	r.mu.Lock()
	out := make([]Mapping, 0, len(r.maps))
	for _, m := range r.maps {
		out = append(out, m.Mapping)
	}
	r.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.URL != b.URL {
			return a.URL < b.URL
		}
		if a.Branch != b.Branch {
			return a.Branch < b.Branch
		}
		return a.Path < b.Path
	})
	return out
}

// Close removes every snapshot directory. Snapshots must not be used
// afterwards, and Resolve and Worktree fail. Closing again does nothing.
func (r *Resolver) Close() error {
	r.mu.Lock()
	r.closed = true
	root, lock := r.root, r.lock
	r.root, r.lock = "", nil
	r.mu.Unlock()
	if root == "" {
		return nil
	}
	err := os.RemoveAll(root)
	if lock != nil {
		// After the removal: while it runs, the folder is still a live
		// run's, and no sweep takes it.
		_ = lock.Close()
	}
	if err != nil {
		return fmt.Errorf("removing snapshots in %s: %w", root, err)
	}
	return nil
}

// Mapped returns the mappings with their paths as the user gave them (or
// as Display shows them), sorted by URL, then Branch, then path: those
// given, and those made from siblings for the URLs asked for so far.
func (r *Resolver) Mapped() []Mapping {
	r.mu.Lock()
	out := make([]Mapping, 0, len(r.maps))
	for _, m := range r.maps {
		shown := m.Mapping
		shown.Path = m.display
		if m.Display != "" {
			shown.Path = m.Display
		}
		shown.Problems = nil
		out = append(out, shown)
	}
	r.mu.Unlock()
	slices.SortStableFunc(out, func(a, b Mapping) int {
		return strings.Compare(NormalizeURL(a.URL)+"\x00"+a.Branch+"\x00"+a.Path, NormalizeURL(b.URL)+"\x00"+b.Branch+"\x00"+b.Path)
	})
	return out
}

// candidates returns the mappings for url, in a deterministic order. A URL
// no mapping names is looked up among the siblings, once.
func (r *Resolver) candidates(url string) ([]mapping, error) {
	norm := NormalizeURL(url)
	out, err := r.mappedFor(norm)
	if err != nil || len(out) > 0 || norm == "" || len(r.opts.Siblings) == 0 {
		return out, r.unmapped(url, norm, out, err)
	}
	r.mu.Lock()
	once := r.found[norm]
	if once == nil {
		once = &sync.Once{}
		r.found[norm] = once
	}
	r.mu.Unlock()
	once.Do(func() { r.fromSiblings(url, norm) })
	out, err = r.mappedFor(norm)
	return out, r.unmapped(url, norm, out, err)
}

// mappedFor returns the mappings of the normalised URL norm.
func (r *Resolver) mappedFor(norm string) ([]mapping, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, errors.New("source resolver is closed")
	}
	var out []mapping
	for _, m := range r.maps {
		if m.norm == norm && norm != "" {
			out = append(out, m)
		}
	}
	return out, nil
}

// unmapped is the error of a look-up of url that found the mappings out
// (err, when there is one): ErrUnmapped when it found none, saying which
// sibling named like the repository was refused and why.
func (r *Resolver) unmapped(url, norm string, out []mapping, err error) error {
	if err != nil || len(out) > 0 {
		return err
	}
	r.mu.Lock()
	why := r.refused[norm]
	r.mu.Unlock()
	if why != "" {
		return errorf(ErrUnmapped, "no local path mapped for %s (%s)", url, why)
	}
	return errorf(ErrUnmapped, "no local path mapped for %s (map the repository to a local checkout)", url)
}

// fromSiblings maps url to the siblings that stand for it (MatchSiblings),
// all at once so that no concurrent look-up sees half of them. A sibling
// with a revision At stands for its checked-out branch (or Branch) with a
// copy of that revision, its other branches still read from its git
// objects, as revision.StandIn maps a checkout given by the user.
func (r *Resolver) fromSiblings(url, norm string) {
	matches, refused := matchSiblings(url, r.opts.Siblings)
	var add []mapping
	var why []string
	if refused != "" {
		why = append(why, refused)
	}
	for _, sm := range matches {
		nm, err := newMapping(sm.m)
		if err != nil {
			why = append(why, err.Error())
			continue
		}
		add = append(add, nm)
		if sm.At == "" {
			continue
		}
		cp, err := r.siblingCopy(nm, sm.Sibling)
		if err != nil {
			// The sibling stands for its branches from git objects only.
			why = append(why, err.Error())
			continue
		}
		add = append(add, cp)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, nm := range add {
		if err := r.add(nm); err != nil {
			why = append(why, err.Error())
		}
	}
	r.refused[norm] = strings.Join(why, "; ")
}

// siblingCopy copies revision s.At of the sibling mapped by nm and maps
// the copy for the branch it stands for.
func (r *Resolver) siblingCopy(nm mapping, s Sibling) (mapping, error) {
	branch := s.Branch
	if branch == "" {
		var err error
		if branch, err = WorktreeBranch(s.Path, r.opts.Getenv); err != nil {
			return mapping{}, err
		}
	}
	if branch == "" {
		return mapping{}, fmt.Errorf("%s: its HEAD is detached and no branch is named for revision %s", nm.display, s.At)
	}
	snap, err := r.revisionOf([]mapping{nm}, s.At)
	if err != nil {
		return mapping{}, err
	}
	cp := nm.Mapping
	cp.Path, cp.Branch, cp.Problems, cp.Display, cp.Revision = snap.Dir, branch, snap.Problems, nm.display, s.At
	return newMapping(cp)
}

// Resolve materialises url at ref, applying the GitRepository spec.ignore
// text ignore ("" for none). The same URL, resolved revision and ignore
// text are materialised once, and the same *Snapshot is returned for the
// same resolution. Errors wrap ErrUnmapped or ErrRefNotFound where they
// apply.
//
// For a branch B the mappings of url are tried in this order: a mapping
// whose Branch is B (its working tree); a git mapping with no Branch whose
// checked-out branch is B (on a detached HEAD, GITHUB_BASE_REF names it);
// B read from the git objects of any git mapping (refs/heads/B, then
// refs/remotes/origin/B, then refs/remotes/<remote>/B); a plain folder with
// no Branch, which stands for any ref. Tags, commits, ref names and semver
// ranges are read from git objects, else from a plain folder with no Branch.
// A bare repository (no working tree: git clone --bare, a mirror) is read
// from its git objects only, whatever its HEAD or mapped branch.
func (r *Resolver) Resolve(url string, ref Ref, ignore string) (*Snapshot, error) {
	ms, err := r.candidates(url)
	if err != nil {
		return nil, err
	}
	p, err := r.plan(ms, ref)
	if err != nil {
		return nil, err
	}
	return r.materialise(p, ignore)
}

// Worktree materialises the working tree (or plain folder) mapped for url,
// regardless of which branch is checked out: the fleet repository's working
// tree stands for the branch the clusters sync. A mapping whose Branch is
// branch is preferred, then a git mapping with no Branch that has branch
// checked out, then any mapping with no Branch, then the first mapping.
// The snapshot's Branch is branch, or the checked-out branch when branch
// is empty.
func (r *Resolver) Worktree(url string, branch string) (*Snapshot, error) {
	ms, err := r.candidates(url)
	if err != nil {
		return nil, err
	}
	// A bare repository has no working tree.
	ms = slices.DeleteFunc(ms, func(m mapping) bool { return m.bare })
	if len(ms) == 0 {
		return nil, errorf(ErrRefNotFound, "%s is mapped to bare repositories only: there is no working tree to read", url)
	}
	var chosen *mapping
	if branch != "" {
		for i := range ms {
			if ms[i].Branch == branch {
				return r.materialise(r.worktreePlan(ms[i], branch, "", "mapped to branch "+branch), "")
			}
		}
	}
	for i := range ms {
		if ms[i].Branch != "" {
			continue
		}
		if chosen == nil {
			chosen = &ms[i]
		}
		if ms[i].git && branch != "" {
			co, how, head, err := r.checkedOut(ms[i])
			if err != nil {
				return nil, err
			}
			if co == branch {
				return r.materialise(r.worktreePlan(ms[i], branch, head, how), "")
			}
		}
	}
	if chosen == nil {
		chosen = &ms[0]
	}
	label, how, head := chosen.Branch, "mapped to branch "+chosen.Branch, ""
	if chosen.git && chosen.Branch == "" {
		co, h, hd, err := r.checkedOut(*chosen)
		if err != nil {
			return nil, err
		}
		label, how, head = co, h, hd
	}
	if branch != "" && branch != label {
		how += "; standing for " + branch
		label = branch
	}
	return r.materialise(r.worktreePlan(*chosen, label, head, how), "")
}

// plan resolves ref against the mappings ms.
func (r *Resolver) plan(ms []mapping, ref Ref) (plan, error) {
	switch {
	case ref.Commit != "":
		c := strings.ToLower(strings.TrimSpace(ref.Commit))
		if !isHex(c) || len(c) < 7 || len(c) > 64 {
			return plan{}, errorf(ErrRefNotFound, "commit %q is not a hexadecimal commit hash of at least 7 digits", ref.Commit)
		}
		return r.planGit(ms, ref, ref.Branch, func(g *gitRepo) (string, string, error) { return g.findCommit(c) })
	case ref.Name != "":
		if err := checkRefName(ref.Name); err != nil {
			return plan{}, err
		}
		if b, ok := strings.CutPrefix(ref.Name, "refs/heads/"); ok && b != "" {
			return r.planBranch(ms, b, true)
		}
		return r.planGit(ms, ref, "", func(g *gitRepo) (string, string, error) { return g.findRef(ref.Name) })
	case ref.SemVer != "":
		var tag string
		p, err := r.planGit(ms, ref, "", func(g *gitRepo) (string, string, error) {
			commit, how, t, err := g.findSemVer(ref.SemVer, ref.TagPrefix)
			tag = t
			return commit, how, err
		})
		p.tag = tag
		return p, err
	case ref.Tag != "":
		p, err := r.planGit(ms, ref, "", func(g *gitRepo) (string, string, error) { return g.findRef("refs/tags/" + ref.Tag) })
		if p.mode == ModeGit {
			p.tag = ref.Tag
		}
		return p, err
	case ref.Branch != "":
		return r.planBranch(ms, ref.Branch, true)
	}
	p, err := r.planBranch(ms, "master", false)
	if err == nil {
		p.note += " (spec.ref empty: default branch master)"
		return p, nil
	}
	if !errors.Is(err, ErrRefNotFound) {
		return plan{}, err
	}
	p, err = r.planBranch(ms, "main", true)
	if err != nil {
		return plan{}, err
	}
	p.note += " (spec.ref empty: no branch master, using main)"
	return p, nil
}

// planBranch applies the branch rules 1 to 5 (rule 4, the plain folder
// standing for any ref, only when anyFolder is set).
func (r *Resolver) planBranch(ms []mapping, b string, anyFolder bool) (plan, error) {
	// A bare repository has no working tree to stand for a branch: rules 1
	// and 2 pass it by, and rule 3 reads it.
	for _, m := range ms {
		if m.Branch == b && !m.bare {
			return r.worktreePlan(m, b, "", "mapped to branch "+b), nil
		}
	}
	for _, m := range ms {
		if !m.git || m.bare || m.Branch != "" {
			continue
		}
		co, how, head, err := r.checkedOut(m)
		if err != nil {
			return plan{}, err
		}
		if co == b {
			return r.worktreePlan(m, b, head, how), nil
		}
	}
	for _, m := range ms {
		if !m.git {
			continue
		}
		g, err := r.repo(m.Path)
		if err != nil {
			return plan{}, err
		}
		commit, how, err := g.findBranch(b)
		if err != nil {
			return plan{}, fmt.Errorf("looking up branch %q in %s: %w", b, m.display, err)
		}
		if commit != "" {
			return gitPlan(m, commit, b, how), nil
		}
	}
	if anyFolder {
		if p, ok := folderPlan(ms, "branch "+b, b); ok {
			return p, nil
		}
	}
	return plan{}, errorf(ErrRefNotFound, "branch %q not found in %s (looked for refs/heads/%s, refs/remotes/*/%s%s)",
		b, displayPaths(ms), b, b, mappedBranches(ms))
}

// planGit resolves a tag, commit, name or semver range with find, trying
// every git mapping in turn, then a plain folder with no Branch.
func (r *Resolver) planGit(ms []mapping, ref Ref, label string, find func(*gitRepo) (string, string, error)) (plan, error) {
	for _, m := range ms {
		if !m.git {
			continue
		}
		g, err := r.repo(m.Path)
		if err != nil {
			return plan{}, err
		}
		commit, how, err := find(g)
		if err != nil {
			return plan{}, fmt.Errorf("resolving %s in %s: %w", ref, m.display, err)
		}
		if commit != "" {
			return gitPlan(m, commit, label, how), nil
		}
	}
	if p, ok := folderPlan(ms, ref.String(), label); ok {
		return p, nil
	}
	hint := ""
	if ref.Name != "" {
		hint = "; " + refNameForms
	}
	return plan{}, errorf(ErrRefNotFound, "%s not found in %s%s%s", ref, displayPaths(ms), mappedBranches(ms), hint)
}

func gitPlan(m mapping, commit, label, how string) plan {
	return plan{m: m, mode: ModeGit, commit: commit, branch: label,
		note: fmt.Sprintf("%s at %s in %s", how, short(commit), m.display)}
}

// folderPlan picks the first plain folder with no Branch, which stands for
// any ref.
func folderPlan(ms []mapping, asked, label string) (plan, bool) {
	for _, m := range ms {
		if !m.git && m.Branch == "" {
			return plan{m: m, mode: ModeFolder, branch: label,
				note: fmt.Sprintf("plain folder %s standing for any ref (asked for %s)", m.display, asked)}, true
		}
	}
	return plan{}, false
}

// worktreePlan materialises the files at m.Path as they are.
func (r *Resolver) worktreePlan(m mapping, label, head, how string) plan {
	if !m.git {
		return plan{m: m, mode: ModeFolder, branch: label, note: fmt.Sprintf("plain folder %s (%s)", m.display, how)}
	}
	if head == "" {
		_, _, head, _ = r.checkedOut(m)
	}
	return plan{m: m, mode: ModeWorktree, commit: head, branch: label,
		note: fmt.Sprintf("working tree of %s (%s)", m.display, how)}
}

// checkedOut returns the branch checked out in the git mapping m, a
// description of how it was found, and the HEAD commit. On a detached
// HEAD, GITHUB_BASE_REF names the branch when set.
func (r *Resolver) checkedOut(m mapping) (branch, how, head string, err error) {
	g, err := r.repo(m.Path)
	if err != nil {
		return "", "", "", err
	}
	branch, head, err = g.head()
	if err != nil {
		return "", "", "", fmt.Errorf("reading HEAD of %s: %w", m.display, err)
	}
	if branch != "" {
		return branch, "checked out: " + branch, head, nil
	}
	if base := r.opts.Getenv("GITHUB_BASE_REF"); base != "" {
		return base, fmt.Sprintf("detached HEAD at %s, standing for %s (GITHUB_BASE_REF)", short(head), base), head, nil
	}
	return "", fmt.Sprintf("detached HEAD at %s", short(head)), head, nil
}

// materialise returns the snapshot for p, writing its files once.
func (r *Resolver) materialise(p plan, ignore string) (*Snapshot, error) {
	rev := p.commit
	if p.mode != ModeGit {
		rev = p.m.Path
	}
	mode := p.mode
	if p.copy {
		// A copy holds files an ignoring snapshot of the same revision
		// leaves out: never the same content.
		mode += "+copy"
	}
	id := contentID(p.m.norm, mode, rev, ignore)

	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, errors.New("source resolver is closed")
	}
	root, err := r.ensureRoot()
	if err != nil {
		r.mu.Unlock()
		return nil, err
	}
	ce, ok := r.contents[id]
	if !ok {
		ce = &contentEntry{done: make(chan struct{})}
		r.contents[id] = ce
	}
	r.mu.Unlock()
	if ok {
		<-ce.done
	} else {
		ce.dir = filepath.Join(root, id)
		ce.problems, ce.err = r.build(ce.dir, p, ignore)
		close(ce.done)
	}
	if ce.err != nil {
		return nil, ce.err
	}

	key := snapKey{id: id, branch: p.branch, note: p.note, local: p.m.Path}
	r.mu.Lock()
	defer r.mu.Unlock()
	if s := r.snaps[key]; s != nil {
		return s, nil
	}
	s := &Snapshot{
		ID:        id,
		Dir:       ce.dir,
		URL:       p.m.norm,
		LocalPath: p.m.display,
		Mode:      p.mode,
		Branch:    p.branch,
		Commit:    p.commit,
		Tag:       p.tag,
		Note:      p.note,
		Problems:  append([]FileProblem(nil), ce.problems...),
	}
	if !Explicit(p.m.Origin) && p.m.Origin != OriginFleet && p.m.How != "" {
		// Say why this folder stands for the URL: nobody mapped it.
		s.Note += "; " + p.m.How
	}
	r.snaps[key] = s
	return s, nil
}

// contentID is the stable key of a materialised directory.
func contentID(norm, mode, rev, ignore string) string {
	h := sha256.Sum256([]byte(norm + "\x00" + mode + "\x00" + rev + "\x00" + ignore))
	return hex.EncodeToString(h[:])[:16]
}

func displayPaths(ms []mapping) string {
	var ps []string
	for _, m := range ms {
		ps = append(ps, m.display)
	}
	return strings.Join(ps, ", ")
}

// mappedBranches lists the branches mappings are pinned to, as a hint.
func mappedBranches(ms []mapping) string {
	var bs []string
	for _, m := range ms {
		if m.Branch != "" {
			bs = append(bs, m.Branch+" ("+m.display+")")
		}
	}
	if len(bs) == 0 {
		return ""
	}
	return "; mapped branches: " + strings.Join(bs, ", ")
}

func short(h string) string {
	if len(h) > 7 {
		return h[:7]
	}
	return h
}

func isHex(s string) bool {
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return s != ""
}

// DefaultTempDir is where snapshots go unless told otherwise: $D1LINT_TMPDIR
// when set, else /dev/shm when it is a writable directory (a memory file
// system: creating a snapshot's many small files there is several times
// faster than on disk, and snapshots are small and short-lived), else
// os.TempDir().
func DefaultTempDir() string { return defaultTempDir(os.Getenv) }

// defaultTempDir is DefaultTempDir, with the environment read by getenv.
func defaultTempDir(getenv func(string) string) string {
	if d := getenv("D1LINT_TMPDIR"); d != "" {
		return d
	}
	const shm = "/dev/shm"
	if st, err := os.Stat(shm); err == nil && st.IsDir() {
		if f, err := os.CreateTemp(shm, ".d1lint-probe-"); err == nil {
			name := f.Name()
			_ = f.Close()
			_ = os.Remove(name)
			return shm
		}
	}
	return os.TempDir()
}

// Copy materialises url at ref as Resolve does, as a copy that stands in
// for a checkout of it: no ignore rules apply (neither .sourceignore files,
// nor Flux's default exclusions), so that a render of the copy applies the
// rules its own sources ask for (spec.ignore), and Problems lists every
// file dropped or refused, for Mapping.Problems.
func (r *Resolver) Copy(url string, ref Ref) (*Snapshot, error) {
	ms, err := r.candidates(url)
	if err != nil {
		return nil, err
	}
	p, err := r.plan(ms, ref)
	if err != nil {
		return nil, err
	}
	p.copy = true
	return r.materialise(p, "")
}

// Revision materialises the files of a git revision (a branch, origin/main,
// a tag, a hash) of the repository mapped for url, as git rev-parse names
// revisions. It stands in for the working tree when a check is compared with
// a baseline (--new-since), so it is a copy as Copy makes one: no ignore
// rules, every dropped or refused file in Problems.
func (r *Resolver) Revision(url, rev string) (*Snapshot, error) {
	ms, err := r.candidates(url)
	if err != nil {
		return nil, err
	}
	return r.revisionOf(ms, rev)
}

// revisionOf is Revision over the mappings ms.
func (r *Resolver) revisionOf(ms []mapping, rev string) (*Snapshot, error) {
	for _, m := range ms {
		if !m.git {
			continue
		}
		g, err := r.repo(m.Path)
		if err != nil {
			return nil, err
		}
		commit, err := g.findRevision(rev)
		if err != nil {
			return nil, fmt.Errorf("resolving %s in %s: %w", rev, m.display, err)
		}
		if commit != "" {
			p := gitPlan(m, commit, "", "revision "+rev)
			p.copy = true
			return r.materialise(p, "")
		}
	}
	// A shallow clone (actions/checkout's default depth of 1) has no other
	// branch: the commonest reason a base branch is not found in CI.
	return nil, errorf(ErrRefNotFound, "revision %s not found in %s: name a branch (main, origin/main), a tag, a commit or HEAD~1; "+
		"in CI, fetch it (actions/checkout with fetch-depth: 0)", rev, displayPaths(ms))
}

// RepoRoot returns the root of the git working tree that holds path (a file
// or folder), walking up from it; "" when none does.
func RepoRoot(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return ""
	}
	for dir := abs; ; {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// WorktreeBranch is the branch the working tree at path stands for, as the
// Resolver decides it: the branch checked out, or on a detached HEAD the
// branch GITHUB_BASE_REF names; "" when neither tells, and for a bare
// repository.
func WorktreeBranch(path string, getenv func(string) string) (string, error) {
	r := &Resolver{opts: Options{Getenv: getenv}.withDefaults(), repos: map[string]*repoEntry{}}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	if _, err := os.Lstat(filepath.Join(abs, ".git")); err != nil && isBare(abs) {
		return "", nil // no working tree stands for anything
	}
	branch, _, _, err := r.checkedOut(mapping{Mapping: Mapping{Path: abs}, display: path})
	return branch, err
}

// FindRevision returns the commit a git revision (a branch, origin/main, a
// tag, a hash, as git rev-parse names revisions) names in the git
// repository holding path, read from its objects; the error wraps
// ErrRefNotFound when there is no such revision.
func FindRevision(path, rev string) (string, error) {
	root := RepoRoot(path)
	if root == "" {
		abs, err := filepath.Abs(path)
		if err != nil || !isBare(abs) {
			return "", fmt.Errorf("%s is not in a git repository", path)
		}
		root = abs
	}
	r := &Resolver{opts: Options{}.withDefaults(), repos: map[string]*repoEntry{}}
	g, err := r.repo(root)
	if err != nil {
		return "", err
	}
	commit, err := g.findRevision(rev)
	if err != nil {
		return "", fmt.Errorf("resolving %s in %s: %w", rev, path, err)
	}
	if commit == "" {
		return "", errorf(ErrRefNotFound, "revision %s not found in %s", rev, path)
	}
	return commit, nil
}
