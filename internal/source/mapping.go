// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package source

import (
	"fmt"
	"os"
	"strings"
)

// Mapping says that the repository at URL is checked out (or copied) at
// Path. Branch, when set, says that the files at Path stand for that branch
// (URL@BRANCH=PATH or URL=PATH@BRANCH on the command line).
type Mapping struct {
	URL    string
	Path   string
	Branch string
	// Problems, when Path is a copy a Resolver made (Resolver.Revision,
	// Resolver.Copy), are the files of the copied revision that the copy
	// lacks because they were dropped or refused, with paths relative to
	// Path: the copy holds regular files only, so a snapshot of it could not
	// see them. Snapshots of Path report them as their own (filtered by
	// their ignore rules), so that a render of the copy reports what a
	// render of the revision itself would. Empty for a checkout.
	Problems []FileProblem
	// Origin says where the mapping comes from: OriginFlag, OriginConfig,
	// OriginFleet, OriginSiblingRemote, OriginSiblingName ("" for a
	// program's own).
	Origin string
	// How says, for people, how a found mapping was found ("found beside
	// the fleet by its git remote origin"); reports and snapshot notes
	// show it.
	How string
	// Display, when set, is how Path is shown: a copy that stands in for a
	// checkout (--at, --new-since, diff's bases) shows the checkout's path,
	// as the user gave it, never the copy's temporary folder.
	Display string
	// Revision, with Display, is the git revision of that checkout the
	// copy at Path holds.
	Revision string
}

// String renders m in the URL@BRANCH=PATH command-line form, or
// URL=PATH@BRANCH when the URL has no repository path for the '@' to
// follow (ParseMapping would read it as part of the URL).
func (m Mapping) String() string {
	if m.Branch != "" {
		if repoPathStart(m.URL) == len(m.URL) {
			return m.URL + "=" + m.Path + "@" + m.Branch
		}
		return m.URL + "@" + m.Branch + "=" + m.Path
	}
	return m.URL + "=" + m.Path
}

const mappingForms = "expected URL=PATH, URL@BRANCH=PATH or URL=PATH@BRANCH"

// ParseMapping parses the command-line forms "URL=PATH", "URL@BRANCH=PATH"
// and "URL=PATH@BRANCH".
//
// The string is split on its last '='. In the URL part, an '@' is taken as
// the branch separator only when it is the last '@' and comes after the
// start of the repository path (the first '/' after "scheme://host", or the
// ':' of an scp-like git@host:org/repo), so user info such as git@ is never
// mistaken for a branch. In the PATH part the last '@' separates a branch,
// unless the whole PATH names an existing file or directory while the part
// before the '@' does not. Giving a branch on both sides is an error.
func ParseMapping(s string) (Mapping, error) {
	bad := func(why string) (Mapping, error) {
		return Mapping{}, fmt.Errorf("invalid source mapping %q: %s (%s)", s, why, mappingForms)
	}
	eq := strings.LastIndexByte(s, '=')
	if eq < 0 {
		return bad("no '='")
	}
	u, urlBranch, urlAt := splitURLBranch(strings.TrimSpace(s[:eq]))
	p, pathBranch, pathAt := splitPathBranch(strings.TrimSpace(s[eq+1:]))
	// Space around the '@' is the shell's, not the URL's or the path's
	// ("URL=PATH @main").
	u, p = strings.TrimSpace(u), strings.TrimSpace(p)
	switch {
	case u == "":
		return bad("empty URL")
	case p == "":
		return bad("empty PATH")
	case (urlAt && urlBranch == "") || (pathAt && pathBranch == ""):
		return bad("empty branch after '@'")
	case urlBranch != "" && pathBranch != "":
		return bad(fmt.Sprintf("branch given twice (%q and %q)", urlBranch, pathBranch))
	}
	m := Mapping{URL: u, Path: p, Branch: urlBranch + pathBranch}
	if err := checkBranchName(m.Branch); err != nil {
		return bad(err.Error())
	}
	return m, nil
}

// splitURLBranch splits URL@BRANCH, recognising only a last '@' that
// follows the start of the repository path; at reports whether it did.
func splitURLBranch(s string) (u, branch string, at bool) {
	i := strings.LastIndexByte(s, '@')
	if i < 0 || i <= repoPathStart(s) {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}

// repoPathStart returns the index of the character that starts the
// repository path in a URL: the '/' after the host for scheme://host/...,
// the ':' of an scp-like [user@]host:path, else the first '/' (len(s) when
// there is none).
func repoPathStart(s string) int {
	if i := strings.Index(s, "://"); i >= 0 {
		if j := strings.IndexByte(s[i+3:], '/'); j >= 0 {
			return i + 3 + j
		}
		return len(s)
	}
	slash := strings.IndexByte(s, '/')
	colon := strings.IndexByte(s, ':')
	switch {
	case colon >= 0 && (slash < 0 || colon < slash):
		return colon
	case slash >= 0:
		return slash
	}
	return len(s)
}

// splitPathBranch splits PATH@BRANCH on the last '@'; at reports whether it
// did. An '@' that belongs to an existing path whose part before the '@'
// does not exist is kept in the path.
func splitPathBranch(s string) (p, branch string, at bool) {
	i := strings.LastIndexByte(s, '@')
	if i < 0 {
		return s, "", false
	}
	if _, err := os.Lstat(s); err == nil {
		if _, err := os.Lstat(s[:i]); err != nil {
			return s, "", false
		}
	}
	return s[:i], s[i+1:], true
}

// checkBranchName rejects branch names git itself would refuse and that
// could not name a ref.
func checkBranchName(b string) error {
	if b == "" {
		return nil
	}
	switch {
	case strings.ContainsAny(b, " \t\n~^:?*[\\"), strings.Contains(b, ".."), strings.Contains(b, "@{"),
		strings.HasPrefix(b, "/"), strings.HasSuffix(b, "/"), strings.HasPrefix(b, "-"), strings.HasSuffix(b, ".lock"):
		return fmt.Errorf("%q is not a valid branch name", b)
	}
	return nil
}
