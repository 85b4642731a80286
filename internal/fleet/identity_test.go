// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package fleet

import (
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/testutil"
)

const (
	upstreamURL = "https://github.com/upstream/d1-fleet.git"
	forkURL     = "https://github.com/me/d1-fleet.git"
)

// instanceYAML is an operator-era cluster folder's FluxInstance.
func instanceYAML(url, ref string) string {
	return "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n  namespace: flux-system\n" +
		"spec:\n  sync:\n    kind: GitRepository\n    url: " + url + "\n    ref: " + ref + "\n    path: clusters/x\n"
}

// fleetWith writes a fleet whose clusters' roots sync the given URLs (at
// refs/heads/main) and returns its folder and clusters.
func fleetWith(t *testing.T, root string, syncs map[string]string) []*Cluster {
	t.Helper()
	files := map[string]string{}
	for name, url := range syncs {
		files["clusters/"+name+"/flux-system/flux-instance.yaml"] = instanceYAML(url, "refs/heads/main")
	}
	writeTree(t, root, files)
	cs, err := discoverAll(root)
	require.NoError(t, err)
	return cs
}

// gitInit makes dir a git repository with remotes (name → URL), read by
// go-git as a user's clone would be.
func gitInit(t *testing.T, dir string, remotes map[string]string) {
	t.Helper()
	repo, err := git.PlainInit(dir, false)
	require.NoError(t, err)
	for name, url := range remotes {
		_, err := repo.CreateRemote(&config.RemoteConfig{Name: name, URLs: []string{url}})
		require.NoError(t, err)
	}
}

func TestIdentifyOrder(t *testing.T) {
	// Forks of d1 whose clusters sync the fork's URL or still upstream's.
	cases := []struct {
		name    string
		syncs   map[string]string
		remotes map[string]string // nil: no git repository at all
		known   Identity
		wantURL string
		wantHow string
		// noBranch: no root syncs the fleet's URL, so no branch is known.
		noBranch bool
	}{
		{
			name:    "configuration wins over everything",
			syncs:   map[string]string{"a": upstreamURL, "b": upstreamURL, "c": forkURL},
			remotes: map[string]string{"origin": upstreamURL},
			known:   Identity{URL: "git@github.com:me/d1-fleet.git"},
			wantURL: "git@github.com:me/d1-fleet.git", wantHow: HowConfiguration,
		},
		{
			name:    "a caller's identity keeps its how",
			syncs:   map[string]string{"a": upstreamURL},
			known:   Identity{URL: forkURL, How: HowRemote("origin")},
			wantURL: forkURL, wantHow: "git remote origin", noBranch: true,
		},
		{
			name:    "a remote a root syncs wins over origin",
			syncs:   map[string]string{"a": upstreamURL, "b": upstreamURL, "c": forkURL},
			remotes: map[string]string{"origin": "https://github.com/someone/else.git", "fork": "git@github.com:me/d1-fleet.git"},
			wantURL: "git@github.com:me/d1-fleet.git", wantHow: "git remote fork",
		},
		{
			name:    "origin first among the remotes roots sync",
			syncs:   map[string]string{"a": upstreamURL, "c": forkURL},
			remotes: map[string]string{"origin": "git@github.com:me/d1-fleet", "upstream": upstreamURL},
			wantURL: "git@github.com:me/d1-fleet", wantHow: "git remote origin",
		},
		{
			name:    "origin when no remote is synced: every root is then foreign",
			syncs:   map[string]string{"a": upstreamURL, "b": upstreamURL},
			remotes: map[string]string{"origin": forkURL, "backup": "https://example.com/backup.git"},
			wantURL: forkURL, wantHow: "git remote origin", noBranch: true,
		},
		{
			name:    "the first remote by name without origin",
			syncs:   map[string]string{"a": upstreamURL},
			remotes: map[string]string{"zeta": "https://example.com/z.git", "beta": "https://example.com/b.git"},
			wantURL: "https://example.com/b.git", wantHow: "git remote beta", noBranch: true,
		},
		{
			name:    "remotes on the local file system are skipped",
			syncs:   map[string]string{"a": upstreamURL, "b": forkURL, "c": forkURL},
			remotes: map[string]string{"origin": "/srv/git/d1-fleet.git", "test": "file:///tmp/remote.git"},
			wantURL: forkURL, wantHow: HowMostSynced,
		},
		{
			name:    "credentials in a remote URL are dropped",
			syncs:   map[string]string{"a": upstreamURL},
			remotes: map[string]string{"origin": "https://gitlab-ci-token:s3cret@gitlab.com/me/d1-fleet.git"},
			wantURL: "https://gitlab.com/me/d1-fleet.git", wantHow: "git remote origin", noBranch: true,
		},
		{
			name:    "a repository without remotes: the URL most roots sync",
			syncs:   map[string]string{"a": upstreamURL, "b": forkURL, "c": forkURL},
			remotes: map[string]string{},
			wantURL: forkURL, wantHow: HowMostSynced,
		},
		{
			name:    "a plain folder: the URL most roots sync",
			syncs:   map[string]string{"a": upstreamURL, "b": upstreamURL, "c": forkURL},
			wantURL: upstreamURL, wantHow: HowMostSynced,
		},
		{
			name:    "a tie goes to the smallest normalised URL, spelled as the first cluster writes it",
			syncs:   map[string]string{"a": "https://github.com/zz/fleet", "b": "git@github.com:me/d1-fleet.git", "c": forkURL, "d": "https://github.com/zz/fleet.git", "e": upstreamURL},
			wantURL: "git@github.com:me/d1-fleet.git", wantHow: HowMostSynced,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			if tc.remotes != nil {
				gitInit(t, root, tc.remotes)
			}
			all := fleetWith(t, root, tc.syncs)
			id := Identify(root, all, tc.known)
			assert.Equal(t, tc.wantURL, id.URL)
			assert.Equal(t, tc.wantHow, id.How)
			if tc.noBranch {
				assert.Empty(t, id.Branch)
			} else {
				assert.Equal(t, "main", id.Branch)
			}
			// Deterministic: the same answer every time.
			for range 5 {
				assert.Equal(t, id, Identify(root, all, tc.known))
			}
		})
	}
}

