// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package charts

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	podinfoOCI   = Ref{Kind: KindHelmRepository, URL: "oci://ghcr.io/stefanprodan/charts", Name: "podinfo"}
	podinfoHTTPS = Ref{Kind: KindHelmRepository, URL: "https://stefanprodan.github.io/podinfo", Name: "podinfo"}
	metricsOCI   = Ref{Kind: KindOCIRepository, URL: "oci://ghcr.io/controlplaneio-fluxcd/charts/metrics-server", Name: "metrics-server"}
)

// with returns r asking for version.
func with(r Ref, version string) Ref { r.Version = version; return r }

func openCache(t *testing.T, dirs ...string) *Cache {
	t.Helper()
	c, err := OpenCache(dirs...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestCachePath(t *testing.T) {
	cases := []struct {
		ref     Ref
		version string
		want    string
	}{
		{podinfoOCI, "6.14.0", "ghcr.io/stefanprodan/charts/podinfo-6.14.0.tgz"},
		{podinfoHTTPS, "6.14.0", "stefanprodan.github.io/podinfo/podinfo-6.14.0.tgz"},
		{metricsOCI, "3.13.1", "ghcr.io/controlplaneio-fluxcd/charts/metrics-server-3.13.1.tgz"},
		// Host lower-cased, default port dropped, path cleaned, no trailing slash.
		{Ref{URL: "https://Charts.Example.COM:443/a/./b/../c/", Name: "x"}, "1.0.0", "charts.example.com/a/c/x-1.0.0.tgz"},
		{Ref{URL: "oci://registry.local:5000/charts", Name: "x"}, "v1.0.0", "registry.local_5000/charts/x-v1.0.0.tgz"},
		{Ref{URL: "http://repo.local:80/", Name: "x"}, "1.0.0+build.1", "repo.local/x-1.0.0+build.1.tgz"},
		{Ref{URL: "https://repo.local/../../etc", Name: "x"}, "1.0.0", "repo.local/etc/x-1.0.0.tgz"},
		// Nothing that could leave the folder or is no file name.
		{Ref{URL: "https://repo.local", Name: "../x"}, "1.0.0", ""},
		{Ref{URL: "https://repo.local", Name: "x"}, "../../1.0.0", ""},
		{Ref{URL: "https://repo.local", Name: "x"}, "1.0.0/evil", ""},
		{Ref{URL: "", Name: "x"}, "1.0.0", ""},
		{Ref{URL: "ftp://repo.local", Name: "x"}, "1.0.0", ""},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, c.ref.CachePath(c.version), "%+v %s", c.ref, c.version)
	}
}

func TestRefString(t *testing.T) {
	assert.Equal(t, "oci://ghcr.io/stefanprodan/charts/podinfo@6.14.0", with(podinfoOCI, "6.14.0").String())
	assert.Equal(t, "https://stefanprodan.github.io/podinfo/podinfo@*", podinfoHTTPS.String())
	m := metricsOCI
	assert.Equal(t, "oci://ghcr.io/controlplaneio-fluxcd/charts/metrics-server:latest", m.String())
	m.Tag = "3.13.1"
	assert.Equal(t, "oci://ghcr.io/controlplaneio-fluxcd/charts/metrics-server:3.13.1", m.String())
	m.SemVer = "3.x"
	assert.Equal(t, "oci://ghcr.io/controlplaneio-fluxcd/charts/metrics-server@3.x", m.String(), "semver beats tag")
	m.Digest = "sha256:" + strings.Repeat("a", 64)
	assert.Equal(t, "oci://ghcr.io/controlplaneio-fluxcd/charts/metrics-server@sha256:"+strings.Repeat("a", 64), m.String(), "digest beats both")
}

func TestOpenCacheRefusesMissingAndFiles(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	writeFile(t, dir, "file", []byte("x"))
	_, err := OpenCache(dir, filepath.Join(dir, "missing"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), filepath.Join(dir, "missing"))
	_, err = OpenCache(file)
	require.Error(t, err)
	assert.Contains(t, err.Error(), file+": not a folder")
}

func TestFindStructuredLayout(t *testing.T) {
	dir := t.TempDir()
	chart := makeChart(t, "podinfo", "6.14.0", "oci")
	writeFile(t, dir, "ghcr.io/stefanprodan/charts/podinfo-6.14.0.tgz", chart)
	https := makeChart(t, "podinfo", "6.14.0", "https")
	writeFile(t, dir, "stefanprodan.github.io/podinfo/podinfo-6.14.0.tgz", https)
	ms := makeChart(t, "metrics-server", "3.13.1", "")
	writeFile(t, dir, "ghcr.io/controlplaneio-fluxcd/charts/metrics-server-3.13.1.tgz", ms)
	c := openCache(t, dir)

	f, err := c.Find(with(podinfoOCI, "6.14.0"))
	require.NoError(t, err)
	assert.Equal(t, "ghcr.io/stefanprodan/charts/podinfo-6.14.0.tgz", f.Path)
	assert.Equal(t, dir, f.Dir)
	assert.Equal(t, "6.14.0", f.Version)
	assert.Equal(t, chart, f.Data)
	assert.Equal(t, sha(chart), f.Digest)

	f, err = c.Find(with(podinfoHTTPS, "6.14.0"))
	require.NoError(t, err)
	assert.Equal(t, "stefanprodan.github.io/podinfo/podinfo-6.14.0.tgz", f.Path)
	assert.Equal(t, https, f.Data)

	// An OCIRepository chartRef shares the file scheme of an OCI HelmRepository.
	m := metricsOCI
	m.Tag = "3.13.1"
	f, err = c.Find(m)
	require.NoError(t, err)
	assert.Equal(t, "ghcr.io/controlplaneio-fluxcd/charts/metrics-server-3.13.1.tgz", f.Path)
	m.Tag, m.SemVer = "", ">=3.0.0"
	f, err = c.Find(m)
	require.NoError(t, err)
	assert.Equal(t, "3.13.1", f.Version)
	m.SemVerFilter = `^3\.12\.`
	_, err = c.Find(m)
	assert.ErrorIs(t, err, ErrNotCached, "semverFilter leaves no version")
	m.SemVerFilter = `(`
	_, err = c.Find(m)
	assert.ErrorContains(t, err, "semverFilter")
	m.SemVer, m.SemVerFilter = "", ""
	_, err = c.Find(m)
	assert.ErrorIs(t, err, ErrNotCached, "no spec.ref is tag latest, which is not cached")
}

func TestFindFlatLayoutAndOrder(t *testing.T) {
	dir := t.TempDir()
	flat := makeChart(t, "podinfo", "6.14.0", "flat")
	writeFile(t, dir, "podinfo-6.14.0.tgz", flat)
	c := openCache(t, dir)
	f, err := c.Find(with(podinfoOCI, "6.14.0"))
	require.NoError(t, err)
	assert.Equal(t, "podinfo-6.14.0.tgz", f.Path)
	assert.Equal(t, flat, f.Data)

	// The structured layout is searched before the flat one.
	structured := makeChart(t, "podinfo", "6.14.0", "structured")
	writeFile(t, dir, "ghcr.io/stefanprodan/charts/podinfo-6.14.0.tgz", structured)
	f, err = openCache(t, dir).Find(with(podinfoOCI, "6.14.0"))
	require.NoError(t, err)
	assert.Equal(t, structured, f.Data)

	// Folders in order: the first holding the version wins.
	first := t.TempDir()
	writeFile(t, first, "podinfo-6.14.0.tgz", makeChart(t, "podinfo", "6.14.0", "first"))
	f, err = openCache(t, first, dir).Find(with(podinfoOCI, "6.14.0"))
	require.NoError(t, err)
	assert.Equal(t, first, f.Dir)
	// … but for a range the newest version wins across folders.
	writeFile(t, dir, "podinfo-6.14.1.tgz", makeChart(t, "podinfo", "6.14.1", ""))
	f, err = openCache(t, first, dir).Find(with(podinfoOCI, "6.x"))
	require.NoError(t, err)
	assert.Equal(t, dir, f.Dir)
	assert.Equal(t, "6.14.1", f.Version)
}

func TestFindVPrefix(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "charts.jetstack.io/cert-manager-v1.20.2.tgz", makeChart(t, "cert-manager", "v1.20.2", ""))
	c := openCache(t, dir)
	jetstack := Ref{URL: "https://charts.jetstack.io", Name: "cert-manager"}
	for _, v := range []string{"v1.20.2", "1.20.2", "1.20.x", "~1.20"} {
		f, err := c.Find(with(jetstack, v))
		require.NoError(t, err, v)
		assert.Equal(t, "v1.20.2", f.Version, v)
		assert.Equal(t, "charts.jetstack.io/cert-manager-v1.20.2.tgz", f.Path, v)
	}
	_, err := c.Find(with(jetstack, "v1.20.3"))
	assert.ErrorIs(t, err, ErrNotCached)
}

