// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package schema

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/d1lint/d1lint/internal/model"
)

// obj decodes one YAML object into a rendered model object.
func obj(t testing.TB, src string) *model.Object {
	t.Helper()
	var m map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(src), &m))
	o := &model.Object{Object: m, Location: model.Location{Path: "x.yaml", Line: 1}}
	o.APIVersion, _ = m["apiVersion"].(string)
	o.Kind, _ = m["kind"].(string)
	md, _ := m["metadata"].(map[string]any)
	o.Name, _ = md["name"].(string)
	o.Namespace, _ = md["namespace"].(string)
	return o
}

func newValidator(t testing.TB, opts Options) *Validator {
	t.Helper()
	v, err := New(opts)
	require.NoError(t, err)
	return v
}

// verdict validates one object in a cluster running fluxVersion.
func verdict(t testing.TB, v *Validator, fluxVersion, src string) *model.SchemaResult {
	t.Helper()
	o := obj(t, src)
	c := &model.Cluster{Name: "c", Flux: model.Flux{Version: fluxVersion}, Objects: []*model.Object{o}}
	v.Validate(c)
	require.NotNil(t, c.Schemas)
	if o.Schema == nil {
		return &model.SchemaResult{Status: model.SchemaValid}
	}
	return o.Schema
}

// msgs are the errors as "path: message".
func msgs(es []model.SchemaError) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Path+": "+e.Message)
	}
	return out
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  creationTimestamp: null
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{containerPort: 8080}]
          resources:
            limits: {cpu: 1, memory: 128Mi}
            requests: {cpu: 100m}
          livenessProbe:
            httpGet: {path: /, port: http}
`

func TestKubernetesKinds(t *testing.T) {
	v := newValidator(t, Options{})
	tests := map[string]struct {
		src    string
		status string
		errors []string
	}{
		"valid (null fields, quantities, int-or-string)": {src: deployment, status: model.SchemaValid},
		"unknown field": {src: deployment + "      serviceAcountName: web\n", status: model.SchemaInvalid,
			errors: []string{"spec.template.spec.serviceAcountName: unknown field"}},
		"wrong type": {src: `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  ports: [{port: "eighty"}]
`, status: model.SchemaInvalid, errors: []string{"spec.ports[0].port: got string, want integer"}},
		"missing required field": {src: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: admins, namespace: shop}
subjects: [{kind: Group, name: admins}]
`, status: model.SchemaInvalid, errors: []string{": missing property 'roleRef'"}},
		"removed built-in version": {src: `apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec: {minAvailable: 1}
`, status: model.SchemaRemoved},
		"unknown kind": {src: "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n", status: model.SchemaMissing},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			r := verdict(t, v, "2.7.x", tt.src)
			assert.Equal(t, tt.status, r.Status, "%+v", r)
			assert.Equal(t, tt.errors, msgs(r.Errors))
			if tt.status == model.SchemaRemoved {
				assert.Equal(t, "policy/v1", r.Replacement)
			}
		})
	}
}

const helmRelease = `kind: HelmRelease
metadata: {name: podinfo, namespace: apps}
spec:
  interval: 10m
  chart:
    spec:
      chart: podinfo
      sourceRef: {kind: HelmRepository, name: podinfo}
  values:
    anything: [goes, here]
`

