// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package guard

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLockdownRefusesDialsAndGit(t *testing.T) {
	restore := Lockdown()
	defer restore()

	before := Dials()
	_, err := (&http.Client{}).Get("http://127.0.0.1:1/never")
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrNetwork)
	assert.Greater(t, Dials(), before, "the refused dial is counted")

	_, err = exec.LookPath("git")
	assert.Error(t, err, "git must not be reachable through PATH")
}

func TestRestore(t *testing.T) {
	prev := http.DefaultTransport
	restore := Lockdown()
	assert.NotSame(t, prev, http.DefaultTransport)
	restore()
	assert.Same(t, prev, http.DefaultTransport)
}

func TestNestedLockdowns(t *testing.T) {
	prev := http.DefaultTransport
	a := Lockdown()
	b := Lockdown()
	a() // the first caller finishes while the second still runs
	assert.NotSame(t, prev, http.DefaultTransport, "still locked for the second caller")
	a() // restoring twice is harmless
	assert.NotSame(t, prev, http.DefaultTransport)
	b()
	assert.Same(t, prev, http.DefaultTransport, "unlocked after the last caller")
}

// listener accepts connections on loopback and closes them at once,
// counting them: whatever protocol a client speaks, it fails fast, and the
// count says whether it got through.
func listener(t *testing.T) (addr string, conns *atomic.Int64) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	conns = &atomic.Int64{}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			_ = c.Close()
		}
	}()
	return l.Addr().String(), conns
}

// TestLockdownCoversLibraries: clients built outside the default transport
// (go-git's, built when its package was initialised; a dial by host name
// through a dialer of one's own) reach nothing either, and each attempt is
// counted.
func TestLockdownCoversLibraries(t *testing.T) {
	addr, conns := listener(t)
	restore := Lockdown()
	defer restore()

	for _, url := range []string{"http://" + addr + "/repo.git", "https://" + addr + "/repo.git", "ssh://git@" + addr + "/repo.git", "git://" + addr + "/repo.git"} {
		before := Dials()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := git.PlainCloneContext(ctx, t.TempDir(), false, &git.CloneOptions{URL: url})
		cancel()
		require.Error(t, err, url)
		assert.ErrorIs(t, err, ErrNetwork, url)
		assert.Equal(t, before+1, Dials(), url)
	}
	assert.Zero(t, conns.Load(), "no connection reached the server")

	// A local clone reads outside the fleet: refused too, but it is no dial.
	before := Dials()
	_, err := git.PlainClone(t.TempDir(), false, &git.CloneOptions{URL: "file://" + filepath.ToSlash(t.TempDir())})
	assert.ErrorIs(t, err, ErrGitTransport)
	assert.Equal(t, before, Dials())

	before = Dials()
	_, err = (&net.Dialer{}).Dial("tcp", "unreachable.example:1")
	require.Error(t, err)
	assert.Greater(t, Dials(), before, "a host name is resolved through the refusing resolver")
}

func TestRestoreGit(t *testing.T) {
	restore := Lockdown()
	restore()
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		w.WriteHeader(http.StatusNotFound)
	}))
	defer srv.Close()
	_, err := git.PlainClone(t.TempDir(), false, &git.CloneOptions{URL: srv.URL + "/repo.git"})
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrNetwork)
	assert.Positive(t, requests.Load(), "go-git's own transport is back after restore")
}
