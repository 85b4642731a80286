// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/d1lint/d1lint/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCheckAtReportsCommittedSymlink: check --at reads a copy of the
// commit, which holds regular files only, yet warns about the symlink the
// commit has (D1-0002) as a check of a checkout of it would; the working
// tree, where the symlink is deleted, has none.
func TestCheckAtReportsCommittedSymlink(t *testing.T) {
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, map[string]string{
		"clusters/one/flux-system/flux-instance.yaml": testutil.FluxInstance("one", "https://example.com/acme/fleet.git"),
		"clusters/one/real.yaml":                      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: real\n  namespace: default\ndata:\n  key: value\n",
	})
	link := filepath.Join(dir, "clusters", "one", "linked.yaml")
	if err := os.Symlink("real.yaml", link); err != nil {
		t.Skipf("symlinks unavailable: %v", err)
	}
	gitIn(t, dir, "init", "-q", "-b", "main")
	gitIn(t, dir, "add", "-A")
	gitIn(t, dir, "commit", "-q", "-m", "fleet")
	require.NoError(t, os.Remove(link))

	args := []string{"check", "--fleet", dir, "--repository", "https://example.com/acme/fleet", "--format", "text"}
	warned := func(out string) bool {
		return strings.Contains(out, "warning D1-0002  The render dropped a file or assumed a default\n          example.com/acme/fleet@main:clusters/one/linked.yaml\n") &&
			strings.Contains(out, "clusters/one/linked.yaml: symlink dropped")
	}
	r := run(t, append(args, "--at", "HEAD")...)
	require.NotErrorIs(t, r.err, ErrUsage, r.stderr)
	assert.True(t, warned(r.stdout), "the committed symlink:\n%s", r.stdout)
	assert.NotContains(t, r.stdout, "d1lint-", "no path of the copy")

	r = run(t, args...)
	require.NotErrorIs(t, r.err, ErrUsage, r.stderr)
	assert.False(t, warned(r.stdout), "the working tree has no symlink:\n%s", r.stdout)
}
