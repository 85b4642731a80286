// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Command d1lint lints Flux CD fleets laid out like the d1 reference
// architecture. This file only maps errors to exit statuses.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/d1lint/d1lint/internal/cli"
)

// gcPercent is the garbage collector setting d1lint runs with (GOGC wins).
const gcPercent = 400

// Exit statuses.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
	exitInternal = 3
	// exitSignal plus the signal's number is the status of a run a signal
	// stopped (130 for SIGINT, 143 for SIGTERM): what a shell reports for a
	// process the signal killed, so scripts and CI read it as they would.
	exitSignal = 128
)

func main() {
	// Libraries must not write into d1lint's output: kustomize prints
	// deprecation notes straight to os.Stderr and logs through the standard
	// logger. d1lint keeps the real stderr for itself.
	stderr := os.Stderr
	if devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
		os.Stderr = devnull
	}
	log.SetOutput(io.Discard)
	// d1lint is a short-lived process whose heap stays small: collecting
	// less often saves a fifth of a render's time.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}

	// SIGINT and SIGTERM stop the run: the render abandons its builds and
	// removes its snapshots, and the run ends with *cli.Interrupted.
	ctx, stop := cli.NotifyContext(context.Background())
	err := cli.Stopped(ctx, guarded(func() error {
		return cli.NewRootCommand(cli.Streams{Out: os.Stdout, Err: stderr, Name: commandName(os.Args[0])}).ExecuteContext(ctx)
	}))
	stop()
	if err != nil {
		fmt.Fprintln(stderr, "d1lint:", err)
	}
	os.Exit(exitCode(err))
}

// commandName is how the user calls d1lint: installed as flux-d1lint in the
// Flux CLI's plugin folder (~/.fluxcd/plugins or $FLUXCD_PLUGINS), it runs
// as "flux d1lint".
func commandName(arg0 string) string {
	base := strings.TrimSuffix(filepath.Base(arg0), ".exe")
	if base == "flux-d1lint" {
		return "flux d1lint"
	}
	return "d1lint"
}

// guarded runs the command, turning a panic that reaches it into an error:
// the deferred calls that remove the snapshots ran as it unwound, and
// d1lint's own failure is exit status 3, not the Go runtime's 2 (which is
// a usage error's).
func guarded(run func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error: %v\n%s", p, debug.Stack())
		}
	}()
	return run()
}

func exitCode(err error) int {
	var stopped *cli.Interrupted
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &stopped):
		if n, ok := stopped.Signal.(syscall.Signal); ok {
			return exitSignal + int(n)
		}
		return exitInternal
	case errors.Is(err, cli.ErrIncomplete), errors.Is(err, cli.ErrFindings), errors.Is(err, cli.ErrTestsFailed), errors.Is(err, cli.ErrPull):
		return exitFindings
	case errors.Is(err, cli.ErrUsage):
		return exitUsage
	default:
		return exitInternal
	}
}
