// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package resourceset

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

func decode(t testing.TB, s string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(s), &m))
	return m
}

func providers(t testing.TB, docs ...string) func(string) []map[string]any {
	var ps []map[string]any
	for _, d := range docs {
		ps = append(ps, decode(t, d))
	}
	return func(ns string) []map[string]any { return ps }
}

// ids returns "Kind/namespace/name" of each object.
func ids(objs []Object) []string {
	var out []string
	for _, o := range objs {
		out = append(out, describe(o.Object))
	}
	return out
}

func field(o Object, path ...string) any {
	var v any = o.Object
	for _, p := range path {
		m, _ := v.(map[string]any)
		v = m[p]
	}
	return v
}

func TestFlatten(t *testing.T) {
	res, err := Expand(decode(t, `
apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata: {name: apps, namespace: flux-system}
spec:
  inputs:
    - {app: a, replicas: 2}
    - {app: b, replicas: 3}
  resources:
    - apiVersion: v1
      kind: ConfigMap
      metadata: {name: "cm-<< inputs.app >>", namespace: default}
      data:
        replicas: << inputs.replicas | quote >>
        provider: << inputs.provider.kind >>/<< inputs.provider.name >>
    - apiVersion: v1
      kind: Secret
      metadata: {name: "s-<< inputs.app >>", namespace: default}
`), Options{})
	require.NoError(t, err)
	assert.Equal(t, 2, res.Inputs)
	// The operator's order: every input set of resources[0], then of resources[1].
	assert.Equal(t, []string{"ConfigMap/default/cm-a", "ConfigMap/default/cm-b", "Secret/default/s-a", "Secret/default/s-b"}, ids(res.Objects))
	assert.Equal(t, "3", field(res.Objects[1], "data", "replicas"))
	assert.Equal(t, "ResourceSet/apps", field(res.Objects[0], "data", "provider"))
	assert.Equal(t, 1, res.Objects[1].InputIndex)
	assert.Equal(t, "b", res.Objects[1].Input["app"])
	assert.Equal(t, 1, res.Objects[2].Resource)
	assert.Equal(t, "apps", field(res.Objects[0], "metadata", "labels").(map[string]any)["resourceset.fluxcd.controlplane.io/name"])
}

func TestNoInputs(t *testing.T) {
	res, err := Expand(decode(t, `
metadata: {name: one, namespace: ns}
spec:
  resources:
    - {apiVersion: v1, kind: Namespace, metadata: {name: '<< "team" | upper >>'}}
`), Options{})
	require.NoError(t, err)
	require.Len(t, res.Objects, 1)
	assert.Equal(t, "TEAM", field(res.Objects[0], "metadata", "name"))
	assert.Nil(t, res.Objects[0].Input)
	assert.Nil(t, field(res.Objects[0], "metadata", "namespace"), "the operator does not default the namespace")
}

const staticProviders = `
apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSetInputProvider
metadata: {name: git-tag, namespace: apps, labels: {env: prod}}
spec:
  type: Static
  defaultValues: {sha: abc, id: ignored}
---
apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSetInputProvider
metadata: {name: oci-tag, namespace: apps, labels: {env: prod}}
spec:
  type: Static
  defaultValues: {digest: "sha256:1"}
---
apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSetInputProvider
metadata: {name: other, namespace: apps, labels: {env: dev}}
spec:
  type: Static
  defaultValues: {x: y}
`

func splitDocs(s string) []string { return strings.Split(s, "\n---\n") }

func TestPermute(t *testing.T) {
	rs := decode(t, `
metadata: {name: my-rset, namespace: apps}
spec:
  inputStrategy: {name: Permute}
  inputs:
    - {id: id1, someField: foo}
    - {id: id2, someField: bar}
  inputsFrom:
    - {kind: ResourceSetInputProvider, name: oci-tag}
    - {kind: ResourceSetInputProvider, name: git-tag}
  resources:
    - apiVersion: v1
      kind: ConfigMap
      metadata: {name: "cm-<< inputs.id >>", namespace: apps}
      data:
        rset: << inputs.my_rset.id | quote >>
        field: << inputs.my_rset.someField | quote >>
        git: << inputs.git_tag.id | quote >>
        sha: << inputs.git_tag.sha | quote >>
        digest: << inputs.oci_tag.digest | quote >>
`)
	res, err := Expand(rs, Options{Providers: providers(t, splitDocs(staticProviders)...)})
	require.NoError(t, err)
	require.Equal(t, 2, res.Inputs)
	require.Len(t, res.Objects, 2)
	// Sources: the ResourceSet, then the providers sorted by name; the id
	// is the Adler-32 checksum of "key=index/...".
	assert.Equal(t, inputID("my_rset=0/git_tag=0/oci_tag=0"), res.Objects[0].Input["id"])
	assert.Equal(t, "cm-"+inputID("my_rset=1/git_tag=0/oci_tag=0"), field(res.Objects[1], "metadata", "name"))
	assert.Equal(t, "id2", field(res.Objects[1], "data", "rset"))
	assert.Equal(t, "bar", field(res.Objects[1], "data", "field"))
	// A Static provider's id is the checksum of its name offline and wins over defaultValues.id.
	assert.Equal(t, inputID("git-tag"), field(res.Objects[0], "data", "git"))
	assert.Equal(t, "abc", field(res.Objects[0], "data", "sha"))
	assert.Equal(t, "sha256:1", field(res.Objects[0], "data", "digest"))
}

func TestPermuteLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("metadata: {name: big, namespace: apps}\nspec:\n  inputStrategy: {name: Permute}\n  inputs:\n")
	for range 10001 {
		b.WriteString("    - {a: b}\n")
	}
	b.WriteString("  resources: [{apiVersion: v1, kind: Namespace, metadata: {name: x}}]\n")
	_, err := Expand(decode(t, b.String()), Options{})
	var te *TemplateError
	require.ErrorAs(t, err, &te)
	assert.Contains(t, te.Msg, "maximum allowed permutations")
}

func TestStaticBySelector(t *testing.T) {
	res, err := Expand(decode(t, `
metadata: {name: sel, namespace: apps}
spec:
  inputsFrom:
    - selector:
        matchLabels: {env: prod}
        matchExpressions: [{key: env, operator: In, values: [prod, staging]}]
  resources:
    - apiVersion: v1
      kind: ConfigMap
      metadata: {name: "<< inputs.provider.name >>", namespace: apps}
      data: {id: "<< inputs.id | quote >>", bare: "<< inputs.id >>"}
`), Options{Providers: providers(t, splitDocs(staticProviders)...)})
	require.NoError(t, err)
	assert.Equal(t, []string{"ConfigMap/apps/git-tag", "ConfigMap/apps/oci-tag"}, ids(res.Objects))
	assert.Equal(t, inputID("oci-tag"), field(res.Objects[1], "data", "id"))
	// Unquoted, the id renders as a YAML integer, as it does on the cluster:
	// the docs recommend quote for that reason.
	assert.IsType(t, int64(0), field(res.Objects[1], "data", "bare"))
}

const prRSet = `
metadata: {name: previews, namespace: apps}
spec:
  inputsFrom: [{name: prs}]
  resources:
    - apiVersion: v1
      kind: Namespace
      metadata: {name: "app-<< inputs.id >>"}
`

const prProvider = `
apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSetInputProvider
metadata: {name: prs, namespace: apps}
spec: {type: GitHubPullRequest, url: "https://github.com/acme/app"}
`

func TestNonStaticProvider(t *testing.T) {
	_, err := Expand(decode(t, prRSet), Options{Providers: providers(t, prProvider)})
	var nr *NotRenderedError
	require.ErrorAs(t, err, &nr)
	assert.Contains(t, nr.Reason, "apps/prs")
	assert.Contains(t, nr.Reason, "GitHubPullRequest")

	res, err := Expand(decode(t, prRSet), Options{
		Providers:      providers(t, prProvider),
		ProviderInputs: map[string][]map[string]any{"apps/prs": {{"id": 4}, {"id": "7"}}},
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"Namespace/app-4", "Namespace/app-7"}, ids(res.Objects))
}

func TestMissingProvider(t *testing.T) {
	_, err := Expand(decode(t, prRSet), Options{})
	var nr *NotRenderedError
	require.ErrorAs(t, err, &nr)
	assert.Contains(t, nr.Reason, "apps/prs")
}

func TestEmptyProviderInputs(t *testing.T) {
	res, err := Expand(decode(t, prRSet), Options{
		Providers:      providers(t, prProvider),
		ProviderInputs: map[string][]map[string]any{"apps/prs": {}},
	})
	require.NoError(t, err)
	assert.Empty(t, res.Objects, "with inputsFrom and no input set the operator reconciles an empty set")
}

