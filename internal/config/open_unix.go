// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

//go:build unix

package config

import "syscall"

// openFlags keep an open from blocking on a FIFO swapped in after the
// file was checked; they change nothing for a regular file.
const openFlags = syscall.O_NONBLOCK
