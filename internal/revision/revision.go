// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package revision reads other git revisions of the repositories a fleet
// check involves, in place of their working trees: the revision a check
// reads instead of the working tree (d1lint's --at, the pre-push hook's
// pushed commit), the baseline of --new-since and diff --base, the trusted
// configuration of --config-ref, the HEAD commit that diff compares
// uncommitted edits with, and the promotion of main to production. Every
// revision is read from git objects (package source), never by a checkout
// and never with the git binary.
package revision

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/d1lint/d1lint/internal/fleet"
	"github.com/d1lint/d1lint/internal/render"
	"github.com/d1lint/d1lint/internal/source"
)

// ErrUsage marks errors in what the user asked for (a revision of a
// repository that no mapping reads, a file missing at a revision).
var ErrUsage = errors.New("usage error")

// usageError reads as its cause alone and matches ErrUsage: the message
// says what is wrong in the user's terms, the type decides the exit status.
type usageError struct{ err error }

func (e usageError) Error() string        { return e.err.Error() }
func (e usageError) Unwrap() error        { return e.err }
func (e usageError) Is(target error) bool { return target == ErrUsage }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// AbsentError is the error of a path that does not exist at the revision
// read. It matches ErrUsage; a caller to whom a missing file means
// something (the configuration at --config-ref: the built-in defaults)
// tells it apart with errors.As.
type AbsentError struct {
	// Path is slash-separated, relative to the repository's root.
	Path string
	// Rev is the revision, as the user named it.
	Rev string
}

func (e *AbsentError) Error() string {
	return fmt.Sprintf("%s does not exist at revision %s", e.Path, e.Rev)
}

// Is makes an AbsentError a usage error.
func (e *AbsentError) Is(target error) bool { return target == ErrUsage }

// Reader reads files of other git revisions of the repositories the user
// named, from git objects, through one source resolver; Close removes the
// copies. Options a Reader returned read its copies: keep it open while
// they are used.
type Reader struct {
	res   *source.Resolver
	roots map[string]string // repository root → URL it is mapped under
}

// NewReader returns a Reader; getenv reads the environment (GITHUB_BASE_REF
// names the branch of a detached HEAD).
func NewReader(getenv func(string) string) (*Reader, error) {
	res, err := source.NewResolver(nil, source.Options{Getenv: getenv})
	if err != nil {
		return nil, err
	}
	return &Reader{res: res, roots: map[string]string{}}, nil
}

// Close removes the copies.
func (v *Reader) Close() error {
	if v == nil {
		return nil
	}
	return v.res.Close()
}

// At returns where path (a file or folder in a git working tree) is in a
// copy of revision rev of its repository.
func (v *Reader) At(path, rev string) (string, error) {
	out, _, err := v.at(path, rev)
	return out, err
}

