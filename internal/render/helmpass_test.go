// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/helm"
	"github.com/d1lint/d1lint/internal/model"
)

// gitChartRelease is a HelmRelease in flux-system of the chart at
// ./charts/<name> of the fleet's own repository.
func gitChartRelease(name string) string {
	return `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ` + name + `
  namespace: flux-system
spec:
  interval: 1h
  chart:
    spec:
      chart: ./charts/` + name + `
      sourceRef:
        kind: GitRepository
        name: flux-system
---
`
}

func chartYAML(name string) string {
	return "apiVersion: v2\nname: " + name + "\nversion: 1.0.0\n"
}

// TestSecondChartPass: the API versions a chart's templates install (a CRD
// in templates/, unknown before the first render) reach a chart that asks
// for one of them, which renders again; a chart whose templates ask only
// for other versions renders once, even when its text names the new group.
func TestSecondChartPass(t *testing.T) {
	dir := writeFleet(t, map[string]string{
		"clusters/one/releases.yaml": fluxKustomization("releases", "./releases", ""),
		"releases/releases.yaml":     gitChartRelease("defs") + gitChartRelease("asker") + gitChartRelease("bystander"),
		"charts/defs/Chart.yaml":     chartYAML("defs"),
		"charts/defs/templates/crd.yaml": `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.gadgets.acme.example
spec:
  group: gadgets.acme.example
  names: {kind: Gadget, plural: gadgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          # Text, not an action: APIVersions here reads nothing.
          description: APIVersions is not read from a CRD's text
`,
		"charts/asker/Chart.yaml": chartYAML("asker"),
		"charts/asker/templates/cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: asker
  namespace: default
data:
  gadgets: {{ $.Capabilities.APIVersions.Has "gadgets.acme.example/v1" | quote }}
`,
		"charts/bystander/Chart.yaml": chartYAML("bystander"),
		"charts/bystander/templates/cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: bystander
  namespace: default
  annotations:
    docs: see gadgets.acme.example
data:
  pdb: {{ (.Capabilities).APIVersions.Has "policy/v1" | quote }}
`,
	})
	res, err := Render(context.Background(), Options{FleetPath: dir})
	require.NoError(t, err)
	t.Cleanup(func() { _ = res.Close() })
	c := cluster(t, res.Fleet, "one")
	for _, name := range []string{"defs", "asker", "bystander"} {
		rel := releaseOf(t, c, name)
		require.Equal(t, model.ChartRendered, rel.Status, "%s: %s", name, rel.Reason)
	}
	data := func(name string) map[string]any {
		return helmObject(t, c, "ConfigMap", "default", name).Object["data"].(map[string]any)
	}
	assert.Equal(t, "true", data("asker")["gadgets"], "the second pass sees the CRD the first rendered")
	assert.Equal(t, "true", data("bystander")["pdb"])
	assert.EqualValues(t, 4, res.ChartRenders(), "defs and bystander once, asker twice")
}

// TestRenderKeyAPIVersions: only the API versions a chart's templates ask
// for tell two render requests apart; any, when the values hold template
// text that may read them (tpl).
func TestRenderKeyAPIVersions(t *testing.T) {
	ch, err := helm.LoadFiles([]helm.File{
		{Name: "Chart.yaml", Data: []byte(chartYAML("c"))},
		{Name: "templates/cm.yaml", Data: []byte(`{{ if .Capabilities.APIVersions.Has "policy/v1" }}apiVersion: v1
kind: ConfigMap
metadata:
  name: c
{{ end }}`)},
	})
	require.NoError(t, err)
	key := func(values map[string]any, versions ...string) string {
		k, err := renderKey(helm.Request{Major: 3, Chart: ch, ReleaseName: "c", Namespace: "n", Values: values, APIVersions: versions})
		require.NoError(t, err)
		return k
	}
	assert.Equal(t, key(nil, "a.example/v1"), key(nil, "b.example/v1"), "versions the templates never ask for")
	assert.NotEqual(t, key(nil, "a.example/v1"), key(nil, "a.example/v1", "policy/v1"), "the version asked for")
	tpl := map[string]any{"extra": `{{ .Capabilities.APIVersions | toString }}`}
	assert.NotEqual(t, key(tpl, "a.example/v1"), key(tpl, "b.example/v1"), "values that may read any version")
}
