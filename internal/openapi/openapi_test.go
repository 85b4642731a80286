// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package openapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"testing"

	jsonschema "github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// ---------------------------------------------------------------------------
// Helpers

// testBase is where the tests register schema documents; no loader serves
// it, so a reference that leaves the registered documents fails to compile.
const testBase = "https://x.invalid/"

// m and l shorten hand-written schemas.
type m = map[string]any
type l = []any

// deepCopy copies maps and slices, keeping every other value (and its Go
// type) as it is.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

func copyMap(v map[string]any) map[string]any { return deepCopy(v).(map[string]any) }

// jsonSize is the size of v's JSON encoding.
func jsonSize(t *testing.T, v any) int {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return len(b)
}

// compile compiles root among docs (name -> document) as the validator
// does: draft 4, documents registered under one base URL.
func compile(t *testing.T, docs map[string]any, root string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	for name, d := range docs {
		b, err := json.Marshal(d)
		require.NoError(t, err)
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		require.NoError(t, err)
		require.NoError(t, c.AddResource(testBase+name, v))
	}
	s, err := c.Compile(testBase + root)
	require.NoError(t, err)
	return s
}

// objectMetaStub stands in for the Kubernetes ObjectMeta definition that
// MetadataRef names.
var objectMetaStub = m{
	"type": "object",
	"properties": m{
		"name":      m{"type": "string"},
		"namespace": m{"type": "string"},
		"labels":    m{"type": "object", "additionalProperties": m{"type": "string"}},
	},
	"additionalProperties": false,
}

// compileCR compiles a custom resource schema (as ObjectSchema makes it),
// with MetadataRef resolvable.
func compileCR(t *testing.T, doc map[string]any) *jsonschema.Schema {
	t.Helper()
	return compile(t, map[string]any{
		"crd/a.json":                         doc,
		strings.TrimPrefix(MetadataRef, "/"): objectMetaStub,
	}, "crd/a.json")
}

var printer = message.NewPrinter(language.English)

// outcome is a validation verdict: valid or not, and the errors as
// "instance location: message", sorted. Reference and grouping nodes of
// the error tree (which name schema locations, and so change when a
// subschema moves behind a $ref) are left out.
type outcome struct {
	Valid  bool
	Errors []string
}

func validate(t *testing.T, s *jsonschema.Schema, instance string) outcome {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(instance))
	require.NoError(t, err, "instance %s", instance)
	err = s.Validate(inst)
	if err == nil {
		return outcome{Valid: true}
	}
	var ve *jsonschema.ValidationError
	require.True(t, errors.As(err, &ve), "unexpected error %v", err)
	var out []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		switch e.ErrorKind.(type) {
		case *kind.Reference, *kind.Group, *kind.Schema:
		default:
			out = append(out, "/"+strings.Join(e.InstanceLocation, "/")+": "+e.ErrorKind.LocalizedString(printer))
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	sort.Strings(out)
	return outcome{Errors: out}
}

// refs lists the $ref values in v.
func refs(v any) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, e := range t {
				if s, ok := e.(string); ok && k == "$ref" {
					out = append(out, s)
					continue
				}
				walk(e)
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	walk(v)
	sort.Strings(out)
	return out
}

var sharedName = regexp.MustCompile(`^shared-[0-9a-f]{16}$`)

// sharedDefs returns the definitions share added.
func sharedDefs(doc map[string]any) map[string]any {
	out := map[string]any{}
	defs, _ := doc["definitions"].(map[string]any)
	for k, v := range defs {
		if strings.HasPrefix(k, "shared-") {
			out[k] = v
		}
	}
	return out
}

// expand undoes share: every $ref to a shared definition is replaced by
// (an expanded copy of) the definition, and the shared definitions are
// dropped. expand(share(x)) must be x.
func expand(t *testing.T, doc map[string]any) map[string]any {
	t.Helper()
	defs, _ := doc["definitions"].(map[string]any)
	var walk func(v any, depth int) any
	walk = func(v any, depth int) any {
		require.Less(t, depth, 200, "reference cycle?")
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				if name, ok := strings.CutPrefix(ref, "#/definitions/"); ok && strings.HasPrefix(name, "shared-") {
					assert.Len(t, x, 1, "a $ref to a shared definition stands alone")
					def, ok := defs[name].(map[string]any)
					require.True(t, ok, "dangling reference %s", ref)
					return walk(def, depth+1)
				}
			}
			out := make(map[string]any, len(x))
			for k, e := range x {
				out[k] = walk(e, depth+1)
			}
			return out
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = walk(e, depth+1)
			}
			return out
		}
		return v
	}
	out := walk(doc, 0).(map[string]any)
	if d, ok := out["definitions"].(map[string]any); ok {
		for k := range d {
			if strings.HasPrefix(k, "shared-") {
				delete(d, k)
			}
		}
		if len(d) == 0 {
			delete(out, "definitions")
		}
	}
	return out
}

// checkShared checks the invariants of a shared document: shared
// definitions are well named, each is referenced, each reference to one
// resolves, and expanding the references gives back the original.
func checkShared(t *testing.T, original, shared map[string]any) {
	t.Helper()
	defs := sharedDefs(shared)
	used := map[string]int{}
	for _, r := range refs(shared) {
		if name, ok := strings.CutPrefix(r, "#/definitions/"); ok && strings.HasPrefix(name, "shared-") {
			assert.Contains(t, defs, name, "dangling reference %s", r)
			used[name]++
		}
	}
	for name := range defs {
		assert.Regexp(t, sharedName, name)
		assert.NotZero(t, used[name], "shared definition %s is not referenced", name)
	}
	expanded := expand(t, m{"definitions": shared["definitions"], "x": m{"properties": defs}})["x"].(map[string]any)["properties"].(map[string]any)
	for name, d := range expanded {
		assert.GreaterOrEqual(t, occurrences(original, d), 2, "shared definition %s does not repeat in the original", name)
		assert.GreaterOrEqual(t, jsonSize(t, d), shareThreshold/2, "shared definition %s is small", name)
	}
	assert.Equal(t, original, expand(t, shared), "expanding the shared references gives back the document")
}

