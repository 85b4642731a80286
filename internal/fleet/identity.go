// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package fleet

import (
	"maps"
	"path/filepath"
	"slices"

	"github.com/d1lint/d1lint/internal/source"
)

// How the fleet's URL was decided (Identity.How, besides HowRemote).
const (
	// HowConfiguration: fleetURL in .d1lint.yaml, or --fleet-url.
	HowConfiguration = "configuration"
	// HowMostSynced: the URL most clusters' roots sync.
	HowMostSynced = "the sync URL of most clusters"
	// HowFolderName: nothing names the repository; "local/<folder name>".
	HowFolderName = "the name of the fleet folder"
)

// HowRemote is Identity.How for a URL taken from the git remote name.
func HowRemote(name string) string { return "git remote " + name }

// Identity says which repository the fleet checkout is and which branch its
// working tree stands for. Only this repository is read from the fleet
// checkout: a cluster whose root syncs another one needs a mapping of its
// own.
type Identity struct {
	// URL is the fleet repository's URL, as the configuration, the git
	// remote (credentials removed) or the roots' sync spell it.
	URL string
	// How says how URL was decided: HowConfiguration, HowRemote(name),
	// HowMostSynced or HowFolderName.
	How string
	// Branch is the branch the working tree stands for.
	Branch string
}

// Key is the normalised URL (source.NormalizeURL), which mappings and
// locations use.
func (id Identity) Key() string { return source.NormalizeURL(id.URL) }

// String says which repository the checkout is and how that was decided:
// "https://github.com/acme/d1-fleet.git (decided from git remote origin)".
func (id Identity) String() string { return id.URL + " (decided from " + id.How + ")" }

// Identify decides which repository the fleet checkout at path is. all are
// every cluster of the fleet (Discover with no Only), whatever a command
// selects, so that every command and every selection agree; known holds
// what the user or a caller already decided: a URL (with How, default
// HowConfiguration) and a Branch, each used as given when not empty.
//
// The URL is, in order:
//
//  1. known.URL: the configuration's fleetURL or --fleet-url (or the
//     identity of the working tree a copy stands in for);
//  2. a git remote of the checkout (see remoteURL): one whose URL a root
//     syncs, origin first; else, when the fleet is the top-level of its
//     repository, origin, else the first remote by name;
//  3. the URL most roots sync (ties: the smallest normalised URL);
//  4. "local/<folder name>" when no cluster names a URL.
//
// The branch is known.Branch, else the branch most roots that sync the
// fleet's URL follow (ties: the smallest name): in d1 every cluster's root
// follows main.
func Identify(path string, all []*Cluster, known Identity) Identity {
	synced := syncedURLs(all)
	id := Identity{URL: known.URL, How: known.How, Branch: known.Branch}
	switch {
	case id.URL != "":
		if id.How == "" {
			id.How = HowConfiguration
		}
	default:
		if u, how := remoteURL(path, synced); u != "" {
			id.URL, id.How = u, how
		} else if u := mostSynced(synced); u != "" {
			id.URL, id.How = u, HowMostSynced
		} else {
			abs, err := filepath.Abs(path)
			if err != nil {
				abs = path
			}
			id.URL, id.How = "local/"+filepath.Base(abs), HowFolderName
		}
	}
	if id.Branch == "" {
		id.Branch = branchOf(all, id)
	}
	return id
}

// IdentifyAt is Identify for the fleet at path, discovering all its
// clusters as opts says (opts.Only is ignored: every selection agrees).
func IdentifyAt(path string, known Identity, opts Options) (Identity, error) {
	if known.URL != "" && known.Branch != "" {
		return Identify(path, nil, known), nil
	}
	opts.Only = nil
	if opts.FleetURL == "" {
		opts.FleetURL = known.URL
	}
	l, err := Discover(path, opts)
	if err != nil {
		return Identity{}, err
	}
	return Identify(path, l.Clusters, known), nil
}

// synced is one URL the roots sync: how many clusters sync it and its
// spelling in the first of them (by cluster name).
type synced struct {
	count int
	url   string
}

