// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package schema

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	jsonschema "github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/cache"
	"github.com/d1lint/d1lint/internal/model"
)

// widgetCRD is a CustomResourceDefinition of Widget whose spec.size is of
// type typ.
func widgetCRD(typ string) string {
	return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: ` + typ + `}
`
}

const bigWidget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: shop}\nspec: {size: big}\n"

// persistCluster is a cluster of sources, decoded afresh (new maps, as a
// new run renders them); objects of a chart (o.Chart) take the memoised
// path.
func persistCluster(t *testing.T, chart bool, sources ...string) *model.Cluster {
	t.Helper()
	c := &model.Cluster{Name: "c", Flux: model.Flux{Version: "2.7.x"}}
	for _, src := range sources {
		o := obj(t, src)
		if chart {
			o.Chart = "apps/podinfo"
		}
		c.Objects = append(c.Objects, o)
	}
	return c
}

// results are a validated cluster's verdicts and schema summary.
type results struct {
	Objects []*model.SchemaResult
	Schemas *model.Schemas
}

func resultsOf(c *model.Cluster) results {
	var r results
	for _, o := range c.Objects {
		r.Objects = append(r.Objects, o.Schema)
	}
	r.Schemas = c.Schemas
	return r
}

// run validates the cluster persistCluster makes of sources with a new
// Validator on the cache folder dir ("" for none), closes it, and returns
// the results and how many objects were actually validated.
func run(t *testing.T, dir string, opts Options, chart bool, sources ...string) (results, int64) {
	t.Helper()
	opts.CacheDir = dir
	v := newValidator(t, opts)
	c := persistCluster(t, chart, sources...)
	v.Validate(c)
	require.NoError(t, v.Close())
	return resultsOf(c), v.validations.Load()
}

var persistSources = []string{
	deployment,
	deployment + "      serviceAcountName: web\n      priority: high\n",
	"apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec:\n  ports: [{port: \"eighty\"}]\n",
	"apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: admins, namespace: shop}\nsubjects: [{kind: Group, name: admins}]\n",
	"apiVersion: helm.toolkit.fluxcd.io/v2beta2\n" + helmRelease,
	"apiVersion: helm.toolkit.fluxcd.io/v2\n" + helmRelease + "  bogus: 1\n",
	widgetCRD("integer"),
	bigWidget,
	// Validated against nothing: no verdict to keep.
	"apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: web, namespace: shop}\nspec: {minAvailable: 1}\n",
	"apiVersion: example.org/v1\nkind: Gadget\nmetadata: {name: g}\n",
}

// TestVerdictsPersist: a second Validator on the same cache folder
// validates nothing again and gives the same results, errors, paths and
// segments included, as one without a cache; for objects of charts (the
// memoised path) too.
func TestVerdictsPersist(t *testing.T) {
	for _, chart := range []bool{false, true} {
		t.Run(map[bool]string{false: "objects", true: "chart objects"}[chart], func(t *testing.T) {
			dir := t.TempDir()
			want, validated := run(t, "", Options{}, chart, persistSources...)
			require.Positive(t, validated)
			var invalid int
			for _, r := range want.Objects {
				if r != nil && r.Status == model.SchemaInvalid {
					invalid++
					require.NotEmpty(t, r.Errors)
				}
			}
			require.GreaterOrEqual(t, invalid, 5, "the fixture has invalid objects: %+v", want.Objects)

			cold, n := run(t, dir, Options{}, chart, persistSources...)
			assert.Equal(t, validated, n, "a cold cache validates everything")
			assert.Equal(t, want, cold)
			tables, err := filepath.Glob(filepath.Join(dir, "v1", verdictKind, "*", "*"))
			require.NoError(t, err)
			assert.Len(t, tables, 1, "one table for the run, not one entry per object")

			warm, n := run(t, dir, Options{}, chart, persistSources...)
			assert.Zero(t, n, "a warm cache validates nothing")
			assert.Equal(t, want, warm)
			// Errors are each result's own: locating one does not touch the
			// others', nor the table's.
			for _, r := range warm.Objects {
				if r != nil && len(r.Errors) > 0 {
					r.Errors[0].Location = &model.Location{Path: "x.yaml", Line: 9}
				}
			}
			again, n := run(t, dir, Options{}, chart, persistSources...)
			assert.Zero(t, n)
			assert.Equal(t, want, again)
		})
	}
}

// TestVerdictsWithinRun: objects of equal content in one run are
// validated once, whichever cluster they are in.
func TestVerdictsWithinRun(t *testing.T) {
	v := newValidator(t, Options{CacheDir: t.TempDir()})
	defer v.Close()
	want := persistCluster(t, false, persistSources...)
	newValidator(t, Options{}).Validate(want)
	a := persistCluster(t, false, persistSources...)
	v.Validate(a)
	n := v.validations.Load()
	// Locating a cluster's errors leaves the verdicts the next one reads
	// alone, whether they were derived (a) or read (b).
	for range 2 {
		located := 0
		for _, o := range a.Objects {
			if o.Schema != nil && len(o.Schema.Errors) > 0 {
				o.Schema.Errors[0].Location = &model.Location{Path: "x.yaml", Line: 9}
				located++
			}
		}
		require.Positive(t, located)
		b := persistCluster(t, false, persistSources...)
		v.Validate(b)
		assert.Equal(t, n, v.validations.Load())
		assert.Equal(t, resultsOf(want), resultsOf(b))
		a = b
	}
}

// TestVerdictsDigestCollision: two render documents served under one
// digest (openapi.Digest is 64 bits: a CRD can be made to collide) are two
// schemas to the persistent cache, which hashes their whole content.
func TestVerdictsDigestCollision(t *testing.T) {
	var ids []schemaID
	for _, doc := range []string{`{"type": "object"}`, `{"type": "string"}`} {
		v := newValidator(t, Options{})
		v.renderDocs["0123456789abcdef"] = []byte(doc)
		c, err := v.crdSchema("0123456789abcdef")
		require.NoError(t, err)
		require.True(t, c.id.ok)
		ids = append(ids, c.id)
	}
	assert.NotEqual(t, ids[0], ids[1])
}

// TestVerdictsInvalidated: a verdict is reused only against the same
// schema: not when the render's CRD for the kind says otherwise, nor for
// another Kubernetes release, nor when a schema file of a location, or a
// file it refers to, changed.
func TestVerdictsInvalidated(t *testing.T) {
	t.Run("render CRD", func(t *testing.T) {
		dir := t.TempDir()
		r, n := run(t, dir, Options{}, false, widgetCRD("integer"), bigWidget)
		require.Equal(t, int64(2), n)
		require.NotNil(t, r.Objects[1])
		assert.Equal(t, model.SchemaInvalid, r.Objects[1].Status)

		r, n = run(t, dir, Options{}, false, widgetCRD("string"), bigWidget)
		assert.Equal(t, int64(2), n, "another CRD, another schema for the widget (and the CRD is another object)")
		assert.Nil(t, r.Objects[1], "valid against the new CRD")

		_, n = run(t, dir, Options{}, false, widgetCRD("integer"), bigWidget)
		assert.Zero(t, n, "both schemas' verdicts are kept")
	})

	t.Run("Kubernetes release", func(t *testing.T) {
		b, err := Bundled()
		require.NoError(t, err)
		kube := b.KubeVersions()
		require.GreaterOrEqual(t, len(kube), 2)
		dir := t.TempDir()
		_, n := run(t, dir, Options{KubeVersion: kube[0]}, false, deployment, bigWidget, widgetCRD("integer"))
		require.Equal(t, int64(3), n)
		_, n = run(t, dir, Options{KubeVersion: kube[1]}, false, deployment, bigWidget, widgetCRD("integer"))
		assert.Equal(t, int64(3), n, "custom resources too: their metadata is the release's ObjectMeta")
		_, n = run(t, dir, Options{KubeVersion: kube[0]}, false, deployment, bigWidget, widgetCRD("integer"))
		assert.Zero(t, n)

		// Each release has a table of its own, and the schemas' identities
		// differ too: a Deployment's, and a CRD's (its metadata).
		var ids [2][2]schemaID
		for i, k := range kube[:2] {
			v := newValidator(t, Options{KubeVersion: k})
			c, err := v.kubeSchema(v.kubeKinds["apps/v1/Deployment"])
			require.NoError(t, err)
			ids[i][0] = c.id
			hr := b.index.Sets[0].CRDs[0].Versions[0].Schema
			c, err = v.crdSchema(hr)
			require.NoError(t, err)
			ids[i][1] = c.id
		}
		for j := range 2 {
			assert.True(t, ids[0][j].ok)
			assert.True(t, ids[1][j].ok)
			assert.NotEqual(t, ids[0][j], ids[1][j])
		}
	})

	t.Run("schema location", func(t *testing.T) {
		dir := t.TempDir()
		loc, parent := refSchemas(t, "defs/widget.json")
		defs := filepath.Join(parent, "a", "schemas", "defs", "widget.json")
		require.NoError(t, os.MkdirAll(filepath.Dir(defs), 0o755))
		require.NoError(t, os.WriteFile(defs, []byte(`{"required": ["status"]}`), 0o644))
		opts := Options{Locations: []string{loc}}
		r, n := run(t, dir, opts, false, widget)
		require.Equal(t, int64(1), n)
		require.NotNil(t, r.Objects[0])
		assert.Equal(t, model.SchemaInvalid, r.Objects[0].Status)
		_, n = run(t, dir, opts, false, widget)
		require.Zero(t, n)

		// The file the schema refers to changes, not the schema itself.
		require.NoError(t, os.WriteFile(defs, []byte(`{"required": ["spec"]}`), 0o644))
		r, n = run(t, dir, opts, false, widget)
		assert.Equal(t, int64(1), n)
		assert.Nil(t, r.Objects[0], "valid against the changed file")

		// Without the location, the bundle has no schema for it.
		r, n = run(t, dir, Options{}, false, widget)
		assert.Zero(t, n)
		require.NotNil(t, r.Objects[0])
		assert.Equal(t, model.SchemaMissing, r.Objects[0].Status)
	})
}

// TestVerdictsOpenSchema: a render's CRD whose schema refers to another
// document (Kubernetes refuses $ref in a CRD; d1lint follows it) gives
// verdicts that are not kept, nor are those of schemas compiled after it:
// what they reach is not told by their own content.
func TestVerdictsOpenSchema(t *testing.T) {
	// The size refers to a bundled schema (Flux's HelmRelease's).
	b, err := Bundled()
	require.NoError(t, err)
	var bundled string
	for _, s := range b.index.Sets {
		for _, crd := range s.CRDs {
			if crd.Kind == "HelmRelease" && bundled == "" {
				bundled = crd.Versions[0].Schema
			}
		}
	}
	require.NotEmpty(t, bundled)
	open := strings.Replace(widgetCRD("integer"), "size: {type: integer}", "size: {$ref: '/crd/"+bundled+".json'}", 1)
	dir := t.TempDir()
	sources := []string{open, bigWidget, deployment}
	// Which schemas compile after the open one depends on the order the
	// objects are validated in, which is theirs on one core (a cluster's
	// objects are validated side by side).
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	_, n := run(t, dir, Options{}, false, sources...)
	require.Equal(t, int64(3), n)
	_, n = run(t, dir, Options{}, false, sources...)
	assert.Equal(t, int64(2), n, "the widget's verdict, and the Deployment's compiled after it, are not kept")

	for _, doc := range []string{
		`{"properties": {"a": {"$ref": "#/definitions/x"}}, "definitions": {"x": {}}}`,
		`{"properties": {"metadata": {"$ref": "/k8s/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}}}`,
		`{"properties": {"id": {"type": "string"}, "$ref": {"type": "object"}}, "required": ["id"]}`,
	} {
		assert.True(t, closedDoc(base+"crd/0123.json", decodeJSON(t, doc)), doc)
	}
	for _, doc := range []string{
		`{"properties": {"a": {"$ref": "crd/0000.json"}}}`,
		`{"properties": {"a": {"$ref": "https://example.com/x.json"}}}`,
		`{"properties": {"a": {"id": "https://schemas.d1lint.invalid/k8s/x", "type": "object"}}}`,
		`{"$schema": "https://schemas.d1lint.invalid/crd/0000.json"}`,
	} {
		assert.False(t, closedDoc(base+"crd/0123.json", decodeJSON(t, doc)), doc)
	}
	assert.True(t, closedDoc(base+"k8s/io.k8s.api.apps.v1.Deployment", decodeJSON(t, `{"$ref": "io.k8s.api.apps.v1.DeploymentSpec"}`)))
}

// decodeJSON decodes a schema document as the loader serves it.
func decodeJSON(t *testing.T, s string) any {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(s))
	require.NoError(t, err)
	return doc
}

