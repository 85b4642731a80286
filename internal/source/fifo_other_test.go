// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

//go:build !unix

package source

import "errors"

func mkfifo(string) error { return errors.New("no FIFOs on this platform") }
