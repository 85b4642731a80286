// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// Signals are the signals that stop a run: SIGINT (Ctrl-C) and SIGTERM
// (what CI runners, timeout(1) and container runtimes send to stop a job).
var Signals = []os.Signal{os.Interrupt, syscall.SIGTERM}

// Interrupted is the error of a run that a signal stopped. cmd/d1lint maps
// it to exit status 128 plus the signal's number (130 for SIGINT, 143 for
// SIGTERM), the status a shell reports for a process the signal killed.
// errors.Is(err, context.Canceled) holds for it.
type Interrupted struct {
	// Signal is the signal received.
	Signal os.Signal
}

func (e *Interrupted) Error() string { return "interrupted by " + signalName(e.Signal) }

// Is makes an interruption a cancellation, as signal.NotifyContext's is.
func (e *Interrupted) Is(target error) bool { return target == context.Canceled }

func signalName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return "signal " + s.String()
}

// NotifyContext returns a copy of parent that the first of Signals cancels,
// with an *Interrupted cause naming it (signal.NotifyContext's cause names
// no signal a caller could map to an exit status). The signal then gets its
// default action back, so that a second one ends the process at once (the
// next run sweeps what it leaves; see package source). stop releases the
// signals: call it once the run is over.
func NotifyContext(parent context.Context) (ctx context.Context, stop context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, Signals...)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			signal.Stop(ch)
			cancel(&Interrupted{Signal: s})
		case <-done:
		case <-ctx.Done():
			signal.Stop(ch)
		}
	}()
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			signal.Stop(ch)
			close(done)
			cancel(nil)
		})
	}
}

// Stopped returns the error a run on ctx ends with: when a signal stopped
// it (NotifyContext), an error that wraps the *Interrupted one, whatever
// the run returned, since what it reported may be partial and an
// interrupted check must not pass; else err.
func Stopped(ctx context.Context, err error) error {
	var in *Interrupted
	if !errors.As(context.Cause(ctx), &in) {
		return err
	}
	if errors.As(err, new(*Interrupted)) {
		return err // it says what was stopped
	}
	return in
}
