// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package par runs independent pieces of work side by side.
//
// A call that panics does not end the process: the panic is raised again
// on the caller's goroutine once every call has returned, so the guards
// that turn a bug into a finding on one cluster (render's stage) keep
// working when the work inside them runs side by side.
package par

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// Each calls f(i) for every i in [0, n) and returns when every call has
// returned. At most GOMAXPROCS calls run at once; n of 1 runs on the
// caller's goroutine.
func Each(n int, f func(i int)) {
	workers := min(n, runtime.GOMAXPROCS(0))
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var g group
	for range workers {
		g.run(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				f(i)
			}
		})
	}
	g.wait()
}

// All calls f(i) for every i in [0, n), all at once, and returns when
// every call has returned: for work that is bounded elsewhere (a
// semaphore) or mostly waits, where a slow call must not wait for a
// worker.
func All(n int, f func(i int)) {
	if n == 1 {
		f(0)
		return
	}
	var g group
	for i := range n {
		g.run(func() { f(i) })
	}
	g.wait()
}

// Panic is what a call that panicked raised, with its goroutine's stack.
type Panic struct {
	Value any
	Stack []byte
}

func (p *Panic) Error() string { return fmt.Sprintf("%v\n%s", p.Value, p.Stack) }

// group is a WaitGroup that keeps the first panic of its goroutines.
type group struct {
	wg    sync.WaitGroup
	once  sync.Once
	panic *Panic
}

func (g *group) run(f func()) {
	g.wg.Go(func() {
		defer func() {
			if v := recover(); v != nil {
				g.once.Do(func() { g.panic = &Panic{Value: v, Stack: debug.Stack()} })
			}
		}()
		f()
	})
}

func (g *group) wait() {
	g.wg.Wait()
	if g.panic != nil {
		panic(g.panic)
	}
}
