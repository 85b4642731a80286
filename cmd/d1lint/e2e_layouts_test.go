// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

//go:build e2e

package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/testutil"
)

// Layouts other than d1's, through the binary: each is found on the first
// run, listed with where its root was found, and checks clean.

const layouts = "../../fixtures/layouts/"

func TestE2ELayouts(t *testing.T) {
	monorepo := testutil.GitCopy(t, filepath.FromSlash(layouts+"monorepo"), "https://github.com/acme/platform.git")
	tests := []struct {
		name  string
		fleet string
		// rows are the start of each cluster's row of `d1lint clusters`
		// and where its root is.
		rows []string
	}{
		{"home-ops", layouts + "home-ops", []string{"cluster  bootstrap", "kubernetes/flux/cluster/cluster.yaml:18"}},
		{"monorepo", filepath.Join(monorepo, "platform", "fleet"), []string{"dev      bootstrap", "prod     bootstrap", "platform/fleet/clusters/dev/flux-system/gotk-sync.yaml:16"}},
		{"hub-and-spoke", layouts + "hub-spoke", []string{"edge     bootstrap", "hub      bootstrap", "clusters/hub/flux-system/gotk-sync.yaml:15"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := d1lint(t, "", "clusters", "--fleet", tt.fleet)
			require.Equal(t, exitOK, p.code, p.stderr)
			assert.Empty(t, p.stderr)
			assert.True(t, strings.HasPrefix(p.stdout, "CLUSTER "), p.stdout)
			assert.Contains(t, p.stdout, " ROOT\n")
			for _, r := range tt.rows {
				assert.Contains(t, p.stdout, r)
			}
			table, _, _ := strings.Cut(p.stdout, "\n\n") // the sources: list follows
			assert.Len(t, strings.Split(strings.TrimSpace(table), "\n"), 1+strings.Count(strings.Join(tt.rows, "\n"), "bootstrap"))

			p = d1lint(t, "", "check", "--fleet", tt.fleet)
			require.Equal(t, exitOK, p.code, p.stdout+p.stderr)
			assert.Contains(t, p.stdout, "0 errors, 0 warnings, 0 info")
		})
	}

	// The fleet in the monorepo, at a revision: the copy holds the whole
	// repository, where the roots' paths start.
	p := d1lint(t, monorepo, "check", "--at", "HEAD", "--fleet", filepath.Join("platform", "fleet"))
	require.Equal(t, exitOK, p.code, p.stdout+p.stderr)
	assert.Contains(t, p.stdout, "2 clusters, 14 objects")
}

// TestE2ENoCluster: a folder without clusters is a usage error (exit 2)
// that says what d1lint looked for, never a raw OS error.
func TestE2ENoCluster(t *testing.T) {
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, map[string]string{"base/kustomization.yaml": "resources: []\n"})
	for _, cmd := range []string{"check", "clusters", "build"} {
		p := d1lint(t, "", cmd, "--fleet", dir)
		assert.Equal(t, exitUsage, p.code, cmd)
		assert.Empty(t, p.stdout, cmd)
		assert.Contains(t, p.stderr, "no cluster found under "+dir+"; d1lint looks for ", cmd)
		assert.Contains(t, p.stderr, "pass --fleet with the fleet repository's folder, or list the clusters under clusters: in .d1lint.yaml", cmd)
		assert.NotContains(t, p.stderr, "no such file or directory", cmd)
	}
}