// occurrences counts the maps in doc equal to x.
func occurrences(doc any, x any) int {
	n := 0
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			if assert.ObjectsAreEqual(x, t) {
				n++
			}
			for _, e := range t {
				walk(e)
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	walk(doc)
	return n
}

// ---------------------------------------------------------------------------
// Strict

func TestStrict(t *testing.T) {
	intOrString := l{m{"type": "string"}, m{"type": "integer"}}
	tests := []struct {
		name string
		in   map[string]any
		want map[string]any
	}{
		{
			name: "object with properties is closed",
			in:   m{"type": "object", "properties": m{"a": m{"type": "string"}}},
			want: m{"type": "object", "properties": m{"a": m{"type": "string"}}, "additionalProperties": false},
		},
		{
			name: "properties without a type are closed too",
			in:   m{"properties": m{"a": m{"type": "string"}}},
			want: m{"properties": m{"a": m{"type": "string"}}, "additionalProperties": false},
		},
		{
			name: "empty properties close the object",
			in:   m{"type": "object", "properties": m{}},
			want: m{"type": "object", "properties": m{}, "additionalProperties": false},
		},
		{
			name: "object without properties stays open",
			in:   m{"type": "object"},
			want: m{"type": "object"},
		},
		{
			name: "preserve-unknown-fields keeps the object open",
			in:   m{"type": "object", "x-kubernetes-preserve-unknown-fields": true, "properties": m{"a": m{"type": "string"}}},
			want: m{"type": "object", "properties": m{"a": m{"type": "string"}}},
		},
		{
			name: "preserve-unknown-fields false closes the object",
			in:   m{"type": "object", "x-kubernetes-preserve-unknown-fields": false, "properties": m{"a": m{"type": "string"}}},
			want: m{"type": "object", "properties": m{"a": m{"type": "string"}}, "additionalProperties": false},
		},
		{
			name: "additionalProperties schema is kept and converted",
			in: m{"type": "object", "properties": m{"a": m{"type": "string"}},
				"additionalProperties": m{"type": "string", "description": "value"}},
			want: m{"type": "object", "properties": m{"a": m{"type": "string"}},
				"additionalProperties": m{"type": "string"}},
		},
		{
			name: "additionalProperties true is kept",
			in:   m{"type": "object", "properties": m{"a": m{"type": "string"}}, "additionalProperties": true},
			want: m{"type": "object", "properties": m{"a": m{"type": "string"}}, "additionalProperties": true},
		},
		{
			name: "map of objects: the value schema is closed",
			in: m{"type": "object", "additionalProperties": m{"type": "object",
				"properties": m{"x": m{"type": "integer"}}}},
			want: m{"type": "object", "additionalProperties": m{"type": "object",
				"properties": m{"x": m{"type": "integer"}}, "additionalProperties": false}},
		},
		{
			name: "x-kubernetes-int-or-string admits integer or string",
			in:   m{"x-kubernetes-int-or-string": true},
			want: m{"oneOf": intOrString},
		},
		{
			name: "x-kubernetes-int-or-string drops a single type",
			in:   m{"type": "string", "x-kubernetes-int-or-string": true, "pattern": "^[0-9]+%?$"},
			want: m{"oneOf": intOrString, "pattern": "^[0-9]+%?$"},
		},
		{
			name: "x-kubernetes-int-or-string keeps the CRD's anyOf",
			in: m{"x-kubernetes-int-or-string": true, "type": "string",
				"anyOf": l{m{"type": "integer"}, m{"type": "string", "description": "percent"}}},
			want: m{"anyOf": l{m{"type": "integer"}, m{"type": "string"}}},
		},
		{
			name: "format int-or-string admits integer or string",
			in:   m{"type": "string", "format": "int-or-string"},
			want: m{"oneOf": intOrString},
		},
		{
			name: "x-kubernetes-int-or-string false changes nothing",
			in:   m{"type": "string", "x-kubernetes-int-or-string": false},
			want: m{"type": "string"},
		},
		{
			name: "other formats are kept",
			in:   m{"type": "string", "format": "date-time"},
			want: m{"type": "string", "format": "date-time"},
		},
		{
			name: "annotations are dropped, assertions kept",
			in: m{
				"type": "string", "description": "d", "default": "x", "example": "y",
				"externalDocs": m{"url": "https://example.com"}, "nullable": true, "title": "T",
				"x-kubernetes-validations": l{m{"rule": "self.size() > 0"}},
				"x-kubernetes-list-type":   "atomic", "x-custom": 1,
				"enum": l{"x", "y"}, "pattern": "^[xy]$", "minLength": 1, "maxLength": 3,
			},
			want: m{"type": "string", "enum": l{"x", "y"}, "pattern": "^[xy]$", "minLength": 1, "maxLength": 3},
		},
		{
			name: "required, numbers and arrays keywords are kept",
			in: m{"type": "object", "required": l{"a"}, "minProperties": 1,
				"properties": m{"a": m{"type": "integer", "minimum": 1, "maximum": 9, "format": "int32"},
					"b": m{"type": "array", "minItems": 1, "uniqueItems": true, "items": m{"type": "string"}}}},
			want: m{"type": "object", "required": l{"a"}, "minProperties": 1, "additionalProperties": false,
				"properties": m{"a": m{"type": "integer", "minimum": 1, "maximum": 9, "format": "int32"},
					"b": m{"type": "array", "minItems": 1, "uniqueItems": true, "items": m{"type": "string"}}}},
		},
		{
			name: "nested properties are converted",
			in: m{"type": "object", "description": "root", "properties": m{
				"spec": m{"type": "object", "description": "spec", "properties": m{
					"inner": m{"type": "object", "x-kubernetes-map-type": "atomic", "properties": m{
						"port": m{"x-kubernetes-int-or-string": true, "description": "port"},
					}},
				}},
			}},
			want: m{"type": "object", "additionalProperties": false, "properties": m{
				"spec": m{"type": "object", "additionalProperties": false, "properties": m{
					"inner": m{"type": "object", "additionalProperties": false, "properties": m{
						"port": m{"oneOf": intOrString},
					}},
				}},
			}},
		},
		{
			name: "items are converted",
			in: m{"type": "array", "items": m{"type": "object", "description": "item",
				"properties": m{"name": m{"type": "string", "default": "x"}}}},
			want: m{"type": "array", "items": m{"type": "object", "additionalProperties": false,
				"properties": m{"name": m{"type": "string"}}}},
		},
		{
			name: "tuple items and additionalItems are converted",
			in: m{"type": "array",
				"items":           l{m{"type": "string", "title": "first"}, m{"properties": m{"a": m{"type": "string"}}}},
				"additionalItems": m{"properties": m{"b": m{"type": "string"}}}},
			want: m{"type": "array",
				"items":           l{m{"type": "string"}, m{"properties": m{"a": m{"type": "string"}}, "additionalProperties": false}},
				"additionalItems": m{"properties": m{"b": m{"type": "string"}}, "additionalProperties": false}},
		},
		{
			name: "allOf, anyOf, oneOf and not are converted",
			in: m{
				"allOf": l{m{"properties": m{"a": m{"type": "string"}}, "description": "x"}},
				"anyOf": l{m{"required": l{"a"}}, m{"properties": m{"b": m{"type": "string", "x-kubernetes-int-or-string": true}}}},
				"oneOf": l{m{"properties": m{"c": m{"type": "string"}}}},
				"not":   m{"properties": m{"d": m{"type": "string"}}, "nullable": true},
			},
			want: m{
				"allOf": l{m{"properties": m{"a": m{"type": "string"}}, "additionalProperties": false}},
				"anyOf": l{m{"required": l{"a"}}, m{"properties": m{"b": m{"oneOf": intOrString}}, "additionalProperties": false}},
				"oneOf": l{m{"properties": m{"c": m{"type": "string"}}, "additionalProperties": false}},
				"not":   m{"properties": m{"d": m{"type": "string"}}, "additionalProperties": false},
			},
		},
		{
			name: "patternProperties and definitions are converted",
			in: m{
				"patternProperties": m{"^x-": m{"properties": m{"a": m{"type": "string"}}, "description": "x"}},
				"definitions":       m{"D": m{"properties": m{"b": m{"type": "string"}}, "title": "D"}},
			},
			want: m{
				"patternProperties": m{"^x-": m{"properties": m{"a": m{"type": "string"}}, "additionalProperties": false}},
				"definitions":       m{"D": m{"properties": m{"b": m{"type": "string"}}, "additionalProperties": false}},
			},
		},
		{
			name: "$ref is kept",
			in:   m{"$ref": "#/definitions/io.k8s.api.core.v1.PodSpec", "description": "spec"},
			want: m{"$ref": "#/definitions/io.k8s.api.core.v1.PodSpec"},
		},
		{
			name: "embedded resource may carry apiVersion, kind and metadata",
			in: m{"type": "object", "x-kubernetes-embedded-resource": true,
				"properties": m{"spec": m{"type": "object"}}},
			want: m{"type": "object", "additionalProperties": false, "properties": m{
				"spec":       m{"type": "object"},
				"apiVersion": m{"type": "string"},
				"kind":       m{"type": "string"},
				"metadata":   m{"type": "object"},
			}},
		},
		{
			name: "embedded resource keeps its own apiVersion, kind and metadata",
			in: m{"type": "object", "x-kubernetes-embedded-resource": true, "properties": m{
				"apiVersion": m{"type": "string", "enum": l{"v1"}},
				"kind":       m{"type": "string", "enum": l{"Pod"}},
				"metadata":   m{"type": "object", "properties": m{"name": m{"type": "string"}}},
			}},
			want: m{"type": "object", "additionalProperties": false, "properties": m{
				"apiVersion": m{"type": "string", "enum": l{"v1"}},
				"kind":       m{"type": "string", "enum": l{"Pod"}},
				"metadata":   m{"type": "object", "properties": m{"name": m{"type": "string"}}, "additionalProperties": false},
			}},
		},
		{
			name: "open embedded resource stays open",
			in: m{"type": "object", "x-kubernetes-embedded-resource": true,
				"x-kubernetes-preserve-unknown-fields": true},
			want: m{"type": "object"},
		},
		{
			name: "non-schema property values are kept",
			in:   m{"properties": m{"a": true}},
			want: m{"properties": m{"a": true}, "additionalProperties": false},
		},
		{
			name: "empty schema",
			in:   m{},
			want: m{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := copyMap(tt.in)
			got := Strict(tt.in)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, before, tt.in, "Strict modified its input")
		})
	}
}

// TestStrictDoesNotAliasInput: changing Strict's output (as share and
// ObjectSchema do) leaves the input alone.
func TestStrictDoesNotAliasInput(t *testing.T) {
	in := m{"type": "object", "x-kubernetes-embedded-resource": true, "properties": m{
		"spec": m{"type": "object", "properties": m{"a": m{"type": "string"}}},
		"list": m{"type": "array", "items": m{"properties": m{"b": m{"type": "string"}}}},
		"alt":  m{"anyOf": l{m{"properties": m{"c": m{"type": "string"}}}}},
		"map":  m{"additionalProperties": m{"properties": m{"d": m{"type": "string"}}}},
	}}
	before := copyMap(in)
	out := Strict(in)
	var scribble func(v any)
	scribble = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				scribble(e)
				if _, ok := e.(map[string]any); ok {
					continue
				}
				if _, ok := e.([]any); ok {
					continue
				}
				x[k] = "scribbled"
			}
			x["scribbled"] = true
		case []any:
			for i, e := range x {
				scribble(e)
				x[i] = m{"scribbled": true}
			}
		}
	}
	scribble(out)
	assert.Equal(t, before, in)
}

