// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

//go:build unix

package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// NotifyContext turns SIGINT and SIGTERM into an *Interrupted cause;
// Stopped makes it the run's error whatever the run returned.
func TestNotifyContext(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			ctx, stop := NotifyContext(context.Background())
			defer stop()
			require.NoError(t, syscall.Kill(os.Getpid(), sig))
			<-ctx.Done()
			var in *Interrupted
			require.ErrorAs(t, context.Cause(ctx), &in)
			assert.Equal(t, os.Signal(sig), in.Signal)

			assert.Same(t, in, Stopped(ctx, nil), "an interrupted run does not pass")
			assert.Same(t, in, Stopped(ctx, errors.New("findings")))
			wrapped := fmt.Errorf("rendering stopped: %w", in)
			assert.Same(t, wrapped, Stopped(ctx, wrapped))
		})
	}
	ctx, stop := NotifyContext(context.Background())
	stop()
	other := errors.New("other")
	assert.Same(t, other, Stopped(ctx, other), "stop is no signal")
	assert.Equal(t, "interrupted by SIGINT", (&Interrupted{Signal: os.Interrupt}).Error())
}
