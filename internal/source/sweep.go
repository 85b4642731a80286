// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package source

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// A Resolver's snapshots live in one folder of the temporary folder, named
// rootPrefix, the process id and a random suffix (d1lint-4242-123456789).
// The folder holds lockName, a lock file the Resolver holds locked for as
// long as it is open. The kernel releases the lock when the process ends,
// however it ends (SIGKILL, an out-of-memory kill, a crash), so a folder
// whose lock can be taken belongs to no live run: sweepOnce removes such
// folders left in the temporary folder, once per process and folder, when
// the first Resolver writing there makes its own. The process id in the
// name is for humans; the lock alone decides, so a reused pid never makes
// a dead run's folder look alive, nor a live one's dead.
const (
	rootPrefix = "d1lint-"
	lockName   = ".d1lint.lock"
	// lockNew is the name the lock file is created under: it is locked
	// before it is renamed to lockName, so that a sweep never finds a lock
	// file that is not locked yet and takes a live run's folder for a dead
	// one.
	lockNew = ".d1lint.lock.new"
)

// swept records the temporary folders this process has swept.
var swept sync.Map

// sweepOnce sweeps dir (see sweep) the first time it is called for it.
func sweepOnce(dir string) {
	if _, done := swept.LoadOrStore(dir, true); !done {
		sweep(dir)
	}
}

// makeRoot creates a Resolver's folder in dir, and in it the lock file,
// locked. The lock is held until the returned file is closed (Resolver.Close).
// Platforms without advisory locks get no lock file: their folders are
// removed by Close and never swept.
func makeRoot(dir string) (root string, lock *os.File, err error) {
	sweepOnce(dir)
	root, err = os.MkdirTemp(dir, fmt.Sprintf("%s%d-", rootPrefix, os.Getpid()))
	if err != nil {
		return "", nil, fmt.Errorf("creating snapshot directory: %w", err)
	}
	lock, err = lockRoot(root)
	if err != nil {
		_ = os.RemoveAll(root)
		return "", nil, fmt.Errorf("locking snapshot directory %s: %w", root, err)
	}
	return root, lock, nil
}

// lockRoot creates the lock file of root, locked, under lockNew, then
// renames it to lockName (nil, nil where there are no advisory locks).
func lockRoot(root string) (*os.File, error) {
	if !canLock {
		return nil, nil
	}
	f, err := os.OpenFile(filepath.Join(root, lockNew), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if err := lockFile(f); err != nil {
		// Nothing else knows lockNew: the file system has no locks (some
		// network ones). The folder goes without: Close removes it, and
		// no sweep ever does.
		_ = f.Close()
		return nil, os.Remove(filepath.Join(root, lockNew))
	}
	if err := os.Rename(filepath.Join(root, lockNew), filepath.Join(root, lockName)); err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}

// sweep removes the snapshot folders of dead d1lint runs from dir. It only
// considers what is clearly d1lint's own: a folder (not a link to one)
// named rootPrefix..., holding a regular file lockName, both owned by the
// current user; and it removes one only while it holds the folder's lock,
// which a live run never lets go of. Errors are ignored: a folder that
// cannot be swept stays, as it would have without the sweep.
func sweep(dir string) {
	if !canLock {
		return
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), rootPrefix) || !e.IsDir() {
			continue
		}
		sweepRoot(filepath.Join(dir, e.Name()))
	}
}

// sweepRoot removes root when it is a dead run's snapshot folder.
func sweepRoot(root string) {
	st, err := os.Lstat(root)
	if err != nil || !st.IsDir() || !ownedByMe(st) {
		return
	}
	lockPath := filepath.Join(root, lockName)
	lst, err := os.Lstat(lockPath)
	if err != nil || !lst.Mode().IsRegular() || !ownedByMe(lst) {
		return
	}
	f, err := openNoFollow(lockPath)
	if err != nil {
		return
	}
	defer f.Close()
	if lockFile(f) != nil {
		return // a live run holds it
	}
	// The file locked must still be the one at lockPath: another sweep
	// may have removed the folder between the Lstat and the lock.
	fst, err := f.Stat()
	if err != nil {
		return
	}
	if now, err := os.Lstat(lockPath); err != nil || !os.SameFile(fst, now) {
		return
	}
	_ = os.RemoveAll(root)
}
