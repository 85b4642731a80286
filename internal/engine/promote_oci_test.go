// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/testutil"
)

// ociFleet is a fleet in the d2 style: the cluster syncs the fleet's OCI
// artifact at latest-stable, which CI pushes from the newest release tag.
func ociFleet(replicas string) map[string]string {
	return map[string]string{
		"clusters/prod/flux-system/flux-instance.yaml": `apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata:
  name: flux
  namespace: flux-system
spec:
  distribution:
    version: 2.7.x
  sync:
    kind: OCIRepository
    url: oci://ghcr.io/acme/fleet
    ref: latest-stable
    path: clusters/prod
`,
		"clusters/prod/runtime-info.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: flux-runtime-info
  namespace: flux-system
data:
  ENVIRONMENT: production
`,
		"clusters/prod/app.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: app
  namespace: flux-system
data:
  replicas: "` + replicas + `"
`,
	}
}

// TestPromotionOfReleaseTags: a production cluster that follows release
// tags of an OCI artifact is compared with the next release, cut from
// main: what the newest release (v0.1.0) has against what main has.
func TestPromotionOfReleaseTags(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "fleet")
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")}})
	require.NoError(t, err)
	w, err := repo.Worktree()
	require.NoError(t, err)
	when := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, replicas := range []string{"1", "3"} {
		testutil.WriteFiles(t, dir, ociFleet(replicas))
		require.NoError(t, w.AddWithOptions(&git.AddOptions{All: true}))
		sig := &object.Signature{Name: "T", Email: "t@example.com", When: when.Add(time.Duration(i) * time.Hour)}
		h, err := w.Commit("replicas "+replicas, &git.CommitOptions{Author: sig, Committer: sig})
		require.NoError(t, err)
		if i == 0 {
			_, err = repo.CreateTag("v0.1.0", h, &git.CreateTagOptions{Tagger: sig, Message: "v0.1.0"})
			require.NoError(t, err)
		}
	}

	var opts Options
	opts.FleetPath, opts.FleetURL = dir, "https://github.com/acme/fleet"
	opts.Getenv = func(string) string { return "" }
	p, err := New(Config{}).Promotion(context.Background(), opts)
	require.NoError(t, err)
	assert.Equal(t, []string{"oci://ghcr.io/acme/fleet"}, p.Releases)
	require.Len(t, p.Clusters, 1)
	c := p.Clusters[0]
	assert.Equal(t, "prod", c.Name)
	assert.True(t, c.Changed(), "main differs from the newest release")
	var fields []string
	for _, ch := range c.Changes {
		if ch.Object.Kind == "ConfigMap" && ch.Object.Name == "app" {
			for _, f := range ch.Fields {
				fields = append(fields, f.Field+": "+*f.Old+" -> "+*f.New)
			}
			assert.Equal(t, "modified", ch.Kind)
		}
	}
	assert.Equal(t, []string{`data.replicas: "1" -> "3"`}, fields, "v0.1.0 has 1 replica, main 3")
}
