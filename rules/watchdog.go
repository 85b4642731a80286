// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// DefaultMaxHeapGrowth bounds how much the heap may grow while policies
// are evaluated: OPA has no memory limit of its own, and a policy that
// builds a huge value (numbers.range(1, 400000000)) would otherwise end
// the process with a fatal out-of-memory error.
const DefaultMaxHeapGrowth uint64 = 2 << 30

// ErrMemoryLimit marks an evaluation stopped because the heap grew past its
// bound (exit status 3, as for an evaluation past its deadline).
var ErrMemoryLimit = errors.New("policy evaluation exceeded its memory limit")

// heapMetric is the memory held by heap objects, live or not yet swept:
// what an allocating policy grows. Reading it does not stop the world, so
// it can be polled often.
const heapMetric = "/memory/classes/heap/objects:bytes"

// liveMetric is the memory held by the objects the last collection found
// live: what the watchdog confirms a runaway with.
const liveMetric = "/gc/heap/live:bytes"

// heapPoll is how often the watchdog reads the heap. A policy allocating
// a gigabyte a second overshoots the bound by some ten megabytes.
const heapPoll = 10 * time.Millisecond

// gcInterval spaces the collections the watchdog forces when the heap is
// past the bound but may hold mostly garbage: a runaway policy is caught by
// the first, a heap near the bound is not collected over and over.
const gcInterval = time.Second

// watchHeap returns a context cancelled with ErrMemoryLimit (as its cause)
// once the heap exceeds what it was by more than growth, or exceeds
// GOMEMLIMIT when that is set lower. stop ends the watch and releases the
// context. The bound is on growth, so that a large fleet's model, already
// in memory, does not count against its policies.
func watchHeap(ctx context.Context, growth uint64) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	sample := []metrics.Sample{{Name: heapMetric}, {Name: liveMetric}}
	read := func() (heap, live uint64) {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 || sample[1].Value.Kind() != metrics.KindUint64 {
			return 0, 0
		}
		return sample[0].Value.Uint64(), sample[1].Value.Uint64()
	}
	start, _ := read()
	limit := uint64(math.MaxUint64)
	if growth < math.MaxUint64-start {
		limit = start + growth
	}
	if soft := debug.SetMemoryLimit(-1); os.Getenv("GOMEMLIMIT") != "" && soft > 0 && soft < math.MaxInt64 && uint64(soft) < limit {
		// GOMEMLIMIT is the user's word on how much memory d1lint may use
		// (the soft limit d1lint sets itself without it is a hint to the
		// collector, not a bound on policies).
		limit = uint64(soft)
	}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(heapPoll)
		defer t.Stop()
		var collected time.Time
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				if h, _ := read(); h <= limit || time.Since(collected) < gcInterval {
					continue
				}
				// The heap counts garbage not yet collected: with a large
				// model in memory, rules that merely churn may pass the
				// bound before the collector runs. Only what survives a
				// collection counts.
				runtime.GC()
				collected = time.Now()
				if _, live := read(); live > limit {
					cancel(fmt.Errorf("%w of %s: %s of the heap is in use", ErrMemoryLimit, size(limit), size(live)))
					return
				}
			}
		}
	}()
	return ctx, func() {
		close(done)
		cancel(nil)
	}
}

// size formats a number of bytes in MiB.
func size(n uint64) string {
	return fmt.Sprintf("%d MiB", n>>20)
}
