// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules

import (
	"math"
	"reflect"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/d1lint/d1lint/internal/model"
)

// memoised are the model's structs whose Rego values an evaluation shares
// between clusters by content: the clusters of one environment apply the
// same objects (manifest, file, line, Kustomization chain), reference the
// same variables and have the same Kustomizations and HelmReleases, each
// in structs of their own. Converting them once saves most of a cluster's
// conversion, and the garbage it leaves. Never model.Cluster: its value
// is the cluster's own, clusterInput adds the index to it.
var memoised = map[reflect.Type]bool{
	reflect.TypeFor[model.Object]():        true,
	reflect.TypeFor[model.VarRef]():        true,
	reflect.TypeFor[model.Kustomization](): true,
	reflect.TypeFor[model.HelmRelease]():   true,
	reflect.TypeFor[model.Source]():        true,
	reflect.TypeFor[model.Problem]():       true,
}

// structKey is a struct's type and content hash.
type structKey struct {
	t reflect.Type
	h uint64
}

// structEntry is the first struct converted with a key.
type structEntry struct {
	v   reflect.Value // a pointer to the struct
	t   *ast.Term
	err error
}

// memoStruct converts the struct v points to (a type of memoised), once
// per content: a struct equal to the first one converted with the same
// hash, in every field the conversion reads, has the same value. One that
// only shares the hash is converted on its own.
func (c *converter) memoStruct(v reflect.Value) (*ast.Term, error) {
	h, err := c.hash(v.Elem())
	if err != nil {
		return c.term(v.Elem())
	}
	e, _ := c.memo.structs.Do(structKey{v.Type(), h}, func() structEntry {
		t, err := c.term(v.Elem())
		return structEntry{v: v, t: t, err: err}
	})
	if e.v.Pointer() == v.Pointer() {
		return e.t, e.err
	}
	same, err := c.equal(e.v.Elem(), v.Elem())
	if err == nil && same {
		return e.t, e.err
	}
	return c.term(v.Elem())
}

// hash hashes what term converts of v: the same content (as term reads it)
// gives the same hash.
func (c *converter) hash(v reflect.Value) (uint64, error) {
	switch v.Kind() {
	case reflect.Invalid:
		return 1, nil
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return 2, nil
		}
		if v.Kind() == reflect.Interface {
			val, err := c.plain(v)
			if err != nil {
				return 0, err
			}
			return model.Mix(3, uint64(val.Hash())), nil
		}
		return c.hash(v.Elem())
	case reflect.Struct:
		h := uint64(4)
		for _, f := range structFields(v.Type()) {
			fh, err := c.hash(v.FieldByIndex(f.index))
			if err != nil {
				return 0, err
			}
			h = model.Mix(h, fh)
		}
		return h, nil
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return 5, nil
		}
		h := uint64(6)
		for i := range v.Len() {
			eh, err := c.hash(v.Index(i))
			if err != nil {
				return 0, err
			}
			h = model.Mix(h, eh)
		}
		return model.Mix(h, uint64(v.Len())), nil
	case reflect.Map:
		if v.IsNil() {
			return 7, nil
		}
		if _, ok := v.Interface().(map[string]any); ok {
			val, err := c.plain(v)
			if err != nil {
				return 0, err
			}
			return model.Mix(8, uint64(val.Hash())), nil
		}
		var sum uint64
		for it := v.MapRange(); it.Next(); {
			eh, err := c.hash(it.Value())
			if err != nil {
				return 0, err
			}
			sum += model.Mix(model.HashString(it.Key().String()), eh)
		}
		return model.Mix(model.Mix(9, uint64(v.Len())), sum), nil
	case reflect.String:
		return model.Mix(10, model.HashString(v.String())), nil
	case reflect.Bool:
		if v.Bool() {
			return model.Mix(11, 1), nil
		}
		return model.Mix(11, 0), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return model.Mix(12, uint64(v.Int())), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return model.Mix(13, v.Uint()), nil
	case reflect.Float32, reflect.Float64:
		return model.Mix(14, math.Float64bits(v.Float())), nil
	}
	return 15, nil
}

// equal reports whether a and b, of one type, convert to the same value:
// they are equal in every field term reads, plain values (manifests and
// specs) compared as Rego values.
func (c *converter) equal(a, b reflect.Value) (bool, error) {
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() && b.IsNil(), nil
		}
		if a.Kind() == reflect.Interface {
			return c.samePlain(a, b)
		}
		if a.Pointer() == b.Pointer() {
			return true, nil
		}
		return c.equal(a.Elem(), b.Elem())
	case reflect.Struct:
		for _, f := range structFields(a.Type()) {
			same, err := c.equal(a.FieldByIndex(f.index), b.FieldByIndex(f.index))
			if err != nil || !same {
				return false, err
			}
		}
		return true, nil
	case reflect.Slice, reflect.Array:
		if a.Kind() == reflect.Slice && (a.IsNil() || b.IsNil()) {
			return a.IsNil() && b.IsNil(), nil
		}
		if a.Len() != b.Len() {
			return false, nil
		}
		for i := range a.Len() {
			same, err := c.equal(a.Index(i), b.Index(i))
			if err != nil || !same {
				return false, err
			}
		}
		return true, nil
	case reflect.Map:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() && b.IsNil(), nil
		}
		if _, ok := a.Interface().(map[string]any); ok {
			return c.samePlain(a, b)
		}
		if a.Len() != b.Len() {
			return false, nil
		}
		for it := a.MapRange(); it.Next(); {
			w := b.MapIndex(it.Key())
			if !w.IsValid() {
				return false, nil
			}
			same, err := c.equal(it.Value(), w)
			if err != nil || !same {
				return false, err
			}
		}
		return true, nil
	case reflect.String:
		return a.String() == b.String(), nil
	case reflect.Bool:
		return a.Bool() == b.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return a.Uint() == b.Uint(), nil
	case reflect.Float32, reflect.Float64:
		return a.Float() == b.Float(), nil
	}
	return false, nil
}

// plain is the Rego value of a plain value (a manifest or a spec, in an
// interface or a map[string]any), as term converts it: manifests through
// the memo, so that hashing one costs nothing more than converting it.
func (c *converter) plain(v reflect.Value) (ast.Value, error) {
	t, err := c.term(v)
	if err != nil {
		return nil, err
	}
	return t.Value, nil
}

// samePlain compares two plain values as Rego values (manifests of one
// content mostly share one value: the pointer check settles those).
func (c *converter) samePlain(a, b reflect.Value) (bool, error) {
	va, err := c.plain(a)
	if err != nil {
		return false, err
	}
	vb, err := c.plain(b)
	if err != nil {
		return false, err
	}
	if oa, ok := va.(ast.Object); ok {
		if ob, ok := vb.(ast.Object); ok && oa == ob {
			return true, nil
		}
	}
	return va.Compare(vb) == 0, nil
}
