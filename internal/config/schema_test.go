// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package config

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/profile"
)

// schemaNode is the part of a JSON Schema the loader's shape is compared with.
type schemaNode struct {
	Type                 string                `json:"type"`
	Enum                 []string              `json:"enum"`
	Properties           map[string]schemaNode `json:"properties"`
	AdditionalProperties json.RawMessage       `json:"additionalProperties"`
	Items                *schemaNode           `json:"items"`
	// AnyOf are the forms of a setting written as a string or a mapping
	// (a clusters entry).
	AnyOf []schemaNode `json:"anyOf"`
}

// TestSchemaMatchesLoader keeps the JSON Schema and the loader in step:
// every key the loader reads (Config's json tags, at every depth) is in
// the schema with the same form, and the schema has no key the loader
// refuses; the enums are the loader's values.
func TestSchemaMatchesLoader(t *testing.T) {
	var root schemaNode
	require.NoError(t, json.Unmarshal(Schema, &root))
	compareSchema(t, "", reflect.TypeFor[Config](), root)
	assert.Equal(t, profile.Names, root.Properties["profile"].Enum, "profile")
	rule := schemaNode{}
	require.NoError(t, json.Unmarshal(root.Properties["rules"].AdditionalProperties, &rule))
	assert.Equal(t, []string{finding.Error, finding.Warning, finding.Info}, rule.Properties["severity"].Enum, "rules.*.severity")
}

// compareSchema compares the Go type a key decodes into with its schema.
func compareSchema(t *testing.T, path string, typ reflect.Type, s schemaNode) {
	t.Helper()
	if typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if len(s.AnyOf) > 0 {
		// A setting with a shorthand: a string, or the mapping.
		_, short := reflect.New(typ).Interface().(shorthand)
		assert.True(t, short, "%s has several forms, as the loader reads them", path)
		var forms []string
		for _, alt := range s.AnyOf {
			forms = append(forms, alt.Type)
			if alt.Type == "object" {
				compareSchema(t, path, typ, alt)
			}
		}
		assert.ElementsMatch(t, []string{"string", "object"}, forms, "%s is a string or a mapping", path)
		return
	}
	switch typ.Kind() {
	case reflect.Struct:
		if !assert.Equal(t, "object", s.Type, "%s is a mapping", path) {
			return
		}
		assert.JSONEq(t, "false", string(s.AdditionalProperties), "%s refuses unknown keys", path)
		names, index := fields(typ)
		slices.Sort(names)
		var have []string
		for k := range s.Properties {
			have = append(have, k)
		}
		slices.Sort(have)
		assert.Equal(t, names, have, "the keys of %s", path)
		for _, k := range names {
			compareSchema(t, join(path, k), typ.Field(index[k]).Type, s.Properties[k])
		}
	case reflect.Slice:
		if assert.Equal(t, "array", s.Type, "%s is a list", path) && assert.NotNil(t, s.Items, "%s has items", path) {
			compareSchema(t, path+"[]", typ.Elem(), *s.Items)
		}
	case reflect.Map:
		var elem schemaNode
		if assert.Equal(t, "object", s.Type, "%s is a mapping", path) &&
			assert.NoError(t, json.Unmarshal(s.AdditionalProperties, &elem), "%s: additionalProperties is a schema", path) {
			compareSchema(t, path+".*", typ.Elem(), elem)
		}
	case reflect.String:
		if s.Enum == nil {
			assert.Equal(t, "string", s.Type, "%s is a string", path)
		}
	case reflect.Bool:
		assert.Equal(t, "boolean", s.Type, "%s is true or false", path)
	case reflect.Interface:
		// Any YAML value (a ResourceSet input's): nothing to compare.
	case reflect.Int, reflect.Int64:
		assert.Equal(t, "integer", s.Type, "%s is a whole number", path)
	default:
		t.Errorf("%s: the loader reads no %s", path, typ.Kind())
	}
}