// TestBundledSchemasIdentified: every bundled schema, and the Flux CRDs
// as Flux Operator installs them, reaches only itself and the Kubernetes
// definitions, so that verdicts against them are kept.
func TestBundledSchemasIdentified(t *testing.T) {
	b, err := Bundled()
	require.NoError(t, err)
	for _, k := range b.index.Kubernetes {
		v := newValidator(t, Options{KubeVersion: k.Version})
		for _, kind := range k.Kinds {
			c, err := v.kubeSchema(kind)
			require.NoError(t, err)
			assert.True(t, c.id.ok, "kubernetes %s %s/%s", k.Version, kind.APIVersion(), kind.Kind)
		}
		for _, s := range b.index.Sets {
			for _, crd := range s.CRDs {
				for _, cv := range crd.Versions {
					if cv.Schema == "" {
						continue
					}
					c, err := v.crdSchema(cv.Schema)
					require.NoError(t, err)
					assert.True(t, c.id.ok, "%s %s: %s %s/%s", s.Name, s.Version, crd.Kind, crd.Group, cv.Name)
				}
			}
		}
		cs := v.forCluster(&model.Cluster{Era: eraOperator, Flux: model.Flux{Version: "2.7.x"}})
		for _, gk := range []string{"notification.toolkit.fluxcd.io/Alert", "notification.toolkit.fluxcd.io/Receiver"} {
			for _, cv := range cs.crds[gk].crd.Versions {
				if cv.Schema == "" {
					continue
				}
				c, err := v.crdSchema(cv.Schema)
				require.NoError(t, err)
				assert.True(t, c.id.ok, "Flux Operator's %s %s", gk, cv.Name)
			}
		}
		assert.False(t, v.openDoc)
	}
}

