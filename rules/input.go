// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/d1lint/d1lint/internal/memo"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/par"
)

// clusterValue converts a cluster's model to a Rego value: the value of its
// JSON form, built straight from the Go values. The JSON round trip
// (toValue) costs several times as much, and it is paid for every cluster
// of every run; the model's manifests (maps of plain values) go through
// ast.InterfaceToValue, its structs through their json tags.
//
// memo, when not nil, holds the values of manifests already converted in
// this evaluation, by map: clusters that render the same chart release or
// Kustomization share the maps of their objects, and with them the Rego
// values (which evaluation only reads).
func clusterValue(cl *model.Cluster, memo *valueMemo) (ast.Value, error) {
	c := converter{memo: memo, strings: map[string]*ast.Term{}}
	if memo != nil {
		// The objects' manifests convert side by side first: a chart's
		// CRDs run to megabytes, and clusters that share them would
		// otherwise wait, one core busy, for the cluster converting them.
		vals := make([]ast.Value, len(cl.Objects))
		par.Each(len(cl.Objects), func(i int) {
			if obj := cl.Objects[i].Object; obj != nil {
				// An error comes back when the walk below meets the map.
				vals[i], _ = memo.manifest(obj)
			}
		})
		c.manifests = make(map[uintptr]ast.Value, len(vals))
		for i, v := range vals {
			if v != nil {
				c.manifests[reflect.ValueOf(cl.Objects[i].Object).Pointer()] = v
			}
		}
	}
	t, err := c.term(reflect.ValueOf(cl))
	if err != nil {
		return nil, err
	}
	return t.Value, nil
}

// valueMemo maps the address of a manifest (map[string]any) to its Rego
// value. Each entry holds its map, so that the address is never reused for
// another map while the entry lives, even once the cluster that held the
// map is dropped (a streamed check drops each cluster once judged). The
// memo is bounded (package memo): what clusters share (the objects of a
// build or a chart render that many clusters apply) stays, and it never
// holds a whole fleet.
//
// Clusters also render equal manifests in maps of their own: each
// cluster's substitution builds new maps, though most objects name no
// per-cluster variable (on the synthetic fleet, 20 clusters hold 3,900
// manifest maps of 1,500 contents). contents maps a manifest's content
// hash to the first manifest converted with that hash: a manifest of the
// same content, checked to be (model.SameContent), shares its value, and its
// conversion is saved. A different manifest of the same hash is converted
// on its own.
//
// structs does the same for the model's structs (memoised).
type valueMemo struct {
	values   memo.Map[uintptr, memoEntry]
	contents memo.Map[uint64, memoEntry]
	structs  memo.Map[structKey, structEntry]
}

type memoEntry struct {
	obj map[string]any
	v   ast.Value
	err error
}

// manifest converts one manifest, once per map and, mostly, once per
// content.
func (m *valueMemo) manifest(obj map[string]any) (ast.Value, error) {
	if m == nil {
		return ast.InterfaceToValue(obj)
	}
	e, _ := m.values.Do(reflect.ValueOf(obj).Pointer(), func() memoEntry {
		first, _ := m.contents.Do(model.ContentHash(obj), func() memoEntry {
			v, err := ast.InterfaceToValue(obj)
			return memoEntry{obj: obj, v: v, err: err}
		})
		if reflect.ValueOf(first.obj).Pointer() == reflect.ValueOf(obj).Pointer() || model.SameContent(first.obj, obj) {
			return memoEntry{obj: obj, v: first.v, err: first.err}
		}
		v, err := ast.InterfaceToValue(obj)
		return memoEntry{obj: obj, v: v, err: err}
	})
	return e.v, e.err
}

// converter converts one cluster's model (clusterValue).
type converter struct {
	memo *valueMemo
	// strings holds one term per string of the model's structs: a
	// cluster's objects repeat the same repository, branch, commit,
	// Kustomization keys, kinds and API versions hundreds of times, and
	// evaluation only reads terms, so they share one.
	strings map[string]*ast.Term
	// manifests are the cluster's object manifests converted up front,
	// by address.
	manifests map[uintptr]ast.Value
}

