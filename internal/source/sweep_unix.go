// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

//go:build unix

package source

import (
	"os"
	"syscall"
)

// canLock says that flock(2) locks are available: the kernel releases them
// when the process holding them ends, however it ends.
const canLock = true

// lockFile takes an exclusive flock on f without waiting: it fails when
// another open file (of this process or another) holds one.
func lockFile(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err != syscall.EINTR {
			return err
		}
	}
}

// ownedByMe says whether the file st describes belongs to the current user.
func ownedByMe(st os.FileInfo) bool {
	s, ok := st.Sys().(*syscall.Stat_t)
	return ok && s.Uid == uint32(os.Getuid())
}

// openNoFollow opens path for reading, refusing a symbolic link, and
// without blocking should a FIFO have replaced the file.
func openNoFollow(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
}
