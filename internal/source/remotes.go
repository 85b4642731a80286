// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package source

import (
	"fmt"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5"
)

// Remote is a remote configured in a git repository.
type Remote struct {
	// Name is the remote's name (origin, upstream).
	Name string
	// URLs are its url entries as written in the configuration, the fetch
	// URL first.
	URLs []string
}

// Remotes returns the remotes configured in the git repository whose
// working tree is root (a folder holding .git, a directory or the file of
// a linked worktree), sorted by name. The configuration is read with
// go-git: no git process runs.
func Remotes(root string) ([]Remote, error) {
	repo, err := git.PlainOpenWithOptions(root, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
	if err != nil {
		return nil, fmt.Errorf("opening git repository %s: %w", root, err)
	}
	cfg, err := repo.Config()
	if err != nil {
		return nil, fmt.Errorf("reading the git configuration of %s: %w", root, err)
	}
	out := make([]Remote, 0, len(cfg.Remotes))
	for name, rc := range cfg.Remotes {
		out = append(out, Remote{Name: name, URLs: append([]string(nil), rc.URLs...)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// IsLocalURL reports whether a git URL names a repository on the local file
// system (a path, or a file:// URL) rather than on a server. Flux's
// source-controller cannot clone such a URL, so it never identifies a
// repository that a cluster syncs.
func IsLocalURL(raw string) bool {
	s := strings.TrimSpace(raw)
	if s == "" {
		return true
	}
	if i := strings.Index(s, "://"); i > 0 {
		return strings.EqualFold(s[:i], "file")
	}
	_, _, scp := splitSCP(s)
	return !scp
}

// RedactURL returns raw without the credentials a URL may carry: the user
// information of an http(s) URL (a token, as CI systems write into remote
// URLs) and the password of any other. Messages and reports show URLs read
// from a git configuration only through it.
func RedactURL(raw string) string {
	s := strings.TrimSpace(raw)
	i := strings.Index(s, "://")
	if i <= 0 {
		return s
	}
	rest := s[i+3:]
	end := strings.IndexByte(rest, '/')
	if end < 0 {
		end = len(rest)
	}
	authority := rest[:end]
	at := strings.LastIndexByte(authority, '@')
	if at < 0 {
		return s
	}
	scheme := strings.ToLower(s[:i])
	if scheme == "http" || scheme == "https" || strings.Contains(authority[:at], ":") {
		return s[:i+3] + authority[at+1:] + rest[end:]
	}
	return s
}
