// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/fluxcd/pkg/sourceignore"
	sgitignore "github.com/fluxcd/pkg/sourceignore/gitignore"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	ggitignore "github.com/go-git/go-git/v5/plumbing/format/gitignore"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// Reasons recorded in FileProblem.
const (
	reasonSymlink = "symlink dropped: Flux drops symlinks from source artifacts"
	reasonSpecial = "not a regular file: dropped"
)

// maxIgnoreFileSize bounds the .gitignore and info/exclude files read.
const maxIgnoreFileSize = 1 << 20

type fileKind int

const (
	kindRegular fileKind = iota
	kindSymlink
	kindOther
)

// entry is a file of the source, not yet read.
type entry struct {
	path string // slash-separated, relative to the source root
	kind fileKind
	size int64
	open func() (io.ReadCloser, error)
}

// build writes the files of p into dir, returning the problems met.
func (r *Resolver) build(dir string, p plan, ignore string) (problems []FileProblem, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("materialising %s: internal error: %v", p.m.display, v)
		}
		if err != nil {
			_ = os.RemoveAll(dir)
		}
	}()
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating snapshot directory: %w", err)
	}
	var entries []entry
	switch p.mode {
	case ModeGit:
		g, gerr := r.repo(p.m.Path)
		if gerr != nil {
			return nil, gerr
		}
		g.mu.Lock()
		defer g.mu.Unlock() // blobs are read while writing
		if entries, err = g.treeEntries(p.commit); err != nil {
			return nil, fmt.Errorf("reading commit %s in %s: %w", short(p.commit), p.m.display, err)
		}
	case ModeWorktree, ModeFolder:
		w := &dirWalker{}
		if p.mode == ModeWorktree {
			g, gerr := r.repo(p.m.Path)
			if gerr != nil {
				return nil, gerr
			}
			w.git = true
			w.tracked, w.trackedDirs, w.exclude = g.worktreeInfo()
		}
		if w.root, err = filepath.EvalSymlinks(p.m.Path); err == nil {
			err = w.walk("", nil, w.exclude)
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", p.m.display, err)
		}
		entries = w.entries
	default:
		return nil, fmt.Errorf("unknown snapshot mode %q", p.mode)
	}
	var carried []FileProblem
	if p.mode != ModeGit {
		// The mapped folder is a copy: the files it could not hold are
		// its problems too.
		carried = p.m.Problems
	}
	problems, err = r.write(dir, entries, ignore, p.copy, carried)
	if err != nil {
		return nil, fmt.Errorf("materialising %s from %s: %w", p.m.norm, p.m.display, err)
	}
	return problems, nil
}

// treeEntries lists the files of a commit's tree. The caller holds g.mu.
func (g *gitRepo) treeEntries(commit string) ([]entry, error) {
	c, err := g.repo.CommitObject(plumbing.NewHash(commit))
	if err != nil {
		return nil, err
	}
	tree, err := c.Tree()
	if err != nil {
		return nil, err
	}
	sizer, _ := g.repo.Storer.(interface {
		EncodedObjectSize(plumbing.Hash) (int64, error)
	})
	w := object.NewTreeWalker(tree, true, nil)
	defer w.Close()
	var out []entry
	for {
		name, te, err := w.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch te.Mode {
		case filemode.Dir, filemode.Submodule:
			continue // walked into / skipped as a clone without submodules would
		case filemode.Symlink:
			out = append(out, entry{path: name, kind: kindSymlink})
			continue
		case filemode.Regular, filemode.Executable, filemode.Deprecated:
		default:
			out = append(out, entry{path: name, kind: kindOther})
			continue
		}
		h := te.Hash
		var size int64
		if sizer != nil {
			size, err = sizer.EncodedObjectSize(h)
		} else {
			var b *object.Blob
			if b, err = g.repo.BlobObject(h); err == nil {
				size = b.Size
			}
		}
		if err != nil {
			return nil, fmt.Errorf("reading blob %s of %s: %w", h, name, err)
		}
		out = append(out, entry{path: name, kind: kindRegular, size: size, open: func() (io.ReadCloser, error) {
			b, err := g.repo.BlobObject(h)
			if err != nil {
				return nil, err
			}
			return b.Reader()
		}})
	}
}

// worktreeInfo returns the paths in the index (and their parent
// directories) and the patterns of .git/info/exclude. Errors leave them
// empty: the working tree is still read, with .gitignore files only.
func (g *gitRepo) worktreeInfo() (tracked, trackedDirs map[string]bool, exclude []ggitignore.Pattern) {
	g.mu.Lock()
	defer g.mu.Unlock()
	tracked, trackedDirs = map[string]bool{}, map[string]bool{}
	if idx, err := g.repo.Storer.Index(); err == nil {
		for _, e := range idx.Entries {
			tracked[e.Name] = true
			for d := path.Dir(e.Name); d != "." && d != "/" && !trackedDirs[d]; d = path.Dir(d) {
				trackedDirs[d] = true
			}
		}
	}
	if st, ok := g.repo.Storer.(*filesystem.Storage); ok {
		dot := st.Filesystem()
		if fi, err := dot.Lstat("info/exclude"); err == nil && fi.Mode().IsRegular() && fi.Size() <= maxIgnoreFileSize {
			if f, err := dot.Open("info/exclude"); err == nil {
				data, _ := io.ReadAll(io.LimitReader(f, maxIgnoreFileSize))
				_ = f.Close()
				exclude = parseGitignore(data, nil)
			}
		}
	}
	return tracked, trackedDirs, exclude
}

