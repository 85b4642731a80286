// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	gitobject "github.com/go-git/go-git/v5/plumbing/object"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/source"
)

const siblingAppsURL = "https://example.com/acme/d1-apps.git"

// siblingAppsSync is a cluster's GitRepository of d1-apps and the Kustomization
// that applies its root folder.
const siblingAppsSync = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 1m
  url: ` + siblingAppsURL + `
  ref:
    branch: main
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./
  prune: true
  sourceRef:
    kind: GitRepository
    name: apps
`

// siblingLayout lays out, in a new folder, a fleet (a plain folder whose
// clusters one and two read d1-apps) and git checkouts beside it: d1-apps
// (no remote, holding ConfigMap from-sibling) and other (its origin is
// another repository, holding ConfigMap from-other). It returns the fleet
// and the siblings FindSiblings finds beside it.
func siblingLayout(t *testing.T) (string, []source.Sibling) {
	t.Helper()
	parent := t.TempDir()
	fleetDir := writeTree(t, filepath.Join(parent, "fleet"), operatorCluster("one", forkURL), operatorCluster("two", forkURL),
		map[string]string{"clusters/one/apps.yaml": siblingAppsSync, "clusters/two/apps.yaml": siblingAppsSync})
	for name, remote := range map[string]string{"d1-apps": "", "other": "https://example.com/acme/other.git"} {
		dir := writeTree(t, filepath.Join(parent, name), map[string]string{"cm.yaml": strings.Replace(configMap, "%s", "from-"+name, 1)})
		repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")}})
		require.NoError(t, err)
		if remote != "" {
			_, err = repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{remote}})
			require.NoError(t, err)
		}
		w, err := repo.Worktree()
		require.NoError(t, err)
		require.NoError(t, w.AddWithOptions(&git.AddOptions{All: true}))
		sig := &gitobject.Signature{Name: "Test", Email: "test@example.com", When: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		_, err = w.Commit("tree", &git.CommitOptions{Author: sig, Committer: sig})
		require.NoError(t, err)
	}
	abs, err := filepath.Abs(fleetDir)
	require.NoError(t, err)
	return fleetDir, source.FindSiblings(parent, "the fleet", abs)
}

// TestSiblingMappings: with no mapping of d1-apps, the checkout named like
// it beside the fleet stands for it, and the model says so; a mapping
// given wins; one no cluster reads, or whose folder's remote names another
// repository, is reported with a warning.
func TestSiblingMappings(t *testing.T) {
	fleetDir, siblings := siblingLayout(t)
	parent := filepath.Dir(fleetDir)
	require.Len(t, siblings, 2)
	hasObject := func(t *testing.T, c *model.Cluster, name string) {
		t.Helper()
		assert.NotNil(t, c.Object(model.ObjectID{APIVersion: "v1", Kind: "ConfigMap", Namespace: "default", Name: name}), "ConfigMap %s in %s", name, c.Name)
	}
	byOrigin := func(fl *model.Fleet, origin string) []model.Mapping {
		var out []model.Mapping
		for _, m := range fl.Mappings {
			if m.Origin == origin {
				out = append(out, m)
			}
		}
		return out
	}

	t.Run("found by name", func(t *testing.T) {
		fl := renderOpts(t, Options{FleetPath: fleetDir, Siblings: siblings})
		one := cluster(t, fl, "one")
		assert.Empty(t, hardProblems(one))
		hasObject(t, one, "from-d1-apps")
		src := one.Sources[slicesIndex(one.Sources, "GitRepository/flux-system/apps")]
		assert.Equal(t, filepath.Join(parent, "d1-apps"), src.LocalPath)
		assert.Contains(t, src.Note, "; found beside the fleet by its folder name")
		assert.Equal(t, []model.Mapping{{URL: siblingAppsURL, Repo: "example.com/acme/d1-apps", Path: filepath.Join(parent, "d1-apps"),
			Origin: model.MappingSiblingName, How: "found beside the fleet by its folder name", Used: true}}, byOrigin(fl, model.MappingSiblingName))
		fleetMapping := byOrigin(fl, model.MappingFleet)
		require.Len(t, fleetMapping, 1)
		assert.Equal(t, fleetDir, fleetMapping[0].Path)
		assert.True(t, fleetMapping[0].Used)
		for _, m := range fl.Mappings {
			assert.Empty(t, m.Warning, m)
		}
	})

	t.Run("explicit wins, and a typo is caught", func(t *testing.T) {
		other := filepath.Join(parent, "other")
		fl := renderOpts(t, Options{FleetPath: fleetDir, Siblings: siblings, Sources: []source.Mapping{
			{URL: siblingAppsURL, Path: other, Origin: source.OriginFlag},
			{URL: "https://example.com/acme/d1-aps.git", Path: filepath.Join(parent, "d1-apps"), Origin: source.OriginConfig},
		}})
		one := cluster(t, fl, "one")
		hasObject(t, one, "from-other")
		assert.Empty(t, byOrigin(fl, model.MappingSiblingName), "nothing found: the flag maps d1-apps")
		flags := byOrigin(fl, model.MappingFlag)
		require.Len(t, flags, 1)
		assert.True(t, flags[0].Used)
		assert.Equal(t, "--source", flags[0].How)
		assert.Equal(t, "--source "+siblingAppsURL+"="+other+": "+other+" is a git repository whose remote origin is https://example.com/acme/other.git, not "+
			siblingAppsURL+"; it is read as "+siblingAppsURL+" all the same", flags[0].Warning)
		configs := byOrigin(fl, model.MappingConfig)
		require.Len(t, configs, 1)
		assert.False(t, configs[0].Used)
		assert.Equal(t, "sources: in .d1lint.yaml", configs[0].How)
		assert.Equal(t, "the source https://example.com/acme/d1-aps.git="+filepath.Join(parent, "d1-apps")+" in .d1lint.yaml matched nothing: "+
			"no cluster reads https://example.com/acme/d1-aps.git; did you mean "+siblingAppsURL+"?", configs[0].Warning)

		// Rendering some clusters only, a mapping another cluster may read
		// is not judged.
		fl = renderOpts(t, Options{FleetPath: fleetDir, Siblings: siblings, Clusters: []string{"one"}, Sources: []source.Mapping{
			{URL: "https://example.com/acme/d1-aps.git", Path: filepath.Join(parent, "d1-apps"), Origin: source.OriginFlag},
		}})
		flags = byOrigin(fl, model.MappingFlag)
		require.Len(t, flags, 1)
		assert.Empty(t, flags[0].Warning)
	})

	t.Run("a conflicting remote is refused", func(t *testing.T) {
		// Only "other" beside the fleet, renamed like d1-apps would be: a
		// sibling list where the d1-apps folder has another origin.
		conflicting := []source.Sibling{{Path: filepath.Join(parent, "other"), Name: "d1-apps", Beside: "the fleet",
			Remotes: []source.Remote{{Name: "origin", URLs: []string{"https://example.com/acme/other.git"}}}}}
		fl := renderOpts(t, Options{FleetPath: fleetDir, Siblings: conflicting})
		one := cluster(t, fl, "one")
		src := one.Sources[slicesIndex(one.Sources, "GitRepository/flux-system/apps")]
		assert.False(t, src.Resolved)
		assert.Contains(t, src.Reason, "is named like it, but its git remote origin is https://example.com/acme/other.git: map it with --source if it is this repository")
	})
}

// slicesIndex is the index of the source with key in srcs.
func slicesIndex(srcs []*model.Source, key string) int {
	for i, s := range srcs {
		if s.Key == key {
			return i
		}
	}
	return -1
}

// TestForeignRootBesideFleet: a cluster whose root syncs another
// repository than the fleet checkout (a fork's cluster still syncing
// upstream) renders from a checkout of that repository beside the fleet,
// found by its git remote, as it would from a mapping of it.
func TestForeignRootBesideFleet(t *testing.T) {
	parent := t.TempDir()
	fleetDir := writeTree(t, filepath.Join(parent, "fleet"), operatorCluster("one", forkURL), operatorCluster("two", upstreamURL))
	upstream := writeTree(t, filepath.Join(parent, "upstream-fleet"), operatorCluster("two", upstreamURL))
	repo, err := git.PlainInitWithOptions(upstream, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")}})
	require.NoError(t, err)
	_, err = repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{upstreamURL}})
	require.NoError(t, err)
	w, err := repo.Worktree()
	require.NoError(t, err)
	require.NoError(t, w.AddWithOptions(&git.AddOptions{All: true}))
	sig := &gitobject.Signature{Name: "Test", Email: "test@example.com", When: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	_, err = w.Commit("tree", &git.CommitOptions{Author: sig, Committer: sig})
	require.NoError(t, err)

	fl := renderOpts(t, Options{FleetPath: fleetDir, FleetURL: forkURL})
	assert.NotEmpty(t, hardProblems(cluster(t, fl, "two")), "without the sibling, two is not rendered")

	abs, err := filepath.Abs(fleetDir)
	require.NoError(t, err)
	fl = renderOpts(t, Options{FleetPath: fleetDir, FleetURL: forkURL, Siblings: source.FindSiblings(parent, "the fleet", abs)})
	two := cluster(t, fl, "two")
	assert.Empty(t, hardProblems(two))
	assert.NotNil(t, two.Object(model.ObjectID{APIVersion: "v1", Kind: "ConfigMap", Namespace: "default", Name: "local-two"}))
	src := two.Sources[slicesIndex(two.Sources, "GitRepository/flux-system/flux-system")]
	assert.Equal(t, filepath.Join(parent, "upstream-fleet"), src.LocalPath)
	assert.Contains(t, src.Note, "; found beside the fleet by its git remote origin")
}
