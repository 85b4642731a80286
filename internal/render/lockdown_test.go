// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/model"
)

// TestLockdownRefusesCrossNamespaceSource: under multi-tenancy lockdown
// kustomize-controller refuses a sourceRef in another namespace, so the
// Kustomization applies nothing: one problem at the reference, nothing it
// would have applied in the model, and no gap (its content is known absent).
func TestLockdownRefusesCrossNamespaceSource(t *testing.T) {
	for _, multitenant := range []bool{true, false} {
		instance := ""
		if multitenant {
			instance = "  cluster:\n    multitenant: true\n    tenantDefaultServiceAccount: default\n"
		}
		dir := writeFleet(t, map[string]string{
			"clusters/one/shop.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: shop
  namespace: shop
spec:
  interval: 10m
  path: ./tenants/shop
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
    namespace: flux-system
`,
			"tenants/shop/role.yaml": "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: shop-admin\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\n",
		})
		if multitenant {
			p := filepath.Join(dir, "clusters", "one", "flux-system", "flux-instance.yaml")
			data, err := os.ReadFile(p)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(p, []byte(strings.Replace(string(data), "  sync:\n", instance+"  sync:\n", 1)), 0o644))
		}
		c := cluster(t, renderOpts(t, Options{FleetPath: dir, Getenv: func(string) string { return "" }}), "one")
		ks := kustomization(c, "shop/shop")
		require.NotNil(t, ks)
		if !multitenant {
			assert.Equal(t, model.StatusRendered, ks.Status, "without lockdown Flux follows the reference")
			assert.NotNil(t, object(c, "ClusterRoleBinding", "", "shop-admin"))
			continue
		}
		assert.True(t, c.Flux.NoCrossNamespaceRefs)
		assert.Equal(t, model.StatusSkipped, ks.Status)
		assert.Nil(t, object(c, "ClusterRoleBinding", "", "shop-admin"), "nothing of a refused Kustomization is applied")
		require.Len(t, c.Problems, 1)
		p := c.Problems[0]
		assert.Equal(t, model.ProblemRefused, p.Kind)
		assert.Equal(t, []string{"spec", "sourceRef", "namespace"}, p.Field)
		assert.Equal(t, "clusters/one/shop.yaml", p.Location.Path)
		c.Assess()
		assert.True(t, c.Completeness.Complete, "what Flux never applies is known, not unknown")
	}
}

// TestNamespacedObjectWithoutNamespace: kustomize-controller does not
// default namespaces; the dry-run of a namespaced object without one fails
// the Kustomization, unless targetNamespace gives it one.
func TestNamespacedObjectWithoutNamespace(t *testing.T) {
	for _, target := range []string{"", "apps"} {
		sync := strings.Replace(appsSync, "./components/backend/staging", "./apps", 1)
		if target != "" {
			sync += "  targetNamespace: " + target + "\n"
		}
		dir := writeFleet(t, map[string]string{
			"clusters/one/backend.yaml": sync,
			"apps/release.yaml":         "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\nspec:\n  interval: 10m\n  chart:\n    spec:\n      chart: podinfo\n      sourceRef:\n        kind: HelmRepository\n        name: podinfo\n",
			"apps/role.yaml":            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\n",
		})
		c := cluster(t, renderOpts(t, Options{FleetPath: dir, Getenv: func(string) string { return "" }}), "one")
		ks := kustomization(c, "flux-system/backend")
		if target != "" {
			assert.Equal(t, model.StatusRendered, ks.Status)
			assert.NotNil(t, object(c, "HelmRelease", "apps", "podinfo"))
			continue
		}
		assert.Equal(t, model.StatusFailed, ks.Status)
		probs := hardProblems(c)
		require.Len(t, probs, 1)
		assert.Equal(t, "apps/release.yaml", probs[0].Location.Path)
		assert.Contains(t, probs[0].Reason, "HelmRelease podinfo has no metadata.namespace")
		assert.Nil(t, object(c, "ClusterRole", "", "reader"), "Flux applies nothing of the Kustomization")
	}
}
