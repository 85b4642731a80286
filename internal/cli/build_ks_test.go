// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/d1lint/d1lint/internal/model"
)

// TestBuildKustomization: --kustomization prints what one Kustomization
// applies itself, as flux build ks does, in YAML and in the model.
func TestBuildKustomization(t *testing.T) {
	r := run(t, "build", "--cluster", "staging", "--kustomization", "shop/flux-shop", "--provenance", "--config", exampleFleet)
	require.NoError(t, r.err)
	assert.Empty(t, r.stderr)
	docs := strings.Split(strings.TrimPrefix(r.stdout, "---\n"), "---\n")
	require.NotEmpty(t, docs)
	kinds := map[string]bool{}
	for _, d := range docs {
		var obj struct {
			Kind     string
			Metadata struct {
				Labels      map[string]string
				Annotations map[string]string
			}
		}
		require.NoError(t, yaml.Unmarshal([]byte(d), &obj), d)
		kinds[obj.Kind] = true
		assert.Equal(t, "flux-shop", obj.Metadata.Labels["kustomize.toolkit.fluxcd.io/name"], "%s is applied by shop/flux-shop", obj.Kind)
		assert.True(t, strings.HasSuffix(obj.Metadata.Annotations[AnnotationAppliedBy], "> shop/flux-shop"), obj.Metadata.Annotations[AnnotationAppliedBy])
		assert.Contains(t, obj.Metadata.Annotations[AnnotationOrigin], "github.com/acme/d1-apps@main:")
	}
	assert.True(t, kinds["HelmRelease"], "the HelmRelease it applies is printed")

	whole := run(t, "build", "--cluster", "staging", "--config", exampleFleet)
	require.NoError(t, whole.err)
	assert.Greater(t, len(whole.stdout), 3*len(r.stdout), "the whole cluster is much more")

	j := run(t, "build", "--cluster", "staging", "--kustomization", "shop/flux-shop", "--format", "json", "--config", exampleFleet)
	require.NoError(t, j.err)
	var fl model.Fleet
	require.NoError(t, json.Unmarshal([]byte(j.stdout), &fl))
	require.Len(t, fl.Clusters, 1)
	c := fl.Clusters[0]
	require.Len(t, c.Kustomizations, 1)
	assert.Equal(t, "shop/flux-shop", c.Kustomizations[0].Key)
	require.NotEmpty(t, c.Objects)
	require.NotEmpty(t, c.HelmReleases)
	for _, o := range c.Objects {
		assert.Equal(t, "shop/flux-shop", o.AppliedBy)
		assert.Empty(t, o.HelmRelease, "a chart's objects are helm-controller's, not the Kustomization's")
	}
	assert.True(t, c.Completeness.Complete)
	assert.Equal(t, len(docs), len(c.Objects), "YAML and JSON select the same objects")
}

// TestBuildKustomizationDefaultNamespace: a bare name is in flux-system, as
// flux build ks assumes; every cluster that has it is printed.
func TestBuildKustomizationDefaultNamespace(t *testing.T) {
	r := run(t, "build", "--kustomization", "flux-apps-tenant", "--config", exampleFleet)
	require.NoError(t, r.err)
	assert.Contains(t, r.stdout, "# cluster: prod-eu\n")
	assert.Contains(t, r.stdout, "# cluster: staging\n")
	assert.Contains(t, r.stdout, "kind: Kustomization")
	assert.Contains(t, r.stdout, "name: flux-shop", "the Kustomizations it applies are printed")
	assert.NotContains(t, r.stdout, "kind: HelmRelease", "not what those Kustomizations apply")
}

func TestBuildKustomizationUnknown(t *testing.T) {
	r := run(t, "build", "--cluster", "staging", "--kustomization", "flux-shop", "--config", exampleFleet)
	assertErrClass(t, errUsage, r.err)
	assert.Contains(t, r.err.Error(), "cluster staging has no Kustomization flux-system/flux-shop; did you mean shop/flux-shop?")

	typo := run(t, "build", "--kustomization", "flux-system/flux-apps-tenat", "--config", exampleFleet)
	assertErrClass(t, errUsage, typo.err)
	assert.Contains(t, typo.err.Error(), "no cluster has Kustomization flux-system/flux-apps-tenat; did you mean flux-system/flux-apps-tenant?")

	bad := run(t, "build", "--kustomization", "a/b/c", "--config", exampleFleet)
	assertErrClass(t, errUsage, bad.err)
	assert.Contains(t, bad.err.Error(), "want NAME or NAMESPACE/NAME")
	assert.Empty(t, bad.stdout)
}
