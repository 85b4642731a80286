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
	var kinds, names, appliedBy, resourceSets groups
	// apiVersions: the kinds of each API version, in the order first seen.
	apiVersions := map[string]*groups{}
	var versions []string
	var schema []*ast.Term
	for i, o := range objects {
		t := ast.InternedTerm(i)
		kinds.add(o.Kind, t)
		names.add(o.Kind+"/"+o.Namespace+"/"+o.Name, t)
		appliedBy.add(o.AppliedBy, t)
		if o.ResourceSet != "" {
			resourceSets.add(o.ResourceSet, t)
		}
		if apiVersions[o.APIVersion] == nil {
			apiVersions[o.APIVersion] = &groups{}
			versions = append(versions, o.APIVersion)
		}
		apiVersions[o.APIVersion].add(o.Kind, t)
		if o.Schema != nil {
			schema = append(schema, t)
		}
	}
	byVersion := ast.NewObjectWithCapacity(len(versions))
	for _, v := range versions {
		byVersion.Insert(ast.StringTerm(v), ast.NewTerm(apiVersions[v].value()))
	}
	return ast.NewObject(
		[2]*ast.Term{ast.StringTerm("kinds"), ast.NewTerm(kinds.value())},
		[2]*ast.Term{ast.StringTerm("names"), ast.NewTerm(names.value())},
		[2]*ast.Term{ast.StringTerm("appliedBy"), ast.NewTerm(appliedBy.value())},
		[2]*ast.Term{ast.StringTerm("resourceSets"), ast.NewTerm(resourceSets.value())},
		[2]*ast.Term{ast.StringTerm("apiVersions"), ast.NewTerm(byVersion)},
		[2]*ast.Term{ast.StringTerm("schema"), ast.ArrayTerm(schema...)},
	)
}

// groups collects index lists by key.
type groups struct {
	order []string
	lists map[string][]*ast.Term
}

func (g *groups) add(key string, t *ast.Term) {
	if g.lists == nil {
		g.lists = map[string][]*ast.Term{}
	}
	l, ok := g.lists[key]
	if !ok {
		g.order = append(g.order, key)
	}
	g.lists[key] = append(l, t)
}

// value is the Rego object of the lists by key.
func (g *groups) value() ast.Object {
	obj := ast.NewObjectWithCapacity(len(g.order))
	for _, k := range g.order {
		obj.Insert(ast.StringTerm(k), ast.ArrayTerm(g.lists[k]...))
	}
	return obj
}
