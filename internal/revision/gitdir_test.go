// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package revision

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigValue(t *testing.T) {
	cfg := "[core]\n\trepositoryformatversion = 0\n\thooksPath = .githooks\n[remote \"origin\"]\n\turl = x\n"
	assert.Equal(t, ".githooks", configValue(cfg, "core", "hookspath"))
	assert.Equal(t, "", configValue(cfg, "core", "nothing"))
	assert.Equal(t, "", configValue(cfg, "remote", "hookspath"))
}

func TestGitDirAndHooksDir(t *testing.T) {
	root := t.TempDir()
	_, err := GitDir(root)
	require.Error(t, err, "no .git")

	// A folder.
	require.NoError(t, os.MkdirAll(filepath.Join(root, ".git"), 0o755))
	dir, err := GitDir(root)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(root, ".git"), dir)
	hooks, err := HooksDir(root)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(root, ".git", "hooks"), hooks)
	require.NoError(t, os.WriteFile(filepath.Join(root, ".git", "config"), []byte("[core]\n\thooksPath = .githooks\n"), 0o644))
	hooks, err = HooksDir(root)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(root, ".githooks"), hooks)

	// A file naming it (a worktree), relative to the working tree.
	wt := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(wt, ".git"), []byte("gitdir: ../elsewhere\n"), 0o644))
	dir, err = GitDir(wt)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(wt, "..", "elsewhere"), dir)
	require.NoError(t, os.WriteFile(filepath.Join(wt, ".git"), []byte("nonsense"), 0o644))
	_, err = GitDir(wt)
	require.Error(t, err)
}