func TestFindRangeNewestAndPrerelease(t *testing.T) {
	dir := t.TempDir()
	for _, v := range []string{"6.8.0", "6.14.0", "6.14.1", "7.0.0-rc.1"} {
		writeFile(t, dir, "ghcr.io/stefanprodan/charts/podinfo-"+v+".tgz", makeChart(t, "podinfo", v, ""))
	}
	c := openCache(t, dir)
	cases := map[string]string{
		"":              "6.14.1", // newest stable, as Flux reads an empty version
		"*":             "6.14.1",
		">=6.0.0":       "6.14.1",
		"6.14.x":        "6.14.1",
		"<6.14.1":       "6.14.0",
		"~6.8":          "6.8.0",
		">=7.0.0-0":     "7.0.0-rc.1", // a range naming a pre-release admits them
		"7.0.0-rc.1":    "7.0.0-rc.1",
		">=6.0.0 <6.10": "6.8.0",
	}
	for want, got := range cases {
		f, err := c.Find(with(podinfoOCI, want))
		require.NoError(t, err, want)
		assert.Equal(t, got, f.Version, want)
	}
	_, err := c.Find(with(podinfoOCI, ">=7.0.0"))
	require.ErrorIs(t, err, ErrNotCached, "7.0.0-rc.1 is a pre-release, which >=7.0.0 does not admit")
	assert.Contains(t, err.Error(), "podinfo-*.tgz")
	assert.Contains(t, err.Error(), "cached versions: 7.0.0-rc.1, 6.14.1, 6.14.0, 6.8.0")

	_, err = c.Find(with(podinfoOCI, "not a range"))
	require.ErrorIs(t, err, ErrNotCached)
	assert.Contains(t, err.Error(), `"not a range" is not a semver range`)
}