// dirWalker lists the files of a working tree or plain folder without
// following symlinks.
type dirWalker struct {
	root        string
	git         bool // a git working tree: honour .gitignore, skip nested repositories
	tracked     map[string]bool
	trackedDirs map[string]bool
	exclude     []ggitignore.Pattern
	entries     []entry
}

func (w *dirWalker) walk(rel string, comps []string, ps []ggitignore.Pattern) error {
	abs := filepath.Join(w.root, filepath.FromSlash(rel))
	if w.git {
		ps = append(ps[:len(ps):len(ps)], readGitignore(filepath.Join(abs, ".gitignore"), comps)...)
	}
	des, err := os.ReadDir(abs)
	if err != nil {
		return err
	}
	m := ggitignore.NewMatcher(ps)
	for _, de := range des {
		name := de.Name()
		if name == ".git" {
			continue
		}
		p := path.Join(rel, name)
		c := append(comps[:len(comps):len(comps)], name)
		t := de.Type()
		isDir := t.IsDir()
		if w.git && m.Match(c, isDir) && !w.tracked[p] && !(isDir && w.trackedDirs[p]) {
			continue
		}
		switch {
		case t&fs.ModeSymlink != 0:
			w.entries = append(w.entries, entry{path: p, kind: kindSymlink})
		case isDir:
			if w.git {
				if _, err := os.Lstat(filepath.Join(abs, name, ".git")); err == nil {
					continue // a nested repository or submodule: not part of this one
				}
			}
			if err := w.walk(p, c, ps); err != nil {
				return err
			}
		case t.IsRegular():
			fi, err := de.Info()
			if err != nil {
				return err
			}
			file := filepath.Join(abs, name)
			w.entries = append(w.entries, entry{path: p, kind: kindRegular, size: fi.Size(), open: func() (io.ReadCloser, error) {
				return openRegular(file, fi)
			}})
		default:
			w.entries = append(w.entries, entry{path: p, kind: kindOther})
		}
	}
	return nil
}

// openRegular opens file and checks that it is still the regular file
// listed (not swapped for a symlink or a device in the meantime).
func openRegular(file string, listed fs.FileInfo) (io.ReadCloser, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || !os.SameFile(fi, listed) {
		_ = f.Close()
		return nil, fmt.Errorf("%s changed while being read", file)
	}
	return f, nil
}

// readGitignore reads a .gitignore file if it is a regular file.
func readGitignore(file string, domain []string) []ggitignore.Pattern {
	fi, err := os.Lstat(file)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > maxIgnoreFileSize {
		return nil
	}
	rc, err := openRegular(file, fi)
	if err != nil {
		return nil
	}
	defer rc.Close()
	data, _ := io.ReadAll(io.LimitReader(rc, maxIgnoreFileSize))
	return parseGitignore(data, domain)
}

func parseGitignore(data []byte, domain []string) []ggitignore.Pattern {
	var ps []ggitignore.Pattern
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		ps = append(ps, ggitignore.ParsePattern(line, append([]string(nil), domain...)))
	}
	return ps
}