// verdictTable returns the path of the single verdict table under dir.
func verdictTable(t *testing.T, dir string) string {
	t.Helper()
	tables, err := filepath.Glob(filepath.Join(dir, "v1", verdictKind, "*", "*"))
	require.NoError(t, err)
	require.Len(t, tables, 1)
	return tables[0]
}

// TestVerdictsDamaged: a damaged table (torn, or whole but not a table)
// is ignored: everything is validated again, to the same results, and the
// table is written anew.
func TestVerdictsDamaged(t *testing.T) {
	want, validated := run(t, "", Options{}, false, persistSources...)
	damage := map[string]func(t *testing.T, dir, path string){
		"torn": func(t *testing.T, _, path string) {
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(path, b[:len(b)/2], 0o600))
		},
		"garbage": func(t *testing.T, _, path string) {
			require.NoError(t, os.WriteFile(path, []byte("garbage"), 0o600))
		},
		"not a table": func(t *testing.T, dir, _ string) {
			c, err := cache.Open(dir, 0)
			require.NoError(t, err)
			b, err := Bundled()
			require.NoError(t, err)
			k := c.Key(verdictKind, []byte(b.index.Kubernetes[0].Version))
			require.NoError(t, c.Put(verdictKind, k, []byte(verdictFormat+"\x01\x02")))
		},
	}
	for name, f := range damage {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			_, n := run(t, dir, Options{}, false, persistSources...)
			require.Equal(t, validated, n)
			f(t, dir, verdictTable(t, dir))
			got, n := run(t, dir, Options{}, false, persistSources...)
			assert.Equal(t, validated, n, "everything is validated again")
			assert.Equal(t, want, got)
			got, n = run(t, dir, Options{}, false, persistSources...)
			assert.Zero(t, n, "the table was written anew")
			assert.Equal(t, want, got)
		})
	}
}

