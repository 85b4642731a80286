// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package schema

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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
		"apiVersion: /v1\nkind: Widget\nmetadata: {name: w}\n",
		"apiVersion: example.com/v1/x\nkind: Widget\nmetadata: {name: w}\n",
		"apiVersion: example.com/v1\nkind: " + strings.Repeat("W", 64) + "\nmetadata: {name: w}\n",
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
		assert.Contains(t, err.Error(), strconv.Quote(l), "the error names the location")
	}
	_, err := New(Options{Locations: []string{filepath.Join(t.TempDir(), "nope")}})
	assert.ErrorContains(t, err, "does not exist")
}

// TestLocationTemplateChecked: a template naming a variable kubeconform
// does not have is a usage error at once, as kubeconform's registry.New
// makes it, not a message on every object.
func TestLocationTemplateChecked(t *testing.T) {
	dir := t.TempDir()
	for _, l := range []string{
		filepath.Join(dir, "{{ .Kind }}.json"),
		filepath.Join(dir, "{{ .ResourceKind }.json"),
	} {
		_, err := New(Options{Locations: []string{l}})
		require.Error(t, err, l)
		assert.ErrorIs(t, err, ErrUsage, l)
	}
}

// TestLocalTemplateWalksOut: the team's own template cannot name a file
// outside the folder it starts with.
func TestLocalTemplateWalksOut(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "schemas")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "widget"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(parent, "x.json"), []byte(`{"type": "object"}`), 0o644))
	loc := filepath.Join(dir, "{{ .ResourceKind }}") + "/../../x.json"
	v := newValidator(t, Options{Locations: []string{loc}})
	r := verdict(t, v, "2.7.x", widget)
	require.NotNil(t, r)
	assert.Equal(t, model.SchemaMissing, r.Status, "%+v", r)
	assert.Contains(t, r.Source, "outside its schema location")
}

// TestLocalSymlinkOutRefused: a symlink inside a location that leads out
// of it, as the schema file itself, as a $ref's file or as a folder on a
// $ref's way, is not followed.
func TestLocalSymlinkOutRefused(t *testing.T) {
	for _, tc := range []struct{ name, ref string }{
		{"schema file", ""},
		{"referenced file", "defs.json"},
		{"folder on the way", "defs/widget.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, "schemas")
			outside := filepath.Join(parent, "outside")
			require.NoError(t, os.MkdirAll(dir, 0o755))
			require.NoError(t, os.MkdirAll(outside, 0o755))
			// Readable schemas outside, which would make the object invalid:
			// followed, the verdict would be invalid, not missing.
			strict := []byte(`{"required": ["status"]}`)
			require.NoError(t, os.WriteFile(filepath.Join(outside, "widget.json"), strict, 0o644))
			file := filepath.Join(dir, "widget-example-v1.json")
			var link, target string
			switch tc.ref {
			case "":
				link, target = file, filepath.Join(outside, "widget.json")
			case "defs.json":
				require.NoError(t, os.WriteFile(file, []byte(`{"$ref": "defs.json"}`), 0o644))
				link, target = filepath.Join(dir, "defs.json"), filepath.Join(outside, "widget.json")
			default:
				require.NoError(t, os.WriteFile(file, []byte(`{"$ref": "defs/widget.json"}`), 0o644))
				link, target = filepath.Join(dir, "defs"), outside
			}
			if err := os.Symlink(target, link); err != nil {
				t.Skipf("no symlinks here: %v", err)
			}
			v := newValidator(t, Options{Locations: []string{filepath.Join(dir, "{{ .ResourceKind }}{{ .KindSuffix }}.json")}})
			r := verdict(t, v, "2.7.x", widget)
			require.NotNil(t, r)
			assert.Equal(t, model.SchemaMissing, r.Status, "%+v", r)
			assert.Contains(t, r.Source, "widget-example-v1.json", "the error names the schema file")
		})
	}
}

// TestLocalSymlinkInsideFollowed: a symlink that stays inside the location
// is an ordinary file.
func TestLocalSymlinkInsideFollowed(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "real.json"), []byte(`{"required": ["status"]}`), 0o644))
	if err := os.Symlink("real.json", filepath.Join(dir, "widget-example-v1.json")); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	v := newValidator(t, Options{Locations: []string{filepath.Join(dir, "{{ .ResourceKind }}{{ .KindSuffix }}.json")}})
	r := verdict(t, v, "2.7.x", widget)
	require.NotNil(t, r)
	assert.Equal(t, model.SchemaInvalid, r.Status, "%+v", r)
}

func TestFileURL(t *testing.T) {
	abs, err := filepath.Abs(filepath.Join("a b", "c%d.json"))
	require.NoError(t, err)
	u := fileURL(abs)
	assert.True(t, strings.HasPrefix(u, "file:///"), u)
	p, ok := filePath(u)
	assert.True(t, ok)
	assert.Equal(t, abs, p)
	_, ok = filePath("file://server/share/x.json")
	assert.False(t, ok, "a file URL with a host is a network share on Windows")
}
