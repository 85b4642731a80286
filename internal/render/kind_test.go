// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/internal/testutil"
)

// fakeOCI resolves every OCIRepository to one folder, as an OCI kind would
// resolve an artifact, and records what it was asked.
type fakeOCI struct {
	snap  *source.Snapshot
	mu    sync.Mutex
	specs []source.Spec
}

func (f *fakeOCI) Kind() string { return "OCIRepository" }

func (f *fakeOCI) Resolve(spec source.Spec) (*source.Snapshot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.specs = append(f.specs, spec)
	return f.snap, nil
}

// ociFleet is a fleet whose root applies a Kustomization reading an
// OCIRepository and one reading an ExternalArtifact.
func ociFleet(t *testing.T) string {
	return writeFleet(t, map[string]string{"clusters/one/apps.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  url: oci://ghcr.io/acme/apps
  ref:
    tag: v1.2.0
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./app
  prune: true
  sourceRef:
    kind: OCIRepository
    name: apps
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: generated
  namespace: flux-system
spec:
  interval: 10m
  path: ./
  prune: true
  sourceRef:
    kind: ExternalArtifact
    name: generated
`})
}

// TestSourceKindRegistered renders through a source kind registered in the
// registry: the Kustomization reading an OCIRepository renders from what
// the kind resolved, and the kind got the OCIRepository's spec.
func TestSourceKindRegistered(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "app"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "app", "cm.yaml"), []byte(strings.Replace(configMap, "%s", "from-oci", 1)), 0o644))
	oci := &fakeOCI{snap: &source.Snapshot{ID: "fake-oci", Dir: dir, URL: "oci://ghcr.io/acme/apps", Mode: "artifact", Note: "fake"}}

	saved := sourceKinds
	t.Cleanup(func() { sourceKinds = saved })
	sourceKinds = func(resolveGit func(string, source.Ref, string) (*source.Snapshot, error), _ *source.Artifacts) *source.Kinds {
		return source.NewKinds(source.GitKind(resolveGit), oci)
	}

	c := renderOpts(t, Options{FleetPath: ociFleet(t)}).Clusters[0]
	k := kustomization(c, "flux-system/apps")
	require.NotNil(t, k)
	assert.Equal(t, model.StatusRendered, k.Status, k.Reason)
	cm := object(c, "ConfigMap", "default", "from-oci")
	require.NotNil(t, cm, "the object comes from the fake kind's snapshot")
	assert.Equal(t, "oci://ghcr.io/acme/apps", cm.Location.Repo)
	assert.Equal(t, "app/cm.yaml", cm.Location.Path)

	oci.mu.Lock()
	require.NotEmpty(t, oci.specs)
	assert.Equal(t, source.Spec{URL: "oci://ghcr.io/acme/apps", Ref: map[string]string{"tag": "v1.2.0"}}, oci.specs[0])
	oci.mu.Unlock()

	srcs := map[string]*model.Source{}
	for _, s := range c.Sources {
		srcs[s.Key] = s
	}
	require.Contains(t, srcs, "OCIRepository/flux-system/apps")
	assert.True(t, srcs["OCIRepository/flux-system/apps"].Resolved)
	assert.Equal(t, "artifact", srcs["OCIRepository/flux-system/apps"].Mode)
	// A kind nobody registered is still refused, and the message lists the
	// kinds that are rendered.
	require.Contains(t, srcs, "ExternalArtifact/flux-system/generated")
	assert.Equal(t, "d1lint does not render sources of kind ExternalArtifact yet (it renders GitRepository, OCIRepository sources); not verified",
		srcs["ExternalArtifact/flux-system/generated"].Reason)
}

// TestSourceKindsDefault: an OCIRepository whose artifact only d2's
// conventions map, to a repository that is not checked out, and an
// ExternalArtifact are not rendered, as a limitation of d1lint.
func TestSourceKindsDefault(t *testing.T) {
	c := renderOpts(t, Options{FleetPath: ociFleet(t)}).Clusters[0]
	reasons := map[string]string{}
	for _, s := range c.Sources {
		reasons[s.Key] = s.Reason
	}
	assert.Equal(t, "oci://ghcr.io/acme/apps (tag v1.2.0): d2's conventions map it to https://github.com/acme/apps, which is not checked out "+
		"(no local path mapped for https://github.com/acme/apps (map the repository to a local checkout)); check that repository out beside the fleet, "+
		"map it (sources: in .d1lint.yaml), or map the artifact with artifacts: in .d1lint.yaml",
		reasons["OCIRepository/flux-system/apps"])
	assert.Equal(t, "d1lint does not render sources of kind ExternalArtifact yet (it renders GitRepository, OCIRepository sources); not verified",
		reasons["ExternalArtifact/flux-system/generated"])
	assert.Equal(t, model.StatusSkipped, kustomization(c, "flux-system/apps").Status)
	// A limitation of d1lint, not the user's mistake: its own problem kind.
	kinds := map[string]string{}
	for _, p := range c.Problems {
		kinds[p.Kustomization] = p.Kind
	}
	assert.Equal(t, model.ProblemNotRendered, kinds["flux-system/apps"])
	assert.Nil(t, object(c, "ConfigMap", "default", "from-oci"))
}

// TestOCIComponentLocations: an OCIRepository mapped to a folder of a git
// repository (artifacts: in the configuration) renders from that folder,
// and its objects are located at their files in the repository.
func TestOCIComponentLocations(t *testing.T) {
	apps := filepath.Join(t.TempDir(), "apps")
	testutil.WriteFiles(t, apps, map[string]string{
		"deploy/web/app/cm.yaml":            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-oci\n  namespace: default\n",
		"deploy/web/app/kustomization.yaml": "resources: [cm.yaml]\n",
		"app/other.yaml":                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: outside-the-artifact\n  namespace: default\n",
	})
	c := renderOpts(t, Options{FleetPath: ociFleet(t),
		Sources: []source.Mapping{{URL: "https://git.example.com/acme/apps", Path: apps}},
		Artifacts: []source.ArtifactRule{{URL: "oci://ghcr.io/acme/{app}", Repository: "https://git.example.com/acme/{app}",
			Path: "deploy/web", Tags: map[string]source.Ref{"v1.2.0": {Branch: "main"}}, From: source.RuleConfig}},
	}).Clusters[0]
	k := kustomization(c, "flux-system/apps")
	require.NotNil(t, k)
	require.Equal(t, model.StatusRendered, k.Status, k.Reason)
	cm := object(c, "ConfigMap", "default", "from-oci")
	require.NotNil(t, cm, "the build reads ./app of the artifact, the repository's deploy/web/app")
	assert.Equal(t, "git.example.com/acme/apps", cm.Location.Repo)
	assert.Equal(t, "deploy/web/app/cm.yaml", cm.Location.Path, "located in the repository, not the artifact")
	assert.Nil(t, object(c, "ConfigMap", "default", "outside-the-artifact"))
}
