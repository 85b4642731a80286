// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package charts

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testRepo is a Helm chart repository (index.yaml and packages) on
// loopback, under /charts.
type testRepo struct {
	srv      *httptest.Server
	url      string // .../charts
	files    map[string][]byte
	index    string
	user     string
	password string
	requests atomic.Int64
}

func newRepo(t *testing.T, user, password string) *testRepo {
	t.Helper()
	r := &testRepo{files: map[string][]byte{}, user: user, password: password}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.requests.Add(1)
		if r.user != "" {
			if u, p, ok := req.BasicAuth(); !ok || u != r.user || p != r.password {
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
		}
		switch p := strings.TrimPrefix(req.URL.Path, "/charts/"); {
		case p == "index.yaml":
			_, _ = w.Write([]byte(r.index))
		case r.files[p] != nil:
			_, _ = w.Write(r.files[p])
		default:
			http.NotFound(w, req)
		}
	}))
	t.Cleanup(r.srv.Close)
	r.url = r.srv.URL + "/charts"
	return r
}

// entry is one chart version in index.yaml.
type entry struct {
	version, url, digest string
}

// setIndex writes index.yaml listing podinfo at the entries.
func (r *testRepo) setIndex(entries ...entry) {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nentries:\n  podinfo:\n")
	for _, e := range entries {
		b.WriteString("  - apiVersion: v2\n    name: podinfo\n    version: " + e.version + "\n    urls:\n    - " + e.url + "\n")
		if e.digest != "" {
			b.WriteString("    digest: " + strings.TrimPrefix(e.digest, "sha256:") + "\n")
		}
	}
	b.WriteString("generated: \"2026-01-01T00:00:00Z\"\n")
	r.index = b.String()
}

func pullHTTP(t *testing.T, dir string, opts PullOptions, refs ...Ref) []Pulled {
	t.Helper()
	opts.Dir = dir
	return Pull(context.Background(), refs, opts)
}

func TestPullHTTPRepository(t *testing.T) {
	isolate(t)
	repo := newRepo(t, "", "")
	charts := map[string][]byte{}
	for _, v := range []string{"6.8.0", "6.14.0", "6.14.1", "7.0.0-rc.1"} {
		charts[v] = makeChart(t, "podinfo", v, "")
	}
	repo.files["podinfo-6.8.0.tgz"] = charts["6.8.0"]
	repo.files["podinfo-6.14.0.tgz"] = charts["6.14.0"]
	repo.files["pkgs/podinfo-6.14.1.tgz"] = charts["6.14.1"]
	repo.files["podinfo-7.0.0-rc.1.tgz"] = charts["7.0.0-rc.1"]
	repo.setIndex(
		entry{"7.0.0-rc.1", "podinfo-7.0.0-rc.1.tgz", sha(charts["7.0.0-rc.1"])},
		entry{"6.14.1", "pkgs/podinfo-6.14.1.tgz", sha(charts["6.14.1"])},        // relative, in a sub-folder
		entry{"6.14.0", repo.url + "/podinfo-6.14.0.tgz", sha(charts["6.14.0"])}, // absolute
		entry{"6.8.0", "podinfo-6.8.0.tgz", ""},                                  // no digest to check
	)
	dir := t.TempDir()
	ref := Ref{Kind: KindHelmRepository, URL: repo.url + "/", Name: "podinfo"}
	prefix := strings.ReplaceAll(strings.TrimPrefix(repo.srv.URL, "http://"), ":", "_") + "/charts/"

	cases := []struct{ version, want string }{
		{"", "6.14.1"},
		{"6.14.0", "6.14.0"},
		{"~6.8", "6.8.0"},
		{">=7.0.0-0", "7.0.0-rc.1"},
	}
	for _, c := range cases {
		got := pullHTTP(t, dir, PullOptions{}, with(ref, c.version))
		require.Len(t, got, 1)
		require.NoError(t, got[0].Err, c.version)
		assert.Equal(t, c.want, got[0].Version)
		assert.Equal(t, prefix+"podinfo-"+c.want+".tgz", got[0].Path)
		assert.False(t, got[0].Already)
		assert.Equal(t, charts[c.want], readRel(t, dir, got[0].Path))
	}
	// No sidecar for an https repository, and no stray temporary files.
	ents, err := os.ReadDir(filepath.Join(dir, filepath.FromSlash(prefix)))
	require.NoError(t, err)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{"podinfo-6.14.1.tgz", "podinfo-6.14.0.tgz", "podinfo-6.8.0.tgz", "podinfo-7.0.0-rc.1.tgz"}, names)

	// Cached: an exact version asks nothing; a range reads the index once
	// for all the refs of that repository, and downloads nothing.
	before := repo.requests.Load()
	got := pullHTTP(t, dir, PullOptions{}, with(ref, "6.14.0"))
	require.NoError(t, got[0].Err)
	assert.True(t, got[0].Already)
	assert.Equal(t, before, repo.requests.Load())
	got = pullHTTP(t, dir, PullOptions{}, with(ref, "6.x"), with(ref, "~6.8"), with(ref, "*"))
	for _, g := range got {
		require.NoError(t, g.Err)
		assert.True(t, g.Already)
	}
	assert.Equal(t, before+1, repo.requests.Load())

	got = pullHTTP(t, dir, PullOptions{}, with(ref, "8.x"), Ref{URL: repo.url, Name: "nginx"})
	require.Error(t, got[0].Err)
	assert.Contains(t, got[0].Err.Error(), `no chart "nginx" in `+repo.url+"/index.yaml")
	require.Error(t, got[1].Err)
	assert.Contains(t, got[1].Err.Error(), `no version of chart "podinfo" in `+repo.url+`/index.yaml matches "8.x" (newest there: 7.0.0-rc.1, 6.14.1, 6.14.0, 6.8.0)`)
}

