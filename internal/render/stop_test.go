// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/d1lint/d1lint/internal/testutil"
)

var errStopped = errors.New("stopped by the test")

// A build that cannot be interrupted is abandoned when the render is
// stopped: the render returns at once (not after the build's timeout),
// with the cause, and its snapshots are gone.
func TestStopAbandonsBlockedBuild(t *testing.T) {
	dir := writeFleet(t, map[string]string{"clusters/one/cm.yaml": strings.Replace(configMap, "%s", "cm", 1)})
	tmp := t.TempDir()
	r, err := newRenderer(Options{FleetPath: dir, TempDir: tmp, BuildTimeout: time.Hour, Getenv: func(string) string { return "" }})
	require.NoError(t, err)
	started, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	r.builder.kustomize = func(fs filesys.FileSystem, dir string, custom bool) (resmap.ResMap, error) {
		once.Do(func() { close(started) })
		<-release // a build that never ends while the test runs
		return kustomizeBuild(fs, dir, custom)
	}
	t.Cleanup(func() { close(release) })

	ctx, cancel := context.WithCancelCause(context.Background())
	go func() {
		<-started
		entries, _ := os.ReadDir(tmp)
		assert.NotEmpty(t, entries, "the snapshot is there while the build runs")
		cancel(errStopped)
	}()
	type result struct {
		res *Result
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := r.run(ctx)
		done <- result{res, err}
	}()
	select {
	case got := <-done:
		require.Nil(t, got.res)
		require.ErrorIs(t, got.err, errStopped)
		assert.ErrorContains(t, got.err, "rendering stopped: stopped by the test")
	case <-time.After(30 * time.Second):
		t.Fatal("the render waited for the blocked build")
	}
	entries, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, entries, "the snapshots are removed")
}

// A render whose context is already done renders nothing, leaves nothing
// behind, and says why.
func TestStoppedRenderLeavesNothing(t *testing.T) {
	tmp := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Render(ctx, Options{FleetPath: testutil.Fixture(t, "example", "fleet"), TempDir: tmp})
	require.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, res)
	entries, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, entries)
}