// TestStrictValidation checks the converted schemas with the validator
// kubeconform uses.
func TestStrictValidation(t *testing.T) {
	raw := m{"type": "object", "properties": m{
		"port":     m{"x-kubernetes-int-or-string": true},
		"percent":  m{"type": "string", "format": "int-or-string"},
		"crdStyle": m{"x-kubernetes-int-or-string": true, "anyOf": l{m{"type": "integer"}, m{"type": "string"}}},
		"closed":   m{"type": "object", "properties": m{"a": m{"type": "string"}}},
		"open":     m{"type": "object", "x-kubernetes-preserve-unknown-fields": true, "properties": m{"a": m{"type": "string"}}},
		"labels":   m{"type": "object", "additionalProperties": m{"type": "string"}},
		"list":     m{"type": "array", "items": m{"type": "object", "properties": m{"n": m{"type": "integer"}}}},
	}}
	s := compile(t, map[string]any{"a.json": Strict(raw)}, "a.json")
	tests := []struct {
		instance string
		valid    bool
		at       string // an error's instance location when invalid
	}{
		{`{}`, true, ""},
		{`{"port": 8080}`, true, ""},
		{`{"port": "http"}`, true, ""},
		{`{"port": true}`, false, "/port"},
		{`{"port": 1.5}`, false, "/port"},
		{`{"percent": 25}`, true, ""},
		{`{"percent": "25%"}`, true, ""},
		{`{"percent": null}`, false, "/percent"},
		{`{"crdStyle": 1}`, true, ""},
		{`{"crdStyle": "1"}`, true, ""},
		{`{"crdStyle": []}`, false, "/crdStyle"},
		{`{"closed": {"a": "x"}}`, true, ""},
		{`{"closed": {"a": "x", "b": "y"}}`, false, "/closed"},
		{`{"open": {"a": "x", "b": "y"}}`, true, ""},
		{`{"open": {"a": 1}}`, false, "/open/a"},
		{`{"labels": {"x": "y"}}`, true, ""},
		{`{"labels": {"x": 1}}`, false, "/labels/x"},
		{`{"list": [{"n": 1}, {"n": 2}]}`, true, ""},
		{`{"list": [{"n": 1}, {"m": 2}]}`, false, "/list/1"},
		{`{"unknown": 1}`, false, "/"},
	}
	for _, tt := range tests {
		t.Run(tt.instance, func(t *testing.T) {
			got := validate(t, s, tt.instance)
			assert.Equal(t, tt.valid, got.Valid, "%v", got.Errors)
			if !tt.valid {
				var locs []string
				for _, e := range got.Errors {
					locs = append(locs, strings.SplitN(e, ": ", 2)[0])
				}
				assert.Contains(t, locs, tt.at)
			}
		})
	}
}

// ---------------------------------------------------------------------------
// ParseCRD

func crdObject() map[string]any {
	schema := func(extra string) m {
		return m{"openAPIV3Schema": m{
			"type":        "object",
			"description": "Widget is a test resource.",
			"properties": m{
				"apiVersion": m{"type": "string"},
				"kind":       m{"type": "string"},
				"metadata":   m{"type": "object"},
				"spec": m{"type": "object", "required": l{"size"}, "properties": m{
					"size":  m{"type": "integer", "minimum": 1},
					"color": m{"type": "string", "enum": l{"red", "blue"}},
					extra:   m{"type": "string"},
				}},
				"status": m{"type": "object", "x-kubernetes-preserve-unknown-fields": true},
			},
		}}
	}
	return m{
		"apiVersion": "apiextensions.k8s.io/v1",
		"kind":       "CustomResourceDefinition",
		"metadata":   m{"name": "widgets.example.com"},
		"spec": m{
			"group": "example.com",
			"names": m{"kind": "Widget", "plural": "widgets", "singular": "widget", "listKind": "WidgetList"},
			"scope": "Namespaced",
			"versions": l{
				m{"name": "v1alpha1", "served": false, "storage": false, "schema": schema("legacy")},
				m{"name": "v1beta1", "served": true, "storage": false, "deprecated": true,
					"deprecationWarning": "example.com/v1beta1 Widget is deprecated; use example.com/v1",
					"schema":             schema("beta")},
				m{"name": "v1", "served": true, "storage": true, "schema": schema("stable")},
				m{"name": "v2alpha1", "served": true, "storage": false},
				m{"served": true}, // no name: ignored
			},
		},
	}
}

func TestParseCRD(t *testing.T) {
	obj := crdObject()
	before := copyMap(obj)
	crd, schemas, err := ParseCRD(obj)
	require.NoError(t, err)
	assert.Equal(t, before, obj, "ParseCRD modified its input")

	assert.Equal(t, "example.com", crd.Group)
	assert.Equal(t, "Widget", crd.Kind)
	require.Len(t, crd.Versions, 4)
	type ver struct {
		Name                        string
		Served, Storage, Deprecated bool
		Warning                     string
		HasSchema                   bool
	}
	var got []ver
	for _, v := range crd.Versions {
		got = append(got, ver{v.Name, v.Served, v.Storage, v.Deprecated, v.Warning, v.Schema != ""})
	}
	assert.Equal(t, []ver{
		{"v1alpha1", false, false, false, "", true},
		{"v1beta1", true, false, true, "example.com/v1beta1 Widget is deprecated; use example.com/v1", true},
		{"v1", true, true, false, "", true},
		{"v2alpha1", true, false, false, "", false},
	}, got)

	assert.Equal(t, "v1", crd.StorageVersion())
	require.NotNil(t, crd.Version("v1beta1"))
	assert.True(t, crd.Version("v1beta1").Deprecated)
	assert.Nil(t, crd.Version("v3"))
	assert.Nil(t, crd.Version(""))
	assert.Same(t, &crd.Versions[2], crd.Version("v1"), "Version points into Versions")

	// One schema per version that has one, keyed by its digest.
	assert.Len(t, schemas, 3)
	assert.Empty(t, crd.Version("v2alpha1").Schema)
	seen := map[string]bool{}
	for _, v := range crd.Versions {
		if v.Schema == "" {
			continue
		}
		assert.False(t, seen[v.Schema], "versions' schemas differ (apiVersion is pinned)")
		seen[v.Schema] = true
		b, ok := schemas[v.Schema]
		require.True(t, ok, "schema %s of %s", v.Schema, v.Name)
		sum := sha256.Sum256(b)
		assert.Equal(t, hex.EncodeToString(sum[:8]), v.Schema, "the key is the digest of the bytes")

		var doc map[string]any
		require.NoError(t, json.Unmarshal(b, &doc))
		d, _, err := Digest(doc)
		require.NoError(t, err)
		assert.Equal(t, v.Schema, d, "the bytes are the canonical encoding")

		props := doc["properties"].(map[string]any)
		assert.Equal(t, m{"type": "string", "enum": l{"example.com/" + v.Name}}, props["apiVersion"])
		assert.Equal(t, m{"type": "string", "enum": l{"Widget"}}, props["kind"])
		assert.Equal(t, m{"$ref": MetadataRef}, props["metadata"])
		assert.Equal(t, false, doc["additionalProperties"])
		assert.NotContains(t, doc, "description")
		spec := props["spec"].(map[string]any)
		assert.Equal(t, false, spec["additionalProperties"])
	}

	// The v1 schema validates as the API server would.
	var v1 map[string]any
	require.NoError(t, json.Unmarshal(schemas[crd.Version("v1").Schema], &v1))
	s := compileCR(t, v1)
	tests := []struct {
		instance string
		valid    bool
	}{
		{`{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"size": 1, "stable": "x"}}`, true},
		{`{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"size": 1}, "status": {"any": "thing"}}`, true},
		{`{"apiVersion": "example.com/v1beta1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"size": 1}}`, false},
		{`{"apiVersion": "example.com/v1", "kind": "Gadget", "metadata": {"name": "w"}, "spec": {"size": 1}}`, false},
		{`{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": 1}, "spec": {"size": 1}}`, false},
		{`{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"nmae": "w"}, "spec": {"size": 1}}`, false},
		{`{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"size": 1, "beta": "x"}}`, false},
		{`{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {}}`, false},
		{`{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"size": 0}}`, false},
		{`{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"size": 1}, "extra": 1}`, false},
	}
	for _, tt := range tests {
		got := validate(t, s, tt.instance)
		assert.Equal(t, tt.valid, got.Valid, "%s: %v", tt.instance, got.Errors)
	}
}

func TestParseCRDDeterministic(t *testing.T) {
	crd, schemas, err := ParseCRD(crdObject())
	require.NoError(t, err)
	for range 10 {
		crd2, schemas2, err := ParseCRD(crdObject())
		require.NoError(t, err)
		assert.Equal(t, crd, crd2)
		assert.Equal(t, schemas, schemas2)
	}
}

