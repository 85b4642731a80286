// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package guard makes the process unable to reach the network or run git.
//
// d1lint runs in CI on pull-request content, next to a repository token.
// kustomize's loader fetches URLs with an http.Client built on
// http.DefaultTransport and clones remote bases by running the git found on
// PATH, even when d1lint never asks it to. The renderer rejects such entries
// before building; this package is the second wall: once Lockdown has run,
// every way out that d1lint's dependencies take is closed, and each attempt
// is counted (Dials):
//
//   - http.DefaultTransport, and so every http.Client without a transport
//     of its own: kustomize's URL loader, OPA's http.send (which clones it),
//     jwx's key fetching;
//   - net.DefaultResolver, which every net.Dialer without a resolver of its
//     own uses: a dial by host name through any dialer or transport fails
//     at the lookup;
//   - go-git's transports (plumbing/transport/client.Protocols): its HTTP
//     client keeps the http.DefaultTransport of when it was initialised,
//     and its ssh and git:// clients dial with dialers of their own, so
//     a host given as an IP address would get through the two walls above;
//     a file:// (local) clone would read outside the fleet. d1lint reads
//     git objects on disk and never fetches, so none is needed;
//   - PATH, emptied, so that no git (or any other program) can be started.
//
// What no process-wide setting can close is a dial to an IP address by a
// dialer of a library's own. The code linked into d1lint that does so is
// never run by it: k8s.io/client-go's transports (d1lint builds no REST
// client), golang.org/x/oauth2, go-git's ssh and git:// dialers (their
// transports are refused above), and OPA's net.lookup_ip_addr, whose
// resolver is its own:
// that builtin, like http.send, is refused to policies when they compile
// (rules.Capabilities). kubeconform's HTTP schema loader, which builds its
// own http.Transport, is why schema locations are read by d1lint's loader
// (internal/schema) and kubeconform is not linked in.
package guard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing/transport"
	gitclient "github.com/go-git/go-git/v5/plumbing/transport/client"
)

// ErrNetwork is returned by every dial after Lockdown.
var ErrNetwork = errors.New("d1lint: network access is disabled")

// ErrGitTransport is returned by go-git's file transport after Lockdown: a
// local clone or fetch would read a repository outside the fleet.
var ErrGitTransport = errors.New("d1lint: git transports are disabled")

// gitSchemes are the go-git protocols replaced during a lockdown: all that
// go-git installs.
var gitSchemes = []string{"http", "https", "ssh", "git", "file"}

var (
	dials atomic.Int64
	mu    sync.Mutex
	// depth counts nested lockdowns: the state is saved by the first and
	// restored by the last, so overlapping callers cannot undo each other.
	depth int
	saved struct {
		transport, clientTransport http.RoundTripper
		resolver                   *net.Resolver
		git                        map[string]transport.Transport // absent scheme: nil
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

// refusedGit is a go-git transport that opens no session.
type refusedGit struct{ scheme string }

func (r refusedGit) refuse() error {
	if r.scheme == "file" {
		return fmt.Errorf("%w: git over file://", ErrGitTransport)
	}
	dials.Add(1)
	// No endpoint in the message: a URL may carry a token.
	return fmt.Errorf("%w: git over %s://", ErrNetwork, r.scheme)
}

// NewUploadPackSession refuses a clone or fetch.
func (r refusedGit) NewUploadPackSession(*transport.Endpoint, transport.AuthMethod) (transport.UploadPackSession, error) {
	return nil, r.refuse()
}

// NewReceivePackSession refuses a push.
func (r refusedGit) NewReceivePackSession(*transport.Endpoint, transport.AuthMethod) (transport.ReceivePackSession, error) {
	return nil, r.refuse()
}

// Lockdown closes every way out listed in the package documentation:
// the process-wide HTTP transport and DNS resolver and go-git's transports
// are replaced with ones that refuse, and PATH is emptied. It returns a
// function that restores the previous state, for tests.
func Lockdown() (restore func()) {
	mu.Lock()
	defer mu.Unlock()
	if depth == 0 {
		saved.transport, saved.clientTransport, saved.resolver = http.DefaultTransport, http.DefaultClient.Transport, net.DefaultResolver
		saved.path, saved.hadPath = os.LookupEnv("PATH")
		http.DefaultTransport = &http.Transport{DialContext: refuse, DialTLSContext: refuse}
		http.DefaultClient.Transport = nil
		net.DefaultResolver = &net.Resolver{PreferGo: true, Dial: refuse}
		saved.git = map[string]transport.Transport{}
		for _, s := range gitSchemes {
			saved.git[s] = gitclient.Protocols[s]
			gitclient.InstallProtocol(s, refusedGit{s})
		}
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
			for s, t := range saved.git {
				gitclient.InstallProtocol(s, t) // nil deletes: what was absent is again
			}
			if saved.hadPath {
				_ = os.Setenv("PATH", saved.path)
			} else {
				_ = os.Unsetenv("PATH")
			}
		})
	}
}
