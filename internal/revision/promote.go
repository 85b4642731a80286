// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package revision

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/d1lint/d1lint/internal/render"
	"github.com/d1lint/d1lint/internal/source"
)

// Promoted is a repository whose production branch a promotion replaces
// with its main branch.
type Promoted struct {
	// URL is the normalised repository URL (github.com/org/repo).
	URL string `json:"url"`
	// From and To are the commits of production and main; empty for a
	// plain folder. To is the working tree's HEAD when main is read from a
	// working tree (uncommitted changes included).
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

// Promotion is a render in which main has been promoted to production.
type Promotion struct {
	// Options render the fleet with the production branch of every
	// repository in Repositories holding its main branch.
	Options render.Options
	// Repositories are those whose production branch is at another commit
	// than main (or whose main is a working tree), sorted by URL.
	Repositories []Promoted
	// FleetPromoted is true when the fleet's own production branch is among
	// them (its cluster folders change too).
	FleetPromoted bool
	res           *source.Resolver
}

// Close removes the copies of main the promoted options read.
func (p *Promotion) Close() error { return p.res.Close() }

// Promote returns the options in which the production branch of every
// mapped repository that has one (and the fleet's, when clusters follow
// it) holds the content of its main branch, each branch read as the
// renderer reads it: a working tree mapped or checked out for it, else git
// objects, local branches then remote-tracking ones. Close the result when
// its options are no longer used.
func Promote(opts render.Options, mainBranch, prodBranch string) (*Promotion, error) {
	res, err := source.NewResolver(nil, source.Options{TempDir: opts.TempDir, Getenv: opts.Getenv})
	if err != nil {
		return nil, err
	}
	p := &Promotion{Options: opts, res: res}
	if err := p.promote(mainBranch, prodBranch); err != nil {
		_ = res.Close()
		return nil, err
	}
	return p, nil
}

func (p *Promotion) promote(mainBranch, prodBranch string) error {
	opts, res := p.Options, p.res
	for _, m := range opts.Sources {
		if err := res.AddMapping(m); err != nil {
			return usageError{err}
		}
	}
	// The fleet, mapped as the renderer maps it.
	fleetBranch := FleetBranches(opts)
	for _, u := range slices.Sorted(maps.Keys(fleetBranch)) {
		if err := res.AddMapping(source.Mapping{URL: u, Path: opts.FleetPath, Branch: fleetBranch[u]}); err != nil {
			return usageError{err}
		}
	}
	seen := map[string]bool{}
	for _, m := range res.Mappings() {
		seen[source.NormalizeURL(m.URL)] = true
	}
	head := opts
	head.Sources = slices.Clone(opts.Sources)
	for _, u := range slices.Sorted(maps.Keys(seen)) {
		// Copies, as they stand in for checkouts: the render applies the
		// ignore rules, and reports the files the copy lacks.
		prod, err := res.Copy(u, source.Ref{Branch: prodBranch})
		if errors.Is(err, source.ErrRefNotFound) {
			continue // no production branch: nothing to promote
		}
		if err != nil {
			return fmt.Errorf("reading branch %s of %s: %w", prodBranch, u, err)
		}
		main, err := res.Copy(u, source.Ref{Branch: mainBranch})
		if errors.Is(err, source.ErrRefNotFound) {
			continue // no main branch: nothing to promote from
		}
		if err != nil {
			return fmt.Errorf("reading branch %s of %s: %w", mainBranch, u, err)
		}
		if prod.ID == main.ID {
			continue // already promoted
		}
		p.Repositories = append(p.Repositories, Promoted{URL: u, From: prod.Commit, To: main.Commit})
		if b, ok := fleetBranch[u]; ok && b == prodBranch {
			// The fleet's working tree stands for production: main's copy
			// takes its place, and the repository's other branches are still
			// read from its git objects.
			head.FleetPath, head.FleetProblems, head.FleetBranch, p.FleetPromoted = main.Dir, main.Problems, prodBranch, true
			head.FleetDisplay, head.FleetRevision = shown(opts.FleetPath, opts.FleetDisplay), mainBranch
			head = keepIdentity(head, opts)
			if _, err := os.Lstat(filepath.Join(opts.FleetPath, ".git")); err == nil {
				head.Sources = append(head.Sources, source.Mapping{URL: u, Path: opts.FleetPath})
			}
			continue
		}
		head.Sources = slices.DeleteFunc(head.Sources, func(m source.Mapping) bool {
			return source.NormalizeURL(m.URL) == u && m.Branch == prodBranch
		})
		head.Sources = append(head.Sources, source.Mapping{URL: u, Path: main.Dir, Branch: prodBranch, Problems: main.Problems})
	}
	p.Options = head
	return nil
}
