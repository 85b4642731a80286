// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package charts

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// untar lists a packaged chart's files and their content.
func untar(t *testing.T, data []byte) map[string]string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	require.NoError(t, err)
	tr := tar.NewReader(zr)
	out := map[string]string{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		require.NoError(t, err)
		b, err := io.ReadAll(tr)
		require.NoError(t, err)
		out[h.Name] = string(b)
	}
}

func TestFindUnpackedFolders(t *testing.T) {
	dir := t.TempDir()
	chartYAML := "apiVersion: v2\nname: podinfo\nversion: 6.14.0\n"
	writeFile(t, dir, "ghcr.io/stefanprodan/charts/podinfo-6.14.0/Chart.yaml", []byte(chartYAML))
	writeFile(t, dir, "ghcr.io/stefanprodan/charts/podinfo-6.14.0/templates/cm.yaml", []byte("kind: ConfigMap\n"))
	writeFile(t, dir, "ghcr.io/stefanprodan/charts/podinfo-6.13.0/Chart.yaml", []byte("apiVersion: v2\nname: podinfo\nversion: 6.13.0\n"))
	// A folder without Chart.yaml is no chart.
	writeFile(t, dir, "ghcr.io/stefanprodan/charts/podinfo-7.0.0/README.md", []byte("not a chart\n"))
	writeFile(t, dir, "redis-1.0.0/Chart.yaml", []byte("apiVersion: v2\nname: redis\nversion: 1.0.0\n"))
	c := openCache(t, dir)

	f, err := c.Find(with(podinfoOCI, "6.14.0"))
	require.NoError(t, err)
	assert.Equal(t, "ghcr.io/stefanprodan/charts/podinfo-6.14.0", f.Path)
	assert.Equal(t, "6.14.0", f.Version)
	assert.Equal(t, map[string]string{"podinfo/Chart.yaml": chartYAML, "podinfo/templates/cm.yaml": "kind: ConfigMap\n"}, untar(t, f.Data))
	again, err := openCache(t, dir).Find(with(podinfoOCI, "6.14.0"))
	require.NoError(t, err)
	assert.Equal(t, f.Digest, again.Digest, "packing a folder is reproducible")

	f, err = c.Find(with(podinfoOCI, ">=6.0.0"))
	require.NoError(t, err)
	assert.Equal(t, "6.14.0", f.Version, "the newest folder with a Chart.yaml")

	f, err = c.Find(Ref{Kind: KindHelmRepository, URL: "https://charts.bitnami.com/bitnami", Name: "redis", Version: "1.0.0"})
	require.NoError(t, err, "an unpacked folder in the flat layout")
	assert.Equal(t, "redis-1.0.0", f.Path)
}

func TestFindUnpackedFolderStaysInside(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	writeFile(t, outside, "secret.yaml", []byte("password: x\n"))
	writeFile(t, dir, "podinfo-1.0.0/Chart.yaml", []byte("apiVersion: v2\nname: podinfo\nversion: 1.0.0\n"))
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret.yaml"), filepath.Join(dir, "podinfo-1.0.0", "values.yaml")))
	f, err := openCache(t, dir).Find(Ref{Kind: KindHelmRepository, URL: "https://example.com/charts", Name: "podinfo", Version: "1.0.0"})
	require.NoError(t, err)
	assert.NotContains(t, untar(t, f.Data), "podinfo/values.yaml", "a symlink is not followed out of the cache")
}