func TestParseCRDSchemaOptions(t *testing.T) {
	crd := func(schema map[string]any) map[string]any {
		return m{"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
			"spec": m{"group": "example.com", "scope": "Cluster", "names": m{"kind": "Thing"},
				"versions": l{m{"name": "v1", "served": true, "storage": true,
					"schema": m{"openAPIV3Schema": schema}}}}}
	}
	parse := func(t *testing.T, schema map[string]any) map[string]any {
		t.Helper()
		c, schemas, err := ParseCRD(crd(schema))
		require.NoError(t, err)
		var doc map[string]any
		require.NoError(t, json.Unmarshal(schemas[c.Versions[0].Schema], &doc))
		return doc
	}
	t.Run("no properties: closed, typed object", func(t *testing.T) {
		doc := parse(t, m{"description": "no properties"})
		assert.Equal(t, "object", doc["type"])
		assert.Equal(t, false, doc["additionalProperties"])
		assert.Len(t, doc["properties"], 3)
		s := compileCR(t, doc)
		assert.True(t, validate(t, s, `{"apiVersion": "example.com/v1", "kind": "Thing"}`).Valid)
		assert.False(t, validate(t, s, `{"apiVersion": "example.com/v1", "kind": "Thing", "spec": {}}`).Valid)
	})
	t.Run("preserve unknown fields at the root: open", func(t *testing.T) {
		doc := parse(t, m{"type": "object", "x-kubernetes-preserve-unknown-fields": true})
		assert.NotContains(t, doc, "additionalProperties")
		s := compileCR(t, doc)
		assert.True(t, validate(t, s, `{"apiVersion": "example.com/v1", "kind": "Thing", "spec": {"a": 1}}`).Valid)
		assert.False(t, validate(t, s, `{"apiVersion": "example.com/v2", "kind": "Thing"}`).Valid)
	})
}