func TestFluxReleases(t *testing.T) {
	v := newValidator(t, Options{})
	r := verdict(t, v, "2.7.x", "apiVersion: helm.toolkit.fluxcd.io/v2\n"+helmRelease)
	assert.Equal(t, model.SchemaValid, r.Status, "%+v", r)

	// Flux 2.7 serves v2beta2 but deprecates it, and no longer serves v2beta1.
	r = verdict(t, v, "2.7.x", "apiVersion: helm.toolkit.fluxcd.io/v2beta2\n"+helmRelease)
	assert.Equal(t, model.SchemaValid, r.Status)
	assert.True(t, r.Deprecated)
	assert.Equal(t, "helm.toolkit.fluxcd.io/v2", r.Replacement)
	assert.Equal(t, "flux 2.7.5", r.Source)

	r = verdict(t, v, "2.7.x", "apiVersion: helm.toolkit.fluxcd.io/v2beta1\n"+helmRelease)
	assert.Equal(t, model.SchemaRemoved, r.Status)
	assert.Equal(t, "helm.toolkit.fluxcd.io/v2", r.Replacement)

	// Flux 2.2 still served v2beta1 (deprecated) and did not know v2 yet.
	r = verdict(t, v, "2.2.x", "apiVersion: helm.toolkit.fluxcd.io/v2beta1\n"+helmRelease)
	assert.Equal(t, model.SchemaValid, r.Status)
	assert.True(t, r.Deprecated)
	assert.Equal(t, "helm.toolkit.fluxcd.io/v2beta2", r.Replacement)

	// A field Flux's CRD does not know, and a Go duration.
	r = verdict(t, v, "2.7.x", "apiVersion: helm.toolkit.fluxcd.io/v2\n"+helmRelease+"  timout: 5m\n")
	assert.Equal(t, model.SchemaInvalid, r.Status)
	assert.Equal(t, []string{"spec.timout: unknown field"}, msgs(r.Errors))

	// Metadata is ObjectMeta for custom resources too.
	r = verdict(t, v, "2.7.x", "apiVersion: helm.toolkit.fluxcd.io/v2\n"+
		"kind: HelmRelease\nmetadata: {name: p, namespace: a, lables: {x: y}}\nspec:\n  interval: 10m\n  chartRef: {kind: OCIRepository, name: p}\n")
	assert.Equal(t, model.SchemaInvalid, r.Status)
	assert.Equal(t, []string{"metadata.lables: unknown field"}, msgs(r.Errors))
}

func TestFluxReleaseChoice(t *testing.T) {
	v := newValidator(t, Options{})
	newest := v.bundle.FluxVersions()[0]
	for version, want := range map[string]string{
		"2.7.x": "2.7.5", "2.7.2": "2.7.5", "v2.6.0": "2.6.4", ">=2.5.0 <2.6.0": "2.5.1", "2.x": newest, "": newest, "2.0.1": "2.2.3",
	} {
		rel, _ := v.fluxRelease(version)
		assert.Equal(t, want, rel.Version, "distribution.version %q", version)
	}
}

func TestSOPS(t *testing.T) {
	v := newValidator(t, Options{})
	r := verdict(t, v, "2.7.x", `apiVersion: v1
kind: Secret
metadata: {name: token, namespace: apps}
type: Opaque
stringData:
  token: ENC[AES256_GCM,data:abc=,iv:x,tag:y,type:str]
sops:
  mac: ENC[AES256_GCM,data:abc=,iv:x,tag:y,type:str]
  lastmodified: "2026-01-01T00:00:00Z"
  version: 3.9.0
`)
	assert.Equal(t, model.SchemaValid, r.Status, "%+v", r)
	// An encrypted value where the schema wants a number is no error either.
	r = verdict(t, v, "2.7.x", `apiVersion: v1
kind: ConfigMap
metadata: {name: c, namespace: apps}
data: {a: b}
immutable: ENC[AES256_GCM,data:dHJ1ZQ==,iv:x,tag:y,type:bool]
sops: {mac: "ENC[x]", version: 3.9.0}
`)
	assert.Equal(t, model.SchemaValid, r.Status, "%+v", r)
}

func TestRenderCRDs(t *testing.T) {
	v := newValidator(t, Options{})
	crd := obj(t, `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  versions:
    - name: v1alpha1
      served: false
      storage: false
    - name: v1beta1
      served: true
      storage: false
      deprecated: true
      deprecationWarning: use example.com/v1
      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size: {type: integer}
                port: {x-kubernetes-int-or-string: true}
                extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
`)
	widget := func(version, spec string) *model.Object {
		return obj(t, "apiVersion: example.com/"+version+"\nkind: Widget\nmetadata: {name: w, namespace: ns}\nspec: "+spec+"\n")
	}
	good, bad, old, gone := widget("v1", "{size: 3, port: http, extra: {any: thing}}"), widget("v1", "{port: 80, colour: red}"),
		widget("v1beta1", "{whatever: 1}"), widget("v1alpha1", "{}")
	c := &model.Cluster{Name: "c", Flux: model.Flux{Version: "2.7.x"}, Objects: []*model.Object{crd, good, bad, old, gone}}
	v.Validate(c)
	assert.Nil(t, crd.Schema, "the CRD is a valid CustomResourceDefinition")
	assert.Nil(t, good.Schema)
	require.NotNil(t, bad.Schema)
	assert.Equal(t, model.SchemaInvalid, bad.Schema.Status)
	assert.Equal(t, []string{"spec: missing property 'size'", "spec.colour: unknown field"}, msgs(bad.Schema.Errors))
	assert.Equal(t, "render", bad.Schema.Source)
	require.NotNil(t, old.Schema)
	assert.Equal(t, model.SchemaValid, old.Schema.Status)
	assert.True(t, old.Schema.Deprecated)
	assert.Equal(t, "use example.com/v1", old.Schema.Warning)
	assert.Equal(t, "example.com/v1", old.Schema.Replacement)
	require.NotNil(t, gone.Schema)
	assert.Equal(t, model.SchemaRemoved, gone.Schema.Status)
	assert.Equal(t, &model.Schemas{KubernetesVersion: v.KubeVersion(), FluxVersion: "2.7.5", FluxFrom: "bundle", Validated: 4}, c.Schemas)
}

