// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/d1lint/d1lint/internal/render"
	"github.com/d1lint/d1lint/internal/source"
)

// revisions reads files of other git revisions of the repositories the
// user named (--config-ref, --new-since, the pre-push hook), from git
// objects, through one source resolver; Close removes the copies.
type revisions struct {
	res   *source.Resolver
	roots map[string]string // repository root → URL it is mapped under
}

func newRevisions(getenv func(string) string) (*revisions, error) {
	res, err := source.NewResolver(nil, source.Options{Getenv: getenv})
	if err != nil {
		return nil, err
	}
	return &revisions{res: res, roots: map[string]string{}}, nil
}

func (v *revisions) Close() error {
	if v == nil {
		return nil
	}
	return v.res.Close()
}

// at returns where path (a file or folder in a git working tree) is in a
// copy of revision rev of its repository.
func (v *revisions) at(path, rev string) (string, error) {
	root := source.RepoRoot(path)
	if root == "" {
		return "", fmt.Errorf("%s is not in a git repository, so revision %s of it cannot be read", path, rev)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil {
		return "", err
	}
	url, ok := v.roots[root]
	if !ok {
		url = "file://" + filepath.ToSlash(root)
		if err := v.res.AddMapping(source.Mapping{URL: url, Path: root}); err != nil {
			return "", err
		}
		v.roots[root] = url
	}
	snap, err := v.res.Revision(url, rev)
	if err != nil {
		return "", err
	}
	out := filepath.Join(snap.Dir, rel)
	if _, err := os.Stat(out); err != nil {
		return "", fmt.Errorf("%s does not exist at revision %s", filepath.ToSlash(rel), rev)
	}
	return out, nil
}

// standIn returns render options in which revision rev of the git
// repository at root replaces its working tree: the fleet folder, or the
// source mappings, that lie in root read a copy of rev instead. The copy
// stands for the branch the working tree stood for (branch, when not "":
// the pre-push hook names the branch being pushed to); other branches of
// the repository are still read from its git objects.
func (v *revisions) standIn(opts render.Options, root, rev, branch string, getenv func(string) string) (render.Options, error) {
	out := opts
	out.Sources = nil
	found := false
	within := func(p string) (string, bool) {
		abs, err := filepath.Abs(p)
		if err != nil {
			return "", false
		}
		rel, err := filepath.Rel(root, abs)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return "", false
		}
		return rel, true
	}
	copyOf := func(p string) (string, error) {
		dir, err := v.at(p, rev)
		if err != nil {
			return "", fmt.Errorf("reading %s at %s: %w", p, rev, err)
		}
		return dir, nil
	}
	if _, ok := within(opts.FleetPath); ok {
		dir, err := copyOf(opts.FleetPath)
		if err != nil {
			return out, err
		}
		out.FleetPath, found = dir, true
		if branch != "" {
			out.FleetBranch = branch
		}
	}
	for _, m := range opts.Sources {
		if _, ok := within(m.Path); !ok {
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
			if b, err = source.WorktreeBranch(m.Path, getenv); err != nil {
				return out, err
			}
		}
		dir, err := copyOf(m.Path)
		if err != nil {
			return out, err
		}
		out.Sources = append(out.Sources, source.Mapping{URL: m.URL, Path: dir, Branch: b})
		if m.Branch == "" && b != "" {
			// Other branches: from the repository's git objects.
			out.Sources = append(out.Sources, m)
		}
	}
	if !found {
		return out, fmt.Errorf("%w: neither the fleet (%s) nor any --source mapping is in the repository at %s", ErrUsage, opts.FleetPath, root)
	}
	return keepFleetBranches(out, opts), nil
}

// keepFleetBranches makes the fleet's other branches readable in options
// where a copy of one revision replaced the fleet's working tree (standIn
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
	branches := render.FleetBranches(opts)
	stood.Sources = append([]source.Mapping(nil), stood.Sources...)
	for _, u := range sortedKeys(branches) {
		stood.Sources = append(stood.Sources, source.Mapping{URL: u, Path: opts.FleetPath})
	}
	return stood
}