func TestParseCRDErrors(t *testing.T) {
	valid := func() map[string]any { return crdObject() }
	tests := []struct {
		name   string
		mutate func(map[string]any)
		want   []string // substrings of the error
	}{
		{"v1beta1", func(o map[string]any) { o["apiVersion"] = "apiextensions.k8s.io/v1beta1" },
			[]string{"apiextensions.k8s.io/v1", `"apiextensions.k8s.io/v1beta1"`}},
		{"no apiVersion", func(o map[string]any) { delete(o, "apiVersion") },
			[]string{"apiextensions.k8s.io/v1", `""`}},
		{"no spec", func(o map[string]any) { delete(o, "spec") },
			[]string{"spec.group", "spec.names.kind"}},
		{"no group", func(o map[string]any) { delete(o["spec"].(map[string]any), "group") },
			[]string{"spec.group"}},
		{"no kind", func(o map[string]any) { delete(o["spec"].(map[string]any)["names"].(map[string]any), "kind") },
			[]string{"spec.names.kind"}},
		{"no versions", func(o map[string]any) { delete(o["spec"].(map[string]any), "versions") },
			[]string{"no versions", "Widget", "example.com"}},
		{"empty versions", func(o map[string]any) { o["spec"].(map[string]any)["versions"] = l{} },
			[]string{"no versions", "Widget.example.com"}},
		{"only nameless versions", func(o map[string]any) { o["spec"].(map[string]any)["versions"] = l{m{"served": true}, "junk"} },
			[]string{"no versions"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := valid()
			tt.mutate(o)
			crd, schemas, err := ParseCRD(o)
			require.Error(t, err)
			assert.Nil(t, crd)
			assert.Nil(t, schemas)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestStorageVersion(t *testing.T) {
	tests := []struct {
		name     string
		versions []CRDVersion
		want     string
	}{
		{"marked", []CRDVersion{{Name: "v1", Served: true}, {Name: "v2", Served: true, Storage: true}, {Name: "v3", Served: true}}, "v2"},
		{"marked but not served", []CRDVersion{{Name: "v1", Served: true}, {Name: "v2", Storage: true}}, "v2"},
		{"unmarked: newest served", []CRDVersion{{Name: "v1", Served: true}, {Name: "v2", Served: true}, {Name: "v3"}}, "v2"},
		{"none served", []CRDVersion{{Name: "v1"}, {Name: "v2"}}, ""},
		{"no versions", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &CRD{Group: "g", Kind: "K", Versions: tt.versions}
			assert.Equal(t, tt.want, c.StorageVersion())
		})
	}
}

func TestKindAPIVersion(t *testing.T) {
	assert.Equal(t, "v1", Kind{Version: "v1", Kind: "Pod"}.APIVersion())
	assert.Equal(t, "apps/v1", Kind{Group: "apps", Version: "v1", Kind: "Deployment"}.APIVersion())
}

// ---------------------------------------------------------------------------
// Kubernetes

const swagger = `{
  "swagger": "2.0",
  "info": {"title": "Kubernetes", "version": "v1.99.0"},
  "paths": {},
  "definitions": {
    "io.k8s.api.apps.v1.Deployment": {
      "description": "Deployment enables declarative updates for Pods and ReplicaSets.",
      "type": "object",
      "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"$ref": "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "description": "Standard object metadata."},
        "spec": {"$ref": "#/definitions/io.k8s.api.apps.v1.DeploymentSpec"}
      },
      "x-kubernetes-group-version-kind": [{"group": "apps", "kind": "Deployment", "version": "v1"}]
    },
    "io.k8s.api.apps.v1.DeploymentSpec": {
      "type": "object",
      "required": ["selector"],
      "properties": {
        "replicas": {"type": "integer", "format": "int32"},
        "selector": {"type": "object", "properties": {"matchLabels": {"type": "object", "additionalProperties": {"type": "string"}}}},
        "maxSurge": {"$ref": "#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString"},
        "resources": {"type": "object", "additionalProperties": {"$ref": "#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity"}},
        "containers": {"type": "array", "items": {"$ref": "#/definitions/io.k8s.api.core.v1.Container"}}
      }
    },
    "io.k8s.api.core.v1.Container": {
      "type": "object",
      "required": ["name"],
      "properties": {"name": {"type": "string"}, "image": {"type": "string"}}
    },
    "io.k8s.api.apps.v1.DaemonSet": {
      "type": "object",
      "x-kubernetes-group-version-kind": [{"group": "apps", "kind": "DaemonSet", "version": "v1"}]
    },
    "io.k8s.api.apps.v1beta2.Deployment": {
      "type": "object",
      "x-kubernetes-group-version-kind": [{"group": "apps", "kind": "Deployment", "version": "v1beta2"}]
    },
    "io.k8s.api.batch.v1.CronJob": {
      "type": "object",
      "x-kubernetes-group-version-kind": [{"group": "batch", "kind": "CronJob", "version": "v1"}]
    },
    "io.k8s.api.core.v1.ConfigMap": {
      "type": "object",
      "properties": {"data": {"type": "object", "additionalProperties": {"type": "string"}}},
      "x-kubernetes-group-version-kind": [{"group": "", "kind": "ConfigMap", "version": "v1"}]
    },
    "io.k8s.api.core.v1.Broken": {
      "type": "object",
      "x-kubernetes-group-version-kind": [{"group": "", "kind": "Broken"}]
    },
    "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions": {
      "type": "object",
      "properties": {"dryRun": {"type": "array", "items": {"type": "string"}}},
      "x-kubernetes-group-version-kind": [
        {"group": "", "kind": "DeleteOptions", "version": "v1"},
        {"group": "apps", "kind": "DeleteOptions", "version": "v1"}
      ]
    },
    "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": {
      "type": "object",
      "properties": {
        "name": {"type": "string"},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}}
      }
    },
    "io.k8s.apimachinery.pkg.api.resource.Quantity": {
      "description": "Quantity is a fixed-point representation of a number.",
      "type": "string"
    },
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {
      "description": "IntOrString is a type that can hold an int32 or a string.",
      "type": "string",
      "format": "int-or-string"
    }
  }
}`

func TestKubernetes(t *testing.T) {
	defs, kinds, err := Kubernetes([]byte(swagger))
	require.NoError(t, err)

	// Kinds: definitions with exactly one complete GVK, sorted by group,
	// kind, version.
	assert.Equal(t, []Kind{
		{Group: "", Version: "v1", Kind: "ConfigMap", Ref: "io.k8s.api.core.v1.ConfigMap"},
		{Group: "apps", Version: "v1", Kind: "DaemonSet", Ref: "io.k8s.api.apps.v1.DaemonSet"},
		{Group: "apps", Version: "v1", Kind: "Deployment", Ref: "io.k8s.api.apps.v1.Deployment"},
		{Group: "apps", Version: "v1beta2", Kind: "Deployment", Ref: "io.k8s.api.apps.v1beta2.Deployment"},
		{Group: "batch", Version: "v1", Kind: "CronJob", Ref: "io.k8s.api.batch.v1.CronJob"},
	}, kinds)

	// Every definition is converted, even those that are not kinds.
	assert.Len(t, defs, 12)
	for _, name := range []string{"io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions", "io.k8s.api.core.v1.Broken", "io.k8s.api.core.v1.Container"} {
		assert.Contains(t, defs, name)
	}

	// References are relative, and only references remain where there
	// were references.
	for name, d := range defs {
		for _, r := range refs(d) {
			assert.NotContains(t, r, "#", "%s: %s", name, r)
			assert.Contains(t, defs, r, "%s refers to a definition that exists", name)
		}
	}
	dep := defs["io.k8s.api.apps.v1.Deployment"].(map[string]any)
	assert.Equal(t, m{
		"type": "object",
		"properties": m{
			"apiVersion": m{"type": "string"},
			"kind":       m{"type": "string"},
			"metadata":   m{"$ref": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"},
			"spec":       m{"$ref": "io.k8s.api.apps.v1.DeploymentSpec"},
		},
		"additionalProperties": false,
	}, dep, "strict, relative, annotations dropped")
	spec := defs["io.k8s.api.apps.v1.DeploymentSpec"].(map[string]any)
	assert.Equal(t, m{"$ref": "io.k8s.api.core.v1.Container"}, spec["properties"].(map[string]any)["containers"].(map[string]any)["items"])

	assert.Equal(t, m{"oneOf": l{m{"type": "string"}, m{"type": "number"}}}, defs["io.k8s.apimachinery.pkg.api.resource.Quantity"])
	assert.Equal(t, m{"oneOf": l{m{"type": "string"}, m{"type": "integer"}}}, defs["io.k8s.apimachinery.pkg.util.intstr.IntOrString"])

	// The documents, served side by side, validate.
	docs := map[string]any{}
	for name, d := range defs {
		docs["k8s/"+name] = d
	}
	s := compile(t, docs, "k8s/io.k8s.api.apps.v1.Deployment")
	tests := []struct {
		instance string
		valid    bool
	}{
		{`{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "labels": {"a": "b"}},
		   "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "x"}}, "maxSurge": "25%",
		            "resources": {"cpu": 1, "memory": "1Gi", "ratio": 0.5}, "containers": [{"name": "c", "image": "i"}]}}`, true},
		{`{"spec": {"selector": {}, "maxSurge": 1}}`, true},
		{`{"spec": {"selector": {}, "maxSurge": true}}`, false},
		{`{"spec": {"selector": {}, "resources": {"cpu": true}}}`, false},
		{`{"spec": {"selector": {}, "resources": {"cpu": {"value": 1}}}}`, false},
		{`{"spec": {"selector": {}, "replicas": "2"}}`, false},
		{`{"spec": {"replicas": 2}}`, false},
		{`{"spec": {"selector": {}, "containers": [{"image": "i"}]}}`, false},
		{`{"spec": {"selector": {}, "containers": [{"name": "c", "imagePullPolicy": "Always"}]}}`, false},
		{`{"metadata": {"name": "d", "annotations": {}}}`, false},
		{`{"status": {}}`, false},
	}
	for _, tt := range tests {
		got := validate(t, s, tt.instance)
		assert.Equal(t, tt.valid, got.Valid, "%s: %v", tt.instance, got.Errors)
	}
}

func TestKubernetesErrors(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"invalid JSON", `{"definitions": `, "reading swagger.json"},
		{"not an object", `[]`, "reading swagger.json"},
		{"no definitions", `{"swagger": "2.0"}`, "no definitions"},
		{"empty definitions", `{"definitions": {}}`, "no definitions"},
		{"empty document", ``, "reading swagger.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defs, kinds, err := Kubernetes([]byte(tt.doc))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Nil(t, defs)
			assert.Nil(t, kinds)
		})
	}
}

// ---------------------------------------------------------------------------
// share

// big is a subschema of well over shareThreshold bytes; tag makes
// different ones.
func big(tag string) map[string]any {
	return m{
		"type":     "object",
		"required": l{"name"},
		"properties": m{
			"name":      m{"type": "string", "minLength": 1, "maxLength": 253, "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"},
			"namespace": m{"type": "string", "maxLength": 63},
			"kind":      m{"type": "string", "enum": l{"ConfigMap", "Secret", "Service", tag}},
			"optional":  m{"type": "boolean"},
		},
		"additionalProperties": false,
	}
}

func TestShareRepeated(t *testing.T) {
	small := func() map[string]any { return m{"type": "string", "maxLength": 63} }
	doc := m{
		"type": "object",
		"properties": m{
			"a":     big("X"),
			"list":  m{"type": "array", "items": big("X")},
			"map":   m{"type": "object", "additionalProperties": big("X")},
			"alt":   m{"anyOf": l{m{"type": "string"}, big("X")}},
			"neg":   m{"not": big("X")},
			"tuple": m{"type": "array", "items": l{big("X"), m{"type": "integer"}}},
			"once":  big("Y"),
			"s1":    small(),
			"s2":    small(),
			"s3":    small(),
		},
		"definitions":          m{"existing": m{"type": "integer"}},
		"additionalProperties": false,
	}
	require.GreaterOrEqual(t, jsonSize(t, big("X")), shareThreshold+50, "big is big")
	require.Less(t, jsonSize(t, small()), shareThreshold/4, "small is small")

	original := copyMap(doc)
	share(doc)
	checkShared(t, original, doc)

	defs := sharedDefs(doc)
	require.Len(t, defs, 1, "one definition for the repeated subschema")
	var name string
	for k, v := range defs {
		name = k
		assert.Equal(t, big("X"), v)
	}
	ref := m{"$ref": "#/definitions/" + name}
	props := doc["properties"].(map[string]any)
	assert.Equal(t, ref, props["a"])
	assert.Equal(t, ref, props["list"].(map[string]any)["items"])
	assert.Equal(t, ref, props["map"].(map[string]any)["additionalProperties"])
	assert.Equal(t, l{m{"type": "string"}, ref}, props["alt"].(map[string]any)["anyOf"])
	assert.Equal(t, ref, props["neg"].(map[string]any)["not"])
	assert.Equal(t, l{ref, m{"type": "integer"}}, props["tuple"].(map[string]any)["items"])
	assert.Equal(t, big("Y"), props["once"], "a subschema that occurs once stays inline")
	for _, s := range []string{"s1", "s2", "s3"} {
		assert.Equal(t, small(), props[s], "a small repeated subschema stays inline")
	}
	assert.Equal(t, m{"type": "integer"}, doc["definitions"].(map[string]any)["existing"], "existing definitions are kept")
	assert.Equal(t, "object", doc["type"], "the root is never replaced")
}

func TestShareNothingToShare(t *testing.T) {
	tests := map[string]map[string]any{
		"empty":         {},
		"distinct":      {"properties": m{"a": big("A"), "b": big("B"), "c": big("C")}},
		"small repeats": {"properties": m{"a": m{"type": "string"}, "b": m{"type": "string"}}, "items": m{"type": "string"}},
		"root only":     big("X"),
	}
	for name, doc := range tests {
		t.Run(name, func(t *testing.T) {
			original := copyMap(doc)
			share(doc)
			assert.Equal(t, original, doc)
			assert.NotContains(t, doc, "definitions")
		})
	}
}

// TestShareThreshold: the same repeated subschema is shared or not by its
// size alone.
func TestShareThreshold(t *testing.T) {
	padded := func(n int) map[string]any {
		return m{"type": "string", "pattern": strings.Repeat("a", n)}
	}
	for _, n := range []int{10, shareThreshold / 2, shareThreshold - 40, shareThreshold, shareThreshold * 2} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			doc := m{"properties": m{"a": padded(n), "b": padded(n), "c": m{"items": padded(n)}}}
			original := copyMap(doc)
			share(doc)
			checkShared(t, original, doc)
			size := jsonSize(t, padded(n))
			switch {
			case size >= shareThreshold+20:
				assert.Len(t, sharedDefs(doc), 1, "size %d", size)
			case size < shareThreshold-20:
				assert.Empty(t, sharedDefs(doc), "size %d", size)
			}
		})
	}
}

