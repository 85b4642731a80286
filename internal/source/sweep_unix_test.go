// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

//go:build unix

package source

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// helperEnv names the temporary folder a helper process snapshots into.
const helperEnv = "D1LINT_SOURCE_TEST_RUN"

// TestHelperRun is not a test: run by run() in a process of its own, it is
// a d1lint run that snapshots a folder into $D1LINT_SOURCE_TEST_RUN, prints
// the snapshot's folder, and waits until its standard input closes.
func TestHelperRun(t *testing.T) {
	tmp := os.Getenv(helperEnv)
	if tmp == "" {
		t.Skip("helper process only")
	}
	folder := t.TempDir()
	writeFiles(t, folder, map[string]string{"a.yaml": "a: 1\n"})
	r, err := NewResolver([]Mapping{{URL: appsURL, Path: folder}}, Options{TempDir: tmp})
	require.NoError(t, err)
	s, err := r.Resolve(appsURL, Ref{Branch: "main"}, "")
	require.NoError(t, err)
	fmt.Println(s.Dir)
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	require.NoError(t, r.Close())
}

// run starts a helper process snapshotting into tmp and returns it with
// the folder of its snapshot, once written. Closing stdin ends it.
func run(t *testing.T, tmp string) (cmd *exec.Cmd, stdin interface{ Close() error }, snap string) {
	t.Helper()
	cmd = exec.Command(os.Args[0], "-test.run=^TestHelperRun$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+tmp)
	in, err := cmd.StdinPipe()
	require.NoError(t, err)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	return cmd, in, line[:len(line)-1]
}

// The snapshots of a run that died without removing them (SIGKILL) are
// removed by the next run, at its start; those of live runs (in this
// process or another) are not, nor anything not clearly d1lint's own.
func TestSweepRemovesDeadRunsOnly(t *testing.T) {
	tmp := t.TempDir()

	// A live run of this process.
	folder := t.TempDir()
	writeFiles(t, folder, map[string]string{"a.yaml": "a: 1\n"})
	live := newResolver(t, Options{TempDir: tmp}, Mapping{URL: appsURL, Path: folder})
	liveSnap, err := live.Resolve(appsURL, Ref{Branch: "main"}, "")
	require.NoError(t, err)
	// A live run of another process, and a dead one.
	_, _, otherSnap := run(t, tmp)
	dead, _, deadSnap := run(t, tmp)
	require.NoError(t, dead.Process.Signal(syscall.SIGKILL))
	_ = dead.Wait()
	require.DirExists(t, deadSnap, "SIGKILL leaves the snapshot behind")
	assert.Regexp(t, `^d1lint-\d+-\d+$`, filepath.Base(filepath.Dir(deadSnap)), "the folder names the process")

	// What is not clearly a d1lint run's folder stays.
	unlocked := filepath.Join(tmp, "d1lint-1-before-locks") // an older d1lint's, or someone else's
	writeFiles(t, unlocked, map[string]string{"x": "x"})
	elsewhere := t.TempDir()
	writeFiles(t, elsewhere, map[string]string{lockName: ""})
	require.NoError(t, os.Symlink(elsewhere, filepath.Join(tmp, "d1lint-2-link")))
	writeFiles(t, tmp, map[string]string{"d1lint-3-file": "", "other/" + lockName: ""})

	// The next run sweeps at its start.
	next, stop, nextSnap := run(t, tmp)
	require.NoError(t, stop.Close())
	require.NoError(t, next.Wait())
	assert.NoDirExists(t, filepath.Dir(nextSnap), "a run removes its snapshots")

	assert.NoDirExists(t, filepath.Dir(deadSnap), "the dead run's snapshots are swept")
	assert.FileExists(t, filepath.Join(liveSnap.Dir, "a.yaml"), "a live run's snapshot stays")
	assert.FileExists(t, filepath.Join(otherSnap, "a.yaml"), "another process's live snapshot stays")
	assert.FileExists(t, filepath.Join(unlocked, "x"))
	assert.FileExists(t, filepath.Join(elsewhere, lockName), "a link is not followed")
	assert.FileExists(t, filepath.Join(tmp, "d1lint-2-link"))
	assert.FileExists(t, filepath.Join(tmp, "d1lint-3-file"))
	assert.FileExists(t, filepath.Join(tmp, "other", lockName))
}

// Runs that start while others sweep never lose their snapshots: a run's
// folder is locked before a sweep can find its lock file.
func TestSweepSparesConcurrentRuns(t *testing.T) {
	tmp := t.TempDir()
	folder := t.TempDir()
	writeFiles(t, folder, map[string]string{"a.yaml": "a: 1\n"})
	stop := make(chan struct{})
	var sweeps sync.WaitGroup
	for range 2 {
		sweeps.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
					sweep(tmp)
				}
			}
		})
	}
	var runs sync.WaitGroup
	for range 4 {
		runs.Go(func() {
			for range 25 {
				r, err := NewResolver([]Mapping{{URL: appsURL, Path: folder}}, Options{TempDir: tmp, Getenv: func(string) string { return "" }})
				if !assert.NoError(t, err) {
					return
				}
				s, err := r.Resolve(appsURL, Ref{Branch: "main"}, "")
				if assert.NoError(t, err) {
					assert.FileExists(t, filepath.Join(s.Dir, "a.yaml"))
				}
				assert.NoError(t, r.Close())
			}
		})
	}
	runs.Wait()
	close(stop)
	sweeps.Wait()
	entries, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, entries, "every run removed its folder")
}

// A Resolver makes its folder with its first snapshot: one that never
// materialises anything (a run stopped by a usage error) leaves nothing,
// even where no folder could be made.
func TestResolverFolderMadeWithFirstSnapshot(t *testing.T) {
	tmp := t.TempDir()
	folder := t.TempDir()
	writeFiles(t, folder, map[string]string{"a.yaml": "a: 1\n"})
	r, err := NewResolver([]Mapping{{URL: appsURL, Path: folder}}, Options{TempDir: tmp})
	require.NoError(t, err)
	require.NoError(t, r.AddMapping(Mapping{URL: "https://example.com/other.git", Path: folder}))
	entries, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, entries)
	require.NoError(t, r.Close())

	missing := filepath.Join(tmp, "missing")
	r, err = NewResolver([]Mapping{{URL: appsURL, Path: folder}}, Options{TempDir: missing})
	require.NoError(t, err)
	_, err = r.Resolve(appsURL, Ref{Branch: "main"}, "")
	require.ErrorContains(t, err, "creating snapshot directory")
	require.NoError(t, r.Close())
	assert.NoDirExists(t, missing)

	// D1LINT_TMPDIR, as Getenv reads it, names the folder.
	getenv := func(k string) string { return map[string]string{"D1LINT_TMPDIR": tmp}[k] }
	r, err = NewResolver([]Mapping{{URL: appsURL, Path: folder}}, Options{Getenv: getenv})
	require.NoError(t, err)
	s, err := r.Resolve(appsURL, Ref{Branch: "main"}, "")
	require.NoError(t, err)
	assert.Equal(t, tmp, filepath.Dir(filepath.Dir(s.Dir)))
	require.NoError(t, r.Close())
}
