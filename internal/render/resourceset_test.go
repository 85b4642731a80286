// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/testutil"
)

func resourceSetOf(t *testing.T, c *model.Cluster, key string) *model.ResourceSet {
	t.Helper()
	for _, r := range c.ResourceSets {
		if r.Key() == key {
			return r
		}
	}
	t.Fatalf("%s: no ResourceSet %s", c.Name, key)
	return nil
}

// TestResourceSetFixture renders fixtures/resourceset: the tenants a
// ResourceSet generates are objects of the render, with provenance, and
// their Kustomizations are rendered in turn, substituting from the
// ConfigMap Flux Operator copies into their namespace.
func TestResourceSetFixture(t *testing.T) {
	fl := renderConfig(t, testutil.Fixture(t, "resourceset", ".d1lint.yaml"))
	c := cluster(t, fl, "staging")

	apps := resourceSetOf(t, c, "flux-system/apps")
	assert.Equal(t, model.ResourceSetRendered, apps.Status, apps.Reason)
	assert.Equal(t, 2, apps.Inputs)
	assert.Equal(t, 12, apps.Objects, "six resources for each of two tenants")
	assert.Equal(t, "flux-operator", apps.ServiceAccountName)
	assert.Equal(t, "flux-system/tenants", apps.AppliedBy)
	require.Len(t, apps.DependsOn, 1)
	assert.Equal(t, "status.observedGeneration >= 0", apps.DependsOn[0].ReadyExpr)
	assert.Empty(t, apps.DependsOn[0].ExprError)

	ns := helmObject(t, c, "Namespace", "", "frontend")
	assert.Equal(t, "flux-system/apps", ns.ResourceSet)
	assert.Equal(t, "flux-system/tenants", ns.AppliedBy)
	assert.Equal(t, "tenants/apps.yaml", ns.Location.Path)
	assert.Equal(t, 21, ns.Location.Line, "the line of the resource that generates it")
	assert.Equal(t, "frontend", ns.Input["tenant"])
	assert.Equal(t, "staging", ns.Input["environment"], "the inputs, after the tenants Kustomization's substitution")
	assert.Equal(t, map[string]any{"apiVersion": "fluxcd.controlplane.io/v1", "kind": "ResourceSet", "name": "apps", "namespace": "flux-system"},
		ns.Input["provider"], "Flux Operator adds inputs.provider")

	// The generated tenant Kustomizations are walked.
	for _, tenant := range []string{"frontend", "backend"} {
		k := kustomization(c, tenant+"/apps")
		require.NotNil(t, k, tenant)
		assert.Equal(t, model.StatusRendered, k.Status, k.Reason)
		assert.Equal(t, "flux-system/tenants", k.Parent)
		assert.Equal(t, []model.Ref{{Kind: "Kustomization", Namespace: "flux-system", Name: "tenants"}}, k.After,
			"ready after the ResourceSet's ready dependency")
		copied := helmObject(t, c, "ConfigMap", tenant, "flux-runtime-info")
		assert.Equal(t, map[string]any{"ENVIRONMENT": "staging", "CLUSTER_NAME": "staging-1"}, copied.Object["data"],
			"Flux Operator copies the data of flux-system/flux-runtime-info")
	}
	settings := helmObject(t, c, "ConfigMap", "frontend", "frontend-settings")
	assert.Equal(t, map[string]any{"environment": "staging", "cluster": "staging-1"}, settings.Object["data"],
		"substituted from the copy in the tenant's namespace")

	// A tenant's own ResourceSet generates as the tenant.
	role := helmObject(t, c, "ClusterRole", "", "frontend-reader")
	assert.Equal(t, "frontend/roles", role.ResourceSet)
	assert.Equal(t, "frontend/apps", role.AppliedBy)

	// A Static provider chosen by a label selector.
	assert.Equal(t, map[string]any{"region": "eu-west-1"}, helmObject(t, c, "ConfigMap", "flux-system", "region-eu-west-1").Object["data"])

	previews := resourceSetOf(t, c, "flux-system/previews")
	assert.Equal(t, model.ResourceSetNotRendered, previews.Status)
	assert.Contains(t, previews.Reason, "pull-requests")
	assert.Contains(t, previews.Reason, "GitHubPullRequest")

	// A provider d1lint cannot read, with inputs from the configuration.
	branches := resourceSetOf(t, c, "flux-system/branch-previews")
	assert.Equal(t, model.ResourceSetRendered, branches.Status, branches.Reason)
	assert.Equal(t, "flux-system/branch-previews", helmObject(t, c, "Namespace", "", "preview-feature-x").ResourceSet)

	broken := resourceSetOf(t, c, "flux-system/broken")
	assert.Equal(t, model.ResourceSetFailed, broken.Status)
	var kinds []string
	for _, p := range c.Problems {
		kinds = append(kinds, p.Kind)
		if p.Kind == model.ProblemResourceSet {
			assert.Contains(t, p.Reason, "flux-system/broken")
			assert.Equal(t, "tenants/providers.yaml", p.Location.Path)
		}
	}
	assert.Contains(t, kinds, model.ProblemResourceSet)
	assert.Contains(t, kinds, model.ProblemNotRendered)
}

// TestResourceSetFixtureDeterministic: the same fleet renders to the same
// model, byte for byte.
func TestResourceSetFixtureDeterministic(t *testing.T) {
	cfg := testutil.Fixture(t, "resourceset", ".d1lint.yaml")
	a, err := json.Marshal(renderConfig(t, cfg))
	require.NoError(t, err)
	b, err := json.Marshal(renderConfig(t, cfg))
	require.NoError(t, err)
	assert.Equal(t, string(a), string(b))
	// The model names the fleet folder (wherever the checkout is); no
	// other path of this machine, such as a snapshot's, may appear.
	rest := strings.ReplaceAll(string(a), testutil.Root(t), "")
	assert.NotContains(t, rest, os.TempDir()+"/", "no temporary paths")
}

func TestWithCopiedData(t *testing.T) {
	obj := map[string]any{"kind": "Secret", "metadata": map[string]any{"name": "a"}, "data": map[string]any{"old": "eA=="}}
	src := map[string]any{"kind": "Secret", "type": "kubernetes.io/dockerconfigjson", "data": map[string]any{".dockerconfigjson": "e30="}}
	got := withCopiedData("Secret", obj, src)
	assert.Equal(t, map[string]any{".dockerconfigjson": "e30="}, got["data"])
	assert.Equal(t, "kubernetes.io/dockerconfigjson", got["type"], "the source's type when the copy sets none")
	assert.Equal(t, map[string]any{"old": "eA=="}, obj["data"], "the input is not modified")

	typed := withCopiedData("Secret", map[string]any{"type": "Opaque"}, src)
	assert.Equal(t, "Opaque", typed["type"], "the copy's own type stays")
	assert.Equal(t, "Opaque", withCopiedData("Secret", map[string]any{}, map[string]any{})["type"])
}
