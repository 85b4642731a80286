// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"slices"
	"sort"
	"strings"

	"github.com/d1lint/d1lint/internal/model"
)

// kyvernoClones computes the objects that Kyverno generate rules with
// clone or cloneList would place into namespaces of the render. d1 relies on
// this: the infra tenant's policy copies flux-system/flux-runtime-info into
// every namespace, which is why a tenant Kustomization in namespace
// "backend" can substituteFrom it. Only rules triggered by Namespace objects
// are emulated (the d1 pattern); the copies are returned with the policy's
// location, sorted, and never modify the render itself.
func kyvernoClones(objects []*model.Object, lookup func(kind, ns, name string) *stored, list func(kind, ns string) []*stored) []*model.Object {
	var namespaces []*model.Object
	var policies []*model.Object
	for _, o := range objects {
		switch {
		case o.Kind == "Namespace" && o.APIVersion == "v1":
			namespaces = append(namespaces, o)
		case (o.Kind == "ClusterPolicy" || o.Kind == "Policy") && strings.HasPrefix(o.APIVersion, "kyverno.io/"):
			policies = append(policies, o)
		}
	}
	seen := map[string]bool{}
	var out []*model.Object
	add := func(src map[string]any, kind, apiVersion, ns, name string, p *model.Object) {
		key := kind + "/" + ns + "/" + name
		if seen[key] || lookup(kind, ns, name) != nil && !generatedOnly(lookup(kind, ns, name)) {
			return
		}
		seen[key] = true
		obj := deepCopyMap(src)
		md, _ := obj["metadata"].(map[string]any)
		if md == nil {
			md = map[string]any{}
			obj["metadata"] = md
		}
		md["namespace"], md["name"] = ns, name
		if apiVersion == "" {
			apiVersion, _ = obj["apiVersion"].(string)
		}
		out = append(out, &model.Object{
			ObjectID:  model.ObjectID{APIVersion: apiVersion, Kind: kind, Namespace: ns, Name: name},
			Location:  p.Location,
			AppliedBy: p.AppliedBy,
			Chain:     p.Chain,
			Object:    obj,
		})
	}
	for _, p := range policies {
		spec, _ := p.Object["spec"].(map[string]any)
		for _, r := range objectList(spec["rules"]) {
			gen, _ := r["generate"].(map[string]any)
			if gen == nil {
				continue
			}
			for _, nsObj := range namespaces {
				if !matchesNamespace(r, nsObj) {
					continue
				}
				target, _ := gen["namespace"].(string)
				target = strings.ReplaceAll(strings.ReplaceAll(target, "{{request.object.metadata.name}}", nsObj.Name),
					"{{ request.object.metadata.name }}", nsObj.Name)
				if target == "" || strings.Contains(target, "{{") {
					continue
				}
				if clone, ok := gen["clone"].(map[string]any); ok {
					kind, _ := gen["kind"].(string)
					apiVersion, _ := gen["apiVersion"].(string)
					name, _ := gen["name"].(string)
					srcNS, _ := clone["namespace"].(string)
					srcName, _ := clone["name"].(string)
					if name == "" {
						name = srcName
					}
					if s := lookup(kind, srcNS, srcName); s != nil {
						add(s.obj, kind, apiVersion, target, name, p)
					}
				}
				if cl, ok := gen["cloneList"].(map[string]any); ok {
					srcNS, _ := cl["namespace"].(string)
					sel, _ := cl["selector"].(map[string]any)
					want := stringMap(sel["matchLabels"])
					for _, k := range strings_(cl["kinds"]) {
						kind := k[strings.LastIndex(k, "/")+1:]
						for _, s := range list(kind, srcNS) {
							if labelsMatch(s.labels(), want) {
								add(s.obj, kind, "", target, s.name(), p)
							}
						}
					}
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].ObjectID, out[j].ObjectID
		return a.Kind+"/"+a.Namespace+"/"+a.Name < b.Kind+"/"+b.Namespace+"/"+b.Name
	})
	return out
}

func generatedOnly(s *stored) bool { return s.from == fromGenerated }

// matchesNamespace reports whether a rule's match block selects the Namespace.
func matchesNamespace(rule map[string]any, ns *model.Object) bool {
	match, _ := rule["match"].(map[string]any)
	if match == nil {
		return false
	}
	var blocks []map[string]any
	blocks = append(blocks, objectList(match["any"])...)
	blocks = append(blocks, objectList(match["all"])...)
	if res, ok := match["resources"].(map[string]any); ok {
		blocks = append(blocks, map[string]any{"resources": res})
	}
	labels := stringMap(nestedMap(ns.Object, "metadata")["labels"])
	for _, b := range blocks {
		res, _ := b["resources"].(map[string]any)
		if res == nil {
			continue
		}
		kindOK := false
		for _, k := range strings_(res["kinds"]) {
			if k == "Namespace" || strings.HasSuffix(k, "/Namespace") {
				kindOK = true
			}
		}
		if !kindOK {
			continue
		}
		if names := strings_(res["names"]); len(names) > 0 && !slices.Contains(names, ns.Name) {
			continue
		}
		sel, _ := res["selector"].(map[string]any)
		if !labelsMatch(labels, stringMap(sel["matchLabels"])) {
			continue
		}
		if excluded(rule, ns.Name) {
			continue
		}
		return true
	}
	return false
}

func excluded(rule map[string]any, name string) bool {
	ex, _ := rule["exclude"].(map[string]any)
	if ex == nil {
		return false
	}
	blocks := append(objectList(ex["any"]), objectList(ex["all"])...)
	if res, ok := ex["resources"].(map[string]any); ok {
		blocks = append(blocks, map[string]any{"resources": res})
	}
	for _, b := range blocks {
		res, _ := b["resources"].(map[string]any)
		if slices.Contains(strings_(res["names"]), name) || slices.Contains(strings_(res["namespaces"]), name) {
			return true
		}
	}
	return false
}

func labelsMatch(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

func nestedMap(obj map[string]any, f string) map[string]any {
	m, _ := obj[f].(map[string]any)
	return m
}

func deepCopyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = deepCopyValue(v)
	}
	return out
}

func deepCopyValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return deepCopyMap(t)
	case []any:
		l := make([]any, len(t))
		for i, e := range t {
			l[i] = deepCopyValue(e)
		}
		return l
	default:
		return v
	}
}