func TestPullHTTPVerifiesDigest(t *testing.T) {
	isolate(t)
	repo := newRepo(t, "", "")
	chart := makeChart(t, "podinfo", "6.14.0", "")
	repo.files["podinfo-6.14.0.tgz"] = chart
	repo.setIndex(entry{"6.14.0", "podinfo-6.14.0.tgz", sha([]byte("something else"))})
	dir := t.TempDir()
	got := pullHTTP(t, dir, PullOptions{}, Ref{URL: repo.url, Name: "podinfo", Version: "6.14.0"})
	require.Error(t, got[0].Err)
	assert.Contains(t, got[0].Err.Error(), "but index.yaml says "+sha([]byte("something else")))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing written")
}

// The version comes from the network: one that is a path is refused, and
// nothing is written outside the cache folder.
func TestPullHTTPRefusesUnsafeVersion(t *testing.T) {
	isolate(t)
	repo := newRepo(t, "", "")
	repo.files["evil.tgz"] = makeChart(t, "podinfo", "1.0.0", "")
	repo.index = "apiVersion: v1\nentries:\n  podinfo:\n  - apiVersion: v2\n    name: podinfo\n    version: ../../../escaped\n    urls: [evil.tgz]\n"
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "cache")
	got := pullHTTP(t, dir, PullOptions{}, Ref{URL: repo.url, Name: "podinfo", Version: "../../../escaped"})
	require.Error(t, got[0].Err)
	assert.Contains(t, got[0].Err.Error(), `chart version "../../../escaped" cannot name a file`)
	ents, err := os.ReadDir(tmp)
	require.NoError(t, err)
	require.Len(t, ents, 1)
	assert.Equal(t, "cache", ents[0].Name())
}

func TestPullHTTPCredentials(t *testing.T) {
	home := isolate(t)
	repo := newRepo(t, "flux", "s3cret")
	chart := makeChart(t, "podinfo", "6.14.0", "private")
	repo.files["podinfo-6.14.0.tgz"] = chart
	repo.setIndex(entry{"6.14.0", "podinfo-6.14.0.tgz", sha(chart)})
	ref := Ref{URL: repo.url, Name: "podinfo", Version: "6.x"}

	got := pullHTTP(t, t.TempDir(), PullOptions{}, ref)
	require.Error(t, got[0].Err)
	assert.Contains(t, got[0].Err.Error(), "401 Unauthorized (no credentials: "+filepath.Join(home, ".config", "helm", "repositories.yaml")+" has no entry for this repository URL)")

	repos := filepath.Join(t.TempDir(), "repositories.yaml")
	require.NoError(t, os.WriteFile(repos, []byte("apiVersion: v1\nrepositories:\n"+
		"- name: other\n  url: https://example.com/charts\n  username: nobody\n  password: nothing\n"+
		"- name: private\n  url: "+repo.url+"/\n  username: flux\n  password: s3cret\n"), 0o600))
	dir := t.TempDir()
	got = pullHTTP(t, dir, PullOptions{RepositoryConfig: repos}, ref)
	require.NoError(t, got[0].Err)
	assert.Equal(t, chart, readRel(t, dir, got[0].Path))

	// $HELM_REPOSITORY_CONFIG is the default.
	t.Setenv("HELM_REPOSITORY_CONFIG", repos)
	got = pullHTTP(t, t.TempDir(), PullOptions{}, ref)
	require.NoError(t, got[0].Err)

	// Wrong credentials are named in the error.
	require.NoError(t, os.WriteFile(repos, []byte("repositories:\n- name: private\n  url: "+repo.url+"\n  username: flux\n  password: wrong\n"), 0o600))
	got = pullHTTP(t, t.TempDir(), PullOptions{}, ref)
	require.Error(t, got[0].Err)
	assert.Contains(t, got[0].Err.Error(), `credentials of entry "private" in `+repos+" refused")

	// A file named but missing is an error.
	got = pullHTTP(t, t.TempDir(), PullOptions{RepositoryConfig: filepath.Join(home, "nope.yaml")}, ref)
	require.Error(t, got[0].Err)
	assert.Contains(t, got[0].Err.Error(), "repository config "+filepath.Join(home, "nope.yaml"))
}

