// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

//go:build !unix

package source

import (
	"errors"
	"os"
)

// canLock says that there are no advisory locks here that the kernel
// releases when a process ends: snapshot folders are removed by Close
// only, and never swept.
const canLock = false

func lockFile(*os.File) error { return errors.ErrUnsupported }

func ownedByMe(os.FileInfo) bool { return false }

func openNoFollow(string) (*os.File, error) { return nil, errors.ErrUnsupported }
