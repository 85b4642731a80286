// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

//go:build e2e

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/testutil"
)

// layD1 lays the d1 corpus out as its README says a user does
// (mkrepos.sh DEST), in a folder of the test's own, and returns DEST.
func layD1(t *testing.T) string {
	t.Helper()
	corpus := testutil.SharedCorpus(t)
	dest := t.TempDir()
	out, err := exec.Command("bash", filepath.Join(corpus, "d1", "mkrepos.sh"), dest).CombinedOutput()
	require.NoError(t, err, "mkrepos.sh: %s", out)
	return dest
}

// gitC runs git in dir.
func gitC(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "git %v: %s", args, out)
}

// The first run of the README's Use section: mkrepos.sh DEST, then
// d1lint check with no flag and no configuration, in d1-fleet and in
// d1-apps. The sibling checkouts stand for the repositories the clusters
// read, and every report says where each was found, with paths relative
// to the working directory.
func TestE2EFirstRun(t *testing.T) {
	dest := layD1(t)
	const (
		fleetURL = "https://github.com/controlplaneio-fluxcd/d1-fleet.git"
		infra    = "https://github.com/controlplaneio-fluxcd/d1-infra.git → ../d1-infra (found beside the fleet by its folder name)"
		apps     = "https://github.com/controlplaneio-fluxcd/d1-apps.git → ../d1-apps (found beside the fleet by its folder name)"
	)

	t.Run("in d1-fleet", func(t *testing.T) {
		p := d1lint(t, filepath.Join(dest, "d1-fleet"), "check", "--verbose")
		require.Equal(t, exitOK, p.code, "%s\n%s", p.stdout, p.stderr)
		assert.Contains(t, p.stdout, "3 clusters")
		// No chart cache: each cluster's seven packaged charts (one of the
		// HelmRelease its flux-operator ResourceSet generates) are warnings
		// (D1-0007), nothing is an error.
		assert.Contains(t, p.stdout, ": 0 errors, 21 warnings, ")
		// --verbose says where each repository was read from, on standard
		// error; the report has only the findings, located in the
		// checkouts relative to the current folder.
		assert.Contains(t, p.stderr, "sources:\n  "+apps+"\n  "+fleetURL+"@main → . (the fleet checkout; its URL was decided from the sync URL of most clusters)\n  "+infra+"\n")
		assert.Regexp(t, `(?m)^timings: load `, p.stderr)
		assert.NotContains(t, p.stdout, "sources:")
		assert.Regexp(t, `(?m)^          \.\.?/\S+:\d+$`, p.stdout, "a location in a local checkout")
		assert.NotContains(t, p.stdout, dest, "no temporary path")
		assert.NotContains(t, p.stdout, "unresolved")

		p = d1lint(t, filepath.Join(dest, "d1-fleet"), "clusters")
		require.Equal(t, exitOK, p.code, p.stderr)
		assert.Contains(t, p.stdout, "d1-apps@production d1-fleet@main d1-infra@production")
		assert.Contains(t, p.stdout, "\nsources:\n  "+apps+"\n")
	})

	t.Run("in d1-apps", func(t *testing.T) {
		// The fleet is the checkout beside d1-apps that holds clusters;
		// d1-apps is the repository being checked.
		p := d1lint(t, filepath.Join(dest, "d1-apps", "components"), "check", "--format", "json")
		require.Equal(t, exitOK, p.code, "%s\n%s", p.stdout, p.stderr)
		assert.Empty(t, p.stderr)
		var r struct {
			Repository string
			Sources    []struct{ URL, Path, Origin, How string }
			Summary    struct{ Clusters, Unresolved int }
		}
		require.NoError(t, json.Unmarshal([]byte(p.stdout), &r))
		assert.Equal(t, "github.com/controlplaneio-fluxcd/d1-apps", r.Repository)
		assert.Equal(t, 3, r.Summary.Clusters)
		assert.Zero(t, r.Summary.Unresolved)
		got := map[string]string{}
		for _, s := range r.Sources {
			got[s.Path] = s.Origin + ": " + s.How
		}
		assert.Equal(t, map[string]string{
			"../../d1-fleet": "fleet: the fleet checkout, found beside the current checkout; its URL was decided from the sync URL of most clusters",
			"../../d1-infra": "sibling-name: found beside the fleet by its folder name",
			"../../d1-apps":  "sibling-name: found beside the fleet by its folder name",
		}, got)

		p = d1lint(t, filepath.Join(dest, "d1-apps"), "check", "-v")
		require.Equal(t, exitOK, p.code, "%s\n%s", p.stdout, p.stderr)
		assert.Contains(t, p.stderr, "https://github.com/controlplaneio-fluxcd/d1-fleet.git@main → ../d1-fleet (the fleet checkout, found beside the current checkout;")
		assert.Contains(t, p.stderr, apps)
		assert.NotContains(t, p.stdout, dest, "no temporary path")
		// d1-apps is checked out at main: its files stand for main, at
		// their place in the current folder; the fleet's beside it.
		assert.Contains(t, p.stdout, "\n          ./components/backend/base/memcached.yaml:1\n")
		assert.Contains(t, p.stdout, "\n          ../d1-fleet/clusters/staging/flux-system/flux-operator.yaml:28\n")
		assert.Contains(t, p.stdout, "\n          github.com/controlplaneio-fluxcd/d1-apps@production:components/backend/base/memcached.yaml:1\n",
			"another branch than the one checked out keeps its repository's name")

		// A revision of the repository being checked stands in for its
		// working tree, as it does for a mapped checkout.
		p = d1lint(t, filepath.Join(dest, "d1-apps"), "check", "--new-since", "HEAD")
		require.Equal(t, exitOK, p.code, "%s\n%s", p.stdout, p.stderr)
		assert.Contains(t, p.stdout, "; 0 new since HEAD")
	})
}