// Credentials go to the repository's own host only: a chart URL on
// another host gets none unless pass_credentials_all is set (Helm's rule).
func TestPullHTTPCredentialsStayOnHost(t *testing.T) {
	isolate(t)
	var gotAuth atomic.Bool
	cdn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _, ok := r.BasicAuth()
		gotAuth.Store(ok)
		_, _ = w.Write(makeChart(t, "podinfo", "6.14.0", ""))
	}))
	defer cdn.Close()
	repo := newRepo(t, "flux", "s3cret")
	// Same loopback address, another port: another host.
	repo.setIndex(entry{"6.14.0", cdn.URL + "/podinfo-6.14.0.tgz", ""})
	repos := filepath.Join(t.TempDir(), "repositories.yaml")
	write := func(all bool) {
		extra := ""
		if all {
			extra = "  pass_credentials_all: true\n"
		}
		require.NoError(t, os.WriteFile(repos, []byte("repositories:\n- name: private\n  url: "+repo.url+"\n  username: flux\n  password: s3cret\n"+extra), 0o600))
	}
	ref := Ref{URL: repo.url, Name: "podinfo", Version: "6.14.0"}
	write(false)
	got := pullHTTP(t, t.TempDir(), PullOptions{RepositoryConfig: repos}, ref)
	require.NoError(t, got[0].Err)
	assert.False(t, gotAuth.Load())
	write(true)
	got = pullHTTP(t, t.TempDir(), PullOptions{RepositoryConfig: repos}, ref)
	require.NoError(t, got[0].Err)
	assert.True(t, gotAuth.Load())
}

func TestPullCreatesDirAndRefusesFile(t *testing.T) {
	isolate(t)
	tmp := t.TempDir()
	writeFile(t, tmp, "file", []byte("x"))
	got := Pull(context.Background(), []Ref{{URL: "https://example.com", Name: "x", Version: "1.0.0"}},
		PullOptions{Dir: filepath.Join(tmp, "file"), HTTPClient: &http.Client{Transport: refuse{}}})
	require.Error(t, got[0].Err)
	assert.Contains(t, got[0].Err.Error(), "chart cache folder "+filepath.Join(tmp, "file"))

	// A missing folder is created (and, here, stays empty).
	got = Pull(context.Background(), []Ref{{URL: "https://example.com", Name: "x", Version: "1.0.0"}},
		PullOptions{Dir: filepath.Join(tmp, "new", "cache"), HTTPClient: &http.Client{Transport: refuse{}}})
	require.Error(t, got[0].Err)
	assert.DirExists(t, filepath.Join(tmp, "new", "cache"))
}

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestPullHTTPRefusesOversizedChart(t *testing.T) {
	isolate(t)
	repo := newRepo(t, "", "")
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.CopyN(w, zeros{}, MaxChartSize+1)
	}))
	defer big.Close()
	repo.setIndex(entry{"6.14.0", big.URL + "/podinfo-6.14.0.tgz", ""})
	dir := t.TempDir()
	got := pullHTTP(t, dir, PullOptions{}, Ref{URL: repo.url, Name: "podinfo", Version: "6.14.0"})
	require.Error(t, got[0].Err)
	assert.Contains(t, got[0].Err.Error(), "larger than the 50 MiB limit")
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, ents)
}