// TestRenderCRDsShared: a render's CRD is parsed once per content, however
// many clusters hold a copy; a version's strict schema is built only for
// the objects that need it, and a schema that cannot be built leaves those
// objects without one, saying why.
// gadgetsCRD defines example.com/v1 Gadget, whose spec.size is an integer;
// more versions may follow.
const gadgetsCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Gadget, plural: gadgets}
  versions:
    - name: v1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {size: {type: integer}}}}}}
`

func TestRenderCRDsShared(t *testing.T) {
	v := newValidator(t, Options{})
	crdSrc := gadgetsCRD + `    - name: v2
      served: true
      storage: false
      schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {size: {type: string}}}}}}
    - name: v3
      served: true
      storage: false
      schema: {openAPIV3Schema: {type: object, properties: {spec: {type: number, maximum: 1}}}}
`
	gadget := func(version, spec string) *model.Object {
		return obj(t, "apiVersion: example.com/"+version+"\nkind: Gadget\nmetadata: {name: g, namespace: ns}\nspec: "+spec+"\n")
	}
	var clusters []*model.Object
	for _, name := range []string{"a", "b"} {
		g := gadget("v1", "{size: x}")
		v.Validate(&model.Cluster{Name: name, Flux: model.Flux{Version: "2.7.x"}, Objects: []*model.Object{obj(t, crdSrc), g}})
		clusters = append(clusters, g)
	}
	for _, g := range clusters {
		require.NotNil(t, g.Schema)
		assert.Equal(t, []string{"spec.size: got string, want integer"}, msgs(g.Schema.Errors))
	}
	entries := 0
	for _, rcs := range v.render {
		entries += len(rcs)
	}
	assert.Equal(t, 1, entries, "two copies of one CRD, parsed once")
	assert.Len(t, v.renderDocs, 1, "only v1's schema is built")

	// No YAML decodes to NaN, but a map may hold one; JSON has none.
	nan := obj(t, crdSrc)
	v3 := nan.Object["spec"].(map[string]any)["versions"].([]any)[2].(map[string]any)
	v3["schema"].(map[string]any)["openAPIV3Schema"].(map[string]any)["properties"].(map[string]any)["spec"].(map[string]any)["maximum"] = math.NaN()
	broken := gadget("v3", "1")
	v.Validate(&model.Cluster{Name: "c", Flux: model.Flux{Version: "2.7.x"}, Objects: []*model.Object{nan, broken}})
	require.NotNil(t, broken.Schema)
	assert.Equal(t, model.SchemaMissing, broken.Schema.Status)
	assert.Contains(t, broken.Schema.Source, "Gadget v3")
}

// TestNotAppliedSkipped: kustomize-controller skips an object its
// exclusion selector matches before the dry-run, so its schema decides
// nothing, and a CRD it never applies defines nothing.
func TestNotAppliedSkipped(t *testing.T) {
	v := newValidator(t, Options{})
	bad := obj(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ns}\ndata: {n: 1}\ncolour: red\n")
	bad.NotApplied = "annotation kustomize.toolkit.fluxcd.io/reconcile: disabled"
	crd := obj(t, `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
  versions:
    - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}
