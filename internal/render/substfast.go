// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"context"
	"strings"

	"github.com/fluxcd/pkg/kustomize"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/api/resource"
)

// leafSubstitution turns the shortcut of substituteLeaves on; tests turn
// it off to compare with Flux's substitution of whole objects.
var leafSubstitution = true

// leafFactory makes the resources of substituteLeaves.
var leafFactory = resource.NewFactory(nil)

// dollarLeaf is a string of an object that holds a '$': its keys and
// indices from the object's root.
type dollarLeaf []any // string keys, int indices

// substituteLeaves is Flux's substitution of one object (SubstituteVariables:
// the object written as YAML, envsubst over the text, the text read back)
// done on a document that holds only the object's strings with a '$', at
// the same paths. A string is written alike wherever the document it is in
// holds it at the same path (same indentation, same key, same style), and
// envsubst reads each such string on its own, so each comes back as Flux's
// round trip of the whole object gives it; the rest of the object comes
// out of that round trip as it went in, as for an object without a '$'
// (see cluster.go). The result shares the object's maps where nothing
// changed.
//
// ok is false when the shortcut cannot be sure: a key with a '$', a string
// envsubst cannot read on its own, a substituted document whose shape is
// not the one it went in with (a value that made YAML structure), any
// error (whose message, with line numbers, is the whole object's). The
// caller then runs Flux's substitution on the whole object.
func substituteLeaves(ctx context.Context, c storeClient, ks *unstructured.Unstructured, obj map[string]any) (out map[string]any, ok bool) {
	var leaves []dollarLeaf
	if !collectLeaves(obj, nil, &leaves) || len(leaves) == 0 {
		return nil, false
	}
	doc := map[string]any{}
	for _, l := range leaves {
		doc = setIn(doc, l, valueAt(obj, l)).(map[string]any)
	}
	res, err := leafFactory.FromMap(doc)
	if err != nil {
		return nil, false
	}
	got, err := kustomize.SubstituteVariables(ctx, c, *ks, res)
	if err != nil || got == nil {
		return nil, false
	}
	m, err := res.Map()
	if err != nil || !sameShape(doc, m) {
		return nil, false
	}
	out = obj
	for _, l := range leaves {
		out = withAt(out, l, valueAt(m, l))
	}
	return out, true
}

// collectLeaves appends the paths of obj's strings that hold a '$'; false
// when a key holds one (substitution would rename it).
func collectLeaves(v any, path dollarLeaf, out *[]dollarLeaf) bool {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if strings.Contains(k, "$") {
				return false
			}
			if !collectLeaves(e, append(path[:len(path):len(path)], k), out) {
				return false
			}
		}
	case []any:
		for i, e := range t {
			if !collectLeaves(e, append(path[:len(path):len(path)], i), out) {
				return false
			}
		}
	case string:
		if strings.Contains(t, "$") {
			*out = append(*out, path)
		}
	}
	return true
}

// valueAt is the value at path in v (nil when absent).
func valueAt(v any, path dollarLeaf) any {
	for _, seg := range path {
		switch s := seg.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[s]
		case int:
			l, _ := v.([]any)
			if s >= len(l) {
				return nil
			}
			v = l[s]
		}
	}
	return v
}

// setIn returns the container c (nil: a new one) with v at path, making
// the maps and lists on the way. List items before an index are empty maps
// (written "- {}", they leave the item's indentation as it was).
func setIn(c any, path dollarLeaf, v any) any {
	if len(path) == 0 {
		return v
	}
	switch s := path[0].(type) {
	case string:
		m, _ := c.(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		m[s] = setIn(m[s], path[1:], v)
		return m
	case int:
		l, _ := c.([]any)
		for len(l) <= s {
			l = append(l, map[string]any{})
		}
		l[s] = setIn(l[s], path[1:], v)
		return l
	}
	return c
}

// withAt returns v with the value at path replaced, copying the maps and
// lists on the way and sharing the rest.
func withAt(v any, path dollarLeaf, x any) map[string]any {
	return withAtAny(v, path, x).(map[string]any)
}

func withAtAny(v any, path dollarLeaf, x any) any {
	if len(path) == 0 {
		return x
	}
	switch s := path[0].(type) {
	case string:
		m := v.(map[string]any)
		cp := make(map[string]any, len(m))
		for k, e := range m {
			cp[k] = e
		}
		cp[s] = withAtAny(m[s], path[1:], x)
		return cp
	case int:
		l := v.([]any)
		cp := make([]any, len(l))
		copy(cp, l)
		cp[s] = withAtAny(l[s], path[1:], x)
		return cp
	}
	return v
}

// sameShape reports whether got has the containers and keys of want, and
// nothing more: every substituted string came back a value in its place.
func sameShape(want, got any) bool {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for k, e := range w {
			ge, ok := g[k]
			if !ok || !sameShape(e, ge) {
				return false
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !sameShape(w[i], g[i]) {
				return false
			}
		}
	}
	// A string came back as any value: Flux's YAML reading decides.
	return true
}
