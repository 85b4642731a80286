// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package guard makes the process unable to reach the network or run git.
//
// d1lint runs in CI on pull-request content, next to a repository token.
// kustomize's loader fetches URLs with an http.Client built on
// http.DefaultTransport and clones remote bases by running the git found on
// PATH, even when d1lint never asks it to. The renderer rejects such entries
// before building; this package is the second wall: once Lockdown has run,
// every dial through the default transport or resolver fails and no git is
// reachable.
package guard

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
)

// ErrNetwork is returned by every dial after Lockdown.
var ErrNetwork = errors.New("d1lint: network access is disabled")

var (
	dials atomic.Int64
	mu    sync.Mutex
	// depth counts nested lockdowns: the state is saved by the first and
	// restored by the last, so overlapping callers cannot undo each other.
	depth int
	saved struct {
		transport, clientTransport http.RoundTripper
		resolver                   *net.Resolver
		path                       string
		hadPath                    bool
	}
)

// Dials reports how many dials were refused since the process started.
func Dials() int64 { return dials.Load() }

func refuse(context.Context, string, string) (net.Conn, error) {
	dials.Add(1)
	return nil, ErrNetwork
}

// Lockdown replaces the process-wide HTTP transport and DNS resolver with
// ones that refuse to dial, and empties PATH so that no git (or any other
// program) can be started by a library. It returns a function that restores
// the previous state, for tests.
func Lockdown() (restore func()) {
	mu.Lock()
	defer mu.Unlock()
	if depth == 0 {
		saved.transport, saved.clientTransport, saved.resolver = http.DefaultTransport, http.DefaultClient.Transport, net.DefaultResolver
		saved.path, saved.hadPath = os.LookupEnv("PATH")
		http.DefaultTransport = &http.Transport{DialContext: refuse, DialTLSContext: refuse}
		http.DefaultClient.Transport = nil
		net.DefaultResolver = &net.Resolver{PreferGo: true, Dial: refuse}
		_ = os.Setenv("PATH", "")
	}
	depth++
	var once sync.Once
	return func() {
		once.Do(func() {
			mu.Lock()
			defer mu.Unlock()
			depth--
			if depth > 0 {
				return
			}
			http.DefaultTransport, http.DefaultClient.Transport, net.DefaultResolver = saved.transport, saved.clientTransport, saved.resolver
			if saved.hadPath {
				_ = os.Setenv("PATH", saved.path)
			} else {
				_ = os.Unsetenv("PATH")
			}
		})
	}
}
