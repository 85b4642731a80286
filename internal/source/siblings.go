// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package source

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Where a mapping comes from (Mapping.Origin). Reports show it, so that a
// user sees which local copy stands for which repository and why.
const (
	// OriginFlag: a --source flag.
	OriginFlag = "flag"
	// OriginConfig: sources: in .d1lint.yaml.
	OriginConfig = "config"
	// OriginFleet: the fleet checkout, for the repository it is.
	OriginFleet = "fleet"
	// OriginSiblingRemote: a git checkout beside the fleet (or the current
	// checkout) whose git remote is the URL.
	OriginSiblingRemote = "sibling-remote"
	// OriginSiblingName: a git checkout beside the fleet (or the current
	// checkout) named like the repository, with no remote that says it is
	// another one.
	OriginSiblingName = "sibling-name"
)

// Explicit tells whether a mapping of this origin was given by the user
// (a flag, the configuration) or by a program using the package (""),
// rather than found.
func Explicit(origin string) bool {
	return origin == "" || origin == OriginFlag || origin == OriginConfig
}

// Sibling is a git repository found beside the fleet checkout, or beside
// the checkout d1lint runs in: a candidate local copy for a repository URL
// that no mapping names (see MatchSiblings).
type Sibling struct {
	// Path is the repository's folder, relative to the working directory
	// when the folder it was found beside was given so (../d1-infra).
	Path string
	// Name is the folder's name without a trailing ".git" (a bare clone
	// d1-infra.git is named d1-infra): the last element of the URLs it may
	// stand for by name.
	Name string
	// Beside says where it was found: "the fleet" or "the current checkout".
	Beside string
	// Remotes are its git remotes, read from its git configuration only.
	Remotes []Remote
	// At, when set, is a git revision of the sibling that stands in for
	// its working tree (--at, --new-since, diff's bases: see package
	// revision). The Resolver copies that revision when a URL first
	// matches the sibling, so that a sibling no cluster reads is never
	// copied.
	At string
	// Branch is the branch the revision At stands for ("": the branch the
	// working tree has checked out).
	Branch string
}

// FindSiblings lists the git repositories (working trees, linked worktrees
// and bare repositories) directly inside the folder dir, sorted by path,
// leaving out the folders in skip (absolute paths) and those named with a
// leading dot. beside is what dir holds ("the fleet", "the current
// checkout"), for messages.
//
// Only dir's children are looked at, never their content beyond their git
// configuration (for a linked worktree, the configuration of the repository
// it belongs to): dir becomes a root d1lint reads for this lookup alone.
// A child that is a symlink is passed by, as it may lead anywhere; so is a
// repository whose configuration cannot be read.
func FindSiblings(dir, beside string, skip ...string) []Sibling {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []Sibling
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if abs, err := filepath.Abs(p); err != nil || slices.Contains(skip, abs) {
			continue
		}
		if !isRepository(p) {
			continue
		}
		remotes, err := Remotes(p)
		if err != nil {
			continue
		}
		out = append(out, Sibling{Path: p, Name: strings.TrimSuffix(e.Name(), ".git"), Beside: beside, Remotes: remotes})
	}
	slices.SortFunc(out, func(a, b Sibling) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// isRepository tells whether dir is the top level of a git repository: it
// holds .git (a folder, or the file of a linked worktree), or it is a bare
// repository.
func isRepository(dir string) bool {
	if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
		return true
	}
	return isBare(dir)
}

// IsRepository tells whether dir is the top level of a git repository
// (a working tree, a linked worktree or a bare repository).
func IsRepository(dir string) bool { return isRepository(dir) }

// MatchSiblings returns the mappings that make siblings stand for url, and
// why a sibling named like the repository was refused ("" when none was).
// Flux reads a GitRepository from its URL; offline, a checkout beside the
// fleet stands for it when:
//
//  1. one of its git remotes is url, once normalised (NormalizeURL: https,
//     ssh and scp forms, ".git", the host's case). Siblings whose matching
//     remote is origin are preferred to those matching through another
//     remote (a fork's upstream); every sibling that matches is mapped, as
//     several mappings of one URL are (a worktree per branch);
//  2. else, its folder is named like the repository (the last element of
//     url's path, without ".git"; exactly, else ignoring case) and no remote
//     says it is another repository: it has no remote, or only remotes on
//     the local file system, which no cluster could sync.
//
// A sibling named like the repository whose remotes name another one is
// refused: it is a checkout of a fork, or of an unrelated repository.
func MatchSiblings(url string, siblings []Sibling) ([]Mapping, string) {
	matches, refused := matchSiblings(url, siblings)
	var out []Mapping
	for _, m := range matches {
		out = append(out, m.m)
	}
	return out, refused
}

