// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Command d1lint lints Flux CD fleets laid out like the d1 reference
// architecture. This file only maps errors to exit statuses.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"

	"github.com/d1lint/d1lint/internal/cli"
)

// Exit statuses.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
	exitInternal = 3
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := cli.NewRootCommand(cli.Streams{Out: os.Stdout, Err: os.Stderr}).ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "d1lint:", err)
	}
	os.Exit(exitCode(err))
}

func exitCode(err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, cli.ErrIncomplete):
		return exitFindings
	case errors.Is(err, cli.ErrUsage):
		return exitUsage
	default:
		return exitInternal
	}
}
