// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package par runs independent pieces of work side by side.
package par

import (
	"runtime"
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
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				f(i)
			}
		})
	}
	wg.Wait()
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
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { f(i) })
	}
	wg.Wait()
}