// term converts v as encoding/json would encode it: json tags (name,
// omitempty, "-"), embedded structs' fields promoted, nil pointers, slices
// and maps as null. The model has no custom marshallers.
func (c *converter) term(v reflect.Value) (*ast.Term, error) {
	switch v.Kind() {
	case reflect.Invalid:
		return ast.InternedNullTerm, nil
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ast.InternedNullTerm, nil
		}
		if v.Kind() == reflect.Interface {
			// Manifests and specs: plain values, converted in one go.
			if obj, ok := v.Interface().(map[string]any); ok && obj != nil {
				return c.manifest(obj)
			}
			val, err := ast.InterfaceToValue(v.Interface())
			if err != nil {
				return nil, err
			}
			return ast.NewTerm(val), nil
		}
		if c.memo != nil && memoised[v.Type().Elem()] {
			return c.memoStruct(v)
		}
		return c.term(v.Elem())
	case reflect.Struct:
		// The fields' key terms are made once per type, and the object in
		// one go (ast.NewObject lays its elements out in one block):
		// every object of every cluster is such a struct. structFields
		// names each key once, as NewObject requires.
		fields := structFields(v.Type())
		pairs := make([][2]*ast.Term, 0, len(fields))
		for _, f := range fields {
			fv := v.FieldByIndex(f.index)
			if f.omitEmpty && isEmpty(fv) {
				continue
			}
			val, err := c.term(fv)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f.name, err)
			}
			pairs = append(pairs, [2]*ast.Term{f.key, val})
		}
		return ast.NewTerm(ast.NewObject(pairs...)), nil
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return ast.InternedNullTerm, nil
		}
		terms := make([]*ast.Term, v.Len())
		for i := range terms {
			t, err := c.term(v.Index(i))
			if err != nil {
				return nil, err
			}
			terms[i] = t
		}
		return ast.ArrayTerm(terms...), nil
	case reflect.Map:
		if v.IsNil() {
			return ast.InternedNullTerm, nil
		}
		if v.Type().Key().Kind() != reflect.String {
			return nil, fmt.Errorf("map with %s keys", v.Type().Key())
		}
		if obj, ok := v.Interface().(map[string]any); ok {
			return c.manifest(obj)
		}
		obj := ast.NewObjectWithCapacity(v.Len())
		for it := v.MapRange(); it.Next(); {
			val, err := c.term(it.Value())
			if err != nil {
				return nil, err
			}
			obj.Insert(c.string(it.Key().String()), val)
		}
		return ast.NewTerm(obj), nil
	case reflect.String:
		return c.string(v.String()), nil
	case reflect.Bool:
		return ast.InternedTerm(v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		// Lines, mostly: small numbers have interned terms.
		return ast.InternedTerm(v.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return ast.NumberTerm(json.Number(strconv.FormatUint(v.Uint(), 10))), nil
	case reflect.Float32, reflect.Float64:
		return ast.NumberTerm(json.Number(strconv.FormatFloat(v.Float(), 'g', -1, 64))), nil
	}
	return nil, fmt.Errorf("cannot convert a %s", v.Type())
}

// manifest converts one manifest (memoised).
func (c *converter) manifest(obj map[string]any) (*ast.Term, error) {
	if v, ok := c.manifests[reflect.ValueOf(obj).Pointer()]; ok {
		return ast.NewTerm(v), nil
	}
	v, err := c.memo.manifest(obj)
	if err != nil {
		return nil, err
	}
	return ast.NewTerm(v), nil
}

// string is the term of s, one per string of the cluster.
func (c *converter) string(s string) *ast.Term {
	t, ok := c.strings[s]
	if !ok {
		t = ast.StringTerm(s)
		c.strings[s] = t
	}
	return t
}

// field is how encoding/json writes one field of a struct.
type field struct {
	name      string
	index     []int
	omitEmpty bool
	// key is name as a term, shared by every value of the type (terms
	// are only read).
	key *ast.Term
}

var fieldCache sync.Map // reflect.Type → []field

// structFields lists the fields encoding/json writes for t, in order:
// exported, not tagged "-", with embedded structs' fields promoted (the
// model embeds ObjectID, with no name clashes).
func structFields(t reflect.Type) []field {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.([]field)
	}
	var out []field
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
			for _, f := range structFields(sf.Type) {
				out = append(out, field{name: f.name, index: append([]int{i}, f.index...), omitEmpty: f.omitEmpty, key: f.key})
			}
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		out = append(out, field{name: name, index: []int{i}, omitEmpty: strings.Contains(","+opts+",", ",omitempty,"), key: ast.StringTerm(name)})
	}
	// A name given twice (an embedded struct's field and one of its own)
	// is written once by encoding/json: the shallower field's.
	kept := make([]field, 0, len(out))
	for i, f := range out {
		shadowed := false
		for j, g := range out {
			if j != i && g.name == f.name && (len(g.index) < len(f.index) || len(g.index) == len(f.index) && j < i) {
				shadowed = true
			}
		}
		if !shadowed {
			kept = append(kept, f)
		}
	}
	out = kept
	fieldCache.Store(t, out)
	return out
}

// isEmpty is encoding/json's test for omitempty.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}
