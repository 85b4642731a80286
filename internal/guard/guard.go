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
	prevTransport := http.DefaultTransport
	prevClientTransport := http.DefaultClient.Transport
	prevResolver := net.DefaultResolver
	prevPath, hadPath := os.LookupEnv("PATH")

	http.DefaultTransport = &http.Transport{DialContext: refuse, DialTLSContext: refuse}
	http.DefaultClient.Transport = nil
	net.DefaultResolver = &net.Resolver{PreferGo: true, Dial: refuse}
	_ = os.Setenv("PATH", "")

	return func() {
		mu.Lock()
		defer mu.Unlock()
		http.DefaultTransport = prevTransport
		http.DefaultClient.Transport = prevClientTransport
		net.DefaultResolver = prevResolver
		if hadPath {
			_ = os.Setenv("PATH", prevPath)
		} else {
			_ = os.Unsetenv("PATH")
		}
	}
}
