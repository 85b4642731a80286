// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/engine"
	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/internal/testutil"
)

// exampleWithTestdata lays testdata/<name> over a copy of the example fleet.
func exampleWithTestdata(t *testing.T, name string) string {
	t.Helper()
	dst := t.TempDir()
	require.NoError(t, os.CopyFS(dst, os.DirFS(testutil.Fixture(t, "example"))))
	overlay := filepath.Join("testdata", name)
	require.NoError(t, filepath.WalkDir(overlay, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(overlay, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return err
		}
		return os.WriteFile(to, data, 0o644)
	}))
	return dst
}

// A tenant's chart, read from the tenant's own git repository, is the
// tenant's: helm-controller installs it impersonating the tenant, so its
// ClusterRole is a multi-tenancy error, at the template that writes it.
func TestTenantChartFromGitIsTenant(t *testing.T) {
	dir := exampleWithTestdata(t, "tenant-chart")
	found := check(t, filepath.Join(dir, "fleet", ".d1lint.yaml"))
	require.NotEmpty(t, found)
	for _, f := range found {
		assert.Equal(t, "D1-0102", f.Rule, "%s: %s", f.Rule, f.Message)
		assert.Equal(t, &finding.Object{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole", Name: "shop-order-reader"}, f.Object)
		assert.Equal(t, "github.com/acme/d1-apps", f.Location.Repo)
		assert.Equal(t, "charts/shop-admin/templates/rbac.yaml", f.Location.Path)
		assert.Equal(t, 8, f.Location.Line, "the line of kind: ClusterRole")
		assert.Contains(t, f.Message, "rendered by chart shop-admin@0.1.0 (shop-admin/templates/rbac.yaml) of HelmRelease shop/shop-admin")
	}
	// Once per cluster: staging reads d1-apps at main, prod-eu at
	// production, which has no such chart.
	assert.Equal(t, []string{"staging"}, clustersOf(found))
}

func clustersOf(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		if !slices.Contains(out, f.Cluster) {
			out = append(out, f.Cluster)
		}
	}
	slices.Sort(out)
	return out
}

// TestD1CorpusWithCharts: the d1 trio with the corpus's chart cache.
// Staging's model holds podinfo's Deployment in frontend and Kyverno's
// CRDs, both rendered from their charts; the only charts missing are the
// two pins the cache cannot hold (warnings), and nothing is an error.
func TestD1CorpusWithCharts(t *testing.T) {
	d := testutil.D1Corpus(t, false)
	opts := engine.Options{}
	opts.FleetPath, opts.OutOfBand = d.Fleet, config.DefaultOutOfBand()
	opts.Sources = []source.Mapping{{URL: testutil.D1InfraURL, Path: d.Infra}, {URL: testutil.D1AppsURL, Path: d.Apps}}
	opts.ChartDirs = []string{filepath.Join(testutil.SharedCorpus(t), "charts")}
	opts.Getenv = func(string) string { return "" }
	res, err := engine.New(engine.Config{}).Check(context.Background(), opts)
	require.NoError(t, err)
	missing := map[string]bool{}
	for _, f := range res.Report.Findings {
		assert.NotEqual(t, finding.Error, f.Severity, "%s %s: %s", f.Cluster, f.Rule, f.Message)
		if f.Rule == "D1-0007" {
			missing[f.Object.Name] = true
		}
	}
	assert.Equal(t, map[string]bool{"redis": true, "memcached": true}, missing, "redis 27.0.12 and memcached 8.6.3 are not in the cache")

	var staging *model.Cluster
	for _, c := range res.Fleet.Clusters {
		if c.Name == "staging" {
			staging = c
		}
	}
	require.NotNil(t, staging)
	podinfo := staging.Object(model.ObjectID{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "frontend", Name: "podinfo"})
	require.NotNil(t, podinfo, "podinfo's Deployment, rendered from its chart")
	assert.Equal(t, "frontend/podinfo", podinfo.HelmRelease)
	assert.Equal(t, "podinfo@6.14.0", podinfo.Chart)
	assert.Equal(t, "podinfo/templates/deployment.yaml", podinfo.Template)
	assert.EqualValues(t, 1, podinfo.Object["spec"].(map[string]any)["replicas"], "the staging overlay's replicaCount")
	var kyvernoCRDs []string
	for _, o := range staging.Objects {
		if o.Kind == "CustomResourceDefinition" && o.HelmRelease == "kyverno/kyverno" {
			kyvernoCRDs = append(kyvernoCRDs, o.Name)
		}
	}
	assert.Contains(t, kyvernoCRDs, "clusterpolicies.kyverno.io")
	assert.GreaterOrEqual(t, len(kyvernoCRDs), 20, "Kyverno's chart renders its CRDs from templates")
	for _, h := range staging.HelmReleases {
		switch h.Name {
		case "redis", "memcached":
			assert.Equal(t, model.ChartMissing, h.Status, h.Key())
		default:
			assert.Equal(t, model.ChartRendered, h.Status, "%s: %s", h.Key(), h.Reason)
			assert.Equal(t, 3, h.Helm, "d1 pins Flux 2.7: helm-controller v1.4 runs Helm 3")
		}
	}
	assert.True(t, staging.Completeness.ChartsOnly, "only the two charts are missing")
}
