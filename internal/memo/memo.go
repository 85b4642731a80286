// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package memo holds the bounded, concurrent memo that the pipeline's
// stages share work across clusters with: a build's substituted objects, a
// chart's renders and post-rendered documents, schema verdicts, Rego
// values. What clusters share (the same chart with the same values, an
// object without per-cluster variables) is computed once; what only one
// cluster needs (an object naming the cluster) is dropped again before it
// can pile up, so that a thousand-cluster check holds a few clusters' worth
// of memo, not a thousand.
//
// A Map keeps two generations of entries. A new entry goes into the
// current one; when that is full, it becomes the old one and the previous
// old one is dropped. An entry found in the old generation moves back to
// the current one: what many clusters use stays, whatever its age.
package memo

import "sync"

// DefaultLimit is the limit of a zero Map.
const DefaultLimit = 1 << 10

// Map is a bounded memo from K to V, safe for concurrent use. Its zero
// value is a Map of DefaultLimit.
type Map[K comparable, V any] struct {
	mu       sync.Mutex
	cur, old map[K]*entry[V]
	limit    int
}

type entry[V any] struct {
	once sync.Once
	v    V
	ok   bool // false while computing, or if computing panicked
}

// New returns a Map that holds at most about 2×limit entries (limit ≥ 1).
func New[K comparable, V any](limit int) *Map[K, V] {
	limit = max(limit, 1)
	return &Map[K, V]{cur: make(map[K]*entry[V]), old: make(map[K]*entry[V]), limit: limit}
}

// Do returns the value of key, computing it with f if the map does not
// hold it. Concurrent calls for one key wait for the first to compute it.
// ok is false when f panicked, in this call or in the one that computed
// the entry (the panic propagates to that call only, as with sync.Once).
func (m *Map[K, V]) Do(key K, f func() V) (v V, ok bool) {
	e := m.entry(key)
	e.once.Do(func() {
		e.v = f()
		e.ok = true
	})
	return e.v, e.ok
}

// SetLimit sets the limit of a Map not used yet (a zero Map's is
// DefaultLimit).
func (m *Map[K, V]) SetLimit(limit int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.limit = max(limit, 1)
}

// Has reports whether the map holds key (computed or not).
func (m *Map[K, V]) Has(key K) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, cur := m.cur[key]
	_, old := m.old[key]
	return cur || old
}

// Len returns how many entries the map holds.
func (m *Map[K, V]) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.cur) + len(m.old)
}

// entry returns key's entry, creating it, moving it to the current
// generation, and turning the generations over when the current one is
// full.
func (m *Map[K, V]) entry(key K) *entry[V] {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cur == nil {
		m.cur, m.old = make(map[K]*entry[V]), make(map[K]*entry[V])
		if m.limit == 0 {
			m.limit = DefaultLimit
		}
	}
	e := m.cur[key]
	if e != nil {
		return e
	}
	if e = m.old[key]; e != nil {
		delete(m.old, key)
	} else {
		e = &entry[V]{}
	}
	m.cur[key] = e
	if len(m.cur) >= m.limit {
		m.old, m.cur = m.cur, make(map[K]*entry[V], len(m.cur))
	}
	return e
}