// syncedURLs counts the URLs the clusters' roots declare, by normalised URL.
// A cluster whose folder declares no sync names no URL, and one that cannot
// be rendered (a non-git sync kind) syncs no git repository.
func syncedURLs(all []*Cluster) map[string]*synced {
	out := map[string]*synced{}
	for _, c := range all {
		if c.Assumed || c.Problem != "" || c.RepoURL() == "" {
			continue
		}
		k := source.NormalizeURL(c.RepoURL())
		if out[k] == nil {
			out[k] = &synced{url: c.RepoURL()}
		}
		out[k].count++
	}
	return out
}

// mostSynced is the URL most roots sync; ties go to the smallest
// normalised URL so that the answer never depends on map order.
func mostSynced(s map[string]*synced) string {
	best := ""
	for _, k := range slices.Sorted(maps.Keys(s)) {
		if best == "" || s[k].count > s[best].count {
			best = k
		}
	}
	if best == "" {
		return ""
	}
	return s[best].url
}

// remoteURL reads the remotes of the git repository holding the fleet at
// path (go-git: no git process), and returns the URL of the one that
// identifies the fleet and how it was chosen; "" when none does.
//
// A remote names the repository its working tree was cloned from; that is
// the fleet's identity only when the fleet is that repository. So:
//
//   - A remote whose URL a root syncs is taken first (origin before the
//     others): whatever the layout, the checkout then holds what Flux
//     reads for that root. In a fork whose clusters were partly moved to
//     the fork's URL, this is the fork, and the roots still syncing
//     upstream are reported.
//   - Otherwise a remote is taken only when the fleet folder is the
//     top-level of the repository (origin, else the first by name): a
//     fleet in a subfolder of another repository (a monorepo, or the
//     example fleet inside d1lint's own checkout) is not the repository
//     its remotes name, unless a root syncs it.
//   - A remote on the local file system (a path, file://) is never taken:
//     Flux cannot sync it, so it names no repository a cluster could
//     follow.
//
// URLs are returned without the credentials CI systems write into them.
func remoteURL(path string, syncs map[string]*synced) (string, string) {
	root := source.RepoRoot(path)
	if root == "" {
		return "", ""
	}
	remotes, err := source.Remotes(root)
	if err != nil {
		// An unreadable configuration identifies nothing; the roots' syncs
		// still do.
		return "", ""
	}
	// origin first, then by name (Remotes sorts by name).
	slices.SortStableFunc(remotes, func(a, b source.Remote) int {
		switch {
		case a.Name == b.Name:
			return 0
		case a.Name == "origin":
			return -1
		case b.Name == "origin":
			return 1
		}
		return 0
	})
	for _, r := range remotes {
		for _, u := range r.URLs {
			if !source.IsLocalURL(u) && syncs[source.NormalizeURL(u)] != nil {
				return source.RedactURL(u), HowRemote(r.Name)
			}
		}
	}
	if !samePath(root, path) {
		return "", ""
	}
	for _, r := range remotes {
		for _, u := range r.URLs {
			if !source.IsLocalURL(u) {
				return source.RedactURL(u), HowRemote(r.Name)
			}
		}
	}
	return "", ""
}

// samePath tells whether a and b are the same folder, symlinks resolved.
func samePath(a, b string) bool {
	canon := func(p string) string {
		abs, err := filepath.Abs(p)
		if err != nil {
			return p
		}
		if r, err := filepath.EvalSymlinks(abs); err == nil {
			return r
		}
		return abs
	}
	return canon(a) == canon(b)
}

// branchOf is the branch most roots that sync the fleet's URL follow (a
// cluster whose folder declares no sync follows the branch it is assumed
// to); ties go to the smallest name.
func branchOf(all []*Cluster, id Identity) string {
	key := id.Key()
	counts := map[string]int{}
	for _, c := range all {
		u := c.RepoURL()
		if c.Assumed {
			u = id.URL
		}
		if c.Problem != "" || u == "" || source.NormalizeURL(u) != key {
			continue
		}
		counts[c.Ref.Branch]++
	}
	best, n := "", 0
	for _, b := range slices.Sorted(maps.Keys(counts)) {
		if counts[b] > n {
			best, n = b, counts[b]
		}
	}
	return best
}
