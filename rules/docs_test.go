// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules

import (
	"flag"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/testutil"
)

var update = flag.Bool("update", false, "regenerate docs/rules")

// TestDocs fails when docs/rules is not what the rules' METADATA generates.
func TestDocs(t *testing.T) {
	docs, err := Docs(load(t).Rules())
	require.NoError(t, err)
	dir := filepath.Join(testutil.Root(t), filepath.FromSlash(DocsDir))
	if *update {
		require.NoError(t, os.RemoveAll(dir))
		require.NoError(t, os.MkdirAll(dir, 0o755))
		for name, data := range docs {
			require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
		}
		return
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err, "docs/rules is missing: run go test ./rules -run TestDocs -update")
	var have, want []string
	for _, e := range entries {
		have = append(have, e.Name())
	}
	for name, data := range docs {
		want = append(want, name)
		got, err := os.ReadFile(filepath.Join(dir, name))
		if assert.NoError(t, err, "%s is missing: run go test ./rules -run TestDocs -update", name) {
			assert.Equal(t, string(data), string(got), "%s is stale: run go test ./rules -run TestDocs -update", name)
		}
	}
	sort.Strings(want)
	assert.Equal(t, want, have, "docs/rules holds exactly the generated pages")
}
