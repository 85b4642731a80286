// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package source

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Identify returns the identity of what Resolve(url, ref, ignore) would
// give, without materialising it: equal identities mean the same files and
// the same snapshot facts (mode, commit, branch, tag, note, the folder
// shown). For a git revision that is its commit; for a working tree or a
// plain folder, a hash of every file in it (ignore rules aside, so that it
// errs on the side of a difference). It resolves the ref as Resolve does,
// and fails where Resolve would fail to resolve it. The persistent cache
// keys a cluster's verdict by the identities of every source it read.
func (r *Resolver) Identify(url string, ref Ref, ignore string) (string, error) {
	ms, err := r.candidates(url)
	if err != nil {
		return "", err
	}
	p, err := r.plan(ms, ref)
	if err != nil {
		return "", err
	}
	content := p.commit
	if p.mode != ModeGit {
		if content, err = r.treeHash(p.m.Path); err != nil {
			return "", fmt.Errorf("reading %s: %w", p.m.display, err)
		}
	}
	h := sha256.New()
	// The folder as shown, not where it is: a copy of a revision is a
	// folder of its own each run (its content decides).
	for _, s := range []string{p.m.norm, p.mode, p.commit, p.branch, p.tag, p.note, p.m.display,
		strconv.FormatBool(p.copy), ignore, content, p.m.How, p.m.Origin} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// treeEntry is one folder's tree hash, computed once per Resolver.
type treeEntry struct {
	once sync.Once
	sum  string
	err  error
}

// treeHash hashes every file under dir (.git aside): paths, kinds, link
// targets and contents. A folder's content may change while d1lint runs;
// it is read once per run, as it is materialised once.
func (r *Resolver) treeHash(dir string) (string, error) {
	r.mu.Lock()
	if r.trees == nil {
		r.trees = map[string]*treeEntry{}
	}
	e := r.trees[dir]
	if e == nil {
		e = &treeEntry{}
		r.trees[dir] = e
	}
	r.mu.Unlock()
	e.once.Do(func() { e.sum, e.err = hashTree(dir) })
	return e.sum, e.err
}

// hashTree is treeHash without the memo.
func hashTree(dir string) (string, error) {
	h := sha256.New()
	if err := HashTree(h, dir, false); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// HashTree writes to h every entry under dir, in path order: its path,
// its kind, and a link's target or a file's size and content. Git folders
// are left out (the files are what a check reads), except, with refs, the
// refs of dir's own .git (HEAD, packed-refs, refs/): a commit or a branch
// move there changes what another branch of it reads, and git names the
// objects by those.
func HashTree(h io.Writer, dir string, refs bool) error {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if git, ok := strings.CutPrefix(rel+"/", ".git/"); ok && d.IsDir() {
			if !refs || git != "" && git != "refs/" && !strings.HasPrefix(git, "refs/") {
				return filepath.SkipDir
			}
			return nil
		} else if ok && git != "HEAD/" && git != "packed-refs/" && !strings.HasPrefix(git, "refs/") {
			return nil // objects, config, index: named by the refs
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir // a nested repository's
		}
		paths = append(paths, p)
		return nil
	})
	if err != nil {
		return err
	}
	slices.Sort(paths)
	for _, p := range paths {
		rel, _ := filepath.Rel(dir, p)
		st, err := os.Lstat(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%o\x00", filepath.ToSlash(rel), st.Mode().Type())
		switch {
		case st.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			_, _ = io.WriteString(h, target)
		case st.Mode().IsRegular():
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%d\x00", st.Size())
			_, err = io.Copy(h, f)
			_ = f.Close()
			if err != nil {
				return err
			}
		}
		_, _ = h.Write([]byte{0})
	}
	return nil
}