// A chart name is a prefix of other charts' names (kube-prometheus-stack,
// kube-state-metrics): a file chosen by range must hold the chart asked
// for.
func TestFindNamePrefix(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "kube-prometheus-stack-87.3.0.tgz", makeChart(t, "kube-prometheus-stack", "87.3.0", ""))
	writeFile(t, dir, "foo-1-2.0.0.tgz", makeChart(t, "foo-1", "2.0.0", ""))
	c := openCache(t, dir)
	r := Ref{URL: "https://example.com", Name: "kube"}
	_, err := c.Find(r)
	assert.ErrorIs(t, err, ErrNotCached)
	f, err := c.Find(Ref{URL: "https://example.com", Name: "kube-prometheus-stack", Version: "*"})
	require.NoError(t, err)
	assert.Equal(t, "87.3.0", f.Version)
	// "foo-1-2.0.0" reads as chart foo at 1.0.0-2.0.0, a pre-release a
	// range may admit; its archive says it is chart foo-1.
	_, err = c.Find(Ref{URL: "https://example.com", Name: "foo", Version: ">=0.0.0-0"})
	assert.ErrorIs(t, err, ErrNotCached)
	f, err = c.Find(Ref{URL: "https://example.com", Name: "foo-1", Version: "2.x"})
	require.NoError(t, err)
	assert.Equal(t, "2.0.0", f.Version)
}