// write applies Flux's ignore rules (none for a copy) to entries and writes
// the remaining regular files into dir, refusing hazardous ones. carried
// are problems of files the source folder lacks (Mapping.Problems): they
// are kept as a file of the folder would be.
func (r *Resolver) write(dir string, entries []entry, ignore string, asCopy bool, carried []FileProblem) ([]FileProblem, error) {
	sort.Slice(entries, func(i, j int) bool { return entries[i].path < entries[j].path })
	var matcher sgitignore.Matcher = matchNothing{}
	if !asCopy {
		m, err := r.ignoreMatcher(entries, ignore)
		if err != nil {
			return nil, err
		}
		matcher = m
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()

	var problems []FileProblem
	var total int64
	for _, e := range entries {
		if why, skip, refuse := checkPath(e.path); skip {
			continue
		} else if refuse {
			problems = append(problems, FileProblem{Path: e.path, Reason: why, Refused: true})
			continue
		}
		if matcher.Match(strings.Split(e.path, "/"), false) {
			continue
		}
		switch e.kind {
		case kindSymlink:
			problems = append(problems, FileProblem{Path: e.path, Reason: reasonSymlink})
			continue
		case kindOther:
			problems = append(problems, FileProblem{Path: e.path, Reason: reasonSpecial})
			continue
		}
		if e.size > r.opts.MaxFileSize {
			problems = append(problems, tooLarge(e.path, e.size, r.opts.MaxFileSize))
			continue
		}
		data, err := readAtMost(e, r.opts.MaxFileSize)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", e.path, err)
		}
		if int64(len(data)) > r.opts.MaxFileSize {
			problems = append(problems, tooLarge(e.path, int64(len(data)), r.opts.MaxFileSize))
			continue
		}
		if isYAMLFile(e.path) {
			if err := CheckYAML(data, r.opts.MaxYAMLNodes); err != nil {
				problems = append(problems, FileProblem{Path: e.path, Reason: err.Error(), Refused: true})
				continue
			}
		}
		total += int64(len(data))
		if total > r.opts.MaxTotalSize {
			return nil, fmt.Errorf("total size exceeds the limit of %d bytes (at %s)", r.opts.MaxTotalSize, e.path)
		}
		if err := writeFile(root, e.path, data); err != nil {
			if errors.Is(err, fs.ErrExist) || errors.Is(err, syscall.ENOTDIR) {
				problems = append(problems, FileProblem{Path: e.path, Reason: "conflicting path: refused", Refused: true})
				continue
			}
			return nil, fmt.Errorf("writing %s: %w", e.path, err)
		}
	}
	for _, fp := range carried {
		// As for a file of the folder: an unsafe path is refused before
		// the ignore rules apply, anything else only if they keep it (a
		// symlink that spec.ignore excludes is no loss to Flux).
		if _, skip, refuse := checkPath(fp.Path); skip || !refuse && matcher.Match(strings.Split(fp.Path, "/"), false) {
			continue
		}
		problems = append(problems, fp)
	}
	sort.SliceStable(problems, func(i, j int) bool {
		if problems[i].Path != problems[j].Path {
			return problems[i].Path < problems[j].Path
		}
		return problems[i].Reason < problems[j].Reason
	})
	return problems, nil
}

// matchNothing is the ignore matcher of a copy.
type matchNothing struct{}

func (matchNothing) Match([]string, bool) bool { return false }

func tooLarge(p string, size, limit int64) FileProblem {
	return FileProblem{Path: p, Reason: fmt.Sprintf("file too large (%d bytes > %d)", size, limit), Refused: true}
}

// checkPath vets a path from the source: skip is set for ".git" elements
// (git never checks them out), refuse for elements that could escape the
// snapshot or that no checkout could produce.
func checkPath(p string) (why string, skip, refuse bool) {
	if p == "" || strings.HasPrefix(p, "/") {
		return "unsafe path refused", false, true
	}
	for _, c := range strings.Split(p, "/") {
		switch {
		case strings.EqualFold(c, ".git"):
			return "", true, false
		case c == "" || c == "." || c == ".." || strings.ContainsAny(c, "\\\x00"):
			return "unsafe path refused", false, true
		}
	}
	return "", false, false
}

func readAtMost(e entry, limit int64) ([]byte, error) {
	rc, err := e.open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, limit+1))
}

// writeFile creates a new file at the slash-separated p inside root.
func writeFile(root *os.Root, p string, data []byte) error {
	if d := path.Dir(p); d != "." {
		if err := root.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	f, err := root.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// ignoreMatcher mirrors source-controller: the .sourceignore files of the
// tree (each scoped to its directory, parents first, siblings in name
// order) followed by spec.ignore; with any such pattern only the VCS
// exclusions are added below them, else Flux's default exclusions apply.
func (r *Resolver) ignoreMatcher(entries []entry, ignore string) (sgitignore.Matcher, error) {
	type ignoreFile struct {
		domain []string
		e      entry
	}
	var files []ignoreFile
	for _, e := range entries {
		if e.kind != kindRegular || path.Base(e.path) != sourceignore.IgnoreFile || e.size > r.opts.MaxFileSize {
			continue
		}
		if _, skip, refuse := checkPath(e.path); skip || refuse {
			continue
		}
		var domain []string
		if d := path.Dir(e.path); d != "." {
			domain = strings.Split(d, "/")
		}
		files = append(files, ignoreFile{domain: domain, e: e})
	}
	sort.SliceStable(files, func(i, j int) bool { return lessPath(files[i].domain, files[j].domain) })
	var ps []sgitignore.Pattern
	for _, f := range files {
		data, err := readAtMost(f.e, r.opts.MaxFileSize)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", f.e.path, err)
		}
		ps = append(ps, sourceignore.ReadPatterns(bytes.NewReader(data), f.domain)...)
	}
	ps = append(ps, sourceignore.ReadPatterns(strings.NewReader(ignore), nil)...)
	if len(ps) == 0 {
		return sourceignore.NewDefaultMatcher(nil, nil), nil
	}
	return sourceignore.NewMatcher(append(sourceignore.VCSPatterns(nil), ps...)), nil
}

// lessPath orders directories as a depth-first walk with sorted names
// visits them: a parent before its children.
func lessPath(a, b []string) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) < len(b)
}