`)
	crd.NotApplied = "label kustomize.toolkit.fluxcd.io/ssa: Ignore"
	widget := obj(t, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: ns}\n")
	c := &model.Cluster{Name: "c", Flux: model.Flux{Version: "2.7.x"}, Objects: []*model.Object{crd, bad, widget}}
	v.Validate(c)
	assert.Nil(t, bad.Schema, "never applied: no verdict")
	assert.Nil(t, crd.Schema)
	require.NotNil(t, widget.Schema)
	assert.Equal(t, model.SchemaMissing, widget.Schema.Status, "the CRD Flux never applies defines no schema")
	assert.Equal(t, 0, c.Schemas.Validated)
	assert.Equal(t, 1, c.Schemas.Missing)
}

func TestLocations(t *testing.T) {
	v := newValidator(t, Options{Locations: []string{"testdata/locations"}})
	r := verdict(t, v, "2.7.x", "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 1}\n")
	assert.Equal(t, model.SchemaValid, r.Status, "%+v", r)
	r = verdict(t, v, "2.7.x", "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: big}\n")
	assert.Equal(t, model.SchemaInvalid, r.Status)
	assert.Equal(t, "schema location", r.Source)
	require.Len(t, r.Errors, 1)
	assert.Equal(t, "spec.size", r.Errors[0].Path)
	// What the locations do not hold still comes from the bundle.
	r = verdict(t, v, "2.7.x", deployment+"      serviceAcountName: web\n")
	assert.Equal(t, model.SchemaInvalid, r.Status)
	assert.Equal(t, "kubernetes "+v.KubeVersion(), r.Source)
}

func TestOptionErrors(t *testing.T) {
	for _, opts := range []Options{
		{KubeVersion: "1.20"},
		{Locations: []string{"https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master"}},
		{Locations: []string{"default"}},
		{Locations: []string{"schemas/{{ .Bad"}},
		{Locations: []string{"no-such-folder/{{.ResourceKind}}.json"}},
	} {
		_, err := New(opts)
		require.Error(t, err, "%+v", opts)
		assert.ErrorIs(t, err, ErrUsage)
		assert.Equal(t, err, opts.Validate(), "Validate says what New would")
	}
	v, err := New(Options{KubeVersion: "v1.36"})
	require.NoError(t, err)
	require.NoError(t, Options{KubeVersion: "v1.36", Locations: []string{t.TempDir() + "/{{.ResourceKind}}.json"}}.Validate())
	assert.Equal(t, "1.36.3", v.KubeVersion())
}

// TestUnknownFluxVersion: with nothing saying which Flux a cluster runs,
// an object is validated against a release that serves its version, and no
// removal or deprecation is claimed.
func TestUnknownFluxVersion(t *testing.T) {
	v := newValidator(t, Options{})
	for _, av := range []string{"helm.toolkit.fluxcd.io/v2beta1", "helm.toolkit.fluxcd.io/v2"} {
		o := obj(t, "apiVersion: "+av+"\n"+helmRelease)
		c := &model.Cluster{Name: "c", Objects: []*model.Object{o}}
		v.Validate(c)
		assert.Nil(t, o.Schema, "%s: %+v", av, o.Schema)
		assert.Empty(t, c.Schemas.FluxVersion)
		assert.NotEmpty(t, c.Schemas.Notes)
	}
	o := obj(t, "apiVersion: helm.toolkit.fluxcd.io/v2\n"+helmRelease+"  timout: 5m\n")
	v.Validate(&model.Cluster{Name: "c", Objects: []*model.Object{o}})
	require.NotNil(t, o.Schema)
	assert.Equal(t, []string{"spec.timout: unknown field"}, msgs(o.Schema.Errors))
	assert.Equal(t, "flux (version unknown)", o.Schema.Source)
}

// TestOperatorKinds: Flux Operator installs notification-controller's CRDs
// with its own kinds in the enums of Alert spec.eventSources[].kind and
// Receiver spec.resources[].kind; the upstream CRDs, which a bootstrap-era
// cluster runs, reject them.
func TestOperatorKinds(t *testing.T) {
	v := newValidator(t, Options{})
	alert := func(kind string) *model.Object {
		return obj(t, `apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata: {name: a, namespace: flux-system}
spec:
  providerRef: {name: slack}
  eventSources:
    - {kind: Kustomization, name: '*'}
    - {kind: `+kind+`, name: '*'}
`)
	}
	receiver := obj(t, `apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata: {name: r, namespace: flux-system}
spec:
  type: generic
  secretRef: {name: token}
  resources:
    - {kind: FluxInstance, name: flux}