func TestResourcesTemplate(t *testing.T) {
	res, err := Expand(decode(t, `
metadata: {name: bundles, namespace: flux-system}
spec:
  inputs:
    - {bundle: addons, decryption: false, components: [ingress-nginx, cert-manager]}
    - {bundle: apps, decryption: true, components: [frontend]}
  resourcesTemplate: |
    ---
    apiVersion: source.toolkit.fluxcd.io/v1
    kind: OCIRepository
    metadata:
      name: << inputs.bundle >>
      namespace: flux-system
    spec:
      url: oci://registry.example.com/<< inputs.bundle >>
    <<- range $component := inputs.components >>
    ---
    apiVersion: kustomize.toolkit.fluxcd.io/v1
    kind: Kustomization
    metadata:
      name: << $component >>
      namespace: flux-system
    spec:
      <<- if inputs.decryption >>
      decryption:
        provider: sops
      <<- end >>
      path: ./<< $component >>
    <<- end >>
    ---
    # an empty document
    ---
`), Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{
		"OCIRepository/flux-system/addons", "Kustomization/flux-system/ingress-nginx", "Kustomization/flux-system/cert-manager",
		"OCIRepository/flux-system/apps", "Kustomization/flux-system/frontend",
	}, ids(res.Objects))
	assert.Equal(t, []int{2, 11, 11, 2, 11}, []int{res.Objects[0].TemplateLine, res.Objects[1].TemplateLine,
		res.Objects[2].TemplateLine, res.Objects[3].TemplateLine, res.Objects[4].TemplateLine})
	assert.Equal(t, -1, res.Objects[0].Resource)
	assert.Nil(t, field(res.Objects[1], "spec", "decryption"))
	assert.Equal(t, "sops", field(res.Objects[4], "spec", "decryption", "provider"))
	assert.Equal(t, "./cert-manager", field(res.Objects[2], "spec", "path"))
}

func TestCommonMetadata(t *testing.T) {
	res, err := Expand(decode(t, `
metadata: {name: cm, namespace: ns}
spec:
  commonMetadata:
    labels: {app.kubernetes.io/name: podinfo, team: override}
    annotations: {fluxcd.controlplane.io/prune: disabled}
  resources:
    - {apiVersion: v1, kind: ConfigMap, metadata: {name: a, namespace: ns, labels: {team: mine, keep: "yes"}}}
`), Options{})
	require.NoError(t, err)
	require.Len(t, res.Objects, 1)
	assert.Equal(t, map[string]any{
		"app.kubernetes.io/name": "podinfo", "team": "override", "keep": "yes",
		"resourceset.fluxcd.controlplane.io/name": "cm", "resourceset.fluxcd.controlplane.io/namespace": "ns",
	}, field(res.Objects[0], "metadata", "labels"))
	assert.Equal(t, map[string]any{"fluxcd.controlplane.io/prune": "disabled"}, field(res.Objects[0], "metadata", "annotations"))
}

func TestFunctions(t *testing.T) {
	res, err := Expand(decode(t, `
metadata: {name: fn, namespace: ns}
spec:
  inputs:
    - {tenant: "Team One/Dev", replicas: "3", namespace: team1, selector: {mediaType: tar, operation: copy}}
  resources:
    - apiVersion: v1
      kind: ConfigMap
      metadata:
        name: << get inputs "name" | default inputs.namespace >>
        namespace: ns
        labels:
          tenant: << inputs.tenant | slugify >>
      data:
        quoted: << inputs.tenant | quote >>
        upper: << inputs.namespace | upper >>
        sum: << add (inputs.replicas | int) 1 | quote >>
        b64: << inputs.namespace | b64enc >>
        joined: << list "a" "b" | join "," >>
        sel: << inputs.selector | toYaml | nindent 4 >>
`), Options{})
	require.NoError(t, err)
	require.Len(t, res.Objects, 1)
	o := res.Objects[0]
	assert.Equal(t, "team1", field(o, "metadata", "name"))
	assert.Equal(t, "team-one-dev", field(o, "metadata", "labels", "tenant"))
	assert.Equal(t, "Team One/Dev", field(o, "data", "quoted"))
	assert.Equal(t, "TEAM1", field(o, "data", "upper"))
	assert.Equal(t, "4", field(o, "data", "sum"))
	assert.Equal(t, "dGVhbTE=", field(o, "data", "b64"))
	assert.Equal(t, "a,b", field(o, "data", "joined"))
	assert.Equal(t, map[string]any{"mediaType": "tar", "operation": "copy"}, field(o, "data", "sel"))
}

func TestTemplateErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		rs       string
		resource int
		line     int
		msg      string
	}{
		"missing key": {rs: `
metadata: {name: e, namespace: ns}
spec:
  inputs: [{a: b}]
  resources:
    - {apiVersion: v1, kind: Namespace, metadata: {name: x}}
    - {apiVersion: v1, kind: Namespace, metadata: {name: "<< inputs.nope >>"}}
`, resource: 1, msg: `map has no entry for key "nope"`},
		"unknown function": {rs: `
metadata: {name: e, namespace: ns}
spec:
  resources: [{apiVersion: v1, kind: Namespace, metadata: {name: "<< now >>"}}]
`, resource: 0, msg: `function "now" not defined`},
		"template line": {rs: `
metadata: {name: e, namespace: ns}
spec:
  inputs: [{a: b}]
  resourcesTemplate: |
    apiVersion: v1
    kind: Namespace
    metadata:
      name: << inputs.a | nosuchfunc >>
`, resource: -1, line: 4, msg: `function "nosuchfunc" not defined`},
		"bad separator": {rs: `
metadata: {name: e, namespace: ns}
spec:
  resourcesTemplate: |
    apiVersion: v1
    kind: Namespace
    metadata: {name: a}
    --- oops
`, resource: -1, line: 4, msg: "invalid Yaml document separator"},
		"huge repeat": {rs: `
metadata: {name: e, namespace: ns}
spec:
  resources: [{apiVersion: v1, kind: Namespace, metadata: {name: '<< repeat 1000000000 "xx" >>'}}]
`, resource: 0, msg: "output limit"},
		"steps with resources": {rs: `
metadata: {name: e, namespace: ns}
spec:
  resources: [{apiVersion: v1, kind: Namespace, metadata: {name: a}}]
  steps: [{name: s, resources: [{apiVersion: v1, kind: Namespace, metadata: {name: b}}]}]
`, resource: -1, msg: "mutually exclusive"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Expand(decode(t, tc.rs), Options{})
			var te *TemplateError
			require.True(t, errors.As(err, &te), "want a TemplateError, got %v", err)
			assert.Equal(t, tc.resource, te.Resource)
			assert.Equal(t, tc.line, te.Line)
			assert.Contains(t, te.Msg, tc.msg)
		})
	}
}

func TestDuplicatesAndExclusion(t *testing.T) {
	res, err := Expand(decode(t, `
metadata: {name: d, namespace: ns}
spec:
  inputs: [{tenant: team1}, {tenant: team2}]
  resources:
    - {apiVersion: source.toolkit.fluxcd.io/v1, kind: OCIRepository, metadata: {name: shared, namespace: ns}, spec: {url: "oci://a/<< inputs.tenant >>"}}
    - apiVersion: v1
      kind: ServiceAccount
      metadata:
        name: flux
        namespace: << inputs.tenant >>
        annotations:
          fluxcd.controlplane.io/reconcile: << if eq inputs.tenant "team1" >>enabled<< else >>disabled<< end >>
  resourcesTemplate: |
    apiVersion: source.toolkit.fluxcd.io/v1beta2
    kind: OCIRepository
    metadata: {name: shared, namespace: ns}
`), Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{"OCIRepository/ns/shared", "ServiceAccount/team1/flux"}, ids(res.Objects))
	// The first of the duplicates wins, spec.resources before resourcesTemplate, whatever the version.
	assert.Equal(t, "oci://a/team1", field(res.Objects[0], "spec", "url"))
	require.Len(t, res.Duplicates, 3)
	assert.Equal(t, "oci://a/team2", field(res.Duplicates[0], "spec", "url"))
	assert.Equal(t, -1, res.Duplicates[1].Resource)
	assert.Equal(t, []string{"ServiceAccount/team2/flux"}, ids(res.Excluded))
}

func TestSteps(t *testing.T) {
	res, err := Expand(decode(t, `
metadata: {name: s, namespace: ns}
spec:
  steps:
    - name: migrate
      resources: [{apiVersion: batch/v1, kind: Job, metadata: {name: m, namespace: ns}}]
    - name: deploy
      resourcesTemplate: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ns}\n"
`), Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{"migrate", "deploy"}, res.Steps)
	assert.Equal(t, "migrate", res.Objects[0].Step)
	assert.Equal(t, "deploy", res.Objects[1].Step)

	_, err = Expand(decode(t, `
metadata: {name: s, namespace: ns}
spec:
  steps:
    - {name: a, resources: [{apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: ns}}]}
    - {name: b, resources: [{apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: ns}}]}
`), Options{})
	var te *TemplateError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "b", te.Step)
	assert.Contains(t, te.Msg, `already defined in step "a"`)
}