// TestVerdictsTableDecoding: a table cut anywhere is refused, never
// misread.
func TestVerdictsTableDecoding(t *testing.T) {
	dir := t.TempDir()
	_, n := run(t, dir, Options{}, false, persistSources...)
	require.Positive(t, n)
	c, err := cache.Open(dir, 0)
	require.NoError(t, err)
	b, err := Bundled()
	require.NoError(t, err)
	table, ok := c.Get(verdictKind, c.Key(verdictKind, []byte(b.index.Kubernetes[0].Version)))
	require.True(t, ok)
	all, err := decodeVerdicts(table)
	require.NoError(t, err)
	require.Len(t, all, int(n))
	for i := len(verdictFormat); i < len(table); i++ {
		got, err := decodeVerdicts(table[:i])
		if err == nil {
			// Only at a verdict's end, and then the verdicts before it.
			require.Less(t, len(got), int(n))
			for j := range got {
				assert.Equal(t, all[j].k, got[j].k)
				assert.Equal(t, all[j].v, got[j].v)
			}
		}
	}
}

// TestVerdictsConcurrentWriters: Validators closing at the same moment on
// one folder leave a whole table, holding one's verdicts at least (and,
// merged, usually both's).
func TestVerdictsConcurrentWriters(t *testing.T) {
	a := persistSources[:5]
	b := persistSources[5:]
	for range 5 {
		dir := t.TempDir()
		var vs [2]*Validator
		for i, src := range [][]string{a, b} {
			vs[i] = newValidator(t, Options{CacheDir: dir})
			vs[i].Validate(persistCluster(t, false, src...))
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for _, v := range vs {
			wg.Go(func() {
				<-start
				assert.NoError(t, v.Close())
			})
		}
		close(start)
		wg.Wait()
		kept, err := decodeVerdicts(readTable(t, dir))
		require.NoError(t, err, "a whole table")
		na, nb := vs[0].validations.Load(), vs[1].validations.Load()
		assert.GreaterOrEqual(t, len(kept), int(min(na, nb)))

		want, validated := run(t, "", Options{}, false, persistSources...)
		got, n := run(t, dir, Options{}, false, persistSources...)
		assert.Equal(t, want, got)
		assert.LessOrEqual(t, n, validated-min(na, nb), "one writer's verdicts at least are kept")
	}
}

func readTable(t *testing.T, dir string) []byte {
	t.Helper()
	c, err := cache.Open(dir, 0)
	require.NoError(t, err)
	b, err := Bundled()
	require.NoError(t, err)
	table, ok := c.Get(verdictKind, c.Key(verdictKind, []byte(b.index.Kubernetes[0].Version)))
	require.True(t, ok)
	return table
}

// TestVerdictsMerged: a table another run wrote since this one read it is
// merged in, after this run's verdicts.
func TestVerdictsMerged(t *testing.T) {
	dir := t.TempDir()
	first := newValidator(t, Options{CacheDir: dir})
	first.Validate(persistCluster(t, false, persistSources[:5]...))
	// The second reads the (empty) table before the first writes it.
	second := newValidator(t, Options{CacheDir: dir})
	second.Validate(persistCluster(t, false, persistSources[5:]...))
	require.NoError(t, first.Close())
	require.NoError(t, second.Close())
	_, n := run(t, dir, Options{}, false, persistSources...)
	assert.Zero(t, n, "both runs' verdicts are kept")

	// A run that only reads writes nothing.
	path := verdictTable(t, dir)
	before, err := os.Stat(path)
	require.NoError(t, err)
	require.NoError(t, os.Chtimes(path, before.ModTime().Add(-2*time.Second), before.ModTime().Add(-2*time.Second)))
	before, err = os.Stat(path)
	require.NoError(t, err)
	_, n = run(t, dir, Options{}, false, persistSources...)
	require.Zero(t, n)
	after, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, before.ModTime(), after.ModTime())
}