func TestFindDigestSidecar(t *testing.T) {
	dir := t.TempDir()
	digest := "sha256:" + strings.Repeat("ab", 32)
	chart := makeChart(t, "metrics-server", "3.13.1", "")
	writeFile(t, dir, "ghcr.io/controlplaneio-fluxcd/charts/metrics-server-3.13.1.tgz", chart)
	writeFile(t, dir, "ghcr.io/controlplaneio-fluxcd/charts/metrics-server-3.13.1.digest", []byte(digest+"\n"))
	other := "sha256:" + strings.Repeat("cd", 32)
	flat := makeChart(t, "metrics-server", "3.13.0", "")
	writeFile(t, dir, "metrics-server-3.13.0.tgz", flat)
	writeFile(t, dir, "metrics-server-3.13.0.digest", []byte(other))
	c := openCache(t, dir)

	m := metricsOCI
	m.Digest, m.Tag = digest, "ignored-when-a-digest-is-set"
	f, err := c.Find(m)
	require.NoError(t, err)
	assert.Equal(t, "3.13.1", f.Version)
	assert.Equal(t, "ghcr.io/controlplaneio-fluxcd/charts/metrics-server-3.13.1.tgz", f.Path)
	assert.Equal(t, chart, f.Data)

	m.Digest = other
	f, err = c.Find(m)
	require.NoError(t, err)
	assert.Equal(t, "metrics-server-3.13.0.tgz", f.Path, "flat sidecars count too")

	m.Digest = "sha256:" + strings.Repeat("ef", 32)
	_, err = c.Find(m)
	require.ErrorIs(t, err, ErrNotCached)
	assert.Contains(t, err.Error(), "ghcr.io/controlplaneio-fluxcd/charts/metrics-server-*.digest and metrics-server-*.digest holding that digest")

	m.Digest = "sha256:short"
	_, err = c.Find(m)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not an OCI digest")
}

func TestFindOCILayout(t *testing.T) {
	dir := t.TempDir()
	c6140 := makeChart(t, "podinfo", "6.14.0", "")
	c6141 := makeChart(t, "podinfo", "6.14.1", "")
	c6142 := makeChart(t, "podinfo", "6.14.2", "untagged")
	cbuild := makeChart(t, "podinfo", "6.15.0+build.1", "")
	digests := writeLayout(t, dir, "ghcr.io/stefanprodan/charts/podinfo",
		layoutManifest{refName: "6.14.0", chart: c6140, version: "6.14.0"},
		// crane pull --format=oci writes the whole reference.
		layoutManifest{refName: "ghcr.io/stefanprodan/charts/podinfo:6.14.1", chart: c6141, version: "6.14.1"},
		layoutManifest{chart: c6142, version: "6.14.2"},
		layoutManifest{refName: "6.15.0_build.1", chart: cbuild, version: "6.15.0+build.1"},
	)
	c := openCache(t, dir)

	f, err := c.Find(with(podinfoOCI, "6.14.0"))
	require.NoError(t, err)
	assert.Equal(t, c6140, f.Data)
	assert.Equal(t, "ghcr.io/stefanprodan/charts/podinfo", f.Path)
	assert.Equal(t, "6.14.0", f.Version)

	f, err = c.Find(with(podinfoOCI, "6.14.x"))
	require.NoError(t, err)
	assert.Equal(t, c6141, f.Data)
	assert.Equal(t, "6.14.1", f.Version)

	// Helm's '_' in a tag is '+' in the version.
	f, err = c.Find(with(podinfoOCI, "6.15.0+build.1"))
	require.NoError(t, err)
	assert.Equal(t, cbuild, f.Data)

	// The OCIRepository of the chart, by tag and by digest; an untagged
	// manifest tells its version through the Helm config.
	oci := Ref{Kind: KindOCIRepository, URL: "oci://ghcr.io/stefanprodan/charts/podinfo", Tag: "6.14.1"}
	f, err = c.Find(oci)
	require.NoError(t, err)
	assert.Equal(t, c6141, f.Data)
	oci.Digest = digests[2]
	f, err = c.Find(oci)
	require.NoError(t, err)
	assert.Equal(t, c6142, f.Data)
	assert.Equal(t, "6.14.2", f.Version)
	oci.Digest = digests[0]
	f, err = c.Find(oci)
	require.NoError(t, err)
	assert.Equal(t, "6.14.0", f.Version)

	// A layer whose content does not match its digest is refused.
	writeFile(t, dir, "ghcr.io/stefanprodan/charts/podinfo/blobs/sha256/"+sha(c6140)[len("sha256:"):], []byte("tampered"))
	_, err = openCache(t, dir).Find(with(podinfoOCI, "6.14.0"))
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrNotCached)
	assert.Contains(t, err.Error(), "content has digest")
}