// TestShareDistinguishes: subschemas that differ in anything (a keyword,
// a value, an order, a property name, a nesting) are never conflated,
// even when each of them repeats.
func TestShareDistinguishes(t *testing.T) {
	base := func() map[string]any { return big("X") }
	with := func(f func(map[string]any)) func() map[string]any {
		return func() map[string]any { s := base(); f(s); return s }
	}
	name := func(s map[string]any) map[string]any {
		return s["properties"].(map[string]any)["name"].(map[string]any)
	}
	variants := []func() map[string]any{
		base,
		with(func(s map[string]any) { s["minProperties"] = 1 }),
		with(func(s map[string]any) { s["maxProperties"] = 1 }),
		with(func(s map[string]any) { name(s)["maxLength"] = 254 }),
		with(func(s map[string]any) { name(s)["minLength"] = 253; delete(name(s), "maxLength") }),
		with(func(s map[string]any) { name(s)["maxLength"] = "253" }),
		with(func(s map[string]any) { s["required"] = l{"namespace"} }),
		with(func(s map[string]any) { s["required"] = l{"name", "namespace"} }),
		with(func(s map[string]any) { s["required"] = l{"namespace", "name"} }),
		with(func(s map[string]any) {
			p := s["properties"].(map[string]any)
			p["nam"] = p["name"]
			delete(p, "name")
		}),
		with(func(s map[string]any) { s["additionalProperties"] = true }),
		with(func(s map[string]any) { s["properties"].(map[string]any)["optional"] = m{"type": "string"} }),
		with(func(s map[string]any) { s["items"] = m{"type": "string"} }),
		with(func(s map[string]any) { s["items"] = l{m{"type": "string"}} }),
		with(func(s map[string]any) { s["anyOf"] = l{m{"type": "object"}, m{"type": "null"}} }),
		with(func(s map[string]any) { s["anyOf"] = l{m{"type": "null"}, m{"type": "object"}} }),
		with(func(s map[string]any) { s["oneOf"] = l{m{"type": "object"}, m{"type": "null"}} }),
		with(func(s map[string]any) { s["patternProperties"] = s["properties"]; delete(s, "properties") }),
		with(func(s map[string]any) { s["x"] = s["properties"]; delete(s, "properties") }),
	}
	doc := m{"type": "object", "properties": m{}}
	props := doc["properties"].(map[string]any)
	for i, v := range variants {
		props[fmt.Sprintf("v%02d-a", i)] = v()
		props[fmt.Sprintf("v%02d-b", i)] = m{"type": "array", "items": v()}
		props[fmt.Sprintf("v%02d-c", i)] = m{"anyOf": l{m{"type": "string"}, v()}}
	}
	original := copyMap(doc)
	share(doc)
	checkShared(t, original, doc)
	assert.Len(t, sharedDefs(doc), len(variants), "one definition per variant")
	for i := range variants {
		a := props[fmt.Sprintf("v%02d-a", i)]
		assert.Equal(t, a, props[fmt.Sprintf("v%02d-b", i)].(map[string]any)["items"], i)
		assert.Equal(t, a, props[fmt.Sprintf("v%02d-c", i)].(map[string]any)["anyOf"].([]any)[1], i)
		for j := range i {
			assert.NotEqual(t, a, props[fmt.Sprintf("v%02d-a", j)], "variants %d and %d conflated", j, i)
		}
	}
}

