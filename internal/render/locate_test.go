// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// locateFleet: a base Deployment, an overlay with a strategic-merge patch
// file, an inline JSON 6902 patch and a patchesStrategicMerge entry, and a
// Flux Kustomization whose own spec.patches sets a field last.
var locateFleet = map[string]string{
	"clusters/one/app.yaml": fluxKustomization("app", "./app/overlay", `  patches:
    - target:
        kind: Deployment
        name: web
      patch: |
        - op: replace
          path: /spec/template/spec/priorityClassName
          value: critical
`),
	"app/base/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
`,
	"app/base/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      priorityClassName: normal
      containers:
        - name: sidecar
          image: envoy:1
        - name: web
          image: nginx:1.27
          resources:
            limits:
              memory: 64Mi
`,
	"app/overlay/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../base
patches:
  - path: replicas.yaml
  - target:
      kind: Deployment
      name: web
    patch: |-
      - op: add
        path: /metadata/labels
        value:
          tier: frontend
patchesStrategicMerge:
  - memory.yaml
`,
	"app/overlay/replicas.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 3
`,
	"app/overlay/memory.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: web
          resources:
            limits:
              memory: 256Mi
`,
}

func TestLocate(t *testing.T) {
	dir := writeFleet(t, locateFleet)
	r, err := Render(context.Background(), Options{FleetPath: dir})
	require.NoError(t, err)
	defer r.Close()
	fl := r.Fleet
	c := fl.Clusters[0]
	require.Empty(t, hardProblems(c))
	o := object(c, "Deployment", "shop", "web")
	require.NotNil(t, o)
	assert.Equal(t, "app/base/deployment.yaml", o.Location.Path)

	tests := []struct {
		name string
		path []string
		want string // path:line, "" for none
	}{
		{"set by the base", []string{"spec", "selector", "matchLabels", "app"}, "app/base/deployment.yaml:10"},
		{"list item in the base, by name", []string{"spec", "template", "spec", "containers", "1", "image"}, "app/base/deployment.yaml:19"},
		{"list item the patch moved", []string{"spec", "template", "spec", "containers", "0", "image"}, "app/base/deployment.yaml:21"},
		{"strategic-merge patch file", []string{"spec", "replicas"}, "app/overlay/replicas.yaml:7"},
		{"patchesStrategicMerge, list item by name", []string{"spec", "template", "spec", "containers", "0", "resources", "limits", "memory"}, "app/overlay/memory.yaml:13"},
		{"inline JSON 6902 patch, inside its value", []string{"metadata", "labels", "tier"}, "app/overlay/kustomization.yaml:14"},
		{"Flux Kustomization patch wins", []string{"spec", "template", "spec", "priorityClassName"}, "clusters/one/app.yaml:20"},
		{"a field no file sets", []string{"spec", "paused"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := r.Locate(c, o, tt.path)
			if tt.want == "" {
				assert.Nil(t, loc)
				return
			}
			require.NotNil(t, loc)
			assert.Equal(t, tt.want, loc.Path+":"+itoa(loc.Line))
			assert.Equal(t, o.Location.Repo, loc.Repo)
		})
	}
	// The render really took the values from where Locate points.
	spec := o.Object["spec"].(map[string]any)
	assert.EqualValues(t, 3, spec["replicas"])
	assert.Equal(t, "critical", spec["template"].(map[string]any)["spec"].(map[string]any)["priorityClassName"])
	containers := spec["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)
	assert.Equal(t, "web", containers[0].(map[string]any)["name"], "strategic merge moved the patched item first")
}