// BenchmarkVerdictTable measures the table of a fleet of 400,000 distinct
// verdicts (one in a hundred invalid): written at Close, read at the first
// verdict of the next run.
func BenchmarkVerdictTable(b *testing.B) {
	const n = 400_000
	slots := make([]*slot, n)
	for i := range slots {
		v := validVerdict
		if i%100 == 0 {
			v = &kept{invalid: true, errors: []model.SchemaError{
				{Path: "spec.template.spec.serviceAcountName", Message: "unknown field", Segments: []string{"spec", "template", "spec", "serviceAcountName"}},
				{Path: "spec.replicas", Message: "got string, want integer", Segments: []string{"spec", "replicas"}},
			}}
		}
		slots[i] = &slot{k: verdictKey(sha256.Sum256([]byte(strconv.Itoa(i)))), v: v}
	}
	dir := b.TempDir()
	c, err := cache.Open(dir, 0)
	require.NoError(b, err)
	k := c.Key(verdictKind, []byte("bench"))
	// A cold run's: no table to merge.
	write := func() {
		require.NoError(b, os.RemoveAll(filepath.Join(dir, "v1", verdictKind)))
		s := &verdictStore{c: c, key: k, fresh: slots}
		require.NoError(b, s.close())
	}
	b.Run("write", func(b *testing.B) {
		for b.Loop() {
			write()
		}
		data, _ := c.Get(verdictKind, k)
		b.ReportMetric(float64(len(data))/1e6, "MB")
	})
	write()
	b.Run("read", func(b *testing.B) {
		for b.Loop() {
			s := &verdictStore{c: c, key: k, table: map[verdictKey]*slot{}}
			s.load()
			if len(s.loaded) != n {
				b.Fatalf("%d verdicts read", len(s.loaded))
			}
		}
	})
}

