// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package report

import (
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/d1lint/d1lint/internal/model"
)

// The values of --color.
const (
	// ColorAuto colours a terminal, unless the environment says otherwise
	// (NO_COLOR, FORCE_COLOR, TERM=dumb).
	ColorAuto = "auto"
	// ColorAlways colours whatever the output and the environment.
	ColorAlways = "always"
	// ColorNever never colours.
	ColorNever = "never"
)

// ColorModes are the values --color takes.
var ColorModes = []string{ColorAuto, ColorAlways, ColorNever}

// UseColor decides whether output is coloured. The first that has a say
// decides: the flag (mode always or never), NO_COLOR (set and not empty:
// no colour; no-color.org), FORCE_COLOR (set: colour, unless it is 0 or
// false), TERM=dumb (no colour), and last whether the output is a
// terminal. mode "" is auto.
func UseColor(mode string, terminal bool, getenv func(string) string) bool {
	switch mode {
	case ColorAlways:
		return true
	case ColorNever:
		return false
	}
	if getenv == nil {
		return terminal
	}
	if getenv("NO_COLOR") != "" {
		return false
	}
	if f := getenv("FORCE_COLOR"); f != "" {
		return f != "0" && !strings.EqualFold(f, "false")
	}
	if getenv("TERM") == "dumb" {
		return false
	}
	return terminal
}

// SupportsHyperlinks reports whether the terminal d1lint runs in shows
// OSC 8 hyperlinks, as far as its environment tells: FORCE_HYPERLINK
// decides when set (0 turns them off); a CI log never does; the terminals
// known to (iTerm2, WezTerm, VS Code's, Ghostty, Windows Terminal,
// Konsole, kitty, foot, VTE-based ones from 0.50) do. Others may print
// the escape sequences as text, so they get none.
func SupportsHyperlinks(getenv func(string) string) bool {
	if getenv == nil {
		return false
	}
	if f := getenv("FORCE_HYPERLINK"); f != "" {
		return f != "0" && !strings.EqualFold(f, "false")
	}
	if getenv("CI") != "" || getenv("TERM") == "dumb" {
		return false
	}
	switch getenv("TERM_PROGRAM") {
	case "iTerm.app", "WezTerm", "vscode", "ghostty":
		return true
	}
	if getenv("WT_SESSION") != "" || getenv("KONSOLE_VERSION") != "" || getenv("DOMTERM") != "" {
		return true
	}
	switch getenv("TERM") {
	case "xterm-kitty", "foot", "xterm-ghostty", "wezterm":
		return true
	}
	if v, err := strconv.Atoi(getenv("VTE_VERSION")); err == nil && v >= 5000 {
		return true
	}
	return false
}

// LocalFiles finds the files of locations in the local checkouts that
// stood for their repositories, to show them relative to the current
// folder (clickable in terminals and editors) rather than as
// repo@branch:path.
type LocalFiles struct {
	// dir is the current folder, absolute.
	dir string
	// folders are the local folders, absolute, by repository and branch.
	folders map[string]string
	// host names this machine in file:// URLs.
	host string
}

// NewLocalFiles maps each repository and branch to the folder that stood
// for it in a render (Report.Sources; a path relative to dir, the current
// folder, as the user gave it). A folder mapped for no branch in
// particular (one found beside the fleet) has its working tree stand for
// the branch it has checked out. A folder read at a revision other than
// its working tree (--at, --new-since) stands for nothing: its files may
// differ from the working tree's.
func NewLocalFiles(ms []model.Mapping, dir string) *LocalFiles {
	l := &LocalFiles{folders: map[string]string{}}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return l
	}
	l.dir = abs
	l.host, _ = os.Hostname()
	for _, m := range ms {
		if m.Revision != "" || m.Repo == "" || m.Path == "" {
			continue
		}
		p := m.Path
		if !filepath.IsAbs(p) {
			p = filepath.Join(abs, p)
		}
		branch := m.Branch
		if branch == "" {
			if branch = checkedOut(p); branch == "" {
				continue
			}
		}
		key := m.Repo + "@" + branch
		if _, ok := l.folders[key]; !ok {
			l.folders[key] = filepath.Clean(p)
		}
	}
	return l
}

// Find returns, for a location in a local checkout at or beside the
// current folder, its file relative to the current folder (./path, or
// ../checkout/path for one beside it) and absolute; ok is false when the
// file is not in such a checkout, or not there at all.
func (l *LocalFiles) Find(loc model.Location) (rel, abs string, ok bool) {
	if l == nil || l.dir == "" || loc.Path == "" || loc.Branch == "" {
		return "", "", false
	}
	folder, found := l.folders[loc.Repo+"@"+loc.Branch]
	if !found {
		return "", "", false
	}
	abs = filepath.Join(folder, filepath.FromSlash(loc.Path))
	r, err := filepath.Rel(l.dir, abs)
	if err != nil {
		return "", "", false
	}
	r = filepath.ToSlash(r)
	// Beside the current folder at most: a path that climbs further is no
	// easier to read than the repository's name.
	if strings.HasPrefix(strings.TrimPrefix(r, "../"), "..") {
		return "", "", false
	}
	if st, err := os.Stat(abs); err != nil || !st.Mode().IsRegular() {
		return "", "", false
	}
	if !strings.HasPrefix(r, "../") {
		r = "./" + r
	}
	return r, abs, true
}

// fileURL is the file:// URL of an absolute path on this machine.
func (l *LocalFiles) fileURL(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive: file:///C:/...
	}
	return (&url.URL{Scheme: "file", Host: l.host, Path: p}).String()
}

// checkedOut is the branch the git checkout at dir has checked out, read
// from its HEAD (.git/HEAD, or a worktree's, which its .git file names);
// "" when dir is no checkout or its HEAD is detached.
func checkedOut(dir string) string {
	gitDir := filepath.Join(dir, ".git")
	st, err := os.Stat(gitDir)
	if err != nil {
		return ""
	}
	if !st.IsDir() {
		data, err := os.ReadFile(gitDir)
		if err != nil {
			return ""
		}
		target, ok := strings.CutPrefix(strings.TrimSpace(string(data)), "gitdir: ")
		if !ok {
			return ""
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(dir, target)
		}
		gitDir = target
	}
	head, err := os.ReadFile(filepath.Join(gitDir, "HEAD"))
	if err != nil {
		return ""
	}
	branch, _ := strings.CutPrefix(strings.TrimSpace(string(head)), "ref: refs/heads/")
	if branch == strings.TrimSpace(string(head)) {
		return "" // detached: a commit, not a branch
	}
	return branch
}
