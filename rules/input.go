// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/d1lint/d1lint/internal/memo"
	"github.com/d1lint/d1lint/internal/model"
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
	return memo.goValue(reflect.ValueOf(cl))
}

// valueMemo maps the address of a manifest (map[string]any) to its Rego
// value. Each entry holds its map, so that the address is never reused for
// another map while the entry lives, even once the cluster that held the
// map is dropped (a streamed check drops each cluster once judged). The
// memo is bounded (package memo): what clusters share (the objects of a
// build or a chart render that many clusters apply) stays, and it never
// holds a whole fleet.
type valueMemo struct {
	values memo.Map[uintptr, memoEntry]
}

type memoEntry struct {
	obj map[string]any
	v   ast.Value
	err error
}

// manifest converts one manifest, once per map.
func (m *valueMemo) manifest(obj map[string]any) (ast.Value, error) {
	if m == nil {
		return ast.InterfaceToValue(obj)
	}
	e, _ := m.values.Do(reflect.ValueOf(obj).Pointer(), func() memoEntry {
		v, err := ast.InterfaceToValue(obj)
		return memoEntry{obj: obj, v: v, err: err}
	})
	return e.v, e.err
}

// goValue converts v as encoding/json would encode it: json tags (name,
// omitempty, "-"), embedded structs' fields promoted, nil pointers, slices
// and maps as null. The model has no custom marshallers.
func (m *valueMemo) goValue(v reflect.Value) (ast.Value, error) {
	switch v.Kind() {
	case reflect.Invalid:
		return ast.Null{}, nil
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ast.Null{}, nil
		}
		if v.Kind() == reflect.Interface {
			// Manifests and specs: plain values, converted in one go.
			if obj, ok := v.Interface().(map[string]any); ok && obj != nil {
				return m.manifest(obj)
			}
			return ast.InterfaceToValue(v.Interface())
		}
		return m.goValue(v.Elem())
	case reflect.Struct:
		obj := ast.NewObject()
		for _, f := range structFields(v.Type()) {
			fv := v.FieldByIndex(f.index)
			if f.omitEmpty && isEmpty(fv) {
				continue
			}
			val, err := m.goValue(fv)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f.name, err)
			}
			obj.Insert(ast.StringTerm(f.name), ast.NewTerm(val))
		}
		return obj, nil
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return ast.Null{}, nil
		}
		terms := make([]*ast.Term, v.Len())
		for i := range terms {
			val, err := m.goValue(v.Index(i))
			if err != nil {
				return nil, err
			}
			terms[i] = ast.NewTerm(val)
		}
		return ast.NewArray(terms...), nil
	case reflect.Map:
		if v.IsNil() {
			return ast.Null{}, nil
		}
		if v.Type().Key().Kind() != reflect.String {
			return nil, fmt.Errorf("map with %s keys", v.Type().Key())
		}
		if obj, ok := v.Interface().(map[string]any); ok {
			return m.manifest(obj)
		}
		obj := ast.NewObject()
		for it := v.MapRange(); it.Next(); {
			val, err := m.goValue(it.Value())
			if err != nil {
				return nil, err
			}
			obj.Insert(ast.StringTerm(it.Key().String()), ast.NewTerm(val))
		}
		return obj, nil
	case reflect.String:
		return ast.String(v.String()), nil
	case reflect.Bool:
		return ast.Boolean(v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return ast.Number(strconv.FormatInt(v.Int(), 10)), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return ast.Number(strconv.FormatUint(v.Uint(), 10)), nil
	case reflect.Float32, reflect.Float64:
		return ast.Number(strconv.FormatFloat(v.Float(), 'g', -1, 64)), nil
	}
	return nil, fmt.Errorf("cannot convert a %s", v.Type())
}

// field is how encoding/json writes one field of a struct.
type field struct {
	name      string
	index     []int
	omitEmpty bool
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
				out = append(out, field{name: f.name, index: append([]int{i}, f.index...), omitEmpty: f.omitEmpty})
			}
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		out = append(out, field{name: name, index: []int{i}, omitEmpty: strings.Contains(","+opts+",", ",omitempty,")})
	}
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
