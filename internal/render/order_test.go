// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/fluxcd/pkg/ssa"
	"github.com/stretchr/testify/assert"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/d1lint/d1lint/internal/model"
)

// TestSortObjectsAsSSA: sortObjects orders objects exactly as
// fluxcd/pkg/ssa's SortableUnstructureds (sort.Stable) does: kinds of
// ssa.ReconcileOrder first and last, unknown kinds between, groups,
// namespaces and names breaking ties, equal objects in their order.
func TestSortObjectsAsSSA(t *testing.T) {
	kinds := []struct{ apiVersion, kind string }{
		{"apiextensions.k8s.io/v1", "CustomResourceDefinition"}, {"v1", "Namespace"}, {"rbac.authorization.k8s.io/v1", "ClusterRole"},
		{"rbac.authorization.k8s.io/v1", "ClusterRoleBinding"}, {"v1", "ServiceAccount"}, {"v1", "ConfigMap"}, {"v1", "Secret"},
		{"v1", "Service"}, {"apps/v1", "Deployment"}, {"apps/v1", "StatefulSet"}, {"policy/v1", "PodDisruptionBudget"},
		{"networking.k8s.io/v1", "Ingress"}, {"helm.toolkit.fluxcd.io/v2", "HelmRelease"}, {"kustomize.toolkit.fluxcd.io/v1", "Kustomization"},
		{"source.toolkit.fluxcd.io/v1", "GitRepository"}, {"example.com/v1", "Widget"}, {"other.example.com/v1", "Widget"},
		{"admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"}, {"admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"},
		{"v1", ""}, {"", "Thing"}, {"not/a/version", "Odd"},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		var objs []*model.Object
		for i := range 60 {
			k := kinds[rng.IntN(len(kinds))]
			meta := map[string]any{"name": fmt.Sprintf("n%d", rng.IntN(4))}
			if ns := rng.IntN(3); ns > 0 {
				meta["namespace"] = fmt.Sprintf("ns%d", ns)
			}
			obj := map[string]any{"apiVersion": k.apiVersion, "kind": k.kind, "metadata": meta}
			objs = append(objs, &model.Object{ObjectID: model.ObjectID{Name: fmt.Sprint(i)}, Object: obj})
		}
		us := make([]*unstructured.Unstructured, len(objs))
		by := map[*unstructured.Unstructured]*model.Object{}
		for i, o := range objs {
			us[i] = &unstructured.Unstructured{Object: o.Object}
			by[us[i]] = o
		}
		sort.Stable(ssa.SortableUnstructureds(us))
		var want, got []string
		for _, u := range us {
			want = append(want, by[u].Name)
		}
		for _, o := range sortObjects(objs) {
			got = append(got, o.Name)
		}
		assert.Equal(t, want, got, "round %d", round)
	}
}