func TestFindNotCachedMessage(t *testing.T) {
	tmp := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(tmp, "cache"), 0o755))
	require.NoError(t, os.Mkdir(filepath.Join(tmp, "more"), 0o755))
	t.Chdir(tmp)
	c := openCache(t, "cache")
	_, err := c.Find(with(podinfoOCI, "6.14.0"))
	require.ErrorIs(t, err, ErrNotCached)
	assert.Equal(t, "podinfo 6.14.0 (oci://ghcr.io/stefanprodan/charts) is not in the chart cache "+
		"(looked for ghcr.io/stefanprodan/charts/podinfo-6.14.0.tgz and podinfo-6.14.0.tgz)", err.Error())
	assert.NotContains(t, err.Error(), tmp)

	c = openCache(t, "cache", "more")
	_, err = c.Find(with(podinfoHTTPS, ""))
	require.ErrorIs(t, err, ErrNotCached)
	assert.Equal(t, "podinfo * (https://stefanprodan.github.io/podinfo) is not in the chart cache "+
		"(looked for stefanprodan.github.io/podinfo/podinfo-*.tgz and podinfo-*.tgz)", err.Error())

	m := metricsOCI
	m.Tag = "3.13.1"
	_, err = c.Find(m)
	require.ErrorIs(t, err, ErrNotCached)
	assert.Equal(t, "metrics-server tag 3.13.1 (oci://ghcr.io/controlplaneio-fluxcd/charts/metrics-server) is not in the chart cache "+
		"(looked for ghcr.io/controlplaneio-fluxcd/charts/metrics-server-3.13.1.tgz and metrics-server-3.13.1.tgz)", err.Error())
}

func TestFindDoesNotFollowSymlinksOut(t *testing.T) {
	tmp := t.TempDir()
	cache := filepath.Join(tmp, "cache")
	outside := filepath.Join(tmp, "outside")
	writeFile(t, outside, "podinfo.tgz", makeChart(t, "podinfo", "6.14.0", "outside"))
	require.NoError(t, os.MkdirAll(cache, 0o755))
	require.NoError(t, os.Symlink(filepath.Join(outside, "podinfo.tgz"), filepath.Join(cache, "podinfo-6.14.0.tgz")))
	require.NoError(t, os.Symlink("../outside/podinfo.tgz", filepath.Join(cache, "podinfo-6.14.1.tgz")))
	require.NoError(t, os.Symlink(outside, filepath.Join(cache, "ghcr.io")))
	writeFile(t, outside, "stefanprodan/charts/podinfo-6.14.2.tgz", makeChart(t, "podinfo", "6.14.2", "outside"))
	c := openCache(t, cache)
	for _, v := range []string{"6.14.0", "6.14.1"} {
		f, err := c.Find(with(podinfoOCI, v))
		require.Error(t, err, v)
		assert.Nil(t, f)
		assert.Contains(t, err.Error(), "escapes", v)
	}
	// A symlinked folder that leads out is not listed either.
	_, err := c.Find(with(podinfoOCI, "6.14.2"))
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrNotCached)
	assert.Contains(t, err.Error(), "listing ghcr.io/stefanprodan/charts in chart cache")
	assert.Contains(t, err.Error(), "escapes")

	// A symlink that stays inside is followed.
	writeFile(t, cache, "store/podinfo.tgz", makeChart(t, "podinfo", "6.14.3", "inside"))
	require.NoError(t, os.Symlink("store/podinfo.tgz", filepath.Join(cache, "podinfo-6.14.3.tgz")))
	f, err := openCache(t, cache).Find(with(podinfoHTTPS, "6.14.3"))
	require.NoError(t, err)
	assert.Equal(t, "6.14.3", f.Version)
}