// TestVerdictsPrefixCollision: keys alike in the 8 bytes the index reads
// are told apart by the whole key.
func TestVerdictsPrefixCollision(t *testing.T) {
	c, err := cache.Open(t.TempDir(), 0)
	require.NoError(t, err)
	var a, b, other verdictKey
	for i := range a {
		a[i], b[i], other[i] = 1, 1, 1
	}
	b[31], other[31] = 2, 3
	bad := &kept{invalid: true, errors: []model.SchemaError{{Path: "spec", Message: "no", Segments: []string{"spec"}}}}
	s := newVerdictStore(c, "x")
	s.loadOnce.Do(func() {}) // nothing on disk
	s.put(a, &model.SchemaResult{Status: model.SchemaValid})
	s.put(b, &model.SchemaResult{Status: model.SchemaInvalid, Errors: bad.errors})
	require.NoError(t, s.close())

	s = newVerdictStore(c, "x")
	r, ok := s.get(a, "src")
	require.True(t, ok)
	assert.Equal(t, &model.SchemaResult{Status: model.SchemaValid, Source: "src"}, r)
	r, ok = s.get(b, "src")
	require.True(t, ok)
	assert.Equal(t, &model.SchemaResult{Status: model.SchemaInvalid, Source: "src", Errors: bad.errors}, r)
	_, ok = s.get(other, "src")
	assert.False(t, ok)
	assert.Len(t, s.index, 1)
}