// TestSharePropertiesNotReplaced: a properties map is not a schema; the
// same properties under two different schemas stay where they are.
func TestSharePropertiesNotReplaced(t *testing.T) {
	props := func() map[string]any {
		p := m{}
		for i := range 20 {
			p[fmt.Sprintf("field%02d", i)] = m{"type": "string"}
		}
		return p
	}
	require.GreaterOrEqual(t, jsonSize(t, props()), 2*shareThreshold)
	doc := m{"properties": m{
		"one":   m{"type": "object", "properties": props(), "required": l{"field01"}},
		"two":   m{"type": "object", "properties": props(), "required": l{"field02"}},
		"three": m{"type": "object", "patternProperties": props()},
		"four":  m{"type": "object", "patternProperties": props(), "minProperties": 1},
		"five":  m{"type": "object", "definitions": props()},
		"six":   m{"type": "object", "definitions": props(), "maxProperties": 1},
	}}
	original := copyMap(doc)
	share(doc)
	assert.Equal(t, original, doc, "nothing to share: only the property maps repeat")
	assert.Empty(t, sharedDefs(doc))

	// And when the schemas holding them do repeat, the schema is replaced,
	// never the properties map inside it.
	doc = m{"properties": m{
		"one":  m{"type": "object", "properties": props()},
		"two":  m{"type": "object", "properties": props()},
		"lone": m{"type": "object", "properties": props(), "required": l{"field03"}},
	}}
	original = copyMap(doc)
	share(doc)
	checkShared(t, original, doc)
	assert.Len(t, sharedDefs(doc), 1)
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if k == "properties" || k == "patternProperties" {
					if pm, ok := e.(map[string]any); ok {
						assert.NotContains(t, pm, "$ref", "a properties map was replaced by a reference")
					}
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(doc)
	assert.Len(t, doc["properties"].(map[string]any)["lone"].(map[string]any)["properties"], 20)
}

// TestShareRefTarget: a shared subschema is reached through a $ref, and a
// sibling keyword of the replaced schema never survives beside it (draft 4
// ignores $ref siblings).
func TestShareRefTarget(t *testing.T) {
	doc := m{"properties": m{"a": big("X"), "b": big("X")}}
	share(doc)
	for _, p := range doc["properties"].(map[string]any) {
		pm := p.(map[string]any)
		assert.Len(t, pm, 1)
		assert.Regexp(t, `^#/definitions/shared-[0-9a-f]{16}$`, pm["$ref"])
	}
}

// ---------------------------------------------------------------------------
// A Kyverno-like ClusterPolicy: a rules array whose items repeat big
// match/exclude resource filters (which repeat label selectors), and the
// same rule schema again under status.autogen. Written as the CRD does,
// with descriptions and x-kubernetes annotations; every call builds fresh
// maps, as decoding YAML does.

func labelSelector() map[string]any {
	return m{
		"description":           "A label selector is a label query over a set of resources.",
		"type":                  "object",
		"x-kubernetes-map-type": "atomic",
		"properties": m{
			"matchExpressions": m{
				"description":            "matchExpressions is a list of label selector requirements.",
				"type":                   "array",
				"x-kubernetes-list-type": "atomic",
				"items": m{
					"type":     "object",
					"required": l{"key", "operator"},
					"properties": m{
						"key":      m{"type": "string", "description": "key is the label key."},
						"operator": m{"type": "string", "enum": l{"In", "NotIn", "Exists", "DoesNotExist"}},
						"values":   m{"type": "array", "items": m{"type": "string"}, "x-kubernetes-list-type": "atomic"},
					},
				},
			},
			"matchLabels": m{"type": "object", "additionalProperties": m{"type": "string"}},
		},
	}
}

func resourceDescription() map[string]any {
	strs := func() map[string]any { return m{"type": "array", "items": m{"type": "string"}} }
	return m{
		"description": "ResourceDescription contains information about the resource being created or modified.",
		"type":        "object",
		"properties": m{
			"annotations":       m{"type": "object", "additionalProperties": m{"type": "string"}},
			"kinds":             strs(),
			"name":              m{"type": "string"},
			"names":             strs(),
			"namespaceSelector": labelSelector(),
			"namespaces":        strs(),
			"operations": m{"type": "array", "items": m{"type": "string",
				"enum": l{"CREATE", "CONNECT", "UPDATE", "DELETE"}}},
			"selector": labelSelector(),
		},
	}
}

func subjects() map[string]any {
	return m{
		"description": "Subjects is the list of subject names like users, user groups, and service accounts.",
		"type":        "array",
		"items": m{
			"type":                  "object",
			"required":              l{"kind", "name"},
			"x-kubernetes-map-type": "atomic",
			"properties": m{
				"apiGroup":  m{"type": "string"},
				"kind":      m{"type": "string"},
				"name":      m{"type": "string"},
				"namespace": m{"type": "string"},
			},
		},
	}
}

func resourceFilter() map[string]any {
	return m{
		"description": "ResourceFilter allow users to \"AND\" or \"OR\" between resources",
		"type":        "object",
		"properties": m{
			"clusterRoles": m{"type": "array", "items": m{"type": "string"}},
			"resources":    resourceDescription(),
			"roles":        m{"type": "array", "items": m{"type": "string"}},
			"subjects":     subjects(),
		},
	}
}

func matchResources(what string) map[string]any {
	return m{
		"description": what + " defines when this policy rule should be applied.",
		"type":        "object",
		"properties": m{
			"all":          m{"type": "array", "items": resourceFilter()},
			"any":          m{"type": "array", "items": resourceFilter()},
			"clusterRoles": m{"type": "array", "items": m{"type": "string"}},
			"resources":    resourceDescription(),
			"roles":        m{"type": "array", "items": m{"type": "string"}},
			"subjects":     subjects(),
		},
	}
}

func rule() map[string]any {
	return m{
		"description": "Rule defines a validation, mutation, or generation control for matching resources.",
		"type":        "object",
		"required":    l{"name"},
		"properties": m{
			"name":    m{"type": "string", "maxLength": 63},
			"match":   matchResources("MatchResources"),
			"exclude": matchResources("ExcludeResources"),
			"context": m{"type": "array", "items": m{
				"type":     "object",
				"required": l{"name"},
				"properties": m{
					"name":      m{"type": "string"},
					"configMap": m{"type": "object", "required": l{"name"}, "properties": m{"name": m{"type": "string"}, "namespace": m{"type": "string"}}},
					"variable":  m{"type": "object", "properties": m{"value": m{"x-kubernetes-preserve-unknown-fields": true}, "jmesPath": m{"type": "string"}}},
				},
			}},
			"preconditions": m{"x-kubernetes-preserve-unknown-fields": true},
			"validate": m{"type": "object", "properties": m{
				"message":       m{"type": "string"},
				"failureAction": m{"type": "string", "enum": l{"Audit", "Enforce"}},
				"pattern":       m{"x-kubernetes-preserve-unknown-fields": true},
				"deny":          m{"type": "object", "properties": m{"conditions": m{"x-kubernetes-preserve-unknown-fields": true}}},
			}},
			"skipBackgroundRequests": m{"type": "boolean", "default": true},
		},
	}
}

func clusterPolicySchema() map[string]any {
	return m{
		"description": "ClusterPolicy declares validation, mutation, and generation behaviors for matching resources.",
		"type":        "object",
		"required":    l{"spec"},
		"properties": m{
			"apiVersion": m{"type": "string"},
			"kind":       m{"type": "string"},
			"metadata":   m{"type": "object"},
			"spec": m{"type": "object", "properties": m{
				"background":              m{"type": "boolean", "default": true},
				"failurePolicy":           m{"type": "string", "enum": l{"Ignore", "Fail"}},
				"rules":                   m{"type": "array", "items": rule()},
				"validationFailureAction": m{"type": "string", "enum": l{"audit", "enforce", "Audit", "Enforce"}},
				"webhookTimeoutSeconds":   m{"type": "integer", "format": "int32"},
				"maxUnavailable":          m{"x-kubernetes-int-or-string": true, "anyOf": l{m{"type": "integer"}, m{"type": "string"}}},
			}},
			"status": m{"type": "object", "properties": m{
				"autogen": m{"type": "object", "properties": m{
					"rules": m{"type": "array", "items": rule()},
				}},
				"ready": m{"type": "boolean"},
				"conditions": m{"type": "array", "items": m{"type": "object",
					"required":   l{"type", "status"},
					"properties": m{"type": m{"type": "string"}, "status": m{"type": "string", "enum": l{"True", "False", "Unknown"}}, "message": m{"type": "string", "maxLength": 32768}}}},
			}},
		},
	}
}

// policyInstances are valid and invalid ClusterPolicies, errors in every
// repeated part.
var policyInstances = []struct {
	name     string
	instance string
	valid    bool
}{
	{"minimal", `{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "p"}, "spec": {}}`, true},
	{"full", `{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "p", "labels": {"a": "b"}},
	  "spec": {"background": false, "failurePolicy": "Fail", "validationFailureAction": "Enforce", "maxUnavailable": "10%",
	    "rules": [
	      {"name": "r1",
	       "match": {"any": [{"resources": {"kinds": ["Pod"], "namespaces": ["default"], "operations": ["CREATE"],
	                                         "selector": {"matchLabels": {"app": "x"}, "matchExpressions": [{"key": "k", "operator": "In", "values": ["v"]}]}}},
	                         {"subjects": [{"kind": "User", "name": "alice"}], "clusterRoles": ["admin"]}],
	                 "all": [{"resources": {"namespaceSelector": {"matchExpressions": [{"key": "env", "operator": "Exists"}]}}}]},
	       "exclude": {"any": [{"resources": {"names": ["kube-*"], "annotations": {"skip": "true"}}}],
	                   "resources": {"kinds": ["Secret"]}, "subjects": [{"kind": "Group", "name": "ops", "apiGroup": "rbac.authorization.k8s.io"}]},
	       "context": [{"name": "cm", "configMap": {"name": "c", "namespace": "n"}}, {"name": "v", "variable": {"value": {"any": [1, "x"]}}}],
	       "preconditions": {"all": [{"key": "x", "operator": "Equals", "value": 1}]},
	       "validate": {"message": "m", "failureAction": "Audit", "pattern": {"spec": {"containers": [{"image": "!*:latest"}]}}}},
	      {"name": "r2", "match": {"resources": {"kinds": ["Deployment"]}}, "validate": {"deny": {"conditions": {"any": []}}}}
	    ]},
	  "status": {"ready": true, "autogen": {"rules": [{"name": "autogen-r1", "match": {"any": [{"resources": {"kinds": ["Deployment"]}}]}}]},
	             "conditions": [{"type": "Ready", "status": "True"}]}}`, true},
	{"maxUnavailable number", `{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "spec": {"maxUnavailable": 2}}`, true},
	{"maxUnavailable bool", `{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "spec": {"maxUnavailable": true}}`, false},
	{"wrong apiVersion", `{"apiVersion": "kyverno.io/v2", "kind": "ClusterPolicy", "spec": {}}`, false},
	{"wrong kind", `{"apiVersion": "kyverno.io/v1", "kind": "Policy", "spec": {}}`, false},
	{"no spec", `{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy"}`, false},
	{"metadata unknown field", `{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"nmae": "p"}, "spec": {}}`, false},
	{"unknown top-level field", `{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "spec": {}, "extra": {}}`, false},
	{"rule without name", `{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "spec": {"rules": [{"name": "a"}, {"match": {}}]}}`, false},
	{"unknown field in match.any resources", `{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "spec": {"rules": [
	   {"name": "a", "match": {"any": [{"resources": {"kinds": ["Pod"]}}, {"resources": {"kind": "Pod"}}]}}]}}`, false},
	{"wrong type in exclude.all resources", `{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "spec": {"rules": [
	   {"name": "a", "exclude": {"all": [{"resources": {"kinds": ["Pod", 7]}}]}}]}}`, false},
	{"bad operator in exclude selector", `{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "spec": {"rules": [
	   {"name": "a", "exclude": {"resources": {"selector": {"matchExpressions": [{"key": "k", "operator": "Maybe"}]}}}}]}}`, false},
	{"bad operator in match namespaceSelector", `{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "spec": {"rules": [
	   {"name": "a", "match": {"any": [{"resources": {"namespaceSelector": {"matchExpressions": [{"operator": "In"}]}}}]}}]}}`, false},
	{"subject without kind", `{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "spec": {"rules": [
	   {"name": "a", "match": {"subjects": [{"name": "x"}]}, "exclude": {"any": [{"subjects": [{"kind": "User", "name": "y", "extra": 1}]}]}}]}}`, false},
	{"matchLabels value not a string", `{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "spec": {"rules": [
	   {"name": "a", "match": {"resources": {"selector": {"matchLabels": {"a": 1}}}}}]}}`, false},
	{"bad operation", `{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "spec": {"rules": [
	   {"name": "a", "match": {"all": [{"resources": {"operations": ["PATCH"]}}]}}]}}`, false},
	{"many errors in many places", `{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "spec": {"rules": [
	   {"name": "a", "match": {"any": [{"resources": {"kinds": "Pod"}}], "all": [{"roles": [1]}]},
	    "exclude": {"any": [{"resources": {"selector": {"matchLabels": []}}}], "resources": {"nam": "x"}}},
	   {"name": 5, "match": {"resources": {"namespaceSelector": {"matchExpressions": [{"key": "k", "operator": "In", "values": "v"}]}}}}
	  ]},
	  "status": {"autogen": {"rules": [{"name": "x", "exclude": {"all": [{"resources": {"annotations": {"a": false}}}]}}]}}}`, false},
	{"error in status.autogen rule", `{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "spec": {},
	  "status": {"autogen": {"rules": [{"name": "x", "match": {"any": [{"resources": {"selector": {"matchExpressions": [{"key": "k", "operator": "In", "value": "v"}]}}}]}}]}}}`, false},
	{"unknown context field", `{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "spec": {"rules": [
	   {"name": "a", "context": [{"name": "c", "apiCall": {}}]}]}}`, false},
	{"pattern is open", `{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "spec": {"rules": [
	   {"name": "a", "validate": {"pattern": {"anything": {"goes": [1]}}}}]}}`, true},
}

// pinned is what ObjectSchema does to the strict schema, before share.
func pinned(raw map[string]any, apiVersion, kind string) map[string]any {
	doc := Strict(raw)
	props := doc["properties"].(map[string]any)
	props["apiVersion"] = m{"type": "string", "enum": l{apiVersion}}
	props["kind"] = m{"type": "string", "enum": l{kind}}
	props["metadata"] = m{"$ref": MetadataRef}
	return doc
}

// TestShareEquivalence: sharing does not change a single verdict or error.
func TestShareEquivalence(t *testing.T) {
	before := pinned(clusterPolicySchema(), "kyverno.io/v1", "ClusterPolicy")
	after := copyMap(before)
	share(after)

	// The schema did shrink: the resource filters, label selectors and
	// rules are shared.
	defs := sharedDefs(after)
	assert.GreaterOrEqual(t, len(defs), 4, "rule, match/exclude parts, resource description, label selector")
	assert.Less(t, 2*jsonSize(t, after), jsonSize(t, before), "sharing halves the schema at least")
	checkShared(t, before, after)

	sBefore := compileCR(t, before)
	sAfter := compileCR(t, after)
	for _, tt := range policyInstances {
		t.Run(tt.name, func(t *testing.T) {
			want := validate(t, sBefore, tt.instance)
			got := validate(t, sAfter, tt.instance)
			assert.Equal(t, tt.valid, want.Valid, "unshared verdict: %v", want.Errors)
			assert.Equal(t, want, got)
			if testing.Verbose() && !want.Valid {
				t.Logf("%d errors: %s", len(want.Errors), strings.Join(want.Errors, "; "))
			}
		})
	}
}

// TestObjectSchemaShares: ObjectSchema shares, and what it makes validates
// exactly as the unshared schema.
func TestObjectSchemaShares(t *testing.T) {
	raw := clusterPolicySchema()
	rawBefore := copyMap(raw)
	doc := ObjectSchema(raw, "kyverno.io/v1", "ClusterPolicy", false)
	assert.Equal(t, rawBefore, raw, "ObjectSchema modified its input")

	unshared := pinned(clusterPolicySchema(), "kyverno.io/v1", "ClusterPolicy")
	assert.NotEmpty(t, sharedDefs(doc))
	checkShared(t, unshared, doc)

	props := doc["properties"].(map[string]any)
	assert.Equal(t, m{"type": "string", "enum": l{"kyverno.io/v1"}}, props["apiVersion"])
	assert.Equal(t, m{"type": "string", "enum": l{"ClusterPolicy"}}, props["kind"])
	assert.Equal(t, m{"$ref": MetadataRef}, props["metadata"])
	assert.Equal(t, "/k8s/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", MetadataRef)

	// The rules under spec and under status.autogen are one definition.
	specRules := props["spec"].(map[string]any)["properties"].(map[string]any)["rules"]
	autogenRules := props["status"].(map[string]any)["properties"].(map[string]any)["autogen"].(map[string]any)["properties"].(map[string]any)["rules"]
	assert.Equal(t, specRules, autogenRules)
	require.Contains(t, specRules, "$ref")

	sShared := compileCR(t, doc)
	sPlain := compileCR(t, unshared)
	for _, tt := range policyInstances {
		got := validate(t, sShared, tt.instance)
		assert.Equal(t, tt.valid, got.Valid, "%s: %v", tt.name, got.Errors)
		assert.Equal(t, validate(t, sPlain, tt.instance), got, tt.name)
	}

	// Deterministic, whatever order maps are walked in.
	d, _, err := Digest(doc)
	require.NoError(t, err)
	for range 20 {
		d2, _, err := Digest(ObjectSchema(clusterPolicySchema(), "kyverno.io/v1", "ClusterPolicy", false))
		require.NoError(t, err)
		require.Equal(t, d, d2)
	}

	// Sharing again finds nothing more to share.
	again := copyMap(doc)
	share(again)
	assert.Equal(t, doc, again)
}

// TestShareNested: repeats inside repeats, three levels deep, at every
// kind of place a subschema stands.
func TestShareNested(t *testing.T) {
	// leafSchema (C) is big; middle (B) holds C twice; outer (A) holds B
	// twice and C once more.
	leafSchema := func() map[string]any { return big("C") }
	middle := func() map[string]any {
		return m{"type": "object", "required": l{"first"}, "properties": m{
			"first":  leafSchema(),
			"others": m{"type": "array", "items": leafSchema()},
			"label":  m{"type": "string", "enum": l{"middle"}},
		}}
	}
	outer := func() map[string]any {
		return m{"type": "object", "properties": m{
			"b1":   middle(),
			"b2":   m{"type": "object", "additionalProperties": middle()},
			"c":    m{"allOf": l{leafSchema()}},
			"kind": m{"type": "string", "enum": l{"outer"}},
		}}
	}
	doc := m{"type": "object", "properties": m{
		"x":    outer(),
		"ys":   m{"type": "array", "items": outer()},
		"z":    m{"oneOf": l{outer(), m{"type": "null"}}},
		"b":    middle(),
		"c":    leafSchema(),
		"open": m{"not": leafSchema()},
	}, "additionalProperties": false}
	before := copyMap(doc)
	after := copyMap(doc)
	share(after)
	checkShared(t, before, after)

	// Every shared definition is a subschema that repeats in the original,
	// each is shared once, and A, B and C are among them. Each refers to
	// the shared parts below it and holds no copy of them: A refers to B,
	// to the map of Bs and to the allOf around C; B to C and to the array
	// of Cs; C to nothing.
	defs := sharedDefs(after)
	inlined := func(d any) any {
		return expand(t, m{"definitions": after["definitions"], "x": d})["x"]
	}
	found := map[string]bool{}
	var seen []any
	for name, d := range defs {
		x := inlined(d)
		assert.GreaterOrEqual(t, occurrences(before, x), 2, "%s does not repeat", name)
		for _, y := range seen {
			assert.NotEqual(t, y, x, "%s is shared twice", name)
		}
		seen = append(seen, x)
		switch {
		case assert.ObjectsAreEqual(outer(), x):
			found["A"] = true
			assert.Len(t, refs(d), 3, name)
		case assert.ObjectsAreEqual(middle(), x):
			found["B"] = true
			assert.Len(t, refs(d), 2, name)
		case assert.ObjectsAreEqual(leafSchema(), x):
			found["C"] = true
			assert.Empty(t, refs(d), name)
		}
	}
	assert.Equal(t, map[string]bool{"A": true, "B": true, "C": true}, found)
	again := copyMap(after)
	share(again)
	assert.Equal(t, after, again, "nothing left to share")

	sBefore := compile(t, map[string]any{"a.json": before}, "a.json")
	sAfter := compile(t, map[string]any{"a.json": after}, "a.json")
	okC := `{"name": "n", "kind": "Secret"}`
	okB := `{"first": ` + okC + `, "others": [` + okC + `, ` + okC + `]}`
	okA := `{"b1": ` + okB + `, "b2": {"k": ` + okB + `}, "c": ` + okC + `}`
	instances := []string{
		`{}`,
		`{"x": ` + okA + `, "ys": [` + okA + `], "z": ` + okA + `, "b": ` + okB + `, "c": ` + okC + `}`,
		`{"z": null, "open": {"name": 1}}`,
		`{"open": ` + okC + `}`,
		`{"c": {"kind": "Secret"}}`,
		`{"c": {"name": "Bad_Name"}}`,
		`{"b": {"first": {"name": "n", "x": 1}, "others": [{"name": "n"}, {"name": ""}]}}`,
		`{"x": {"b1": {"first": {"name": "n"}, "others": [{}]}, "b2": {"k": {"label": "nope", "first": {"name": "n"}}}, "c": {"name": "n", "kind": "Pod"}}}`,
		`{"ys": [` + okA + `, {"b2": {"a": {"first": 1}, "b": {"others": [{"name": "n", "optional": "yes"}]}}}]}`,
		`{"z": {"b1": {"first": {"name": "n", "namespace": "` + strings.Repeat("n", 64) + `"}}}}`,
		`{"z": {"kind": "outer", "b1": {}}}`,
		`{"z": 1}`,
	}
	for i, inst := range instances {
		want := validate(t, sBefore, inst)
		got := validate(t, sAfter, inst)
		assert.Equal(t, want, got, "instance %d: %s", i, inst)
		if i == 1 {
			assert.True(t, want.Valid, "%v", want.Errors)
		}
		if i >= 4 {
			assert.False(t, want.Valid, "instance %d", i)
		}
	}
}

// ---------------------------------------------------------------------------
// Digest

func TestDigest(t *testing.T) {
	a := m{"type": "object", "properties": m{"a": m{"type": "string"}, "b": m{"type": "integer"}}}
	// The same document built in another order.
	b := m{}
	b["properties"] = m{}
	b["properties"].(map[string]any)["b"] = m{"type": "integer"}
	b["properties"].(map[string]any)["a"] = m{"type": "string"}
	b["type"] = "object"

	da, ba, err := Digest(a)
	require.NoError(t, err)
	assert.Regexp(t, `^[0-9a-f]{16}$`, da)
	want, err := json.Marshal(a)
	require.NoError(t, err)
	assert.Equal(t, want, ba, "the bytes are the JSON encoding")
	sum := sha256.Sum256(ba)
	assert.Equal(t, hex.EncodeToString(sum[:])[:16], da)

	for range 10 {
		d, bb, err := Digest(b)
		require.NoError(t, err)
		assert.Equal(t, da, d)
		assert.Equal(t, ba, bb)
	}

	different := []any{
		m{"type": "object", "properties": m{"a": m{"type": "string"}, "b": m{"type": "number"}}},
		m{"type": "object", "properties": m{"a": m{"type": "string"}}},
		m{"type": "object", "properties": m{"a": m{"type": "string"}, "b": m{"type": "integer"}}, "additionalProperties": false},
		m{},
		l{},
		"object",
		nil,
	}
	seen := map[string]int{da: -1}
	for i, doc := range different {
		d, _, err := Digest(doc)
		require.NoError(t, err)
		if j, ok := seen[d]; ok {
			t.Errorf("documents %d and %d share digest %s", i, j, d)
		}
		seen[d] = i
	}

	_, _, err = Digest(m{"x": math.NaN()})
	assert.Error(t, err, "a document that has no JSON encoding")
	_, _, err = Digest(m{"x": make(chan int)})
	assert.Error(t, err)
}
