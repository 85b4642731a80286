// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package schema

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/yannh/kubeconform/pkg/registry"
)

// TestLayoutMatchesKubeconform: a schema location means for d1lint what it
// means for kubeconform, which d1lint no longer runs (local.go says why):
// for each location and object, d1lint reads the file kubeconform's
// registry would read, and finds it inside the location. kubeconform is
// strict, as d1lint always is.
func TestLayoutMatchesKubeconform(t *testing.T) {
	dir := t.TempDir()
	locations := []string{
		// A folder: kubeconform's default layout is appended.
		dir,
		dir + "/",
		filepath.Join(dir, "crds"),
		// Path templates, as teams and kubeconform's README write them.
		filepath.Join(dir, "{{ .ResourceKind }}{{ .KindSuffix }}.json"),
		filepath.Join(dir, "{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json"),
		filepath.Join(dir, "{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"),
		filepath.Join(dir, "{{ .Group }}-{{ .ResourceAPIVersion }}/{{ .ResourceKind }}.json"),
		// A single file for every kind.
		filepath.Join(dir, "all.json"),
	}
	objects := []struct{ kind, apiVersion string }{
		{"Deployment", "apps/v1"},
		{"ConfigMap", "v1"},
		{"Namespace", "v1"},
		{"CronJob", "batch/v1"},
		{"HorizontalPodAutoscaler", "autoscaling/v2"},
		{"PodDisruptionBudget", "policy/v1beta1"},
		{"Kustomization", "kustomize.toolkit.fluxcd.io/v1"},
		{"HelmRelease", "helm.toolkit.fluxcd.io/v2beta2"},
		{"FluxInstance", "fluxcd.controlplane.io/v1"},
		{"ClusterPolicy", "kyverno.io/v1"},
		{"ServiceMonitor", "monitoring.coreos.com/v1"},
		{"CustomResourceDefinition", "apiextensions.k8s.io/v1"},
		{"Widget", "example.com/v1alpha1"},
		{"IPAddressPool", "metallb.io/v1beta1"},
	}
	const kube = "1.36.3"
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "crds"), 0o755))
	for _, l := range locations {
		ls, err := newLocalSchemas([]string{l}, kube)
		require.NoError(t, err, l)
		reg, err := registry.New(l, "", true, false, false)
		require.NoError(t, err, l)
		for _, o := range objects {
			// The folders hold no schema: kubeconform says it found none,
			// and which file it looked for.
			want, _, _ := reg.DownloadSchema(o.kind, o.apiVersion, kube)
			require.NotEmpty(t, want, "%s: %s %s", l, o.apiVersion, o.kind)
			require.NoError(t, checkName(o.kind, o.apiVersion), o)
			got, err := ls.path(ls.locs[0], o.kind, o.apiVersion)
			require.NoError(t, err)
			assert.Equal(t, want, got, "%s: %s %s", l, o.apiVersion, o.kind)

			// And a schema where kubeconform would find it is inside the
			// location for d1lint: it is read.
			require.NoError(t, os.MkdirAll(filepath.Dir(want), 0o755))
			require.NoError(t, os.WriteFile(want, []byte(`{"type": "object"}`), 0o644))
			s, err := ls.schema(o.kind, o.apiVersion)
			require.NoError(t, err, "%s: %s %s", l, o.apiVersion, o.kind)
			assert.NotNil(t, s, "%s: %s %s", l, o.apiVersion, o.kind)
		}
	}
}
