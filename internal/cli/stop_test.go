// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/testutil"
)

// A usage error in the options is found before any snapshot is made: it is
// reported as one even where no snapshot could be written, and leaves no
// d1lint-* folder behind.
func TestUsageErrorsBeforeSnapshots(t *testing.T) {
	fleet, err := filepath.Abs(testutil.Fixture(t, "example", "fleet"))
	require.NoError(t, err)
	cfg := filepath.Join(t.TempDir(), ".d1lint.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte("fleet: "+fleet+"\nkubeVersion: \"9.99\"\n"), 0o644))
	bad := []struct {
		name, says string
		flags      []string
	}{
		{"--kube-version", "Kubernetes 9.99 has no bundled schemas", []string{"--config", exampleFleet, "--kube-version", "9.99"}},
		{"--schema-location URL", "d1lint never downloads schemas", []string{"--config", exampleFleet, "--schema-location", "https://example.com/schemas"}},
		{"kubeVersion in the file", "Kubernetes 9.99 has no bundled schemas", []string{"--config", cfg}},
	}
	commands := [][]string{
		{"check"}, {"check", "--new-since", "HEAD"}, {"check", "--at", "HEAD"}, {"diff"}, {"diff", "--promote"},
		{"build"}, {"clusters"}, {"graph", "--cluster", "prod-eu"}, {"audit", "--out", t.TempDir()},
	}
	for _, b := range bad {
		for _, c := range commands {
			t.Run(b.name+"/"+strings.Join(c, " "), func(t *testing.T) {
				tmp := t.TempDir()
				for _, dir := range []string{tmp, filepath.Join(tmp, "missing")} {
					r := runEnv(t, map[string]string{"D1LINT_TMPDIR": dir}, append(slices.Clone(c), b.flags...)...)
					assertErrClass(t, errUsage, r.err)
					if r.err != nil {
						assert.Contains(t, r.err.Error(), b.says)
					}
				}
				entries, err := os.ReadDir(tmp)
				require.NoError(t, err)
				assert.Empty(t, entries, "no snapshot folder is left")
			})
		}
	}
}
