// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package revision

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHashTrees: the hash changes with a file's content and with a ref, not
// with git objects, and leaves out folders of the pushed repository.
func TestHashTrees(t *testing.T) {
	base := t.TempDir()
	other, pushed := filepath.Join(base, "other"), filepath.Join(base, "pushed")
	for _, f := range []string{"other/a.yaml", "other/.git/HEAD", "other/.git/refs/heads/main", "other/.git/objects/ab/cd", "other/.git/config", "other/sub/.git/HEAD", "pushed/x.yaml"} {
		p := filepath.Join(base, filepath.FromSlash(f))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(f), 0o644))
	}
	sum := func() string {
		h := sha256.New()
		require.NoError(t, HashTrees(h, pushed, []string{other, pushed, other}))
		return string(h.Sum(nil))
	}
	first := sum()
	assert.Equal(t, first, sum(), "deterministic")
	write := func(f, content string) {
		require.NoError(t, os.WriteFile(filepath.Join(base, filepath.FromSlash(f)), []byte(content), 0o644))
	}
	write("other/.git/objects/ab/cd", "new object")
	write("other/.git/config", "new remote")
	write("other/sub/.git/HEAD", "a nested repository's")
	write("pushed/x.yaml", "changed, but the pushed commit names it")
	assert.Equal(t, first, sum(), "git objects, config, a nested repository and the pushed repository do not count")
	write("other/.git/refs/heads/main", "moved")
	moved := sum()
	assert.NotEqual(t, first, moved, "a ref moved")
	write("other/a.yaml", "edited")
	assert.NotEqual(t, moved, sum(), "a working-tree file changed")
}
