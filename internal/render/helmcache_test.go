// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/helm"
	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/internal/testutil"
)

// helmFixtureOptions are the options of fixtures/helm, with a persistent
// cache folder.
func helmFixtureOptions(t *testing.T, cacheDir string) Options {
	cfg, err := config.Load(testutil.Fixture(t, "helm", ".d1lint.yaml"))
	require.NoError(t, err)
	opts := Options{OutOfBand: cfg.OutOfBandObjects(), FleetPath: cfg.FleetPath(), FleetURL: cfg.FleetURL, FleetBranch: cfg.FleetBranch,
		Getenv: func(string) string { return "" }, CacheDir: cacheDir}
	for _, s := range cfg.Sources {
		opts.Sources = append(opts.Sources, source.Mapping{URL: s.URL, Path: cfg.Resolve(s.Path), Branch: s.Branch})
	}
	for _, d := range cfg.Charts {
		opts.ChartDirs = append(opts.ChartDirs, cfg.Resolve(d))
	}
	return opts
}

// TestPersistentChartRenders: a second run with the same persistent cache
// renders no chart and gives the same model; a run without the cache, or
// with its entries damaged, renders again and still gives the same model.
func TestPersistentChartRenders(t *testing.T) {
	dir := t.TempDir()
	run := func(cacheDir string) (string, int64) {
		res, err := Render(context.Background(), helmFixtureOptions(t, cacheDir))
		require.NoError(t, err)
		defer res.Close()
		b, err := json.Marshal(res.Fleet)
		require.NoError(t, err)
		return string(b), res.ChartRenders()
	}
	first, renders := run(dir)
	require.Positive(t, renders)
	entries, err := filepath.Glob(filepath.Join(dir, "v1", chartKind, "*", "*"))
	require.NoError(t, err)
	// Failed renders (needs-dep) are not kept.
	failed := int64(2) // needs-dep in both clusters
	assert.Len(t, entries, int(renders-failed), "one entry per successful render")

	second, renders := run(dir)
	assert.Equal(t, failed, renders, "only the failed renders, which are not kept, run again")
	assert.Equal(t, first, second)

	uncached, renders := run("")
	assert.Positive(t, renders)
	assert.Equal(t, first, uncached)

	for _, e := range entries {
		require.NoError(t, os.WriteFile(e, []byte("damaged"), 0o600))
	}
	damaged, renders := run(dir)
	assert.Positive(t, renders, "damaged entries are misses")
	assert.Equal(t, first, damaged)
}

// TestRenderCodec: a render's objects survive the cache's encoding
// exactly, and objects of equal encodings decode to one shared map.
func TestRenderCodec(t *testing.T) {
	ch, err := helm.LoadFiles([]helm.File{
		{Name: "Chart.yaml", Data: []byte("apiVersion: v2\nname: c\nversion: 1.0.0\n")},
		{Name: "templates/a.yaml", Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {}\ndata:\n  n: \"1\"\nbinaryData: null\n---\napiVersion: v1\nkind: List\nitems: []\n")},
		{Name: "templates/job.yaml", Data: []byte("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n  annotations: {helm.sh/hook: pre-install}\nspec:\n  backoffLimit: 3\n  template: {spec: {containers: [], restartPolicy: Never}}\n")},
		{Name: "crds/x.yaml", Data: []byte("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: xs.example.com\nspec:\n  group: example.com\n")},
	})
	require.NoError(t, err)
	res, err := helm.Render(context.Background(), helm.Request{Major: 3, Chart: ch, ReleaseName: "r", Namespace: "n", OwnerName: "o", OwnerNamespace: "f"})
	require.NoError(t, err)
	b, err := encodeRender(res)
	require.NoError(t, err)
	r := &renderer{}
	got, err := r.decodeRender(b)
	require.NoError(t, err)
	assert.Equal(t, res, got)
	again, err := r.decodeRender(b)
	require.NoError(t, err)
	for i := range got.Objects {
		assert.Equal(t, reflect.ValueOf(got.Objects[i].Object).Pointer(), reflect.ValueOf(again.Objects[i].Object).Pointer(), "object %d is shared", i)
	}
	_, err = r.decodeRender(b[:len(b)-3])
	assert.Error(t, err)
}
