// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/testutil"
	"github.com/d1lint/d1lint/policies"
)

// exampleEdited copies the example fleet and applies edits: each file's new
// content, or its removal when the content is "-".
func exampleEdited(t *testing.T, edits map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS(testutil.Fixture(t, "example"))))
	for f, content := range edits {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if content == "-" {
			require.NoError(t, os.Remove(p))
			continue
		}
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	return filepath.Join(dir, "fleet", ".d1lint.yaml")
}

// TestEmptyBuildForms: D1-0005 fires, at the Kustomization's spec.path, for
// every way an overlay can render nothing that kustomize-controller builds
// without error: a kustomization.yaml without resources, an empty one
// (Flux's generator fills it in), a folder with no manifests. A build whose
// every object opts out of Flux's apply is no empty build.
func TestEmptyBuildForms(t *testing.T) {
	const staging = "apps-main/components/shop/staging/"
	emptied := map[string]string{staging + "kustomization.yaml": "-", staging + "storefront-values.yaml": "-"}
	with := func(extra map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range emptied {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	for name, edits := range map[string]map[string]string{
		"no resources":    with(map[string]string{staging + "kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"}),
		"empty file":      with(map[string]string{staging + "kustomization.yaml": ""}),
		"no manifests":    with(map[string]string{staging + "README.md": "# nothing here yet\n"}),
		"all not applied": {staging + "kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base\ncommonAnnotations:\n  kustomize.toolkit.fluxcd.io/reconcile: disabled\n"},
	} {
		t.Run(name, func(t *testing.T) {
			var got []string
			for _, f := range check(t, exampleEdited(t, edits)) {
				if f.Rule == "D1-0005" {
					got = append(got, f.Cluster+" "+f.Location.Path+":"+strconv.Itoa(f.Location.Line)+" "+f.Message)
				}
			}
			if name == "all not applied" {
				assert.Empty(t, got)
				return
			}
			assert.Equal(t, []string{"staging tenants/apps/components/shop/sync.yaml:26 Kustomization shop/flux-shop renders no objects from ./components/shop/staging"}, got)
		})
	}
}

// TestSharedObjectIfNotPresent: D1-0006 fires on its bad fixture's two
// ClusterPolicies, and not once the second Kustomization applies them with
// kustomize.toolkit.fluxcd.io/ssa: IfNotPresent (here through
// commonMetadata, which kustomize-controller stamps on every object): that
// copy is applied only while the object does not exist.
func TestSharedObjectIfNotPresent(t *testing.T) {
	bad, err := fs.ReadFile(policies.FS, "build/shared-object/fixtures/bad/fleet/clusters/staging/apps-policies.yaml")
	require.NoError(t, err)
	for _, ifNotPresent := range []bool{false, true} {
		k := string(bad)
		if ifNotPresent {
			k += "  commonMetadata:\n    annotations:\n      kustomize.toolkit.fluxcd.io/ssa: IfNotPresent\n"
		}
		var got []string
		for _, f := range check(t, exampleEdited(t, map[string]string{"fleet/clusters/staging/apps-policies.yaml": k})) {
			got = append(got, f.Rule+" "+f.Location.Path)
		}
		if ifNotPresent {
			assert.Empty(t, got)
			continue
		}
		assert.Equal(t, []string{"D1-0006 tenants/apps/policies/clone-apps-secrets.yaml", "D1-0006 tenants/apps/policies/require-oci-charts.yaml"}, got)
	}
}

// TestUnsupportedSubstitutionAtItsLine: an expansion Flux's envsubst cannot
// parse fails the Kustomization (D1-0001, on the Kustomization), at the
// line of the field that holds it, saying what to write instead.
func TestUnsupportedSubstitutionAtItsLine(t *testing.T) {
	const headers = "infra-main/components/ingress/configs/base/cluster-headers.yaml"
	cfg := exampleEdited(t, map[string]string{headers: `apiVersion: v1
kind: ConfigMap
metadata:
  name: cluster-headers
  namespace: ingress-nginx
data:
  X-Cluster-Name: "${CLUSTER_NAME}"
  X-Cluster-Region: "${CLUSTER_REGION-global}"
`})
	var got []string
	for _, f := range check(t, cfg) {
		if f.Rule != "D1-0001" {
			continue
		}
		require.NotNil(t, f.Object)
		assert.Equal(t, "Kustomization", f.Object.Kind)
		assert.Contains(t, f.Message, "${CLUSTER_REGION-...} (without a colon) is not supported by Flux's envsubst: write ${CLUSTER_REGION:-...} or ${CLUSTER_REGION:=...}")
		got = append(got, f.Cluster+" "+f.Location.Path+":"+strconv.Itoa(f.Location.Line))
	}
	assert.Equal(t, []string{"staging components/ingress/configs/base/cluster-headers.yaml:8"}, got)
}
