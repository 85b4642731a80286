// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/fleet"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/source"
)

// Where a sibling was found (source.Sibling.Beside), as messages say it.
const (
	besideFleet   = "the fleet"
	besideCurrent = "the current checkout"
)

// Siblings returns the git checkouts a repository may be read from when no
// mapping names its URL (source.MatchSiblings): those beside the fleet
// folder fleetPath and, when d1lint runs in another git repository than
// the fleet's (d1-infra, d1-apps), those beside that repository. Their
// paths are relative to the working directory when fleetPath is, as the
// user gave it: ../d1-infra.
//
// Only the children of those two folders are looked at, and of each child
// only its git configuration: the folder that holds the fleet (or the
// current checkout) becomes a root d1lint reads for this lookup alone.
// The fleet folder itself is never its own sibling.
func Siblings(fleetPath string) []source.Sibling {
	fleetAbs, err := filepath.Abs(fleetPath)
	if err != nil {
		return nil
	}
	parent := filepath.Join(fleetPath, "..")
	out := source.FindSiblings(parent, besideFleet, fleetAbs)
	cur := source.RepoRoot(".")
	if cur == "" || cur == source.RepoRoot(fleetPath) {
		return out
	}
	other := filepath.Join(up(".", cur), "..")
	if sameDir(other, parent) {
		return out
	}
	return append(out, source.FindSiblings(other, besideCurrent, fleetAbs)...)
}

// FleetBeside finds the fleet when the user named none (no --fleet, no
// .d1lint.yaml in dir) and dir has no clusters folder: d1lint runs in
// d1-infra or d1-apps, or in a subfolder of the fleet. It returns the top
// level of dir's git repository when that is a fleet, else the one git
// checkout beside it that holds clusters (its path relative to dir,
// ../d1-fleet); "" when there is none, or dir has a clusters folder (a
// fleet, perhaps with no cluster yet) or a configuration. Several fleets
// beside it are a usage error: the user picks one with --fleet.
func FleetBeside(dir string) (string, error) {
	if config.Find(dir) != "" {
		return "", nil
	}
	if _, err := os.Stat(filepath.Join(dir, "clusters")); err == nil {
		return "", nil
	}
	root := source.RepoRoot(dir)
	if root == "" {
		return "", nil
	}
	top := up(dir, root)
	if isFleet(top) {
		return top, nil
	}
	parent := filepath.Join(top, "..")
	var found []string
	for _, s := range source.FindSiblings(parent, besideCurrent, root) {
		if isFleet(s.Path) {
			found = append(found, s.Path)
		}
	}
	switch len(found) {
	case 0:
		return "", nil
	case 1:
		return found[0], nil
	}
	return "", UsageError(fmt.Errorf("%s holds no fleet, and there are several beside its repository (%s): pick one with --fleet", dir, strings.Join(found, ", ")))
}

// FoundBeside is what the model says of a fleet FleetBeside found.
const FoundBeside = "found beside the current checkout"

// isFleet tells whether dir holds at least one cluster.
func isFleet(dir string) bool {
	l, err := fleet.Discover(dir, fleet.Options{})
	return err == nil && len(l.Clusters) > 0
}

// up is the path of root, an ancestor of dir, relative to dir as dir is
// given (".", "..", "../.."), or root itself when it cannot be told.
func up(dir, root string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return root
	}
	rel, err := filepath.Rel(abs, root)
	if err != nil {
		return root
	}
	return filepath.Join(dir, rel)
}

// sameDir tells whether a and b are the same folder.
func sameDir(a, b string) bool {
	x, err1 := filepath.Abs(a)
	y, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && x == y
}

// checkedRepository is the repository of the current folder's git checkout
// when a mapping of the render reads it, normalised: the repository being
// checked when the user names none (a check run in d1-apps checks d1-apps'
// effect on the fleet). "" when no mapping does, or several repositories
// map to it.
func checkedRepository(fl *model.Fleet) string {
	if found := checkedRepositories(fl.Mappings); len(found) == 1 {
		return found[0]
	}
	return ""
}

// checkedRepositories are the repositories mappings read from the current
// folder's git checkout, normalised and sorted (checkedRepository: the
// repository being checked when there is one).
func checkedRepositories(mappings []model.Mapping) []string {
	cur := source.RepoRoot(".")
	if cur == "" {
		return nil
	}
	var found []string
	for _, m := range mappings {
		if m.Revision != "" || !source.IsRepository(m.Path) || source.RepoRoot(m.Path) != cur {
			continue
		}
		if !slices.Contains(found, m.Repo) {
			found = append(found, m.Repo)
		}
	}
	slices.Sort(found)
	return found
}
