// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package revision

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/render"
	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/internal/testutil"
)

// commitTree writes files (and symlinks: name → target) into a new git
// repository at dir, on branch main, and commits them all.
func commitTree(t *testing.T, dir string, files, links map[string]string) {
	t.Helper()
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
	})
	require.NoError(t, err)
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	for name, target := range links {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		if err := os.Symlink(target, p); err != nil {
			t.Skipf("symlinks unavailable: %v", err)
		}
	}
	w, err := repo.Worktree()
	require.NoError(t, err)
	require.NoError(t, w.AddWithOptions(&git.AddOptions{All: true}))
	sig := &object.Signature{Name: "Test", Email: "test@example.com", When: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	_, err = w.Commit("tree", &git.CommitOptions{Author: sig, Committer: sig})
	require.NoError(t, err)
	// The symlinks are committed as symlinks (go-git reads them with Lstat).
	head, err := repo.Head()
	require.NoError(t, err)
	c, err := repo.CommitObject(head.Hash())
	require.NoError(t, err)
	tree, err := c.Tree()
	require.NoError(t, err)
	for name := range links {
		e, err := tree.FindEntry(name)
		require.NoError(t, err, name)
		require.Equal(t, filemode.Symlink, e.Mode, "%s is committed as a symlink", name)
	}
}

const standInConfigMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: %s
  namespace: default
data:
  key: value
`

// standInInfra is cluster one's infra source and the Kustomization that
// builds its apps folder; spec.ignore leaves apps/ignored.yaml out.
const standInInfra = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: infra
  namespace: flux-system
spec:
  interval: 1m
  url: https://example.com/acme/infra
  ref:
    branch: main
  ignore: |
    /apps/ignored.yaml
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: infra
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: infra
`

// fileProblems lists the dropped and refused files a render reports, as
// the rules see them (D1-0002 and D1-0001).
func fileProblems(fl *model.Fleet) []string {
	var out []string
	for _, c := range fl.Clusters {
		for _, p := range c.Problems {
			if p.Kind != model.ProblemFileDropped && p.Kind != model.ProblemFileRefused {
				continue
			}
			where := ""
			if p.Location != nil {
				where = p.Location.Repo + " " + p.Location.Path
			}
			out = append(out, fmt.Sprintf("%s %s %s warning=%t %s: %s", c.Name, p.Kustomization, p.Kind, p.Warning, where, p.Reason))
		}
	}
	slices.Sort(out)
	return out
}

func renderFleet(t *testing.T, opts render.Options) *model.Fleet {
	t.Helper()
	res, err := render.Render(context.Background(), opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = res.Close() })
	return res.Fleet
}

// TestStandInKeepsFileProblems: the copy of a revision holds regular files
// only, yet a render of it reports the committed symlinks (dropped, a
// warning) and oversized files (refused) exactly as a render of the working
// tree at that revision does, at the same paths, for the fleet (at the root
// of its repository or in a folder of it) and for a source mapping, and
// the GitRepository's spec.ignore still applies to them.
func TestStandInKeepsFileProblems(t *testing.T) {
	big := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n  namespace: default\ndata:\n  blob: \"" + strings.Repeat("x", 9<<20) + "\"\n"
	for _, sub := range []string{".", "fleet"} {
		t.Run(sub, func(t *testing.T) {
			in := func(name string) string { return path.Join(sub, name) }
			fleetRepo, infra := t.TempDir(), t.TempDir()
			commitTree(t, fleetRepo, map[string]string{
				in("clusters/one/flux-system/flux-instance.yaml"): testutil.FluxInstance("one", "https://example.com/acme/fleet.git"),
				in("clusters/one/real.yaml"):                      fmt.Sprintf(standInConfigMap, "real"),
				in("clusters/one/infra.yaml"):                     standInInfra,
				in("clusters/two/flux-system/flux-instance.yaml"): testutil.FluxInstance("two", "https://example.com/acme/fleet.git"),
				in("clusters/two/big.yaml"):                       big,
				"docs/README.md":                                  "outside the fleet folder when it is one\n",
			}, map[string]string{
				in("clusters/one/linked.yaml"): "real.yaml",
				"docs/linked.yaml":             "README.md",
			})
			commitTree(t, infra, map[string]string{
				"apps/cm.yaml": fmt.Sprintf(standInConfigMap, "infra"),
			}, map[string]string{
				"apps/linked.yaml":  "cm.yaml",
				"apps/ignored.yaml": "cm.yaml",
			})
			none := func(string) string { return "" }
			opts := render.Options{FleetPath: filepath.Join(fleetRepo, sub), Getenv: none,
				Sources: []source.Mapping{{URL: "https://example.com/acme/infra", Path: infra}}}
			worktree := fileProblems(renderFleet(t, opts))
			assert.Equal(t, []string{
				"one flux-system/flux-system file-dropped warning=true example.com/acme/fleet clusters/one/linked.yaml: " +
					"clusters/one/linked.yaml: symlink dropped: Flux drops symlinks from source artifacts",
				"one flux-system/infra file-dropped warning=true example.com/acme/infra apps/linked.yaml: " +
					"apps/linked.yaml: symlink dropped: Flux drops symlinks from source artifacts",
				"two flux-system/flux-system file-refused warning=false example.com/acme/fleet clusters/two/big.yaml: " +
					fmt.Sprintf("clusters/two/big.yaml refused: file too large (%d bytes > %d)", len(big), source.DefaultMaxFileSize),
			}, worktree, "the working tree")

			v, err := NewReader(none)
			require.NoError(t, err)
			defer v.Close()
			stood, err := v.StandIn(opts, fleetRepo, "HEAD", "")
			require.NoError(t, err)
			stood, err = v.StandIn(stood, infra, "HEAD", "")
			require.NoError(t, err)
			require.NotEqual(t, opts.FleetPath, stood.FleetPath, "a copy")
			got := fileProblems(renderFleet(t, stood))
			assert.Equal(t, worktree, got, "the copy of HEAD")
			for _, p := range got {
				assert.NotContains(t, p, "d1lint-", "no path of a copy")
			}
		})
	}
}

// TestUnder: a mapped subfolder of a repository carries the problems of the
// files under it, relative to it.
func TestUnder(t *testing.T) {
	ps := []source.FileProblem{{Path: "a.yaml"}, {Path: "fleet/x/b.yaml", Refused: true}, {Path: "fleetwood/c.yaml"}, {Path: "fleet"}}
	assert.Equal(t, ps, under(ps, "."))
	assert.Equal(t, []source.FileProblem{{Path: "x/b.yaml", Refused: true}}, under(ps, "fleet"))
	assert.Empty(t, under(ps, "other"))
}
