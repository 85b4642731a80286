// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

//go:build !linux

package synth

import (
	"io/fs"

	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// fillStat leaves the platform-specific stat fields of e empty; git then
// re-reads those files once to refresh its index.
func fillStat(*index.Entry, fs.FileInfo) {}
