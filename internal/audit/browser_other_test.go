// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

//go:build !unix

package audit_test

import "os/exec"

// killGroup: the browser alone is killed when its context ends.
func killGroup(*exec.Cmd) {}

// reapGroup: nothing to do without process groups.
func reapGroup(*exec.Cmd) {}
