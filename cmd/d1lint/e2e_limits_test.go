// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

//go:build e2e

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestE2ERunawayPolicy: a team policy that allocates without bound ends
// the check with exit status 3 and a message naming it, not with a fatal
// out-of-memory error. GOMEMLIMIT lowers the bound so that the test stays
// small.
func TestE2ERunawayPolicy(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "p.rego"),
		[]byte("package team\n\ndeny contains msg if {\n  count(numbers.range(1, 400000000)) > 0\n  msg := \"x\"\n}\n"), 0o644))
	t.Setenv("GOMEMLIMIT", "400MiB")
	p := d1lint(t, "", "check", "--config", exampleConfig, "--policy", dir)
	assert.Equal(t, 3, p.code, p.stderr)
	assert.Contains(t, p.stderr, "team policy team.deny ("+dir+"/p.rego): policy evaluation exceeded its memory limit of 400 MiB")
	assert.NotContains(t, p.stderr, "fatal error")
}

// TestE2EConfigLinkOutside: a .d1lint.yaml linking out of its repository is
// a usage error naming the link, echoing nothing of what it points to.
func TestE2EConfigLinkOutside(t *testing.T) {
	base := t.TempDir()
	fleet := filepath.Join(base, "fleet")
	require.NoError(t, os.MkdirAll(filepath.Join(fleet, ".git"), 0o755))
	secret := filepath.Join(base, "id_rsa")
	require.NoError(t, os.WriteFile(secret, []byte("TOP-SECRET: ["), 0o600))
	require.NoError(t, os.Symlink(secret, filepath.Join(fleet, ".d1lint.yaml")))
	p := d1lint(t, fleet, "clusters")
	assert.Equal(t, 2, p.code, p.stderr)
	assert.Contains(t, p.stderr, ".d1lint.yaml: links to a file outside the repository: refused")
	assert.NotContains(t, p.stderr, "TOP-SECRET")
}
