// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

//go:build unix

package source

import "syscall"

func mkfifo(path string) error { return syscall.Mkfifo(path, 0o644) }
