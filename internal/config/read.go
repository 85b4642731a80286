// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// MaxFileSize is the largest configuration file read: a real one is a few
// kilobytes, and parsing a huge one takes many times its size in memory.
const MaxFileSize = 1 << 20

// ReadFile reads the configuration file at path, which must be a regular
// file inside the repository that holds it: the git repository around the
// folder path names (found without following links), or that folder when
// it is in none. A symlink to a file elsewhere (a repository may carry one
// to ~/.ssh) is refused without reading it, so that no error echoes what
// it points to; so are FIFOs and devices (reading them blocks or never
// ends) and files over MaxFileSize. Errors name neither path nor where a
// link points (it may be a temporary copy): callers name the file.
func ReadFile(path string) ([]byte, error) {
	bound, err := boundary(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, unwrapPath(err)
	}
	if !within(bound, real) {
		return nil, errors.New("links to a file outside the repository: refused")
	}
	st, err := os.Stat(real)
	if err != nil {
		return nil, unwrapPath(err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s): refused", kind(st.Mode()))
	}
	if st.Size() > MaxFileSize {
		return nil, fmt.Errorf("file too large (%d bytes > %d)", st.Size(), MaxFileSize)
	}
	f, err := os.OpenFile(real, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, unwrapPath(err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !os.SameFile(fi, st) {
		return nil, errors.New("changed while being read")
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, unwrapPath(err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("file too large (more than %d bytes)", MaxFileSize)
	}
	return data, nil
}

// boundary is the real path of the tree a configuration in dir may read:
// the git repository around dir, looked for lexically so that a linked
// folder inside a repository does not move the boundary to where it
// points, else dir itself.
func boundary(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	root := abs
	for d := abs; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			root = d
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	real, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", unwrapPath(err)
	}
	return filepath.Abs(real)
}

// within says whether path is root or below it; both are real paths.
func within(root, path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(root, abs)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// unwrapPath drops the path of an *fs.PathError, which may be a link's
// target or a temporary copy: the caller names the file as the user did.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// kind names the type of a file that is not a regular one.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "mode " + m.Type().String()
}
