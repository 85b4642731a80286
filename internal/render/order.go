// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"maps"
	"slices"
	"sort"

	clobject "github.com/fluxcd/cli-utils/pkg/object"
	"github.com/fluxcd/pkg/ssa"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/source"
)

// applyOrder sorts Kustomizations the way Flux reconciles them: a parent
// before what it applies, a dependsOn target (with its whole subtree when it
// waits) before its dependents, ties by key. Edges that form a cycle are ignored for ordering (the cycle itself is
// a finding of its own).
func applyOrder(nodes []*node) []*node {
	byKey := map[string]*node{}
	for _, n := range nodes {
		byKey[n.m.Key] = n
	}
	children := map[string][]string{}
	for _, n := range nodes {
		if n.m.Parent != "" {
			children[n.m.Parent] = append(children[n.m.Parent], n.m.Key)
		}
	}
	var subtree func(k string, seen map[string]bool) []string
	subtree = func(k string, seen map[string]bool) []string {
		var out []string
		for _, c := range children[k] {
			if !seen[c] {
				seen[c] = true
				out = append(append(out, c), subtree(c, seen)...)
			}
		}
		return out
	}
	after := map[string][]string{} // key -> keys that must come first
	for _, n := range nodes {
		if n.m.Parent != "" {
			after[n.m.Key] = append(after[n.m.Key], n.m.Parent)
		}
		for _, d := range n.m.DependsOn {
			k := d.Namespace + "/" + d.Name
			dep := byKey[k]
			if dep == nil || k == n.m.Key {
				continue
			}
			after[n.m.Key] = append(after[n.m.Key], k)
			// A Kustomization with wait (or health checks) is Ready only when
			// what it applied is healthy, nested Kustomizations included: its
			// dependents start after its whole subtree.
			if dep.m.Wait || len(dep.m.HealthChecks) > 0 {
				for _, s := range subtree(k, map[string]bool{k: true}) {
					if s != n.m.Key && !slices.Contains(n.m.Chain, s) {
						after[n.m.Key] = append(after[n.m.Key], s)
					}
				}
			}
		}
	}
	keys := make([]string, 0, len(nodes))
	for k := range byKey {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	state := map[string]int{} // 0 new, 1 visiting, 2 done
	var out []*node
	var visit func(k string)
	visit = func(k string) {
		if state[k] != 0 {
			return
		}
		state[k] = 1
		deps := append([]string{}, after[k]...)
		slices.Sort(deps)
		for _, d := range deps {
			if state[d] == 0 {
				visit(d)
			}
		}
		state[k] = 2
		out = append(out, byKey[k])
	}
	// Start from the root so that it always comes first.
	for _, n := range nodes {
		if n.m.Parent == "" {
			visit(n.m.Key)
		}
	}
	for _, k := range keys {
		visit(k)
	}
	return out
}

// sortObjects orders one Kustomization's objects as kustomize-controller
// applies them (fluxcd/pkg/ssa's SortableUnstructureds: kinds in
// ssa.ReconcileOrder, CRDs and Namespaces first and webhooks last, then by
// namespace and name). Each object's metadata is read once, not at every
// comparison; TestSortObjectsAsSSA holds it to ssa's own sort.
func sortObjects(objs []*model.Object) []*model.Object {
	type keyed struct {
		meta clobject.ObjMetadata
		rank int
		o    *model.Object
	}
	ks := make([]keyed, len(objs))
	ranks := map[schema.GroupKind]int{}
	for i, o := range objs {
		ks[i] = keyed{meta: clobject.UnstructuredToObjMetadata(&unstructured.Unstructured{Object: o.Object}), o: o}
		ranks[ks[i].meta.GroupKind] = 0
	}
	// ssa.IsLessThan orders group kinds strictly, and builds its table of
	// kinds on the heap at every call (a gigabyte of garbage over a
	// thousand clusters): the cluster's few distinct ones are ranked with
	// it once, and the objects compare by rank.
	gks := slices.Collect(maps.Keys(ranks))
	sort.Slice(gks, func(i, j int) bool { return ssa.IsLessThan(gks[i], gks[j]) })
	for i, gk := range gks {
		ranks[gk] = i
	}
	for i := range ks {
		ks[i].rank = ranks[ks[i].meta.GroupKind]
	}
	sort.SliceStable(ks, func(i, j int) bool {
		a, b := ks[i].meta, ks[j].meta
		if ks[i].rank != ks[j].rank {
			return ks[i].rank < ks[j].rank
		}
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		return a.Name < b.Name
	})
	out := make([]*model.Object, len(ks))
	for i, k := range ks {
		out[i] = k.o
	}
	return out
}

func urlKey(u string) string { return source.NormalizeURL(u) }

// asMap returns a resource's content; kustomize resources always marshal.
func asMap(res interface {
	Map() (map[string]any, error)
}) map[string]any {
	m, err := res.Map()
	if err != nil || m == nil {
		return map[string]any{}
	}
	return m
}
