// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

//go:build unix

package rules

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPolicyFIFORefused: a FIFO named like a policy is never opened
// (opening one for reading blocks until a writer comes).
func TestPolicyFIFORefused(t *testing.T) {
	dir, _ := policyDir(t)
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "pipe.rego"), 0o644))
	done := make(chan error, 1)
	go func() {
		_, err := LoadWithPolicies(map[string]fs.FS{"team": os.DirFS(dir)})
		done <- err
	}()
	select {
	case err := <-done:
		require.ErrorIs(t, err, ErrPolicy)
		assert.ErrorContains(t, err, "pipe.rego: not a regular file: refused")
	case <-time.After(30 * time.Second):
		t.Fatal("loading the policies blocked on a FIFO")
	}
}
