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
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"

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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := cli.NewRootCommand(cli.Streams{Out: os.Stdout, Err: stderr, Name: commandName(os.Args[0])}).ExecuteContext(ctx)
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

func exitCode(err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, cli.ErrIncomplete), errors.Is(err, cli.ErrFindings), errors.Is(err, cli.ErrTestsFailed):
		return exitFindings
	case errors.Is(err, cli.ErrUsage):
		return exitUsage
	default:
		return exitInternal
	}
}
