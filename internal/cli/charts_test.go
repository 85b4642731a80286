// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// packChart packs a one-template chart as helm package does.
func packChart(t *testing.T, name, version string) []byte {
	t.Helper()
	files := map[string]string{
		"Chart.yaml":             fmt.Sprintf("apiVersion: v2\nname: %s\nversion: %s\n", name, version),
		"templates/service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  ports:\n    - port: 80\n",
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, n := range []string{"Chart.yaml", "templates/service.yaml"} {
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: name + "/" + n, Mode: 0o644, Size: int64(len(files[n])), Typeflag: tar.TypeReg}))
		_, err := tw.Write([]byte(files[n]))
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// TestChartsPullThenCheckOffline: charts pull fetches, from a Helm
// repository on loopback, exactly the versions the fleet's HelmReleases ask
// for (a range: the newest match); check then renders them with the
// repository gone.
func TestChartsPullThenCheckOffline(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("HELM_REPOSITORY_CONFIG", filepath.Join(home, "repositories.yaml"))
	t.Setenv("HELM_REGISTRY_CONFIG", filepath.Join(home, "registry.json"))
	t.Setenv("DOCKER_CONFIG", home)
	pkgs := map[string][]byte{"web-1.1.0.tgz": packChart(t, "web", "1.1.0"), "web-1.2.0.tgz": packChart(t, "web", "1.2.0"), "web-2.0.0.tgz": packChart(t, "web", "2.0.0")}
	var requests []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests = append(requests, r.URL.Path)
		name := strings.TrimPrefix(r.URL.Path, "/charts/")
		if name == "index.yaml" {
			var b strings.Builder
			b.WriteString("apiVersion: v1\nentries:\n  web:\n")
			for _, v := range []string{"2.0.0", "1.2.0", "1.1.0"} {
				sum := sha256.Sum256(pkgs["web-"+v+".tgz"])
				fmt.Fprintf(&b, "    - name: web\n      version: %s\n      digest: %s\n      urls: [web-%s.tgz]\n", v, hex.EncodeToString(sum[:]), v)
			}
			_, _ = w.Write([]byte(b.String()))
			return
		}
		if data, ok := pkgs[name]; ok {
			_, _ = w.Write(data)
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()

	fleet := t.TempDir()
	write := func(rel, content string) {
		p := filepath.Join(fleet, filepath.FromSlash(rel))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	write("clusters/one/flux-instance.yaml", `apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata:
  name: flux
  namespace: flux-system
spec:
  distribution:
    version: "2.8.x"
    registry: ghcr.io/fluxcd
  sync:
    kind: GitRepository
    url: https://github.com/acme/fleet.git
    ref: refs/heads/main
    path: clusters/one
`)
	write("clusters/one/web.yaml", `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: acme
  namespace: flux-system
spec:
  interval: 1h
  url: `+srv.URL+`/charts
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: flux-system
spec:
  interval: 1h
  chart:
    spec:
      chart: web
      version: "1.x"
      sourceRef:
        kind: HelmRepository
        name: acme
`)
	cache := filepath.Join(t.TempDir(), "charts")
	args := []string{"--fleet", fleet, "--fleet-url", "https://github.com/acme/fleet.git", "--charts", cache}

	missing := run(t, "charts", "pull", "--fleet", fleet, "--fleet-url", "https://github.com/acme/fleet.git")
	require.Error(t, missing.err, "no cache folder to fill")
	assert.Contains(t, missing.err.Error(), "no chart cache folder")

	pulled := run(t, append([]string{"charts", "pull"}, args...)...)
	require.NoError(t, pulled.err, pulled.stderr)
	host := strings.ReplaceAll(strings.TrimPrefix(srv.URL, "http://"), ":", "_")
	want := host + "/charts/web-1.2.0.tgz"
	assert.Contains(t, pulled.stdout, "fetched       web 1.2.0: "+want+"\n", "1.x: the newest 1.x release")
	assert.FileExists(t, filepath.Join(cache, filepath.FromSlash(want)))
	assert.NoFileExists(t, filepath.Join(cache, filepath.FromSlash(host+"/charts/web-2.0.0.tgz")), "exactly the version the fleet uses")

	again := run(t, append([]string{"charts", "pull"}, args...)...)
	require.NoError(t, again.err, again.stderr)
	assert.Contains(t, again.stdout, "in the cache  web 1.2.0: "+want+"\n")
	assert.Contains(t, again.stdout, "1 chart in "+cache+", 0 could not be fetched\n")
	progress := runTerminal(t, false, true, nil, append([]string{"charts", "pull", "--quiet"}, args...)...)
	require.NoError(t, progress.err, progress.stderr)
	assert.Empty(t, progress.stdout, "--quiet: only what could not be fetched")
	assert.Empty(t, progress.stderr, "--quiet: no progress")
	progress = runTerminal(t, false, true, nil, append([]string{"charts", "pull"}, args...)...)
	require.NoError(t, progress.err, progress.stderr)
	assert.Contains(t, progress.stderr, "\rfetching 1/1 chart…")

	srv.Close() // check never touches the network
	checked := run(t, append([]string{"check", "--format", "json"}, args...)...)
	require.NoError(t, checked.err, checked.stdout+checked.stderr)
	assert.Contains(t, checked.stdout, `"charts": 1`)
	assert.Contains(t, checked.stdout, `"chartsMissing": 0`)
}
