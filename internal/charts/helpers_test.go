// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package charts

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// makeChart packages a small chart named name at version, as `helm
// package` lays it out: <name>/Chart.yaml first, then values and a
// template. note goes into values.yaml so that two packages of one
// version can be told apart.
func makeChart(t *testing.T, name, version, note string) []byte {
	t.Helper()
	return makeChartDir(t, name, name, version, note)
}

// makeChartDir is makeChart with the archive's top folder named dir.
func makeChartDir(t *testing.T, dir, name, version, note string) []byte {
	t.Helper()
	files := []struct{ name, body string }{
		{"Chart.yaml", "apiVersion: v2\nname: " + name + "\nversion: " + version + "\ndescription: test chart\n"},
		{"values.yaml", "note: " + note + "\n"},
		{"templates/configmap.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  note: {{ .Values.note | quote }}\n"},
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, f := range files {
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: dir + "/" + f.name, Mode: 0o644, Size: int64(len(f.body)), Typeflag: tar.TypeReg}))
		_, err := tw.Write([]byte(f.body))
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// writeFile writes data at rel under dir, making folders.
func writeFile(t *testing.T, dir, rel string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, data, 0o644))
}

// sha is "sha256:<hex>" of data.
func sha(data []byte) string {
	s := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(s[:])
}

// layoutManifest is one chart to put in an OCI image layout: its
// index.json annotation (the tag, a full reference, or "" for none).
type layoutManifest struct {
	refName string
	chart   []byte
	version string
}

// writeLayout writes an OCI image layout at rel under dir, as `oras copy
// --to-oci-layout` does for Helm charts, and returns the manifest digests.
func writeLayout(t *testing.T, dir, rel string, ms ...layoutManifest) []string {
	t.Helper()
	blob := func(data []byte) string {
		d := sha(data)
		writeFile(t, dir, rel+"/blobs/sha256/"+d[len("sha256:"):], data)
		return d
	}
	type desc struct {
		MediaType   string            `json:"mediaType"`
		Digest      string            `json:"digest"`
		Size        int               `json:"size"`
		Annotations map[string]string `json:"annotations,omitempty"`
	}
	var index struct {
		SchemaVersion int    `json:"schemaVersion"`
		Manifests     []desc `json:"manifests"`
	}
	index.SchemaVersion = 2
	var digests []string
	for _, m := range ms {
		cfg, err := json.Marshal(map[string]string{"apiVersion": "v2", "name": "podinfo", "version": m.version})
		require.NoError(t, err)
		manifest, err := json.Marshal(map[string]any{
			"schemaVersion": 2,
			"mediaType":     "application/vnd.oci.image.manifest.v1+json",
			"config":        desc{MediaType: "application/vnd.cncf.helm.config.v1+json", Digest: blob(cfg), Size: len(cfg)},
			"layers":        []desc{{MediaType: chartLayerMediaType, Digest: blob(m.chart), Size: len(m.chart)}},
		})
		require.NoError(t, err)
		d := desc{MediaType: "application/vnd.oci.image.manifest.v1+json", Digest: blob(manifest), Size: len(manifest)}
		if m.refName != "" {
			d.Annotations = map[string]string{refNameAnnotation: m.refName}
		}
		index.Manifests = append(index.Manifests, d)
		digests = append(digests, d.Digest)
	}
	data, err := json.Marshal(index)
	require.NoError(t, err)
	writeFile(t, dir, rel+"/index.json", data)
	writeFile(t, dir, rel+"/oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`))
	return digests
}

// isolate points HOME, Docker's and Helm's configuration at empty
// temporary folders, so that no test reads the developer's credentials.
func isolate(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("DOCKER_CONFIG", filepath.Join(home, ".docker"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("HELM_CONFIG_HOME", filepath.Join(home, ".config", "helm"))
	t.Setenv("HELM_REGISTRY_CONFIG", "")
	t.Setenv("HELM_REPOSITORY_CONFIG", "")
	t.Setenv("HELM_CACHE_HOME", filepath.Join(home, ".cache", "helm"))
	return home
}
