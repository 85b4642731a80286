// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fluxcd/pkg/kustomize"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/yaml"

	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/internal/synth"
	"github.com/d1lint/d1lint/internal/testutil"
)

// fluxSubstitution is Flux's own substitution of the whole object.
func fluxSubstitution(t *testing.T, ks *unstructured.Unstructured, obj map[string]any) (map[string]any, error) {
	t.Helper()
	res, err := resource.NewFactory(nil).FromMap(obj)
	require.NoError(t, err)
	c := storeClient{lookup: func(string, string, string) *stored { return nil }}
	if _, err := kustomize.SubstituteVariables(context.Background(), c, *ks, res); err != nil {
		return nil, err
	}
	return res.Map()
}

// TestSubstituteLeavesMatchesFlux: the shortcut gives exactly what Flux's
// substitution of the whole object gives, or declines: values YAML reads as
// numbers, booleans, lists, null or comments; long strings the writer
// folds; block strings; strings in lists of lists; defaults and the other
// operators; a value that would make YAML structure (declined).
func TestSubstituteLeavesMatchesFlux(t *testing.T) {
	ks := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
		"metadata": map[string]any{"name": "apps", "namespace": "flux-system"},
		"spec": map[string]any{"postBuild": map[string]any{"substitute": map[string]any{
			"CLUSTER":  "prod-eu",
			"REPLICAS": "3",
			"ON":       "true",
			"LIST":     "[a, b]",
			"EMPTY":    "",
			"HASH":     "x # comment",
			"COLON":    "a: b",
			"SPACES":   "a b  c",
			"QUOTE":    `it's "quoted"`,
			"LONG":     "a-rather-long-value-that-makes-the-line-wider-than-eighty-columns-when-written-out",
		}}},
	}}
	cases := map[string]string{
		"plain": `apiVersion: v1
kind: ConfigMap
metadata: {name: "cm-${CLUSTER}", namespace: default, labels: {cluster: "${CLUSTER}"}}
data: {a: "1.0", b: "keep", c: "${CLUSTER}-${MISSING:=fallback}"}
`,
		"types": `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: ${REPLICAS}
  paused: ${ON}
  template:
    spec:
      containers:
        - name: a
          args: ["${LIST}", "${EMPTY}", "${HASH}", x]
        - name: b
          env:
            - {name: A, value: "${SPACES}"}
            - {name: B, value: "${QUOTE}"}
            - {name: C, value: "${EMPTY:-default value}"}
`,
		"long": `apiVersion: v1
kind: ConfigMap
metadata: {name: long}
data:
  folded: "prefix ${LONG} and some more words after it so that the writer folds this line somewhere ${CLUSTER} end"
  block: |
    line one ${CLUSTER}
    line two ${REPLICAS}
  nested: [[a, "${CLUSTER}"], ["${REPLICAS}"]]
`,
		"structure": `apiVersion: v1
kind: ConfigMap
metadata: {name: colon}
data: {a: "${COLON}"}
`,
		"escapes": `apiVersion: v1
kind: ConfigMap
metadata: {name: esc}
data: {a: "$${CLUSTER}", b: "$$", c: "cost: $5", d: "${CLUSTER:0:4}", e: "${#CLUSTER}"}
`,
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			var obj map[string]any
			require.NoError(t, yaml.Unmarshal([]byte(src), &obj))
			want, wantErr := fluxSubstitution(t, ks, obj)
			c := storeClient{lookup: func(string, string, string) *stored { return nil }}
			got, ok := substituteLeaves(context.Background(), c, ks, obj)
			if !ok {
				// Declined: the caller runs Flux's substitution.
				if name != "structure" {
					t.Logf("declined (Flux: %v)", wantErr)
				}
				return
			}
			require.NoError(t, wantErr)
			assert.Equal(t, want, got)
		})
	}
	t.Run("structure is declined", func(t *testing.T) {
		var obj map[string]any
		require.NoError(t, yaml.Unmarshal([]byte(cases["structure"]), &obj))
		c := storeClient{lookup: func(string, string, string) *stored { return nil }}
		_, ok := substituteLeaves(context.Background(), c, ks, obj)
		assert.False(t, ok, "a value that makes YAML structure takes Flux's way")
	})
	t.Run("keys are declined", func(t *testing.T) {
		c := storeClient{lookup: func(string, string, string) *stored { return nil }}
		_, ok := substituteLeaves(context.Background(), c, ks, map[string]any{"data": map[string]any{"${CLUSTER}": "x"}})
		assert.False(t, ok)
	})
}

// TestSubstituteLeavesSharesTheRest: what no substitution touched is the
// object's own maps, unmodified.
func TestSubstituteLeavesSharesTheRest(t *testing.T) {
	ks := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"postBuild": map[string]any{"substitute": map[string]any{"X": "1"}}}}}
	spec := map[string]any{"big": map[string]any{"k": "v"}}
	obj := map[string]any{"kind": "ConfigMap", "metadata": map[string]any{"name": "${X}"}, "spec": spec}
	c := storeClient{lookup: func(string, string, string) *stored { return nil }}
	got, ok := substituteLeaves(context.Background(), c, ks, obj)
	require.True(t, ok)
	assert.Equal(t, map[string]any{"name": 1}, got["metadata"])
	assert.Equal(t, "${X}", obj["metadata"].(map[string]any)["name"], "the object is left as it was")
	got["spec"].(map[string]any)["probe"] = true
	assert.Equal(t, true, spec["probe"], "spec is shared, not copied")
}

// TestSubstituteLeavesRenders: every fixture, the d1 corpus and a
// synthetic fleet (whose every cluster substitutes its name) render to
// exactly the same model with the shortcut as with Flux's substitution of
// whole objects.
func TestSubstituteLeavesRenders(t *testing.T) {
	models := func(t *testing.T, opts Options) (string, string) {
		t.Helper()
		leafSubstitution = false
		whole := renderCached(t, opts, "")
		leafSubstitution = true
		leaves := renderCached(t, opts, "")
		return whole.model, leaves.model
	}
	t.Cleanup(func() { leafSubstitution = true })
	for _, fixture := range [][]string{
		{"example", "fleet"}, {"example", "fleet-bootstrap"}, {"bad", "fleet"},
		{"layouts", "home-ops"}, {"layouts", "hub-spoke"}, {"layouts", "monorepo", "platform", "fleet"},
		{"resourceset"}, {"helm"},
	} {
		t.Run(strings.Join(fixture, "/"), func(t *testing.T) {
			whole, leaves := models(t, configOptions(t, testutil.Fixture(t, append(fixture, ".d1lint.yaml")...)))
			assert.Equal(t, whole, leaves)
		})
	}
	t.Run("synthetic", func(t *testing.T) {
		f, err := synth.Generate(filepath.Join(t.TempDir(), "fleet"), synth.Options{Clusters: 4, AppNamespaces: 3, InfraComponents: 2})
		require.NoError(t, err)
		opts := Options{FleetPath: f.FleetPath, ChartDirs: []string{f.ChartsPath}, Getenv: func(string) string { return "" },
			Sources: []source.Mapping{{URL: f.InfraURL, Path: f.InfraPath}, {URL: f.AppsURL, Path: f.AppsPath}}}
		whole, leaves := models(t, opts)
		assert.Equal(t, whole, leaves)
		assert.Contains(t, whole, "staging-001", "the clusters' names are substituted")
	})
	t.Run("d1", func(t *testing.T) {
		whole, leaves := models(t, d1Options(testutil.D1Corpus(t, false)))
		assert.Equal(t, whole, leaves)
	})
}