func TestFindRefusesOversizedChart(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "podinfo-6.14.0.tgz"))
	require.NoError(t, err)
	require.NoError(t, f.Truncate(MaxChartSize+1)) // sparse: nothing is written
	require.NoError(t, f.Close())
	_, err = openCache(t, dir).Find(with(podinfoOCI, "6.14.0"))
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrNotCached)
	assert.Contains(t, err.Error(), "larger than the 50 MiB limit")
}

func TestFindConcurrentAndMemoised(t *testing.T) {
	dir := t.TempDir()
	chart := makeChart(t, "podinfo", "6.14.0", "")
	writeFile(t, dir, "ghcr.io/stefanprodan/charts/podinfo-6.14.0.tgz", chart)
	c := openCache(t, dir)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 64 {
		wg.Go(func() {
			f, err := c.Find(with(podinfoOCI, "6.x"))
			if err == nil && f.Digest != sha(chart) {
				err = errors.New("wrong chart")
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	// The listing was read once: a file added since is not seen by this
	// Cache, only by a new one.
	writeFile(t, dir, "ghcr.io/stefanprodan/charts/podinfo-6.14.1.tgz", makeChart(t, "podinfo", "6.14.1", ""))
	f, err := c.Find(with(podinfoOCI, "6.x"))
	require.NoError(t, err)
	assert.Equal(t, "6.14.0", f.Version)
	f, err = openCache(t, dir).Find(with(podinfoOCI, "6.x"))
	require.NoError(t, err)
	assert.Equal(t, "6.14.1", f.Version)
}

// The test corpus is a flat cache folder of real charts.
func TestFindCorpus(t *testing.T) {
	dir := "../../../shared/corpus/charts"
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no chart corpus at %s", dir)
	}
	c := openCache(t, dir)
	cases := []struct {
		ref           Ref
		version, path string
	}{
		{with(podinfoOCI, "6.14.0"), "6.14.0", "podinfo-6.14.0.tgz"},
		{Ref{URL: "https://kyverno.github.io/kyverno/", Name: "kyverno", Version: "3.8.1"}, "3.8.1", "kyverno-3.8.1.tgz"},
		{Ref{URL: "https://charts.jetstack.io", Name: "cert-manager", Version: "v1.20.2"}, "v1.20.2", "cert-manager-v1.20.2.tgz"},
		{with(podinfoHTTPS, ">=1.0.0"), "6.14.1", "podinfo-6.14.1.tgz"},
		{Ref{URL: "https://charts.jetstack.io", Name: "cert-manager", Version: "1.x"}, "v1.21.1", "cert-manager-v1.21.1.tgz"},
		{Ref{URL: "oci://ghcr.io/prometheus-community/charts", Name: "kube-prometheus-stack", Version: "*"}, "87.3.0", "kube-prometheus-stack-87.3.0.tgz"},
	}
	for _, tc := range cases {
		f, err := c.Find(tc.ref)
		require.NoError(t, err, tc.ref.String())
		assert.Equal(t, tc.version, f.Version, tc.ref.String())
		assert.Equal(t, tc.path, f.Path, tc.ref.String())
		assert.Equal(t, dir, f.Dir)
		assert.Equal(t, tc.ref.chartName(), topDir(f.Data), tc.ref.String())
	}
	_, err := c.Find(Ref{URL: "oci://registry-1.docker.io/bitnamicharts", Name: "redis", Version: "27.0.12"})
	require.ErrorIs(t, err, ErrNotCached)
	assert.Contains(t, err.Error(), "redis 27.0.12 (oci://registry-1.docker.io/bitnamicharts) is not in the chart cache")
}
