// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package memo

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDoComputesOnce(t *testing.T) {
	m := New[string, int](10)
	var calls atomic.Int64
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			v, ok := m.Do("k", func() int { calls.Add(1); return 42 })
			assert.True(t, ok)
			assert.Equal(t, 42, v)
		})
	}
	wg.Wait()
	assert.EqualValues(t, 1, calls.Load(), "concurrent calls for one key wait for the first")
}

func TestBounded(t *testing.T) {
	m := New[int, int](4)
	for i := range 100 {
		m.Do(i, func() int { return i })
	}
	assert.LessOrEqual(t, m.Len(), 8, "two generations of at most limit entries")
	assert.True(t, m.Has(99), "the newest entry stays")
	assert.False(t, m.Has(0), "the oldest is dropped")
}

// An entry used again while old moves back to the current generation: what
// many clusters share survives the turnover that drops one-off entries.
func TestUsedEntriesSurvive(t *testing.T) {
	m := New[int, int](4)
	calls := 0
	shared := func() int { calls++; return -1 }
	m.Do(-1, shared)
	for i := range 100 {
		m.Do(i, func() int { return i })
		v, ok := m.Do(-1, shared)
		require.True(t, ok)
		require.Equal(t, -1, v)
	}
	assert.Equal(t, 1, calls, "the shared entry was never dropped")
}

func TestPanicMarksEntry(t *testing.T) {
	m := New[string, int](4)
	assert.Panics(t, func() { m.Do("k", func() int { panic("boom") }) })
	v, ok := m.Do("k", func() int { return 1 })
	assert.False(t, ok, "a panicked entry is not computed again")
	assert.Zero(t, v)
}
