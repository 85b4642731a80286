// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

//go:build unix

package render

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/testutil"
)

// renderWithin renders like renderConfig but fails the test instead of
// blocking it when the render hangs (a FIFO opened for reading blocks).
func renderWithin(t *testing.T, d time.Duration, cfgPath string, clusters ...string) *model.Fleet {
	t.Helper()
	done := make(chan *model.Fleet, 1)
	go func() { done <- renderConfig(t, cfgPath, clusters...) }()
	select {
	case fl := <-done:
		return fl
	case <-time.After(d):
		t.Fatalf("the render did not finish within %s", d)
		return nil
	}
}

// droppedWarning says whether c has a warning naming the file at suffix.
func droppedWarning(c *model.Cluster, suffix string) bool {
	for _, p := range c.Problems {
		if p.Warning && p.Kind == model.ProblemFileDropped && strings.Contains(p.Reason, suffix) &&
			p.Location != nil && strings.HasSuffix(p.Location.Path, suffix) {
			return true
		}
	}
	return false
}

// TestFIFOInClusterFolder: a FIFO in a cluster folder, where discovery reads
// every YAML file, is never opened; the render completes with a warning
// naming it, in either era.
func TestFIFOInClusterFolder(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS(testutil.Fixture(t, "example"))))
	for _, f := range []string{"fleet/clusters/staging/pipe.yaml", "fleet-bootstrap/clusters/staging/pipe.yaml"} {
		require.NoError(t, syscall.Mkfifo(filepath.Join(dir, filepath.FromSlash(f)), 0o644))
	}
	for _, fleet := range []string{"fleet", "fleet-bootstrap"} {
		t.Run(fleet, func(t *testing.T) {
			fl := renderWithin(t, 2*time.Minute, filepath.Join(dir, fleet, ".d1lint.yaml"), "staging")
			c := cluster(t, fl, "staging")
			assert.Empty(t, hardProblems(c))
			assert.NotEmpty(t, c.Objects)
			assert.True(t, droppedWarning(c, "clusters/staging/pipe.yaml"), "the FIFO is a warning: %+v", c.Problems)
		})
	}
}
