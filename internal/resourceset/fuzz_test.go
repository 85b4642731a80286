// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package resourceset

import (
	"reflect"
	"testing"

	"sigs.k8s.io/yaml"
)

// fuzzSeeds are ResourceSets of the tests above, in short.
var fuzzSeeds = []string{
	prRSet,
	`
metadata: {name: my-rset, namespace: apps}
spec:
  inputStrategy: {name: Permute}
  inputs: [{id: id1, someField: foo}, {id: id2, someField: bar}]
  inputsFrom: [{name: oci-tag}, {selector: {matchLabels: {env: prod}}}]
  resources:
    - apiVersion: v1
      kind: ConfigMap
      metadata: {name: "cm-<< inputs.id >>", namespace: apps}
      data: {git: "<< inputs.git_tag.id | quote >>", s: "<< inputs.my_rset.someField | slugify >>"}
`,
	`
metadata: {name: bundles, namespace: flux-system}
spec:
  commonMetadata: {labels: {a: b}, annotations: {c: d}}
  inputs: [{bundle: addons, components: [a, b]}, {bundle: apps, components: [c]}]
  resourcesTemplate: |
    apiVersion: v1
    kind: Namespace
    metadata: {name: << inputs.bundle >>}
    <<- range $c := inputs.components >>
    ---
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: << $c >>, namespace: << inputs.bundle >>}
    <<- end >>
`,
	`
metadata: {name: dep, namespace: ns}
spec:
  dependsOn: [{apiVersion: v1, kind: ConfigMap, name: gate, ready: true, readyExpr: "data.gate == 'opened'"}]
  steps:
    - {name: a, resources: [{apiVersion: v1, kind: Namespace, metadata: {name: '<< "x" | upper >>'}}]}
`,
}

// FuzzExpand checks that Expand never panics and that it is deterministic:
// the same ResourceSet and providers give the same result.
func FuzzExpand(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, staticProviders)
	}
	f.Fuzz(func(t *testing.T, rsYAML, providersYAML string) {
		var rs map[string]any
		if yaml.Unmarshal([]byte(rsYAML), &rs) != nil {
			return
		}
		var ps []map[string]any
		for _, d := range splitDocs(providersYAML) {
			var p map[string]any
			if yaml.Unmarshal([]byte(d), &p) == nil && p != nil {
				ps = append(ps, p)
			}
		}
		opts := Options{
			Providers:      func(string) []map[string]any { return ps },
			ProviderInputs: map[string][]map[string]any{"apps/prs": {{"id": "1"}}},
		}
		r1, err1 := Expand(rs, opts)
		r2, err2 := Expand(rs, opts)
		if (err1 == nil) != (err2 == nil) || (err1 != nil && err1.Error() != err2.Error()) {
			t.Fatalf("errors differ: %v / %v", err1, err2)
		}
		if !reflect.DeepEqual(r1, r2) {
			t.Fatalf("results differ")
		}
	})
}
