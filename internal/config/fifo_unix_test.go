// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

//go:build unix

package config

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLoadRefusesFIFO: a FIFO is never opened (opening one for reading
// blocks until a writer comes).
func TestLoadRefusesFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), FileName)
	require.NoError(t, syscall.Mkfifo(p, 0o644))
	assert.Equal(t, p, Find(filepath.Dir(p)), "found, to be refused rather than silently ignored")
	done := make(chan error, 1)
	go func() {
		_, err := Load(p)
		done <- err
	}()
	select {
	case err := <-done:
		require.ErrorIs(t, err, ErrInvalid)
		assert.ErrorContains(t, err, p+": not a regular file (a FIFO): refused")
	case <-time.After(30 * time.Second):
		t.Fatal("Load blocked on a FIFO")
	}
}
