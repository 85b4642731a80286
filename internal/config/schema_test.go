// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package config

import (
	"encoding/json"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSchemaMatchesLoader keeps the JSON Schema and the loader's exact keys
// in step: a key the loader accepts is documented, and the reverse.
func TestSchemaMatchesLoader(t *testing.T) {
	var s struct {
		Properties map[string]struct {
			Items struct {
				Properties map[string]any `json:"properties"`
			} `json:"items"`
		} `json:"properties"`
	}
	require.NoError(t, json.Unmarshal(Schema, &s))
	keys := func(m map[string]any) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	sorted := func(l []string) []string { c := append([]string{}, l...); sort.Strings(c); return c }
	top := map[string]any{}
	for k := range s.Properties {
		top[k] = nil
	}
	assert.Equal(t, sorted(knownKeys[""]), keys(top))
	for _, section := range []string{"sources", "outOfBand", "waivers"} {
		assert.Equal(t, sorted(knownKeys[section]), keys(s.Properties[section].Items.Properties), section)
	}
}
