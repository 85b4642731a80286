// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules

import (
	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/d1lint/d1lint/internal/model"
)

// indexValue is input.cluster.index (docs/model.md, "The rule input"):
// where the objects of input.cluster.objects are, by kind, by identity,
// by who applies them and by API version. Most rules are about a few kinds
// or a few objects, and a rule that filters every object of a cluster pays
// for all of them, once per rule: with ~45 rules over a few hundred objects
// that was most of a cluster's evaluation. Computed here in one pass, a
// rule visits only the objects it is about. The library
// (policies/lib/index.rego) computes the same index from the objects when
// an input has none (a Rego test's hand-made model).
//
// Every list holds indices in input.cluster.objects, ascending (apply
// order); every object counts, those Flux does not apply (notApplied,
// remote) included, as in input.cluster.objects.
func indexValue(objects []*model.Object) ast.Value {
	kinds := map[string][]*ast.Term{}
	names := make(map[string][]*ast.Term, len(objects))
	appliedBy := map[string][]*ast.Term{}
	resourceSets := map[string][]*ast.Term{}
	apiVersions := map[string]map[string][]*ast.Term{}
	var schema []*ast.Term
	for i, o := range objects {
		t := ast.InternedTerm(i)
		kinds[o.Kind] = append(kinds[o.Kind], t)
		name := o.Kind + "/" + o.Namespace + "/" + o.Name
		names[name] = append(names[name], t)
		appliedBy[o.AppliedBy] = append(appliedBy[o.AppliedBy], t)
		if o.ResourceSet != "" {
			resourceSets[o.ResourceSet] = append(resourceSets[o.ResourceSet], t)
		}
		byKind := apiVersions[o.APIVersion]
		if byKind == nil {
			byKind = map[string][]*ast.Term{}
			apiVersions[o.APIVersion] = byKind
		}
		byKind[o.Kind] = append(byKind[o.Kind], t)
		if o.Schema != nil {
			schema = append(schema, t)
		}
	}
	// The objects are built in one go (ast.NewObject); the order of their
	// keys does not matter, Rego sorts them.
	versions := make([][2]*ast.Term, 0, len(apiVersions))
	for v, byKind := range apiVersions {
		versions = append(versions, [2]*ast.Term{ast.StringTerm(v), ast.NewTerm(lists(byKind))})
	}
	return ast.NewObject(
		[2]*ast.Term{ast.StringTerm("kinds"), ast.NewTerm(lists(kinds))},
		[2]*ast.Term{ast.StringTerm("names"), ast.NewTerm(lists(names))},
		[2]*ast.Term{ast.StringTerm("appliedBy"), ast.NewTerm(lists(appliedBy))},
		[2]*ast.Term{ast.StringTerm("resourceSets"), ast.NewTerm(lists(resourceSets))},
		[2]*ast.Term{ast.StringTerm("apiVersions"), ast.NewTerm(ast.NewObject(versions...))},
		[2]*ast.Term{ast.StringTerm("schema"), ast.ArrayTerm(schema...)},
	)
}

// lists is the Rego object of index lists by key.
func lists(m map[string][]*ast.Term) ast.Object {
	pairs := make([][2]*ast.Term, 0, len(m))
	for k, l := range m {
		pairs = append(pairs, [2]*ast.Term{ast.StringTerm(k), ast.ArrayTerm(l...)})
	}
	return ast.NewObject(pairs...)
}