// at is At, with the problems of the files under path that the copy lacks
// (source.Mapping.Problems), relative to path.
func (v *Reader) at(path, rev string) (string, []source.FileProblem, error) {
	root := source.RepoRoot(path)
	if root == "" {
		return "", nil, usagef("%s is not in a git repository, so revision %s of it cannot be read", path, rev)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", nil, err
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil {
		return "", nil, err
	}
	url, ok := v.roots[root]
	if !ok {
		url = "file://" + filepath.ToSlash(root)
		if err := v.res.AddMapping(source.Mapping{URL: url, Path: root}); err != nil {
			return "", nil, err
		}
		v.roots[root] = url
	}
	snap, err := v.res.Revision(url, rev)
	if err != nil {
		return "", nil, usageError{err}
	}
	out := filepath.Join(snap.Dir, rel)
	if _, err := os.Stat(out); err != nil {
		return "", nil, &AbsentError{Path: filepath.ToSlash(rel), Rev: rev}
	}
	return out, under(snap.Problems, filepath.ToSlash(rel)), nil
}

// under returns the problems of the files in the folder rel (slash-separated,
// relative to the repository root; "." for the root), relative to rel: a
// mapping of a subfolder reads the files under it, with paths relative to it.
func under(problems []source.FileProblem, rel string) []source.FileProblem {
	if rel == "." {
		return slices.Clone(problems)
	}
	var out []source.FileProblem
	for _, fp := range problems {
		if p, ok := strings.CutPrefix(fp.Path, rel+"/"); ok {
			fp.Path = p
			out = append(out, fp)
		}
	}
	return out
}

// StandIn returns render options in which revision rev of the git
// repository at root replaces its working tree: the fleet folder, or the
// source mappings, that lie in root read a copy of rev instead. The copy
// stands for the branch the working tree stood for (branch, when not "":
// the pre-push hook names the branch being pushed to); other branches of
// the repository are still read from its git objects.
func (v *Reader) StandIn(opts render.Options, root, rev, branch string) (render.Options, error) {
	out := opts
	out.Sources = nil
	found := false
	copyOf := func(p string) (string, []source.FileProblem, error) {
		dir, problems, err := v.at(p, rev)
		if err != nil && !errors.Is(err, ErrUsage) {
			// A usage error names the revision and what is missing.
			err = fmt.Errorf("reading %s at %s: %w", p, rev, err)
		}
		if err != nil {
			return "", nil, err
		}
		return dir, problems, nil
	}
	if within(root, opts.FleetPath) {
		// The copy holds regular files only: the symlinks and hazards of
		// the revision go with it, so that the render reports them as it
		// would on a checkout of rev.
		dir, problems, err := copyOf(opts.FleetPath)
		if err != nil {
			return out, err
		}
		out.FleetPath, out.FleetProblems, found = dir, problems, true
		out.FleetDisplay, out.FleetRevision = shown(opts.FleetPath, opts.FleetDisplay), rev
		out = keepIdentity(out, opts)
		if branch != "" {
			out.FleetBranch = branch
		}
	}
	for _, m := range opts.Sources {
		if !within(root, m.Path) {
			out.Sources = append(out.Sources, m)
			continue
		}
		found = true
		b := m.Branch
		if b == "" {
			b = branch
		}
		if b == "" {
			var err error
			if b, err = source.WorktreeBranch(m.Path, opts.Getenv); err != nil {
				return out, err
			}
		}
		dir, problems, err := copyOf(m.Path)
		if err != nil {
			return out, err
		}
		cp := m
		cp.Path, cp.Branch, cp.Problems, cp.Display, cp.Revision = dir, b, problems, shown(m.Path, m.Display), rev
		out.Sources = append(out.Sources, cp)
		if m.Branch == "" && b != "" {
			// Other branches: from the repository's git objects.
			out.Sources = append(out.Sources, m)
		}
	}
	// A checkout beside the fleet that is the repository being checked
	// (d1lint run in d1-apps) stands in the same way, once a URL is found
	// to be it: the renderer copies the revision then (source.Sibling.At),
	// so that an unread sibling is never copied.
	out.Siblings = slices.Clone(opts.Siblings)
	for i, sib := range out.Siblings {
		if sib.At != "" || !within(root, sib.Path) {
			continue
		}
		if err := v.check(sib.Path, rev); err != nil {
			return out, err
		}
		out.Siblings[i].At, out.Siblings[i].Branch, found = rev, branch, true
	}
	if !found {
		return out, usagef("neither the fleet (%s) nor any source mapping is in the repository at %s", opts.FleetPath, root)
	}
	return keepFleetBranches(out, opts), nil
}

// shown is how a checkout at p is shown: display when it is a copy
// already (a revision of a revision), else p.
func shown(p, display string) string {
	if display != "" {
		return display
	}
	return p
}

// check tells whether revision rev exists in the git repository holding
// path, without copying it.
func (v *Reader) check(path, rev string) error {
	if _, err := source.FindRevision(path, rev); err != nil {
		return fmt.Errorf("reading %s at %s: %w: %w", path, rev, ErrUsage, err)
	}
	return nil
}

// within tells whether path p lies in the folder root.
func within(root, p string) bool {
	abs, err := filepath.Abs(p)
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(root, abs)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// keepFleetBranches makes the fleet's other branches readable in options
// where a copy of one revision replaced the fleet's working tree (StandIn
// maps the copy for the fleet's branch only): the fleet's git repository is
// mapped again with no branch, so that clusters following another branch
// (production) still read it from git objects.
func keepFleetBranches(stood, opts render.Options) render.Options {
	if stood.FleetPath == opts.FleetPath {
		return stood
	}
	if _, err := os.Lstat(filepath.Join(opts.FleetPath, ".git")); err != nil {
		return stood
	}
	branches := FleetBranches(opts)
	stood.Sources = slices.Clone(stood.Sources)
	for _, u := range slices.Sorted(maps.Keys(branches)) {
		stood.Sources = append(stood.Sources, source.Mapping{URL: u, Path: opts.FleetPath, Origin: source.OriginFleet, How: "the fleet checkout, for its other branches"})
	}
	return stood
}

// FleetBranches is, for the fleet opts names, the fleet repository's URL
// (normalised) and the branch its working tree stands for, as the renderer
// maps them (FleetIdentity); empty when the cluster folders cannot be read
// (a render says why).
func FleetBranches(opts render.Options) map[string]string {
	id, err := FleetIdentity(opts)
	if err != nil {
		return map[string]string{}
	}
	return map[string]string{id.Key(): id.Branch}
}

// FleetIdentity is the repository the fleet checkout opts names is, as the
// renderer decides it (fleet.Identify), so that every command agrees.
func FleetIdentity(opts render.Options) (fleet.Identity, error) {
	return fleet.IdentifyAt(opts.FleetPath, fleet.Identity{URL: opts.FleetURL, How: opts.FleetURLHow, Branch: opts.FleetBranch},
		fleet.Options{Entries: opts.ClusterEntries, FleetURL: opts.FleetURL})
}

// keepIdentity gives options in which a copy replaced the fleet's working
// tree the identity that working tree has: the copy has no git remotes,
// and its clusters at another revision may sync other URLs, but it stands
// for the same repository.
func keepIdentity(stood, opts render.Options) render.Options {
	if stood.FleetURL != "" {
		return stood
	}
	if id, err := FleetIdentity(opts); err == nil {
		stood.FleetURL, stood.FleetURLHow = id.URL, id.How
	}
	return stood
}

// SiblingsAt returns opts in which revision rev of every checkout beside
// the fleet (render.Options.Siblings) stands in for its working tree, as
// StandIn makes it for a mapped one: the renderer copies the revision of
// those a URL is found to be, and only those (source.Sibling.At). diff
// compares the working trees with their HEAD commits so.
func SiblingsAt(opts render.Options, rev string) render.Options {
	opts.Siblings = slices.Clone(opts.Siblings)
	for i := range opts.Siblings {
		if opts.Siblings[i].At == "" {
			opts.Siblings[i].At = rev
		}
	}
	return opts
}

// WorkingTrees are the roots of the git working trees a render of opts
// reads, once each, sorted: the fleet's, and every source mapping's that
// stands for a branch (a mapping with no branch whose working tree is on a
// detached HEAD, with no GITHUB_BASE_REF to name its branch, is read from
// git objects only: its uncommitted changes reach no cluster).
func WorkingTrees(opts render.Options) []string {
	seen := map[string]bool{}
	add := func(p string) {
		if root := source.RepoRoot(p); root != "" {
			seen[root] = true
		}
	}
	add(opts.FleetPath)
	for _, m := range opts.Sources {
		if m.Branch == "" {
			if b, err := source.WorktreeBranch(m.Path, opts.Getenv); err == nil && b == "" {
				continue
			}
		}
		add(m.Path)
	}
	return slices.Sorted(maps.Keys(seen))
}

// Repository is the repository being checked when the user or GitHub names
// it, normalised: named (a --repository flag) when not empty, else
// GITHUB_REPOSITORY on GITHUB_SERVER_URL (github.com by default); "" when
// neither names one.
func Repository(named string, getenv func(string) string) string {
	if named != "" {
		return source.NormalizeURL(named)
	}
	if repo := getenv("GITHUB_REPOSITORY"); repo != "" {
		server := getenv("GITHUB_SERVER_URL")
		if server == "" {
			server = "https://github.com"
		}
		return source.NormalizeURL(strings.TrimRight(server, "/") + "/" + repo)
	}
	return ""
}

// CheckedRoot is the local git repository whose revisions --at, --base and
// --new-since name: for a named repository (see Repository), the one
// mapped for it (a source mapping, or else the fleet); without one, the
// current folder's repository, else the fleet's. "" when none is a git
// repository.
func CheckedRoot(repo string, opts render.Options) string {
	if repo != "" {
		for _, m := range opts.Sources {
			if source.NormalizeURL(m.URL) == repo {
				return source.RepoRoot(m.Path)
			}
		}
		return source.RepoRoot(opts.FleetPath)
	}
	if root := source.RepoRoot("."); root != "" {
		return root
	}
	return source.RepoRoot(opts.FleetPath)
}
