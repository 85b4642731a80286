// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

//go:build e2e && unix

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/testutil"
)

const slowFleetURL = "https://example.com/acme/fleet.git"

// slowFleet writes a fleet whose one cluster applies a kustomization that
// kustomize takes minutes to build: levels levels of overlays, each
// including the one below twice under two name prefixes, so 2^levels
// ConfigMaps, every one re-prefixed at every level. It is a genuinely
// slow input, not a test hook: the render blocks in kustomize.
func slowFleet(t *testing.T, levels int) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"clusters/one/flux-system/flux-instance.yaml": testutil.FluxInstance("one", slowFleetURL),
		"clusters/one/apps.yaml": fmt.Sprintf(`apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: apps/l%d
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`, levels),
		"apps/l0/kustomization.yaml": "resources:\n- cm.yaml\n",
		"apps/l0/cm.yaml":            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: default\ndata:\n  k: v\n",
	}
	for i := 1; i <= levels; i++ {
		files[fmt.Sprintf("apps/l%d/kustomization.yaml", i)] = "resources:\n- a\n- b\n"
		for _, half := range []string{"a", "b"} {
			files[fmt.Sprintf("apps/l%d/%s/kustomization.yaml", i, half)] = fmt.Sprintf("namePrefix: %s-\nresources:\n- ../../l%d\n", half, i-1)
		}
	}
	testutil.WriteFiles(t, dir, files)
	return dir
}

// started is a d1lint process under way.
type started struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
}

// start runs d1lint build over fleet in the background, its snapshots in tmp.
func start(t *testing.T, fleet, tmp string) *started {
	t.Helper()
	p := &started{cmd: exec.Command(binary, "build", "--fleet", fleet, "--fleet-url", slowFleetURL)}
	p.cmd.Env = append(os.Environ(), "D1LINT_TMPDIR="+tmp, "TMPDIR="+tmp)
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	require.NoError(t, p.cmd.Start())
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
		}
	})
	return p
}

// building waits until the run has made its snapshot and had time to start
// the slow build, and returns the snapshot's folder.
func (p *started) building(t *testing.T, tmp string) string {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		matches, _ := filepath.Glob(filepath.Join(tmp, fmt.Sprintf("d1lint-%d-*", p.cmd.Process.Pid), "*", "apps"))
		if len(matches) == 1 {
			time.Sleep(time.Second)
			return filepath.Dir(filepath.Dir(matches[0]))
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("d1lint made no snapshot in %s: %s", tmp, p.stderr.String())
	return ""
}

// wait waits at most d for the run to end and returns its exit status.
func (p *started) wait(t *testing.T, d time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatalf("waiting for d1lint: %v", err)
		}
		return p.cmd.ProcessState.ExitCode() // -1 when a signal killed it
	case <-time.After(d):
		_ = p.cmd.Process.Kill()
		<-done
		t.Fatalf("d1lint did not exit within %s of the signal: %s", d, p.stderr.String())
		return 0
	}
}

// snapshots lists what d1lint left in tmp.
func snapshots(t *testing.T, tmp string) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(tmp, "d1lint-*"))
	require.NoError(t, err)
	return matches
}

// TestE2ESignals: SIGINT and SIGTERM during a kustomize build that would
// take minutes stop d1lint within seconds, with exit status 130 or 143,
// and its snapshots removed.
func TestE2ESignals(t *testing.T) {
	fleet := slowFleet(t, 12)
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
		name string
	}{{syscall.SIGINT, 130, "SIGINT"}, {syscall.SIGTERM, 143, "SIGTERM"}} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			p := start(t, fleet, tmp)
			snap := p.building(t, tmp)
			require.DirExists(t, snap)
			require.NoError(t, p.cmd.Process.Signal(tc.sig))
			sent := time.Now()
			code := p.wait(t, 10*time.Second)
			t.Logf("exited %s after the signal", time.Since(sent))
			assert.Equal(t, tc.code, code, p.stderr.String())
			assert.Equal(t, "d1lint: rendering stopped: interrupted by "+tc.name+"\n", p.stderr.String())
			assert.Empty(t, p.stdout.String())
			assert.Empty(t, snapshots(t, tmp), "the snapshots are removed")
		})
	}
}

// TestE2ESweep: the snapshots of a run killed outright (SIGKILL: nothing
// can remove them) are removed by the next run, while those of runs still
// under way, started before it or alongside it, are left alone.
func TestE2ESweep(t *testing.T) {
	fleet := slowFleet(t, 12)
	tmp := t.TempDir()
	killed := start(t, fleet, tmp)
	killedSnap := killed.building(t, tmp)
	require.NoError(t, killed.cmd.Process.Signal(syscall.SIGKILL))
	assert.Equal(t, -1, killed.wait(t, 10*time.Second))
	require.DirExists(t, killedSnap, "SIGKILL leaves the snapshots behind")

	a, b := start(t, fleet, tmp), start(t, fleet, tmp)
	aSnap, bSnap := a.building(t, tmp), b.building(t, tmp)

	next := exec.Command(binary, "clusters", "--config", exampleConfig)
	next.Env = append(os.Environ(), "D1LINT_TMPDIR="+tmp)
	out, err := next.CombinedOutput()
	require.NoError(t, err, string(out))

	assert.NoDirExists(t, killedSnap, "the killed run's snapshots are swept")
	assert.DirExists(t, aSnap, "a live run's snapshots stay")
	assert.DirExists(t, bSnap, "a live run's snapshots stay")
	for _, p := range []*started{a, b} {
		require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
		assert.Equal(t, 143, p.wait(t, 10*time.Second), p.stderr.String())
	}
	left := snapshots(t, tmp)
	assert.Empty(t, left, "every run removed its own: %s", strings.Join(left, ", "))
}
