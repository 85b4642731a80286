// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

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
		{"wrapped incomplete", fmt.Errorf("%w: 3 problem(s)", cli.ErrIncomplete), exitFindings},
		{"usage", cli.ErrUsage, exitUsage},
		{"wrapped usage", fmt.Errorf("%w: --format must be yaml or json", cli.ErrUsage), exitUsage},
		{"doubly wrapped usage", fmt.Errorf("outer: %w", fmt.Errorf("%w: inner", cli.ErrUsage)), exitUsage},
		{"joined usage", errors.Join(errors.New("x"), cli.ErrUsage), exitUsage},
		{"incomplete wins over usage", fmt.Errorf("%w: %w", cli.ErrIncomplete, cli.ErrUsage), exitFindings},
		{"other", errors.New("disk on fire"), exitInternal},
		{"canceled", context.Canceled, exitInternal},
		{"runaway policy", engine.Usage(fmt.Errorf("evaluating cluster prod: team policy team.deny (team/p.rego): %w", rules.ErrMemoryLimit)), exitInternal},
		{"refused builtin", engine.Usage(fmt.Errorf("%w: team/p.rego:4: time.now_ns is refused", rules.ErrPolicy)), exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, exitCode(tt.err))
		})
	}
}

func TestExitStatusValues(t *testing.T) {
	// The statuses are part of the command-line contract.
	assert.Equal(t, []int{0, 1, 2, 3}, []int{exitOK, exitFindings, exitUsage, exitInternal})
}
