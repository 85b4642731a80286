// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// secret is content a configuration must never echo from a linked file.
const secret = "TOP-SECRET-KEY: [unclosed"

// repo makes a folder that is a git repository (a .git folder is what
// tells) and a file outside it holding secret.
func repo(t *testing.T) (root, outside string) {
	t.Helper()
	base := t.TempDir()
	root = filepath.Join(base, "repo")
	require.NoError(t, os.MkdirAll(filepath.Join(root, ".git"), 0o755))
	outside = filepath.Join(base, "id_rsa")
	require.NoError(t, os.WriteFile(outside, []byte(secret), 0o600))
	return root, outside
}

func TestLoadRefusesLinkOutsideRepository(t *testing.T) {
	root, outside := repo(t)
	p := filepath.Join(root, FileName)
	require.NoError(t, os.Symlink(outside, p))
	_, err := Load(p)
	require.ErrorIs(t, err, ErrInvalid)
	assert.ErrorContains(t, err, p+": links to a file outside the repository: refused")
	assert.NotContains(t, err.Error(), "TOP-SECRET")
	assert.NotContains(t, err.Error(), outside, "where the link points is not told")
}

// TestLoadRefusesLinkedFolderOutsideRepository: a folder of the repository
// that links elsewhere does not move the boundary.
func TestLoadRefusesLinkedFolderOutsideRepository(t *testing.T) {
	root, outside := repo(t)
	elsewhere := filepath.Join(filepath.Dir(outside), "elsewhere")
	require.NoError(t, os.MkdirAll(elsewhere, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(elsewhere, FileName), []byte(secret), 0o600))
	require.NoError(t, os.Symlink(elsewhere, filepath.Join(root, "fleet")))
	_, err := Load(filepath.Join(root, "fleet", FileName))
	require.ErrorIs(t, err, ErrInvalid)
	assert.ErrorContains(t, err, "outside the repository")
	assert.NotContains(t, err.Error(), "TOP-SECRET")
}

// TestLoadRefusesLinkOutsideFolder: out of any git repository, the
// configuration's own folder is the boundary.
func TestLoadRefusesLinkOutsideFolder(t *testing.T) {
	base := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(base, "other.yaml"), []byte(secret), 0o600))
	dir := filepath.Join(base, "fleet")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	p := filepath.Join(dir, FileName)
	require.NoError(t, os.Symlink("../other.yaml", p))
	_, err := Load(p)
	assert.ErrorContains(t, err, "outside the repository")
	assert.NotContains(t, err.Error(), "TOP-SECRET")
}

func TestLoadFollowsLinkInsideRepository(t *testing.T) {
	root, _ := repo(t)
	require.NoError(t, os.MkdirAll(filepath.Join(root, "config"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "config", "d1lint.yaml"), []byte("fleet: fleet\n"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "fleet"), 0o755))
	// The configuration of a fleet folder may be a link to a shared one
	// elsewhere in the repository.
	p := filepath.Join(root, "fleet", FileName)
	require.NoError(t, os.Symlink("../config/d1lint.yaml", p))
	c, err := Load(p)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(root, "fleet", "fleet"), c.FleetPath(), "paths resolve against the link's folder")
}

func TestLoadRefusesTooLarge(t *testing.T) {
	p := filepath.Join(t.TempDir(), FileName)
	require.NoError(t, os.WriteFile(p, []byte("fleet: ."+strings.Repeat(" ", MaxFileSize)+"\n"), 0o644))
	_, err := Load(p)
	require.ErrorIs(t, err, ErrInvalid)
	assert.ErrorContains(t, err, "file too large")
}

func TestReadFileRefusesFolder(t *testing.T) {
	dir := t.TempDir()
	_, err := ReadFile(dir)
	assert.ErrorContains(t, err, "not a regular file (a folder)")
}
