// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/render"
	"github.com/d1lint/d1lint/internal/testutil"
)

// viaJSON is what json.Unmarshal makes of v's JSON form.
func viaJSON(t *testing.T, v any) (reported, error) {
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	var r reported
	err = json.Unmarshal(raw, &r)
	return r, err
}

// TestReportedOf: whenever reportedOf reads a value, it reads what
// json.Unmarshal does; values of another shape are left to it.
func TestReportedOf(t *testing.T) {
	full := map[string]any{
		"rule": "D1-0601", "title": "T", "category": "credentials", "severity": "error", "message": "m", "cluster": "c",
		"object":   map[string]any{"apiVersion": "v1", "kind": "Secret", "namespace": "shop", "name": "s"},
		"location": map[string]any{"repo": "github.com/a/b", "branch": "main", "tag": "v1", "commit": "abc", "path": "x.yaml", "line": json.Number("12")},
		"chain":    []any{"flux-system/flux-system", "shop/shop"},
		"field":    []any{"spec", "valuesFrom", json.Number("1")},
	}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for k, v := range full {
			m[k] = v
		}
		m[k] = v
		return m
	}
	for name, c := range map[string]struct {
		v    any
		read bool
	}{
		"full":                      {full, true},
		"a field path as text":      {with("field", `spec.values["a"]`), true},
		"no field":                  {with("field", nil), true},
		"empty field":               {with("field", []any{}), true},
		"empty chain":               {with("chain", []any{}), true},
		"null chain":                {with("chain", nil), true},
		"null object":               {with("object", nil), true},
		"empty object":              {with("object", map[string]any{}), true},
		"null message":              {with("message", nil), true},
		"a location without a line": {with("location", map[string]any{"repo": "r", "path": "p"}), true},
		"a null line":               {with("location", map[string]any{"line": nil}), true},
		"a decimal line":            {with("location", map[string]any{"line": json.Number("1.5")}), false},
		"a number for a message":    {with("message", json.Number("1")), false},
		"a key in another case":     {with("Rule", "x"), false},
		"an unknown key":            {with("extra", "x"), false},
		"an unknown object key":     {with("object", map[string]any{"uid": "x"}), false},
		"a number in the chain":     {with("chain", []any{json.Number("1")}), false},
		"a boolean field segment":   {with("field", []any{true}), false},
		"a number for a field":      {with("field", json.Number("3")), false},
		"not an object":             {[]any{"x"}, false},
	} {
		r, ok := reportedOf(c.v)
		assert.Equal(t, c.read, ok, name)
		if ok {
			want, err := viaJSON(t, c.v)
			require.NoError(t, err, name)
			assert.Equal(t, want, r, name)
		}
	}
}

// TestDecodeResultOfEveryRule: on every rule's findings (the bad fleet and
// every rule's bad overlay), the finding read off the result is the one
// the JSON round trip gives.
func TestDecodeResultOfEveryRule(t *testing.T) {
	b, err := builtins()
	require.NoError(t, err)
	var clusters []*model.Cluster
	dirs := []string{testutil.Fixture(t, "bad", "fleet")}
	for _, r := range b.rules {
		dirs = append(dirs, exampleWith(t, r.Dir+"/fixtures/bad")+"/fleet")
	}
	for _, dir := range dirs {
		res, err := render.Render(context.Background(), render.Options{FleetPath: dir, Getenv: func(string) string { return "" }})
		require.NoError(t, err)
		clusters = append(clusters, res.Fleet.Clusters...)
		require.NoError(t, res.Close())
	}
	shared, err := toValue(Input{Version: model.Version, Config: DefaultSettings()})
	require.NoError(t, err)
	read := 0
	for _, cl := range clusters {
		input, err := clusterInput(cl, shared, nil)
		require.NoError(t, err)
		rs, err := b.cluster.Eval(context.Background(), rego.EvalParsedInput(input))
		require.NoError(t, err)
		for _, r := range rs {
			got, err := decodeResult(r)
			require.NoError(t, err)
			raw, err := json.Marshal(r.Bindings["finding"])
			require.NoError(t, err)
			want, err := decode(raw)
			require.NoError(t, err)
			assert.Equal(t, want, got)
			if _, ok := reportedOf(r.Bindings["finding"]); ok {
				read++
			}
		}
	}
	assert.Greater(t, read, 50, "findings read off their values")
}