// TestE2ESiblingMatching: a checkout beside the fleet is found by its git
// remote whatever its folder's name; one named like a repository whose
// remote names another is refused, saying why; a --source given wins, and
// one that matches nothing is a warning naming the nearest URL.
func TestE2ESiblingMatching(t *testing.T) {
	dest := layD1(t)
	fleet := filepath.Join(dest, "d1-fleet")
	require.NoError(t, os.Rename(filepath.Join(dest, "d1-infra"), filepath.Join(dest, "infra-checkout")))
	gitC(t, filepath.Join(dest, "infra-checkout"), "remote", "add", "origin", "git@github.com:controlplaneio-fluxcd/d1-infra")
	gitC(t, filepath.Join(dest, "d1-apps"), "remote", "add", "origin", "https://github.com/someone-else/d1-apps.git")

	p := d1lint(t, fleet, "clusters")
	assert.Equal(t, exitFindings, p.code, "d1-apps is unresolved")
	assert.Contains(t, p.stdout, "https://github.com/controlplaneio-fluxcd/d1-infra.git → ../infra-checkout (found beside the fleet by its git remote origin)")
	assert.Contains(t, p.stderr, "no local path mapped for https://github.com/controlplaneio-fluxcd/d1-apps.git (../d1-apps (found beside the fleet) is named like it, "+
		"but its git remote origin is https://github.com/someone-else/d1-apps.git: map it with --source if it is this repository)")

	// The source mappings are told under --verbose, on standard error.
	p = d1lint(t, fleet, "check", "-v", "--source", "https://github.com/controlplaneio-fluxcd/d1-apps.git=../d1-apps",
		"--source", "https://github.com/controlplaneio-fluxcd/d1-infr.git=../infra-checkout")
	require.Equal(t, exitOK, p.code, "%s\n%s", p.stdout, p.stderr)
	assert.Contains(t, p.stderr, "https://github.com/controlplaneio-fluxcd/d1-apps.git → ../d1-apps (--source)")
	assert.Contains(t, p.stdout, "warning: --source https://github.com/controlplaneio-fluxcd/d1-apps.git=../d1-apps: ../d1-apps is a git repository whose remote origin is "+
		"https://github.com/someone-else/d1-apps.git, not https://github.com/controlplaneio-fluxcd/d1-apps.git; it is read as https://github.com/controlplaneio-fluxcd/d1-apps.git all the same")
	assert.Contains(t, p.stdout, "warning: --source https://github.com/controlplaneio-fluxcd/d1-infr.git=../infra-checkout matched nothing: "+
		"no cluster reads https://github.com/controlplaneio-fluxcd/d1-infr.git; did you mean https://github.com/controlplaneio-fluxcd/d1-infra.git?")
	assert.Contains(t, p.stderr, "(found beside the fleet by its git remote origin)", "d1-infra is still found by its remote")
	assert.Contains(t, p.stdout, ": 0 errors, 21 warnings, 3 info; profile d1", "warnings about mappings are no findings (the 21 are charts: no chart cache, 7 HelmReleases per cluster, one the flux-operator ResourceSet generates)")
}

// TestE2ESiblingRevisions: diff compares the working trees of the
// checkouts found beside the fleet with their HEAD commits, and
// --promote promotes them too.
func TestE2ESiblingRevisions(t *testing.T) {
	dest := layD1(t)
	fleet := filepath.Join(dest, "d1-fleet")
	p := d1lint(t, fleet, "diff", "--promote")
	require.Equal(t, exitOK, p.code, "%s\n%s", p.stdout, p.stderr)
	assert.Contains(t, p.stdout, "github.com/controlplaneio-fluxcd/d1-apps", "d1-apps, found beside the fleet, is promoted")
	assert.Contains(t, p.stdout, "github.com/controlplaneio-fluxcd/d1-infra")

	p = d1lint(t, fleet, "diff")
	require.Equal(t, exitOK, p.code, "%s\n%s", p.stdout, p.stderr)
	assert.NotContains(t, p.stdout, "modified", "nothing uncommitted")
	file := filepath.Join(dest, "d1-apps", "components", "backend", "base", "redis.yaml")
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(file, append(data, []byte("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: added-by-test\n  namespace: backend\n")...), 0o644))
	p = d1lint(t, fleet, "diff")
	require.Equal(t, exitOK, p.code, "%s\n%s", p.stdout, p.stderr)
	assert.Contains(t, p.stdout, "added-by-test", "an uncommitted edit in d1-apps, found beside the fleet")
}
