// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package schema

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/guard"
	"github.com/d1lint/d1lint/internal/model"
)

const widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 1}\n"

// refSchemas writes a schema location whose Widget schema is ref, and
// returns the location (a path template) and the folder above it.
func refSchemas(t *testing.T, ref string) (loc, parent string) {
	t.Helper()
	parent = t.TempDir()
	dir := filepath.Join(parent, "a", "schemas")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "widget-example-v1.json"), []byte(`{"$ref": "`+ref+`"}`), 0o644))
	return filepath.Join(dir, "{{ .ResourceKind }}{{ .KindSuffix }}.json"), parent
}

func TestLocalRemoteRefRefused(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		_, _ = w.Write([]byte(`{"type": "object"}`))
	}))
	defer srv.Close()
	restore := guard.Lockdown()
	defer restore()
	dials := guard.Dials()

	loc, _ := refSchemas(t, srv.URL+"/x.json")
	v := newValidator(t, Options{Locations: []string{loc}})
	r := verdict(t, v, "2.7.x", widget)
	assert.Equal(t, int64(0), requests.Load(), "no request reaches the server")
	assert.Equal(t, dials, guard.Dials(), "nothing even tries to dial")
	require.NotNil(t, r)
	assert.Equal(t, model.SchemaMissing, r.Status)
	assert.Contains(t, r.Source, "widget-example-v1.json", "the error names the schema file")
	assert.Contains(t, r.Source, "never downloads schemas")
}

func TestLocalOutsideRefRefused(t *testing.T) {
	for _, ref := range []string{"file:///etc/hostname", "../../outside.json", "file:///OUTSIDE"} {
		t.Run(ref, func(t *testing.T) {
			loc, parent := refSchemas(t, ref)
			outside := filepath.Join(parent, "outside.json")
			// A readable schema outside the location: following the $ref
			// would succeed, so only the refusal makes the verdict missing.
			require.NoError(t, os.WriteFile(outside, []byte(`{"type": "object"}`), 0o644))
			if ref == "file:///OUTSIDE" {
				ref = "file://" + filepath.ToSlash(outside)
				loc, _ = refSchemas(t, ref)
			}
			v := newValidator(t, Options{Locations: []string{loc}})
			r := verdict(t, v, "2.7.x", widget)
			require.NotNil(t, r)
			assert.Equal(t, model.SchemaMissing, r.Status, "%+v", r)
			assert.Contains(t, r.Source, "widget-example-v1.json")
			assert.Contains(t, r.Source, "outside the schema locations")
		})
	}
}

func TestLocalRefInsideFollowed(t *testing.T) {
	loc, parent := refSchemas(t, "defs/widget.json")
	defs := filepath.Join(parent, "a", "schemas", "defs")
	require.NoError(t, os.MkdirAll(defs, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(defs, "widget.json"), []byte(`{"required": ["status"]}`), 0o644))
	v := newValidator(t, Options{Locations: []string{loc}})
	r := verdict(t, v, "2.7.x", widget)
	require.NotNil(t, r)
	assert.Equal(t, model.SchemaInvalid, r.Status, "a $ref inside the location is followed: %+v", r)
}

func TestLocalKindNotAPath(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "schemas")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	// What kind: ../x would open, were it put in the template.
	require.NoError(t, os.WriteFile(filepath.Join(parent, "x-example-v1.json"), []byte(`{"required": ["nope"]}`), 0o644))
	loc := filepath.Join(dir, "{{ .ResourceKind }}{{ .KindSuffix }}.json")
	v := newValidator(t, Options{Locations: []string{loc}})
	for _, src := range []string{
		"apiVersion: example.com/v1\nkind: ../x\nmetadata: {name: w}\n",
		"apiVersion: ../../x/v1\nkind: Widget\nmetadata: {name: w}\n",
		"apiVersion: example.com/../v1\nkind: Widget\nmetadata: {name: w}\n",
	} {
		r := verdict(t, v, "2.7.x", src)
		require.NotNil(t, r, src)
		assert.Equal(t, model.SchemaMissing, r.Status, "%s: %+v", src, r)
		assert.Contains(t, r.Source, "not a Kubernetes name", src)
	}
}

func TestLocationMissingFolder(t *testing.T) {
	for _, l := range []string{
		filepath.Join(t.TempDir(), "nope"),
		filepath.Join(t.TempDir(), "nope", "{{ .ResourceKind }}.json"),
		"http://127.0.0.1:1/schemas",
		"file:///schemas",
	} {
		_, err := New(Options{Locations: []string{l}})
		require.Error(t, err, l)
		assert.ErrorIs(t, err, ErrUsage, l)
	}
}
