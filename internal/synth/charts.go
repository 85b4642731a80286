// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package synth

import (
	"fmt"
	"os"
	"path/filepath"
)

// ChartsDir is the chart cache Generate writes beside the repositories:
// every chart the HelmReleases pin, as unpacked chart folders in the
// layout d1lint's chart cache reads
// (<registry host>/<path>/<name>-<version>/).
const ChartsDir = "charts"

// chartRepository is the registry path of the charts, as the
// HelmRepositories name it (oci://ghcr.io/synth/charts).
const chartRepository = "ghcr.io/synth/charts"

const chartYAML = `apiVersion: v2
name: @NAME@
version: @VERSION@
appVersion: "@VERSION@"
description: A small chart of d1lint's synthetic fleet.
`

const chartValues = `replicaCount: 1
logLevel: info
image:
  repository: ghcr.io/synth/@NAME@
metrics:
  enabled: false
resources:
  requests:
    cpu: 10m
    memory: 32Mi
podDisruptionBudget:
  enabled: false
ingress:
  enabled: false
  hosts: []
`

// chartTemplate renders a workload: a service account, its settings, a
// Deployment, a Service, and on request a PodDisruptionBudget and an
// Ingress.
const chartTemplate = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ .Release.Name }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
  logLevel: {{ .Values.logLevel | quote }}
  metrics: {{ .Values.metrics.enabled | quote }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels:
    app.kubernetes.io/name: {{ .Chart.Name }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      app.kubernetes.io/instance: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app.kubernetes.io/instance: {{ .Release.Name }}
    spec:
      serviceAccountName: {{ .Release.Name }}
      containers:
        - name: app
          image: {{ .Values.image.repository }}:{{ .Chart.AppVersion }}
          envFrom:
            - configMapRef:
                name: {{ .Release.Name }}-config
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
spec:
  selector:
    app.kubernetes.io/instance: {{ .Release.Name }}
  ports:
    - name: http
      port: 80
{{- if .Values.podDisruptionBudget.enabled }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ .Release.Name }}
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
{{- if .Values.ingress.enabled }}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ .Release.Name }}
spec:
  rules:
    {{- range .Values.ingress.hosts }}
    - host: {{ .host | quote }}
      http:
        paths:
          {{- range .paths }}
          - path: {{ .path }}
            pathType: {{ .pathType }}
            backend:
              service:
                name: {{ $.Release.Name }}
                port:
                  name: http
          {{- end }}
    {{- end }}
{{- end }}
`

// policyCRD is what the first platform component's chart installs: the
// CRD of the Kyverno ClusterPolicy its configs apply (as Kyverno's chart
// does in d1), so that the policy has an installer.
const policyCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: clusterpolicies.kyverno.io
spec:
  group: kyverno.io
  scope: Cluster
  names:
    kind: ClusterPolicy
    listKind: ClusterPolicyList
    plural: clusterpolicies
    singular: clusterpolicy
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
`

// chartFiles returns the chart cache: each platform component's chart at
// the versions main and production pin, and the web chart at each
// namespace's versions, keyed by path relative to the cache folder.
func (g *gen) chartFiles() map[string]string {
	files := map[string]string{}
	add := func(name, version string, crds bool) {
		dir := chartRepository + "/" + name + "-" + version + "/"
		files[dir+"Chart.yaml"] = fill(chartYAML, "NAME", name, "VERSION", version)
		files[dir+"values.yaml"] = fill(chartValues, "NAME", name)
		files[dir+"templates/workload.yaml"] = chartTemplate
		if crds {
			files[dir+"crds/clusterpolicies.yaml"] = policyCRD
		}
	}
	for i, comp := range g.components {
		for _, minor := range []string{"1", "2"} {
			add(comp, fmt.Sprintf("1.%s.%d", minor, i), i == 0)
		}
	}
	for i := range g.namespaces {
		for _, minor := range []string{"3", "4"} {
			add("web", fmt.Sprintf("2.%s.%d", minor, i), false)
		}
	}
	return files
}

// writeChartFiles writes files under dir.
func writeChartFiles(dir string, files map[string]string) error {
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}
