// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package model

import (
	"encoding/json"
	"hash/maphash"
	"math"
	"reflect"
)

// contentSeed seeds the content hashes of manifests, for this process.
var contentSeed = maphash.MakeSeed()

// HashString hashes a string with the seed of ContentHash.
func HashString(s string) uint64 { return maphash.String(contentSeed, s) }

// ContentHash hashes a manifest's content (maps, lists and scalars as
// decoded from YAML or JSON): equal content, equal hash, whichever map
// holds it. A map's entries are combined in no particular order, as Go
// ranges over them. Values of other types hash alike; SameContent tells
// them apart.
func ContentHash(v any) uint64 {
	switch x := v.(type) {
	case nil:
		return 1
	case string:
		return Mix(2, maphash.String(contentSeed, x))
	case bool:
		if x {
			return Mix(3, 1)
		}
		return Mix(3, 0)
	case int:
		return Mix(4, uint64(x))
	case int64:
		return Mix(5, uint64(x))
	case float64:
		return Mix(6, math.Float64bits(x))
	case json.Number:
		return Mix(7, maphash.String(contentSeed, string(x)))
	case []any:
		h := uint64(8)
		for _, e := range x {
			h = Mix(h, ContentHash(e))
		}
		return Mix(h, uint64(len(x)))
	case map[string]any:
		var sum uint64
		for k, e := range x {
			sum += Mix(maphash.String(contentSeed, k), ContentHash(e))
		}
		return Mix(Mix(9, uint64(len(x))), sum)
	}
	return 10
}

// Mix combines two 64-bit values (the finalizer of splitmix64 over their
// combination).
func Mix(a, b uint64) uint64 {
	h := a*0x9e3779b97f4a7c15 ^ b
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	return h ^ h>>31
}

// SameContent reports whether a and b hold the same content, of the same
// Go types: their Rego values are then equal.
func SameContent(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case int:
		y, ok := b.(int)
		return ok && x == y
	case int64:
		y, ok := b.(int64)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		return ok && x == y
	case json.Number:
		y, ok := b.(json.Number)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !SameContent(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) || (x == nil) != (y == nil) {
			return false
		}
		for k, e := range x {
			f, ok := y[k]
			if !ok || !SameContent(e, f) {
				return false
			}
		}
		return true
	}
	return reflect.TypeOf(a) == reflect.TypeOf(b) && reflect.DeepEqual(a, b)
}
