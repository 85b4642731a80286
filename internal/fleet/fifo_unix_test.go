// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

//go:build unix

package fleet

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/testutil"
)

// TestDiscoverSkipsFIFO: a FIFO named like a manifest in a cluster folder is
// not opened (opening it would block discovery forever).
func TestDiscoverSkipsFIFO(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"clusters/one/flux-system/flux-instance.yaml": testutil.FluxInstance("one", fleetURL)})
	require.NoError(t, syscall.Mkfifo(filepath.Join(root, "clusters", "one", "aaa.yaml"), 0o644))
	done := make(chan []*Cluster, 1)
	go func() {
		cs, err := discoverAll(root)
		assert.NoError(t, err)
		done <- cs
	}()
	select {
	case cs := <-done:
		require.Len(t, cs, 1)
		assert.Equal(t, EraOperator, cs[0].Era)
		assert.Empty(t, cs[0].Problem)
	case <-time.After(30 * time.Second):
		t.Fatal("discovery blocked on the FIFO")
	}
}

// TestReadCappedRefusesSpecialFiles: readCapped reads regular files only,
// and no more than the cap.
func TestReadCappedRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.yaml")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	_, err := readCapped(fifo)
	assert.ErrorContains(t, err, "not a regular file")
	if _, err := os.Stat("/dev/zero"); err == nil {
		_, err := readCapped("/dev/zero")
		assert.ErrorContains(t, err, "not a regular file")
	}
	big := filepath.Join(dir, "big.yaml")
	require.NoError(t, os.WriteFile(big, make([]byte, maxFileSize+1), 0o644))
	_, err = readCapped(big)
	assert.ErrorContains(t, err, "file too large")
}