// TestIdentifySubfolder: a fleet in a subfolder of another repository (a
// monorepo, or the example fleet inside d1lint's own checkout) takes that
// repository's remote only when a root syncs it.
func TestIdentifySubfolder(t *testing.T) {
	repo := t.TempDir()
	gitInit(t, repo, map[string]string{"origin": "https://github.com/d1lint/d1lint.git"})
	fleet := filepath.Join(repo, "fixtures", "fleet")
	all := fleetWith(t, fleet, map[string]string{"a": upstreamURL, "b": upstreamURL})
	id := Identify(fleet, all, Identity{})
	assert.Equal(t, Identity{URL: upstreamURL, How: HowMostSynced, Branch: "main"}, id, "the enclosing repository's remote is not the fleet")

	mono := t.TempDir()
	gitInit(t, mono, map[string]string{"origin": "git@github.com:acme/platform.git"})
	fleet = filepath.Join(mono, "fleet")
	all = fleetWith(t, fleet, map[string]string{"a": "https://github.com/acme/platform", "b": upstreamURL, "c": upstreamURL})
	id = Identify(fleet, all, Identity{})
	assert.Equal(t, Identity{URL: "git@github.com:acme/platform.git", How: "git remote origin", Branch: "main"}, id,
		"a monorepo whose URL a root syncs is the fleet's repository")
}

// TestIdentifyTheExample: the built-in example sits inside d1lint's own
// checkout, whose remote is d1lint's; its identity is the URL its clusters
// sync.
func TestIdentifyTheExample(t *testing.T) {
	for _, era := range []string{"fleet", "fleet-bootstrap"} {
		id, err := IdentifyAt(testutil.Fixture(t, "example", era), Identity{}, Options{})
		require.NoError(t, err)
		assert.Equal(t, Identity{URL: fleetURL, How: HowMostSynced, Branch: "main"}, id, era)
	}
}

func TestIdentifyBranch(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"clusters/a/flux-instance.yaml": instanceYAML(forkURL, "refs/heads/main"),
		"clusters/b/flux-instance.yaml": instanceYAML(forkURL, "production"),
		"clusters/c/flux-instance.yaml": instanceYAML(forkURL, "production"),
		// Another repository's branches do not count.
		"clusters/d/flux-instance.yaml": instanceYAML(upstreamURL, "other"),
		"clusters/e/flux-instance.yaml": instanceYAML(upstreamURL, "other"),
		"clusters/f/flux-instance.yaml": instanceYAML(upstreamURL, "other"),
		"clusters/g/flux-instance.yaml": instanceYAML(upstreamURL, "main"),
	})
	all, err := discoverAll(root)
	require.NoError(t, err)
	id := Identify(root, all, Identity{URL: forkURL})
	assert.Equal(t, "production", id.Branch, "the branch most roots syncing the fleet follow")
	assert.Equal(t, "main", Identify(root, all, Identity{URL: forkURL, Branch: "main"}).Branch, "a given branch is kept")
	assert.Equal(t, "other", Identify(root, all, Identity{}).Branch, "upstream is most synced")
}

// TestIdentifyAssumed: clusters whose folder declares no sync name no URL;
// alone, they follow the folder's name at main.
func TestIdentifyAssumed(t *testing.T) {
	root := filepath.Join(t.TempDir(), "my-fleet")
	writeTree(t, root, map[string]string{"clusters/plain/apps.yaml": appsKustomization})
	all, err := discoverAll(root)
	require.NoError(t, err)
	assert.Equal(t, Identity{URL: "local/my-fleet", How: HowFolderName, Branch: "main"}, Identify(root, all, Identity{}))
	assert.Equal(t, Identity{URL: forkURL, How: HowConfiguration, Branch: "main"}, Identify(root, all, Identity{URL: forkURL}))

	writeTree(t, root, map[string]string{"clusters/other/flux-instance.yaml": instanceYAML(upstreamURL, "refs/heads/dev")})
	all, err = discoverAll(root)
	require.NoError(t, err)
	id := Identify(root, all, Identity{})
	assert.Equal(t, upstreamURL, id.URL)
	// One root follows dev, the assumed one main: a tie, to the smallest name.
	assert.Equal(t, "dev", id.Branch)
}

func TestIdentifyAt(t *testing.T) {
	root := t.TempDir()
	gitInit(t, root, map[string]string{"origin": forkURL})
	fleetWith(t, root, map[string]string{"a": upstreamURL})
	id, err := IdentifyAt(root, Identity{}, Options{})
	require.NoError(t, err)
	assert.Equal(t, Identity{URL: forkURL, How: "git remote origin", Branch: ""}, id, "no root syncs the fork: no branch")
	assert.Equal(t, "https://github.com/me/d1-fleet.git (decided from git remote origin)", id.String())
	assert.Equal(t, "github.com/me/d1-fleet", id.Key())

	_, err = IdentifyAt(filepath.Join(root, "missing"), Identity{}, Options{})
	assert.ErrorContains(t, err, "is not a folder")
	id, err = IdentifyAt(filepath.Join(root, "missing"), Identity{URL: forkURL, Branch: "main"}, Options{})
	require.NoError(t, err, "nothing to discover when everything is given")
	assert.Equal(t, Identity{URL: forkURL, How: HowConfiguration, Branch: "main"}, id)
}
