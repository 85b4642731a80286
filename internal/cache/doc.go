// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package cache is d1lint's persistent, content-addressed cache: results a
// run derived (clusters' verdicts, kustomize builds, chart renders, schema
// verdicts), stored under a key that hashes everything they were derived
// from and the d1lint build that derived them, so that the next run on the
// same inputs reuses them instead of deriving them again.
//
// The cache lives in $XDG_CACHE_HOME/d1lint (DefaultDir). It is safe under
// concurrent runs: an entry is written to a temporary file and renamed
// into place, so that a reader sees a whole entry or none, and every entry
// carries the SHA-256 of its content, so that a torn or altered file reads
// as a miss. It is bounded: a run that wrote to it evicts the least
// recently used entries (by modification time, which a hit refreshes)
// beyond its size limit.
//
// A nil *Cache is a cache that holds nothing: Get misses and Put does
// nothing, which is what --no-cache gives.
package cache
