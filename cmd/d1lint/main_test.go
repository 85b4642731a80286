// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/cli"
	"github.com/d1lint/d1lint/internal/engine"
	"github.com/d1lint/d1lint/rules"
)

func TestExitCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, exitOK},
		{"incomplete", cli.ErrIncomplete, exitFindings},
		{"wrapped incomplete", fmt.Errorf("%w: 3 problems", cli.ErrIncomplete), exitFindings},
		{"usage", cli.ErrUsage, exitUsage},
		{"wrapped usage", fmt.Errorf("%w: --format must be yaml or json", cli.ErrUsage), exitUsage},
		{"doubly wrapped usage", fmt.Errorf("outer: %w", fmt.Errorf("%w: inner", cli.ErrUsage)), exitUsage},
		{"joined usage", errors.Join(errors.New("x"), cli.ErrUsage), exitUsage},
		{"incomplete wins over usage", fmt.Errorf("%w: %w", cli.ErrIncomplete, cli.ErrUsage), exitFindings},
		{"other", errors.New("disk on fire"), exitInternal},
		{"canceled", context.Canceled, exitInternal},
		{"runaway policy", engine.Usage(fmt.Errorf("evaluating cluster prod: team policy team.deny (team/p.rego): %w", rules.ErrMemoryLimit)), exitInternal},
		{"refused builtin", engine.Usage(fmt.Errorf("%w: team/p.rego:4: time.now_ns is refused", rules.ErrPolicy)), exitUsage},
		{"SIGINT", &cli.Interrupted{Signal: os.Interrupt}, 130},
		{"SIGTERM", &cli.Interrupted{Signal: syscall.SIGTERM}, 143},
		{"wrapped SIGTERM", fmt.Errorf("rendering stopped: %w", &cli.Interrupted{Signal: syscall.SIGTERM}), 143},
		{"a signal wins over usage", fmt.Errorf("%w: %w", cli.ErrUsage, &cli.Interrupted{Signal: os.Interrupt}), 130},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, exitCode(tt.err))
		})
	}
}

func TestExitStatusValues(t *testing.T) {
	// The statuses are part of the command-line contract.
	assert.Equal(t, []int{0, 1, 2, 3, 128}, []int{exitOK, exitFindings, exitUsage, exitInternal, exitSignal})
}

// A panic that reaches main is d1lint's own failure (exit status 3), not
// the Go runtime's exit status 2, a usage error's.
func TestGuardedPanic(t *testing.T) {
	err := guarded(func() error { panic("boom") })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "internal error: boom")
	assert.Equal(t, exitInternal, exitCode(err))
	assert.Equal(t, exitOK, exitCode(guarded(func() error { return nil })))
}
