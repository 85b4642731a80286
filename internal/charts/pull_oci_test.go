// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package charts

import (
	"context"
	"encoding/base64"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	helmregistry "helm.sh/helm/v4/pkg/registry"
)

// testRegistry is an OCI registry in this process, on loopback.
type testRegistry struct {
	srv      *httptest.Server
	host     string // 127.0.0.1:port
	user     string
	password string
	requests atomic.Int64
}

// newRegistry starts a registry; with a user, every request needs that
// user's basic auth, as a private registry would.
func newRegistry(t *testing.T, user, password string) *testRegistry {
	t.Helper()
	r := &testRegistry{user: user, password: password}
	h := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.requests.Add(1)
		if user != "" {
			u, p, ok := req.BasicAuth()
			if !ok || u != user || p != password {
				w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = io.WriteString(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`)
				return
			}
		}
		h.ServeHTTP(w, req)
	}))
	t.Cleanup(r.srv.Close)
	r.host = strings.TrimPrefix(r.srv.URL, "http://")
	return r
}

// push pushes a chart with the Helm SDK registry client, under its
// version as tag (Helm's rule), or under tag when not "".
func (r *testRegistry) push(t *testing.T, repo string, chart []byte, name, version, tag string) string {
	t.Helper()
	opts := []helmregistry.ClientOption{helmregistry.ClientOptPlainHTTP(), helmregistry.ClientOptWriter(io.Discard),
		helmregistry.ClientOptCredentialsFile(filepath.Join(t.TempDir(), "config.json"))}
	if r.user != "" {
		opts = append(opts, helmregistry.ClientOptBasicAuth(r.user, r.password))
	}
	c, err := helmregistry.NewClient(opts...)
	require.NoError(t, err)
	ref := r.host + "/" + repo + "/" + name + ":" + version
	var popts []helmregistry.PushOption
	if tag != "" {
		ref = r.host + "/" + repo + "/" + name + ":" + tag
		popts = append(popts, helmregistry.PushOptStrictMode(false))
	}
	res, err := c.Push(chart, ref, popts...)
	require.NoError(t, err)
	return res.Manifest.Digest
}

// pull runs Pull against the test registry into dir.
func (r *testRegistry) pull(t *testing.T, dir string, opts PullOptions, refs ...Ref) []Pulled {
	t.Helper()
	opts.Dir = dir
	opts.PlainHTTP = true
	return Pull(context.Background(), refs, opts)
}

func readRel(t *testing.T, dir, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	require.NoError(t, err)
	return data
}

func TestPullOCIHelmRepository(t *testing.T) {
	isolate(t)
	reg := newRegistry(t, "", "")
	charts := map[string][]byte{}
	digests := map[string]string{}
	for _, v := range []string{"6.8.0", "6.14.0", "6.14.1", "6.15.0-rc.1", "6.15.1+build.7"} {
		charts[v] = makeChart(t, "podinfo", v, "")
		digests[v] = reg.push(t, "charts", charts[v], "podinfo", v, "")
	}
	dir := t.TempDir()
	repo := Ref{Kind: KindHelmRepository, URL: "oci://" + reg.host + "/charts", Name: "podinfo"}
	prefix := strings.ReplaceAll(reg.host, ":", "_") + "/charts/"

	cases := []struct{ version, want string }{
		{"6.14.0", "6.14.0"},
		{">=6.0.0 <6.15.0", "6.14.1"}, // newest in range
		{"6.15.0-rc.1", "6.15.0-rc.1"},
		{"~6.8", "6.8.0"},
		{"6.15.1+build.7", "6.15.1+build.7"}, // tag 6.15.1_build.7
	}
	for _, c := range cases {
		got := reg.pull(t, dir, PullOptions{}, with(repo, c.version))
		require.Len(t, got, 1)
		require.NoError(t, got[0].Err, c.version)
		assert.Equal(t, c.want, got[0].Version, c.version)
		assert.False(t, got[0].Already, c.version)
		assert.Equal(t, prefix+"podinfo-"+c.want+".tgz", got[0].Path)
		assert.Equal(t, charts[c.want], readRel(t, dir, got[0].Path), c.version)
		assert.Equal(t, digests[c.want]+"\n", string(readRel(t, dir, prefix+"podinfo-"+c.want+".digest")), c.version)
	}

	// Newest stable: the pre-release and the build are newer only when
	// asked for (6.15.1+build.7 is stable and newest).
	got := reg.pull(t, dir, PullOptions{}, with(repo, ""), with(repo, ">=6.15.0-0"))
	require.Len(t, got, 2)
	for _, g := range got {
		require.NoError(t, g.Err)
		assert.Equal(t, "6.15.1+build.7", g.Version, g.Ref.String())
		assert.True(t, g.Already, "pulled above")
	}

	// An exact version already cached costs no request at all.
	before := reg.requests.Load()
	got = reg.pull(t, dir, PullOptions{}, with(repo, "6.14.0"))
	require.NoError(t, got[0].Err)
	assert.True(t, got[0].Already)
	assert.Equal(t, before, reg.requests.Load())

	// What was pulled is what the cache finds.
	c := openCache(t, dir)
	f, err := c.Find(with(repo, "6.14.x"))
	require.NoError(t, err)
	assert.Equal(t, charts["6.14.1"], f.Data)
	m := Ref{Kind: KindOCIRepository, URL: "oci://" + reg.host + "/charts/podinfo", Digest: digests["6.8.0"]}
	f, err = c.Find(m)
	require.NoError(t, err)
	assert.Equal(t, "6.8.0", f.Version)

	got = reg.pull(t, dir, PullOptions{}, with(repo, ">=7.0.0"), with(repo, "6.9.0"))
	for _, g := range got {
		require.Error(t, g.Err, g.Ref.String())
		assert.Contains(t, g.Err.Error(), "no tag of "+reg.host+"/charts/podinfo matches")
		assert.Empty(t, g.Path)
	}
}

func TestPullOCIRepository(t *testing.T) {
	isolate(t)
	reg := newRegistry(t, "", "")
	charts := map[string][]byte{}
	digests := map[string]string{}
	for _, v := range []string{"3.12.0", "3.13.0", "3.13.1", "3.14.0-rc.1", "4.0.0"} {
		charts[v] = makeChart(t, "metrics-server", v, "")
		digests[v] = reg.push(t, "charts", charts[v], "metrics-server", v, "")
	}
	latest := makeChart(t, "metrics-server", "3.13.1", "latest")
	digests["latest"] = reg.push(t, "charts", latest, "metrics-server", "3.13.1", "latest")
	dir := t.TempDir()
	base := Ref{Kind: KindOCIRepository, URL: "oci://" + reg.host + "/charts/metrics-server"}
	prefix := strings.ReplaceAll(reg.host, ":", "_") + "/charts/"

	tag := base
	tag.Tag = "3.13.0"
	semver := base
	semver.SemVer = ">=3.0.0 <4.0.0"
	pre := base
	pre.SemVer = ">=3.14.0-0 <4.0.0"
	filtered := base
	filtered.SemVer, filtered.SemVerFilter = "*", `^3\.12\.`
	digest := base
	digest.Digest = digests["3.12.0"]
	digest.Tag = "4.0.0" // the digest wins
	got := reg.pull(t, dir, PullOptions{}, tag, semver, pre, filtered, digest, base)
	require.Len(t, got, 6, "the digest ref and the filtered one both resolve to 3.12.0, but are distinct refs")
	byRef := map[string]Pulled{}
	for _, g := range got {
		byRef[g.Ref.String()] = g
	}
	want := map[string]string{
		tag.String():    "3.13.0",
		semver.String(): "3.13.1",
		pre.String():    "3.14.0-rc.1",
		digest.String(): "3.12.0",
		base.String():   "latest",
	}
	for ref, v := range want {
		g, ok := byRef[ref]
		require.True(t, ok, ref)
		require.NoError(t, g.Err, ref)
		assert.Equal(t, v, g.Version, ref)
		assert.Equal(t, prefix+"metrics-server-"+v+".tgz", g.Path, ref)
		assert.Equal(t, digests[v]+"\n", string(readRel(t, dir, prefix+"metrics-server-"+v+".digest")), ref)
	}
	assert.Equal(t, latest, readRel(t, dir, prefix+"metrics-server-latest.tgz"))
	// filtered and semver ordered by String: '@*' sorts before '@>='.
	assert.Less(t, got[0].Ref.String(), got[1].Ref.String())

	// Again: nothing is downloaded. "latest" moves, so it is resolved
	// (one HEAD) and compared with its sidecar.
	got = reg.pull(t, dir, PullOptions{}, tag, digest, base)
	for _, g := range got {
		require.NoError(t, g.Err)
		assert.True(t, g.Already, g.Ref.String())
	}
	// Once latest moves, it is pulled again.
	moved := makeChart(t, "metrics-server", "4.0.0", "moved")
	reg.push(t, "charts", moved, "metrics-server", "4.0.0", "latest")
	got = reg.pull(t, dir, PullOptions{}, base)
	require.NoError(t, got[0].Err)
	assert.False(t, got[0].Already)
	assert.Equal(t, moved, readRel(t, dir, prefix+"metrics-server-latest.tgz"))

	// The cache finds each the way it was asked for.
	c := openCache(t, dir)
	for _, r := range []Ref{tag, semver, digest, base} {
		f, err := c.Find(r)
		require.NoError(t, err, r.String())
		assert.Equal(t, want[r.String()], f.Version, r.String())
	}

	https := base
	https.URL = "https://" + reg.host + "/charts/metrics-server"
	got = reg.pull(t, dir, PullOptions{}, https)
	require.Error(t, got[0].Err)
	assert.Contains(t, got[0].Err.Error(), "must start with oci://")

	missing := base
	missing.Tag = "9.9.9"
	got = reg.pull(t, dir, PullOptions{}, missing)
	require.Error(t, got[0].Err)
	assert.Contains(t, got[0].Err.Error(), "pulling "+reg.host+"/charts/metrics-server:9.9.9")
}

func TestPullOCICredentials(t *testing.T) {
	home := isolate(t)
	reg := newRegistry(t, "fluxcd", "s3cret")
	chart := makeChart(t, "podinfo", "6.14.0", "private")
	reg.push(t, "private", chart, "podinfo", "6.14.0", "")
	ref := Ref{Kind: KindHelmRepository, URL: "oci://" + reg.host + "/private", Name: "podinfo", Version: "6.x"}

	// No credentials anywhere: refused, and the error says where they
	// were looked for.
	got := reg.pull(t, t.TempDir(), PullOptions{}, ref)
	require.Error(t, got[0].Err)
	assert.Contains(t, got[0].Err.Error(), "401")
	assert.Contains(t, got[0].Err.Error(), "none were found in "+filepath.Join(home, ".config", "helm", "registry", "config.json"))

	// Wrong credentials: the registry's refusal, and where they came from.
	wrong := filepath.Join(t.TempDir(), "config.json")
	bad := base64.StdEncoding.EncodeToString([]byte("fluxcd:wrong"))
	require.NoError(t, os.WriteFile(wrong, []byte(`{"auths":{"`+reg.host+`":{"auth":"`+bad+`"}}}`), 0o600))
	got = reg.pull(t, t.TempDir(), PullOptions{RegistryConfig: wrong}, ref)
	require.Error(t, got[0].Err)
	assert.Contains(t, got[0].Err.Error(), "response status code 401")
	assert.Contains(t, got[0].Err.Error(), "registry credentials are read from "+wrong)

	config := filepath.Join(t.TempDir(), "config.json")
	auth := base64.StdEncoding.EncodeToString([]byte("fluxcd:s3cret"))
	require.NoError(t, os.WriteFile(config, []byte(`{"auths":{"`+reg.host+`":{"auth":"`+auth+`"}}}`), 0o600))
	dir := t.TempDir()
	got = reg.pull(t, dir, PullOptions{RegistryConfig: config}, ref)
	require.NoError(t, got[0].Err)
	assert.Equal(t, chart, readRel(t, dir, got[0].Path))

	// $HELM_REGISTRY_CONFIG is the default.
	got = reg.pull(t, t.TempDir(), PullOptions{Getenv: func(k string) string {
		if k == "HELM_REGISTRY_CONFIG" {
			return config
		}
		return ""
	}}, ref)
	require.NoError(t, got[0].Err)

	// Docker's config.json is the fallback, as for Helm.
	require.NoError(t, os.MkdirAll(filepath.Join(home, ".docker"), 0o755))
	data, err := os.ReadFile(config)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(home, ".docker", "config.json"), data, 0o600))
	got = reg.pull(t, t.TempDir(), PullOptions{}, ref)
	require.NoError(t, got[0].Err)

	// A credentials file named but missing is an error, not anonymous.
	got = reg.pull(t, t.TempDir(), PullOptions{RegistryConfig: filepath.Join(home, "nope.json")}, ref)
	require.Error(t, got[0].Err)
	assert.Contains(t, got[0].Err.Error(), "registry config "+filepath.Join(home, "nope.json"))
}

func TestPullHonoursContext(t *testing.T) {
	isolate(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got := Pull(ctx, []Ref{
		{URL: "oci://127.0.0.1:1/charts", Name: "podinfo", Version: "*"},
		{URL: "http://127.0.0.1:1/charts", Name: "podinfo", Version: "*"},
	}, PullOptions{Dir: t.TempDir(), PlainHTTP: true})
	require.Len(t, got, 2)
	for _, g := range got {
		assert.ErrorIs(t, g.Err, context.Canceled)
	}

	// Cancelled while waiting on a registry that does not answer.
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(hang)
	ctx, cancel = context.WithCancel(context.Background())
	done := make(chan []Pulled)
	go func() {
		done <- Pull(ctx, []Ref{{URL: "oci://" + strings.TrimPrefix(srv.URL, "http://") + "/charts", Name: "podinfo", Version: "*"}},
			PullOptions{Dir: t.TempDir(), PlainHTTP: true})
	}()
	cancel()
	got = <-done
	require.Error(t, got[0].Err)
	assert.ErrorIs(t, got[0].Err, context.Canceled)
}

func TestPullDedupesAndSorts(t *testing.T) {
	isolate(t)
	got := Pull(context.Background(), []Ref{
		{URL: "oci://127.0.0.1:1/charts/", Name: "zeta", Version: "1.0.0"},
		{URL: "oci://127.0.0.1:1/charts", Name: "zeta", Version: "1.0.0"},
		{Kind: KindHelmRepository, URL: " oci://127.0.0.1:1/charts", Name: "alpha", Version: "1.0.0"},
		{URL: "oci://127.0.0.1:1/charts", Name: "alpha", Version: "1.0.0"},
		{URL: "oci://127.0.0.1:1/charts", Name: "../evil", Version: "1.0.0"},
	}, PullOptions{Dir: t.TempDir(), PlainHTTP: true, HTTPClient: &http.Client{Transport: refuse{}}})
	require.Len(t, got, 3)
	assert.Equal(t, "../evil", got[0].Ref.Name)
	assert.Contains(t, got[0].Err.Error(), `chart name "../evil" cannot name a file`)
	assert.Equal(t, "alpha", got[1].Ref.Name)
	assert.Equal(t, "zeta", got[2].Ref.Name)
	for _, g := range got {
		assert.Error(t, g.Err)
	}
}

// refuse is a transport that never connects.
type refuse struct{}

func (refuse) RoundTrip(*http.Request) (*http.Response, error) { return nil, io.ErrUnexpectedEOF }