`)
	check := func(era, version string, objects ...*model.Object) {
		c := &model.Cluster{Name: era, Era: era, Flux: model.Flux{Version: version}, Objects: objects}
		v.Validate(c)
		for _, n := range c.Schemas.Notes {
			assert.NotContains(t, n, "Flux Operator")
		}
	}
	for _, version := range []string{"2.7.x", "2.2.x", ""} {
		rset, rsip, report, old := alert("ResourceSet"), alert("ResourceSetInputProvider"), alert("FluxReport"), alert("FluxInstance")
		old.APIVersion, old.Object["apiVersion"] = "notification.toolkit.fluxcd.io/v1beta2", "notification.toolkit.fluxcd.io/v1beta2"
		check("operator", version, rset, rsip, report, old, receiver)
		assert.Nil(t, rset.Schema, "%s: ResourceSet is an event source on an operator cluster", version)
		assert.Nil(t, rsip.Schema, version)
		assert.Nil(t, receiver.Schema, "%s: FluxInstance is a receiver resource on an operator cluster", version)
		if version == "2.2.x" {
			// Deprecated, and valid: every version of the CRD is patched.
			require.NotNil(t, old.Schema)
			assert.Equal(t, model.SchemaValid, old.Schema.Status)
		}
		require.NotNil(t, report.Schema, "%s: FluxReport is not among the kinds the operator adds", version)
		assert.Equal(t, model.SchemaInvalid, report.Schema.Status)

		// The shared bundled schemas are left as they were.
		bootstrap := alert("ResourceSet")
		check("bootstrap", version, bootstrap, receiver)
		require.NotNil(t, bootstrap.Schema, "%s: upstream Flux rejects ResourceSet", version)
		assert.Equal(t, model.SchemaInvalid, bootstrap.Schema.Status)
		assert.Equal(t, []string{"spec.eventSources[1].kind"}, paths(bootstrap.Schema.Errors))
		require.NotNil(t, receiver.Schema)
		assert.Equal(t, []string{"spec.resources[0].kind"}, paths(receiver.Schema.Errors))
	}
}

func paths(es []model.SchemaError) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Path)
	}
	return out
}

// TestExtendEnumSharedSubschema: an enum reached through a shared
// definition is extended in a copy, so that the other places sharing the
// definition keep the original.
func TestExtendEnumSharedSubschema(t *testing.T) {
	raw := []byte(`{"properties":{"spec":{"properties":{"a":{"$ref":"#/definitions/ref"},"b":{"$ref":"#/definitions/ref"}}}},
"definitions":{"ref":{"type":"object","properties":{"kind":{"type":"string","enum":["X","Y"]},"n":{"type":"integer","maximum":1.5}}}}}`)
	_, b, err := extendEnum(raw, []string{"properties", "spec", "properties", "a", "properties", "kind"}, []any{"Y", "Z"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"properties":{"spec":{"properties":{
"a":{"type":"object","properties":{"kind":{"type":"string","enum":["X","Y","Z"]},"n":{"type":"integer","maximum":1.5}}},
"b":{"$ref":"#/definitions/ref"}}}},
"definitions":{"ref":{"type":"object","properties":{"kind":{"type":"string","enum":["X","Y"]},"n":{"type":"integer","maximum":1.5}}}}}`, string(b))

	_, b, err = extendEnum(raw, []string{"properties", "spec", "properties", "c", "properties", "kind"}, []any{"Z"})
	require.NoError(t, err)
	assert.Nil(t, b, "no enum at the path: nothing to extend")
}

// TestPrune: null map values go at any depth, on copies; an object
// without one is the object itself, and the input never changes.
func TestPrune(t *testing.T) {
	clean := map[string]any{"a": 1, "l": []any{nil, map[string]any{"b": "x"}}, "m": map[string]any{"c": true}}
	assert.Equal(t, objectKey(clean), objectKey(prune(clean)), "nothing to drop: no copy")

	in := map[string]any{
		"drop": nil,
		"keep": map[string]any{"c": true},
		"m":    map[string]any{"x": nil, "y": 1},
		"l":    []any{nil, map[string]any{"z": nil, "w": 2}, "s"},
	}
	before := fmt.Sprint(in)
	out := prune(in)
	assert.Equal(t, map[string]any{
		"keep": map[string]any{"c": true},
		"m":    map[string]any{"y": 1},
		"l":    []any{nil, map[string]any{"w": 2}, "s"},
	}, out)
	assert.Equal(t, before, fmt.Sprint(in), "the input is left as it was")
	assert.Equal(t, objectKey(in["keep"].(map[string]any)), objectKey(out["keep"].(map[string]any)), "an unchanged branch is shared")
}
