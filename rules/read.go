// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
)

// MaxPolicyFileSize is the largest policy file read, the limit source
// snapshots apply to every file.
const MaxPolicyFileSize = 8 << 20

// checkLink refuses the symlink at p when it leaves fsys's folder (an
// absolute target, or one climbing above the folder), without reading what
// it points to: a policy folder may come from a pull request, and a parse
// error would echo the file. A link inside the folder is followed as any
// file is (os.Root's file system refuses the chains that leave it).
func checkLink(fsys fs.FS, p string) error {
	rl, ok := fsys.(fs.ReadLinkFS)
	if !ok {
		// The file system cannot tell (embed.FS has no links at all).
		return nil
	}
	target, err := rl.ReadLink(p)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrPolicy, p, unwrapPath(err))
	}
	if path.IsAbs(target) || filepath.IsAbs(target) || !fs.ValidPath(path.Join(path.Dir(p), filepath.ToSlash(target))) {
		return fmt.Errorf("%w: %s: a symlink leaving the policy folder: refused", ErrPolicy, p)
	}
	return nil
}

// readPolicy reads the policy file p: a regular file (FIFOs and devices
// are never opened: reading them blocks or never ends) of at most
// MaxPolicyFileSize bytes.
func readPolicy(fsys fs.FS, p string) ([]byte, error) {
	st, err := fs.Stat(fsys, p)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrPolicy, p, unwrapPath(err))
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s: not a regular file: refused", ErrPolicy, p)
	}
	if st.Size() > MaxPolicyFileSize {
		return nil, fmt.Errorf("%w: %s: file too large (%d bytes > %d)", ErrPolicy, p, st.Size(), MaxPolicyFileSize)
	}
	f, err := fsys.Open(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrPolicy, p, unwrapPath(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxPolicyFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrPolicy, p, unwrapPath(err))
	}
	if len(data) > MaxPolicyFileSize {
		return nil, fmt.Errorf("%w: %s: file too large (more than %d bytes)", ErrPolicy, p, MaxPolicyFileSize)
	}
	return data, nil
}

// unwrapPath drops the path of an *fs.PathError, which may name where a
// link points or a temporary copy: messages name the file as the folder
// does.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
