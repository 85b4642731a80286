// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package revision

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/fleet"
	"github.com/d1lint/d1lint/internal/render"
)

// forkFleet is a git repository whose origin is the fork, with cluster a
// syncing the fork and b and c still syncing upstream.
func forkFleet(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
	})
	require.NoError(t, err)
	_, err = repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{"git@example.com:me/fleet.git"}})
	require.NoError(t, err)
	for name, url := range map[string]string{"a": "https://example.com/me/fleet", "b": "https://example.com/upstream/fleet", "c": "https://example.com/upstream/fleet"} {
		p := filepath.Join(dir, "clusters", name, "flux-instance.yaml")
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte("apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n  namespace: flux-system\n"+
			"spec:\n  sync:\n    kind: GitRepository\n    url: "+url+"\n    ref: refs/heads/main\n    path: clusters/"+name+"\n"), 0o644))
	}
	w, err := repo.Worktree()
	require.NoError(t, err)
	require.NoError(t, w.AddWithOptions(&git.AddOptions{All: true}))
	sig := &object.Signature{Name: "Test", Email: "test@example.com", When: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	_, err = w.Commit("fleet", &git.CommitOptions{Author: sig, Committer: sig})
	require.NoError(t, err)
	return dir
}

// TestStandInKeepsIdentity: a copy of a revision has no git remotes, but it
// stands for the same repository as the working tree, so a check of it
// agrees with a check of the working tree about which roots are foreign.
func TestStandInKeepsIdentity(t *testing.T) {
	dir := forkFleet(t)
	none := func(string) string { return "" }
	opts := render.Options{FleetPath: dir, Getenv: none}
	id, err := FleetIdentity(opts)
	require.NoError(t, err)
	assert.Equal(t, fleet.Identity{URL: "git@example.com:me/fleet.git", How: "git remote origin", Branch: "main"}, id)
	assert.Equal(t, map[string]string{"example.com/me/fleet": "main"}, FleetBranches(opts), "only the fleet's own URL")

	v, err := NewReader(none)
	require.NoError(t, err)
	defer v.Close()
	stood, err := v.StandIn(opts, dir, "HEAD", "")
	require.NoError(t, err)
	assert.NotEqual(t, dir, stood.FleetPath)
	assert.Equal(t, "git@example.com:me/fleet.git", stood.FleetURL)
	assert.Equal(t, "git remote origin", stood.FleetURLHow)

	res, err := render.Render(context.Background(), stood)
	require.NoError(t, err)
	defer res.Close()
	foreign := map[string]bool{}
	for _, c := range res.Fleet.Clusters {
		for _, p := range c.Problems {
			if !p.Warning {
				assert.Contains(t, p.Reason, "this fleet checkout is git@example.com:me/fleet.git (decided from git remote origin)")
				foreign[c.Name] = true
			}
		}
	}
	assert.Equal(t, map[string]bool{"b": true, "c": true}, foreign, "upstream's clusters, although the majority")

	// A configured URL is kept as configured.
	opts.FleetURL = "https://example.com/upstream/fleet"
	stood, err = v.StandIn(opts, dir, "HEAD", "")
	require.NoError(t, err)
	assert.Equal(t, "https://example.com/upstream/fleet", stood.FleetURL)
	assert.Empty(t, stood.FleetURLHow, "configuration")

	_, err = FleetIdentity(render.Options{FleetPath: filepath.Join(dir, "missing")})
	assert.ErrorContains(t, err, "is not a folder")
	assert.Empty(t, FleetBranches(render.Options{FleetPath: filepath.Join(dir, "missing")}))
}
