// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// policyDir makes a policy folder holding a valid policy, and a file
// outside it whose content no error may echo.
func policyDir(t *testing.T) (dir, outside string) {
	t.Helper()
	base := t.TempDir()
	dir = filepath.Join(base, "policies")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "p.rego"), []byte(teamDeny), 0o644))
	outside = filepath.Join(base, "secret")
	require.NoError(t, os.MkdirAll(outside, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(outside, "key.rego"), []byte("TOP-SECRET {"), 0o600))
	return dir, outside
}

// folders are the two ways a policy folder is read: os.DirFS, and the
// os.Root the CLI opens.
func folders(t *testing.T, dir string) map[string]fs.FS {
	root, err := os.OpenRoot(dir)
	require.NoError(t, err)
	t.Cleanup(func() { _ = root.Close() })
	return map[string]fs.FS{"DirFS": os.DirFS(dir), "Root": root.FS()}
}

func TestPolicyLinksLeavingTheFolderRefused(t *testing.T) {
	for name, link := range map[string]func(outside string) (string, string){
		"file, absolute":   func(o string) (string, string) { return filepath.Join(o, "key.rego"), "evil.rego" },
		"file, relative":   func(string) (string, string) { return "../secret/key.rego", "evil.rego" },
		"folder, absolute": func(o string) (string, string) { return o, "vendored" },
		"folder, relative": func(string) (string, string) { return "../secret", "vendored" },
	} {
		t.Run(name, func(t *testing.T) {
			dir, outside := policyDir(t)
			target, at := link(outside)
			require.NoError(t, os.Symlink(target, filepath.Join(dir, at)))
			for kind, fsys := range folders(t, dir) {
				_, err := LoadWithPolicies(map[string]fs.FS{"team": fsys})
				require.ErrorIs(t, err, ErrPolicy, kind)
				assert.ErrorContains(t, err, "team: invalid policy: "+at+": a symlink leaving the policy folder: refused", kind)
				assert.NotContains(t, err.Error(), "TOP-SECRET", kind)
				assert.NotContains(t, err.Error(), outside, kind)
			}
		})
	}
}

func TestPolicyLinkInsideTheFolderFollowed(t *testing.T) {
	dir, _ := policyDir(t)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "src"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "src", "warn.txt"), []byte("package team2\n\nwarn contains \"w\" if { input.cluster.name == \"prod\" }\n"), 0o644))
	require.NoError(t, os.Symlink("src/warn.txt", filepath.Join(dir, "warn.rego")))
	for kind, fsys := range folders(t, dir) {
		c, err := LoadWithPolicies(map[string]fs.FS{"team": fsys})
		require.NoError(t, err, kind)
		assert.Len(t, c.custom, 2, kind)
	}
}

func TestPolicyFileTooLarge(t *testing.T) {
	dir, _ := policyDir(t)
	big := "package big\n\n# " + strings.Repeat("x", MaxPolicyFileSize) + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "big.rego"), []byte(big), 0o644))
	_, err := LoadWithPolicies(map[string]fs.FS{"team": os.DirFS(dir)})
	require.ErrorIs(t, err, ErrPolicy)
	assert.ErrorContains(t, err, "big.rego: file too large")
}