// matchSiblings is MatchSiblings, with the sibling of each mapping.
func matchSiblings(url string, siblings []Sibling) ([]siblingMatch, string) {
	key := NormalizeURL(url)
	if key == "" || IsLocalURL(url) {
		return nil, ""
	}
	var byOrigin, byOther []siblingMatch
	for _, s := range siblings {
		if name := matchingRemote(s, key); name != "" {
			m := s.match(url, OriginSiblingRemote, fmt.Sprintf("found beside %s by its git remote %s", s.Beside, name))
			if name == "origin" {
				byOrigin = append(byOrigin, m)
			} else {
				byOther = append(byOther, m)
			}
		}
	}
	if len(byOrigin) > 0 {
		return byOrigin, ""
	}
	if len(byOther) > 0 {
		return byOther, ""
	}
	name := key[strings.LastIndexByte(key, '/')+1:]
	named := func(fold bool) []Sibling {
		var out []Sibling
		for _, s := range siblings {
			if s.Name == name || fold && strings.EqualFold(s.Name, name) {
				out = append(out, s)
			}
		}
		return out
	}
	candidates := named(false)
	if len(candidates) == 0 {
		candidates = named(true)
	}
	var out []siblingMatch
	var refused []string
	for _, s := range candidates {
		if r := serverRemote(s); r != "" {
			refused = append(refused, fmt.Sprintf("%s (found beside %s) is named like it, but its git remote %s", s.Path, s.Beside, r))
			continue
		}
		out = append(out, s.match(url, OriginSiblingName, fmt.Sprintf("found beside %s by its folder name", s.Beside)))
	}
	if len(out) > 0 {
		return out, ""
	}
	if len(refused) > 0 {
		return nil, strings.Join(refused, "; ") + ": map it with --source if it is this repository"
	}
	return nil, ""
}

// siblingMatch is a sibling that stands for a URL, and the mapping that
// says so.
type siblingMatch struct {
	Sibling
	m Mapping
}

// match makes s stand for url.
func (s Sibling) match(url, origin, how string) siblingMatch {
	return siblingMatch{Sibling: s, m: Mapping{URL: url, Path: s.Path, Origin: origin, How: how}}
}

// matchingRemote is the name of s's remote whose URL is key ("" when none
// is), origin first.
func matchingRemote(s Sibling, key string) string {
	found := ""
	for _, r := range s.Remotes {
		for _, u := range r.URLs {
			if !IsLocalURL(u) && NormalizeURL(u) == key && (found == "" || r.Name == "origin") {
				found = r.Name
			}
		}
	}
	return found
}

// serverRemote describes the first remote of s that names a repository on
// a server ("origin is https://github.com/acme/x.git"), credentials removed;
// "" when s has none.
func serverRemote(s Sibling) string {
	for _, r := range s.Remotes {
		for _, u := range r.URLs {
			if !IsLocalURL(u) {
				return r.Name + " is " + RedactURL(u)
			}
		}
	}
	return ""
}

// OtherRemote describes, for a mapping of url to the folder path, a git
// remote saying that path is another repository: "" when path is not the
// top level of a git repository, has no remote on a server, or has one
// whose URL is url. A mapping the user wrote is taken as written, but such
// a mismatch is most often a slip (the wrong folder, a fork).
func OtherRemote(url, path string) string {
	if !isRepository(path) {
		return ""
	}
	remotes, err := Remotes(path)
	if err != nil {
		return ""
	}
	s := Sibling{Remotes: remotes}
	if matchingRemote(s, NormalizeURL(url)) != "" {
		return ""
	}
	return serverRemote(s)
}

// NearestURL returns the URL among candidates whose normalised form is
// closest to url's by edit distance (ties: the smallest normalised URL),
// for a "did you mean" hint; "" when none is close: more than a third of
// the longer key differs, or candidates is empty.
func NearestURL(url string, candidates []string) string {
	key := NormalizeURL(url)
	best, bestKey, bestD := "", "", -1
	for _, c := range candidates {
		ck := NormalizeURL(c)
		if ck == key {
			continue
		}
		d := editDistance(key, ck)
		if d*3 > max(len(key), len(ck)) {
			continue
		}
		if bestD < 0 || d < bestD || d == bestD && ck < bestKey {
			best, bestKey, bestD = c, ck, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, by bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