func TestDependsOn(t *testing.T) {
	res, err := Expand(decode(t, `
metadata: {name: dep, namespace: ns}
spec:
  serviceAccountName: flux-tenant
  dependsOn:
    - {apiVersion: apiextensions.k8s.io/v1, kind: CustomResourceDefinition, name: helmreleases.helm.toolkit.fluxcd.io, ready: true}
    - apiVersion: v1
      kind: ConfigMap
      name: gate
      namespace: dev
      ready: true
      readyExpr: |
        metadata.generation == status.observedGeneration && data.gate == 'opened'
    - {apiVersion: v1, kind: ConfigMap, name: bad, ready: true, readyExpr: "status.ready == "}
  resources: [{apiVersion: v1, kind: Namespace, metadata: {name: x}}]
`), Options{})
	require.NoError(t, err)
	assert.Equal(t, "flux-tenant", res.ServiceAccountName)
	require.Len(t, res.DependsOn, 3)
	assert.Equal(t, Dependency{APIVersion: "apiextensions.k8s.io/v1", Kind: "CustomResourceDefinition",
		Name: "helmreleases.helm.toolkit.fluxcd.io", Ready: true}, res.DependsOn[0])
	assert.Equal(t, "dev", res.DependsOn[1].Namespace)
	assert.Empty(t, res.DependsOn[1].ExprError)
	assert.Contains(t, res.DependsOn[2].ExprError, "Syntax error")
}

// TestTenants expands a ResourceSet shaped like a multi-tenant fleet's
// tenants file.
func TestTenants(t *testing.T) {
	res, err := Expand(decode(t, `
apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata:
  name: tenants
  namespace: flux-system
spec:
  inputs:
    - tenant: frontend
    - tenant: backend
  resources:
    - apiVersion: v1
      kind: Namespace
      metadata:
        name: << inputs.tenant >>
    - apiVersion: v1
      kind: ServiceAccount
      metadata:
        name: flux
        namespace: << inputs.tenant >>
    - apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata:
        name: flux
        namespace: << inputs.tenant >>
      roleRef:
        apiGroup: rbac.authorization.k8s.io
        kind: ClusterRole
        name: admin
      subjects:
        - kind: ServiceAccount
          name: flux
          namespace: << inputs.tenant >>
    - apiVersion: source.toolkit.fluxcd.io/v1
      kind: OCIRepository
      metadata:
        name: apps
        namespace: << inputs.tenant >>
      spec:
        interval: 5m
        url: oci://ghcr.io/acme/apps/<< inputs.tenant >>
        ref:
          tag: latest
    - apiVersion: kustomize.toolkit.fluxcd.io/v1
      kind: Kustomization
      metadata:
        name: apps
        namespace: << inputs.tenant >>
      spec:
        interval: 10m
        serviceAccountName: flux
        sourceRef:
          kind: OCIRepository
          name: apps
        path: ./
        prune: true
`), Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{
		"Namespace/frontend", "Namespace/backend",
		"ServiceAccount/frontend/flux", "ServiceAccount/backend/flux",
		"RoleBinding/frontend/flux", "RoleBinding/backend/flux",
		"OCIRepository/frontend/apps", "OCIRepository/backend/apps",
		"Kustomization/frontend/apps", "Kustomization/backend/apps",
	}, ids(res.Objects))
	assert.Equal(t, "oci://ghcr.io/acme/apps/frontend", field(res.Objects[6], "spec", "url"))
	assert.Equal(t, "oci://ghcr.io/acme/apps/backend", field(res.Objects[7], "spec", "url"))
	assert.Equal(t, "backend", field(res.Objects[5], "subjects").([]any)[0].(map[string]any)["namespace"])
	assert.Equal(t, "flux", field(res.Objects[9], "spec", "serviceAccountName"))
}

func TestNormalizeKey(t *testing.T) {
	assert.Equal(t, "my_rset", normalizeKey("My-RSet"))
	assert.Equal(t, "a_b_c", normalizeKey("--a..b  c--"))
	assert.Equal(t, "", normalizeKey("--"))
}

func TestNoPanicOnGarbage(t *testing.T) {
	for _, rs := range []map[string]any{
		nil,
		{"spec": "x"},
		{"spec": map[string]any{"inputs": "x", "resources": []any{"x"}}},
		{"spec": map[string]any{"resources": []any{map[string]any{"a": make(chan int)}}}},
		{"spec": map[string]any{"inputsFrom": []any{map[string]any{"selector": map[string]any{"matchLabels": 3}}}}},
		{"spec": map[string]any{"dependsOn": []any{nil, 3, map[string]any{"readyExpr": "((("}}}},
	} {
		assert.NotPanics(t, func() { _, _ = Expand(rs, Options{}) })
	}
}
