// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/guard"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/internal/testutil"
)

// d2Corpus lays the d2 repositories out side by side in a temporary folder
// with the corpus's mkrepos.sh.
func d2Corpus(t *testing.T) (fleet, infra, apps string) {
	t.Helper()
	corpus := testutil.SharedCorpus(t)
	dir := t.TempDir()
	bash, err := exec.LookPath("bash")
	require.NoError(t, err, "bash is needed to lay out the corpus")
	out, err := exec.Command(bash, filepath.Join(corpus, "d2", "mkrepos.sh"), dir).CombinedOutput()
	require.NoError(t, err, "mkrepos.sh: %s", out)
	return filepath.Join(dir, "d2-fleet"), filepath.Join(dir, "d2-infra"), filepath.Join(dir, "d2-apps")
}

// TestD2Corpus renders the d2 fleet with no configuration, its siblings
// beside it: each cluster's root is the OCI artifact of d2-fleet, read from
// the fleet checkout at main (latest, staging) or at the newest release tag
// v0.0.5 (latest-stable, production).
func TestD2Corpus(t *testing.T) {
	fleetDir, _, appsDir := d2Corpus(t)
	mainCommit, err := source.FindRevision(fleetDir, "main")
	require.NoError(t, err)
	stable, err := source.FindRevision(fleetDir, "v0.0.5")
	require.NoError(t, err)
	require.NotEqual(t, mainCommit, stable)
	frontend, err := source.FindRevision(appsDir, "frontend/v0.0.5")
	require.NoError(t, err)
	siblings := source.FindSiblings(filepath.Dir(fleetDir), "the fleet", fleetDir)
	require.Len(t, siblings, 2)

	restore := guard.Lockdown()
	defer restore()
	fl := renderOpts(t, Options{FleetPath: fleetDir, Siblings: siblings, Clusters: []string{"staging", "prod-eu"},
		Getenv: func(string) string { return "" }})
	require.Len(t, fl.Clusters, 2)
	const fleetKey = "github.com/controlplaneio-fluxcd/d2-fleet"
	for _, c := range fl.Clusters {
		t.Run(c.Name, func(t *testing.T) {
			want, branch, tag := mainCommit, "main", "latest"
			if c.Name == "prod-eu" {
				want, branch, tag = stable, "", "latest-stable"
			}
			for _, p := range c.Problems {
				assert.NotContains(t, p.Reason, "d1lint renders git sources only")
			}
			var root *model.Source
			for _, s := range c.Sources {
				if s.Key == "OCIRepository/flux-system/flux-system" {
					root = s
				}
			}
			require.NotNil(t, root, "the root source is the OCIRepository Flux Operator generates")
			require.True(t, root.Resolved, root.Reason)
			assert.Equal(t, "oci://ghcr.io/controlplaneio-fluxcd/d2-fleet", root.URL)
			assert.Equal(t, map[string]string{"tag": tag}, root.Ref)
			assert.Equal(t, want, root.Commit)
			assert.Equal(t, branch, root.Branch)
			assert.Contains(t, root.Note, "oci://ghcr.io/controlplaneio-fluxcd/d2-fleet:"+tag)
			if c.Name == "prod-eu" {
				assert.Contains(t, root.Note, "git tag v0.0.5")
			} else {
				assert.Equal(t, source.ModeWorktree, root.Mode, "main is the fleet's working tree, as for a git root")
			}

			k := kustomization(c, "flux-system/flux-system")
			require.NotNil(t, k)
			assert.Equal(t, model.StatusRendered, k.Status, k.Reason)
			require.NotNil(t, k.Revision)
			assert.Equal(t, want, k.Revision.Commit)

			var fluxSystem int
			for _, o := range c.Objects {
				if o.Namespace != "flux-system" || o.AppliedBy != "flux-system/flux-system" {
					continue
				}
				fluxSystem++
				assert.Equal(t, fleetKey, o.Location.Repo, "%s/%s", o.Kind, o.Name)
				assert.Equal(t, want, o.Location.Commit, "%s/%s", o.Kind, o.Name)
				assert.Equal(t, branch, o.Location.Branch, "%s/%s", o.Kind, o.Name)
			}
			assert.Positive(t, fluxSystem, "the flux-system objects are rendered")
			env := map[string]string{"staging": "staging", "prod-eu": "production"}[c.Name]
			assert.Equal(t, env, c.RuntimeInfo["ENVIRONMENT"], "the cluster's runtime-info is read from its revision")
		})
	}

	// A component artifact, as the tenants' OCIRepositories name it, is
	// the folder of d2-apps at the component's newest release tag.
	res, err := source.NewResolver(nil, source.Options{TempDir: t.TempDir(), Siblings: siblings})
	require.NoError(t, err)
	defer res.Close()
	snap, err := source.OCIKind(res.Resolve, nil).Resolve(source.Spec{URL: "oci://ghcr.io/controlplaneio-fluxcd/d2-apps/frontend",
		Ref: map[string]string{"tag": "latest-stable"}})
	require.NoError(t, err)
	assert.Equal(t, frontend, snap.Commit)
	assert.Equal(t, "frontend/v0.0.5", snap.Tag)
	assert.Equal(t, "components/frontend", snap.Prefix)
	assert.FileExists(t, filepath.Join(snap.Dir, "production", "kustomization.yaml"))
	assert.Contains(t, snap.Note, "latest-stable → git tag frontend/v0.0.5")
}
