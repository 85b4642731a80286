// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package model

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSameContent(t *testing.T) {
	manifest := func() map[string]any {
		return map[string]any{
			"kind": "Deployment",
			"spec": map[string]any{"replicas": 2, "paused": false, "ratio": 0.5, "n": json.Number("7"), "big": int64(1) << 40,
				"list": []any{"a", map[string]any{"b": nil}}, "empty": map[string]any{}},
		}
	}
	a, b := manifest(), manifest()
	assert.True(t, SameContent(a, b), "equal content in maps of their own")
	assert.Equal(t, ContentHash(a), ContentHash(b))
	for name, change := range map[string]func(m map[string]any){
		"a value":            func(m map[string]any) { m["kind"] = "StatefulSet" },
		"a nested value":     func(m map[string]any) { m["spec"].(map[string]any)["list"].([]any)[1].(map[string]any)["b"] = "c" },
		"an int for a float": func(m map[string]any) { m["spec"].(map[string]any)["ratio"] = 1 },
		"a float for an int": func(m map[string]any) { m["spec"].(map[string]any)["replicas"] = 2.0 },
		"the list's order":   func(m map[string]any) { l := m["spec"].(map[string]any)["list"].([]any); l[0], l[1] = l[1], l[0] },
		"a key more":         func(m map[string]any) { m["status"] = nil },
		"a key less":         func(m map[string]any) { delete(m["spec"].(map[string]any), "paused") },
		"nil for empty":      func(m map[string]any) { m["spec"].(map[string]any)["empty"] = map[string]any(nil) },
		"a number's text":    func(m map[string]any) { m["spec"].(map[string]any)["n"] = json.Number("7.0") },
	} {
		c := manifest()
		change(c)
		assert.False(t, SameContent(a, c), name)
		assert.False(t, SameContent(c, a), name)
		if name != "nil for empty" {
			// A nil and an empty map hash alike (both convert to {});
			// SameContent tells them apart all the same.
			assert.NotEqual(t, ContentHash(a), ContentHash(c), name)
		}
	}
}
