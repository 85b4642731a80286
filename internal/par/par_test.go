// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package par_test

import (
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/d1lint/d1lint/internal/par"
)

func TestEveryIndexIsCalledOnce(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 100} {
		calls := make([]atomic.Int32, n)
		par.Each(n, func(i int) { calls[i].Add(1) })
		par.All(n, func(i int) { calls[i].Add(1) })
		for i := range calls {
			assert.Equal(t, int32(2), calls[i].Load(), "n=%d i=%d", n, i)
		}
	}
}

func TestEachBoundsTheCallsAtOnce(t *testing.T) {
	var running, most atomic.Int32
	par.Each(64, func(int) {
		r := running.Add(1)
		for {
			m := most.Load()
			if r <= m || most.CompareAndSwap(m, r) {
				break
			}
		}
		runtime.Gosched()
		running.Add(-1)
	})
	assert.LessOrEqual(t, int(most.Load()), runtime.GOMAXPROCS(0))
	assert.GreaterOrEqual(t, int(most.Load()), 1)
}

func TestAllRunsEveryCallAtOnce(t *testing.T) {
	// Every call waits for all the others to have started: this ends only
	// if they all run at the same time.
	const n = 16
	var started atomic.Int32
	release := make(chan struct{})
	par.All(n, func(int) {
		if started.Add(1) == n {
			close(release)
		}
		<-release
	})
	assert.Equal(t, int32(n), started.Load())
}

func TestAPanicReachesTheCaller(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4)) // side by side even on one core
	for name, run := range map[string]func(int, func(int)){"Each": par.Each, "All": par.All} {
		var calls atomic.Int32
		got := func() (v any) {
			defer func() { v = recover() }()
			run(8, func(i int) {
				calls.Add(1)
				if i == 3 {
					panic("boom")
				}
			})
			return nil
		}()
		p, ok := got.(*par.Panic)
		if assert.True(t, ok, "%s: %v", name, got) {
			assert.Equal(t, "boom", p.Value, name)
			assert.Contains(t, p.Error(), "boom", name)
			assert.NotEmpty(t, p.Stack, name)
		}
		assert.Equal(t, int32(8), calls.Load(), "%s: the other calls still ran", name)
	}
}
