// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"maps"
	"slices"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/d1lint/d1lint/internal/model"
)

// kyvernoClones computes the objects that Kyverno generate rules with
// clone or cloneList would place into namespaces of the render. d1 relies on
// this: the infra tenant's policy copies flux-system/flux-runtime-info into
// every namespace, which is why a tenant Kustomization in namespace
// "backend" can substituteFrom it. Only rules triggered by Namespace objects
// are emulated (the d1 pattern); the copies are returned with the policy's
// location, sorted, and never modify the render itself.
//
// Which Namespaces trigger a rule follows Kyverno's match and exclude
// blocks (matchesNamespace); what Kyverno would refuse (a wildcard kind in a
// generate rule, an invalid label selector, a wildcard in a cloneList
// selector) copies nothing.
func kyvernoClones(objects []*model.Object, lookup func(kind, ns, name string) *stored, list func(kind, ns string) []*stored) []*model.Object {
	var namespaces []*model.Object
	var policies []*model.Object
	for _, o := range objects {
		switch {
		case o.Kind == "Namespace" && o.APIVersion == "v1":
			namespaces = append(namespaces, o)
		case o.Kind == "ClusterPolicy" && strings.HasPrefix(o.APIVersion, "kyverno.io/"):
			// Not a Policy: a namespaced Policy applies only to resources in
			// its own namespace (Kyverno compares the policy's namespace with
			// the resource's), and a Namespace is in none.
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
					// Kyverno lists the sources with the selector as the API
					// server reads it: no selector lists them all, and one the
					// API server would reject (or with a wildcard, which Kyverno
					// refuses in a cloneList selector) lists none.
					sel := labels.Everything()
					if raw := cl["selector"]; raw != nil {
						ls, ok := labelSelector(raw)
						if !ok || selectorHasWildcard(ls) {
							continue
						}
						if sel, ok = asSelector(ls); !ok {
							continue
						}
					}
					for _, k := range strings_(cl["kinds"]) {
						kind := k[strings.LastIndex(k, "/")+1:]
						for _, s := range list(kind, srcNS) {
							if sel.Matches(labels.Set(s.labels())) {
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

// matchesNamespace reports whether a rule's match block selects the
// Namespace and its exclude block does not, as Kyverno decides it for a
// Namespace (kyverno pkg/utils/match, documented in "Selecting Resources"):
// a block's any filters are ORed, else its all filters ANDed, else the
// deprecated filter written directly under it; within a filter every field
// given must hold (an OR within a list).
//
// Not evaluated: operations (the render's Namespaces are created, which the
// default CREATE and UPDATE cover) and user info. Kyverno ignores a match
// filter's subjects, roles and clusterRoles when it has no request to read
// them from (background processing), and an exclude filter naming them
// then excludes nothing: the render, which has no request either, does the
// same.
func matchesNamespace(rule map[string]any, ns *model.Object) bool {
	match, _ := rule["match"].(map[string]any)
	if match == nil || wildcardKinds(match) {
		// Kyverno refuses wildcard kinds in generate rules.
		return false
	}
	nsLabels := stringMap(nestedMap(ns.Object, "metadata")["labels"])
	// The API server labels every Namespace with its name (Kubernetes 1.21
	// and later), before the validating webhooks Kyverno generates from.
	nsLabels["kubernetes.io/metadata.name"] = ns.Name
	annotations := stringMap(nestedMap(ns.Object, "metadata")["annotations"])
	if !blockSelects(match, ns.Name, nsLabels, annotations, false) {
		return false
	}
	ex, _ := rule["exclude"].(map[string]any)
	if ex == nil {
		return true
	}
	// A wildcard kind in the exclude block is refused as well.
	return !wildcardKinds(ex) && !blockSelects(ex, ns.Name, nsLabels, annotations, true)
}

// blockSelects evaluates a match or exclude block on a Namespace.
func blockSelects(block map[string]any, name string, nsLabels, annotations map[string]string, exclude bool) bool {
	if filters := objectList(block["any"]); len(filters) > 0 {
		return slices.ContainsFunc(filters, func(f map[string]any) bool { return filterSelects(f, name, nsLabels, annotations, exclude) })
	}
	if filters := objectList(block["all"]); len(filters) > 0 {
		for _, f := range filters {
			if !filterSelects(f, name, nsLabels, annotations, exclude) {
				return false
			}
		}
		return true
	}
	return filterSelects(block, name, nsLabels, annotations, exclude)
}

// filterSelects evaluates one resource filter on a Namespace: an empty
// filter selects nothing, and a match filter must name kinds.
func filterSelects(f map[string]any, name string, nsLabels, annotations map[string]string, exclude bool) bool {
	if exclude && (len(objectList(f["subjects"])) > 0 || len(strings_(f["roles"])) > 0 || len(strings_(f["clusterRoles"])) > 0) {
		return false // see matchesNamespace: no request, no user to exclude
	}
	res, _ := f["resources"].(map[string]any)
	if len(res) == 0 {
		return false
	}
	kinds := strings_(res["kinds"])
	if len(kinds) == 0 && !exclude || len(kinds) > 0 && !slices.ContainsFunc(kinds, namesNamespace) {
		return false
	}
	names := strings_(res["names"])
	if n, _ := res["name"].(string); n != "" {
		// The deprecated single name: it must hold as well as names.
		if !wildcardMatch(n, name) {
			return false
		}
	}
	if len(names) > 0 && !slices.ContainsFunc(names, func(p string) bool { return wildcardMatch(p, name) }) {
		return false
	}
	// For a Namespace, Kyverno compares namespaces with its own name.
	if nss := strings_(res["namespaces"]); len(nss) > 0 && !slices.ContainsFunc(nss, func(p string) bool { return wildcardMatch(p, name) }) {
		return false
	}
	if want := stringMap(res["annotations"]); len(want) > 0 && !annotationsMatch(want, annotations) {
		return false
	}
	if raw, ok := res["selector"]; ok && raw != nil {
		ls, ok := labelSelector(raw)
		if !ok {
			return false
		}
		sel, ok := asSelector(expandSelectorWildcards(ls, nsLabels))
		if !ok || !sel.Matches(labels.Set(nsLabels)) {
			return false
		}
	}
	// namespaceSelector is not read: Kyverno evaluates it on the labels of
	// a resource's namespace, and skips it for a Namespace, which has none.
	return true
}

// namesNamespace tells whether an entry of resources.kinds (Kind,
// Version/Kind or Group/Version/Kind) is the core Namespace kind.
func namesNamespace(k string) bool {
	parts := strings.Split(k, "/")
	switch len(parts) {
	case 1:
		return k == "Namespace"
	case 2:
		return parts[0] == "v1" && parts[1] == "Namespace"
	case 3:
		return parts[0] == "" && parts[1] == "v1" && parts[2] == "Namespace"
	}
	return false
}

// wildcardKinds tells whether a match or exclude block names a kind with a
// wildcard, which Kyverno does not allow in a generate rule.
func wildcardKinds(block map[string]any) bool {
	filters := append(objectList(block["any"]), objectList(block["all"])...)
	filters = append(filters, block)
	for _, f := range filters {
		res, _ := f["resources"].(map[string]any)
		if slices.ContainsFunc(strings_(res["kinds"]), hasWildcard) {
			return true
		}
	}
	return false
}

// annotationsMatch tells whether every wanted annotation (key and value
// patterns with wildcards) matches one of the Namespace's, as Kyverno's
// resources.annotations does.
func annotationsMatch(want, have map[string]string) bool {
	for k, v := range want {
		found := false
		for hk, hv := range have {
			if wildcardMatch(k, hk) && wildcardMatch(v, hv) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// labelSelector reads a label selector of a policy; ok is false when it is
// not one (a value of the wrong type, which the API server would refuse).
func labelSelector(raw any) (*metav1.LabelSelector, bool) {
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, false
	}
	ls := &metav1.LabelSelector{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(m, ls); err != nil {
		return nil, false
	}
	return ls, true
}

// asSelector is the selector ls stands for, with matchExpressions (In,
// NotIn, Exists, DoesNotExist) as Kubernetes evaluates them; ok is false for
// an invalid selector (a bad key, value or operator), which matches
// nothing: Kyverno fails the rule, the API server refuses the list.
func asSelector(ls *metav1.LabelSelector) (labels.Selector, bool) {
	sel, err := metav1.LabelSelectorAsSelector(ls)
	if err != nil {
		return nil, false
	}
	return sel, true
}

// expandSelectorWildcards resolves wildcards in the matchLabels of a match
// or exclude selector as Kyverno does (wildcards.ReplaceInSelector): a
// pattern pair becomes the first label (in key order) whose key and value
// it matches, else a pair with the wildcards replaced by "0", which no
// label is likely to match.
func expandSelectorWildcards(ls *metav1.LabelSelector, have map[string]string) *metav1.LabelSelector {
	out := ls.DeepCopy()
	if len(ls.MatchLabels) == 0 {
		return out
	}
	out.MatchLabels = map[string]string{}
	keys := slices.Sorted(maps.Keys(have))
	for k, v := range ls.MatchLabels {
		if !hasWildcard(k) && !hasWildcard(v) {
			out.MatchLabels[k] = v
			continue
		}
		i := slices.IndexFunc(keys, func(hk string) bool { return wildcardMatch(k, hk) && wildcardMatch(v, have[hk]) })
		if i >= 0 {
			out.MatchLabels[keys[i]] = have[keys[i]]
			continue
		}
		zero := strings.NewReplacer("*", "0", "?", "0")
		out.MatchLabels[zero.Replace(k)] = zero.Replace(v)
	}
	return out
}

// selectorHasWildcard tells whether a selector has a '*' or '?' anywhere.
func selectorHasWildcard(ls *metav1.LabelSelector) bool {
	for k, v := range ls.MatchLabels {
		if hasWildcard(k) || hasWildcard(v) {
			return true
		}
	}
	for _, e := range ls.MatchExpressions {
		if hasWildcard(e.Key) || hasWildcard(string(e.Operator)) || slices.ContainsFunc(e.Values, hasWildcard) {
			return true
		}
	}
	return false
}

func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }

// wildcardMatch matches name against a Kyverno wildcard pattern: '*' is any
// run of characters, '?' any one character, anything else itself.
func wildcardMatch(pattern, name string) bool {
	p, n := []rune(pattern), []rune(name)
	// star is where the last '*' was seen in p and how much of n it covers
	// so far; on a mismatch it takes one more character. Earlier stars never
	// need to backtrack, so the walk is linear in practice.
	starP, starN := -1, 0
	i, j := 0, 0
	for j < len(n) {
		switch {
		case i < len(p) && p[i] == '*':
			starP, starN = i, j
			i++
		case i < len(p) && (p[i] == '?' || p[i] == n[j]):
			i++
			j++
		case starP >= 0:
			starN++
			i, j = starP+1, starN
		default:
			return false
		}
	}
	for i < len(p) && p[i] == '*' {
		i++
	}
	return i == len(p)
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
