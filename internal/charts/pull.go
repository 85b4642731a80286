// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package charts

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"helm.sh/helm/v4/pkg/helmpath"
)

// DefaultRequestTimeout bounds one HTTP request of [Pull] (the whole
// request, body included) when PullOptions.HTTPClient sets no timeout.
const DefaultRequestTimeout = 2 * time.Minute

// PullOptions configure [Pull].
type PullOptions struct {
	// Dir is the cache folder to write into; it is created if missing.
	Dir string
	// RegistryConfig is a Docker-format credentials file (config.json) for
	// OCI registries. Default: $HELM_REGISTRY_CONFIG, else Helm's
	// registry/config.json in its config folder ($HELM_CONFIG_HOME,
	// $XDG_CONFIG_HOME/helm, ~/.config/helm). Docker's own config.json
	// ($DOCKER_CONFIG/config.json or ~/.docker/config.json) is always read
	// after it, as Helm's registry client does. A file named here must
	// exist.
	RegistryConfig string
	// RepositoryConfig is Helm's repositories.yaml, whose entry for a
	// HelmRepository URL gives the username, password and TLS files for
	// that https repository. Default: $HELM_REPOSITORY_CONFIG, else
	// repositories.yaml in Helm's config folder. A file named here must
	// exist.
	RepositoryConfig string
	// PlainHTTP talks plain HTTP to OCI registries (a registry on
	// localhost, tests).
	PlainHTTP bool
	// Progress, when set, is told before each chart is fetched how many
	// of how many are done.
	Progress func(done, total int)
	// HTTPClient is the client for every request, when not nil. Its
	// Timeout, when zero, becomes DefaultRequestTimeout.
	HTTPClient *http.Client
	// Getenv reads the environment (os.Getenv when nil).
	Getenv func(string) string
}

// Pulled is the outcome of pulling one Ref.
type Pulled struct {
	// Ref is the chart asked for.
	Ref Ref
	// Version is the version it resolved to ("" when it did not resolve).
	Version string
	// Path is the file written (or found), relative to PullOptions.Dir,
	// with forward slashes.
	Path string
	// Already is true when the chart was in the cache already and was not
	// downloaded again.
	Already bool
	// Err is why the chart could not be pulled.
	Err error
}

// Pull fetches the charts refs ask for into the cache folder opts.Dir, at
// the paths [Ref.CachePath] gives, so that [Cache.Find] finds them. It
// returns one Pulled per distinct Ref, sorted by [Ref.String], and goes on
// past a Ref that fails (Pulled.Err says why). A version already in
// opts.Dir is not fetched again; a range is resolved against the remote
// first (as Flux does at every reconciliation), then looked for. Files are
// written atomically (a temporary file in the same folder, renamed), and
// only under opts.Dir. Pull honours ctx and bounds each request (see
// DefaultRequestTimeout).
func Pull(ctx context.Context, refs []Ref, opts PullOptions) []Pulled {
	uniq := dedupe(refs)
	out := make([]Pulled, len(uniq))
	p, err := newPuller(ctx, opts)
	if p != nil {
		defer p.close()
	}
	for i, r := range uniq {
		if opts.Progress != nil {
			opts.Progress(i, len(uniq))
		}
		out[i].Ref = r
		switch {
		case err != nil:
			out[i].Err = err
		case ctx.Err() != nil:
			out[i].Err = fmt.Errorf("%s: %w", r, context.Cause(ctx))
		default:
			out[i] = p.pull(r)
		}
	}
	return out
}

// dedupe drops Refs that ask for the same chart the same way (the URL's
// surrounding space and trailing slash aside) and sorts the rest.
func dedupe(refs []Ref) []Ref {
	seen := map[string]bool{}
	var out []Ref
	for _, r := range refs {
		k := r
		if k.Kind == "" {
			k.Kind = KindHelmRepository
		}
		k.URL = strings.TrimRight(strings.TrimSpace(k.URL), "/")
		if k.isOCIRepository() {
			k.Name, k.Version = k.chartName(), ""
		} else {
			k.Tag, k.SemVer, k.Digest, k.SemVerFilter = "", "", "", ""
		}
		key := strings.Join([]string{k.Kind, k.URL, k.Name, k.Version, k.Tag, k.SemVer, k.Digest, k.SemVerFilter}, "\x00")
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(a, b Ref) int { return strings.Compare(a.String(), b.String()) })
	return out
}

// puller holds what one Pull shares across its Refs: the cache folder,
// the HTTP client, Helm's repositories.yaml, the index files read and the
// OCI registry client.
type puller struct {
	ctx    context.Context
	opts   PullOptions
	getenv func(string) string
	root   *os.Root
	hc     *http.Client

	repoFile    *repoConfig
	repoFileErr error
	indexes     map[string]indexResult

	oci    *ociClient
	ociErr error
}

// newPuller creates the cache folder and opens it as a Root, through
// which every file is written.
func newPuller(ctx context.Context, opts PullOptions) (*puller, error) {
	if opts.Dir == "" {
		return nil, errors.New("no chart cache folder to pull into")
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("chart cache folder %s: %w", opts.Dir, unwrapPathError(err))
	}
	root, err := os.OpenRoot(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("chart cache folder %s: %w", opts.Dir, unwrapPathError(err))
	}
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	return &puller{
		ctx:     ctx,
		opts:    opts,
		getenv:  getenv,
		root:    root,
		hc:      boundClient(ctx, opts.HTTPClient),
		indexes: map[string]indexResult{},
	}, nil
}

func (p *puller) close() { _ = p.root.Close() }

// pull fetches one Ref.
func (p *puller) pull(r Ref) Pulled {
	var res pullResult
	var err error
	if r.isOCI() {
		res, err = p.pullOCI(r)
	} else {
		res, err = p.pullHTTP(r)
	}
	out := Pulled{Ref: r, Version: res.version, Path: res.path, Already: res.already}
	if err != nil {
		out.Err = fmt.Errorf("%s: %w", r, err)
		out.Path = ""
	}
	return out
}

// pullResult is what pullOCI and pullHTTP tell pull.
type pullResult struct {
	version, path string
	already       bool
}

// exists tells whether the regular file rel is in the cache folder.
func (p *puller) exists(rel string) bool {
	fi, err := p.root.Stat(rel)
	return err == nil && fi.Mode().IsRegular()
}

// write stores data at rel atomically: into a temporary file in the same
// folder, then renamed over rel, so that a reader (another d1lint run)
// never sees half a chart. The Root keeps every write inside the cache
// folder, whatever a name from the network holds.
func (p *puller) write(rel string, data []byte) error {
	dir := path.Dir(rel)
	if err := p.root.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s in %s: %w", dir, p.opts.Dir, unwrapPathError(err))
	}
	tmp := path.Join(dir, "."+path.Base(rel)+".tmp-"+rand.Text())
	f, err := p.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("writing %s in %s: %w", rel, p.opts.Dir, unwrapPathError(err))
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = p.root.Rename(tmp, rel)
	}
	if err != nil {
		_ = p.root.Remove(tmp)
		return fmt.Errorf("writing %s in %s: %w", rel, p.opts.Dir, unwrapPathError(err))
	}
	return nil
}

// readAllLimited reads r to its end, refusing more than limit bytes.
func readAllLimited(r io.Reader, limit int64, what string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", what, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than the %s limit", what, sizeText(limit))
	}
	return data, nil
}

// helmConfigPath is a file in Helm's config folder: $HELM_CONFIG_HOME,
// $XDG_CONFIG_HOME/helm, or the platform default (helmpath, which reads
// the process environment), in Helm's order.
func helmConfigPath(getenv func(string) string, elem ...string) string {
	if base := getenv(helmpath.ConfigHomeEnvVar); base != "" {
		return filepath.Join(append([]string{base}, elem...)...)
	}
	if base := getenv("XDG_CONFIG_HOME"); base != "" {
		return filepath.Join(append([]string{base, "helm"}, elem...)...)
	}
	return helmpath.ConfigPath(elem...)
}

// boundClient is base (or a new client) with DefaultRequestTimeout when it
// has none, and every request bound to ctx. The Helm SDK's registry client
// makes its requests with context.Background(), so ctx reaches them
// through the transport only.
func boundClient(ctx context.Context, base *http.Client) *http.Client {
	var hc http.Client
	if base != nil {
		hc = *base
	}
	if hc.Timeout == 0 {
		hc.Timeout = DefaultRequestTimeout
	}
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	hc.Transport = &ctxTransport{ctx: ctx, base: rt}
	return &hc
}

// ctxTransport cancels a request when ctx is done, keeping the values of
// the request's own context (oras passes its auth scopes through them).
type ctxTransport struct {
	ctx  context.Context
	base http.RoundTripper
}

// RoundTrip sends req on the base transport, cancelled with t.ctx.
func (t *ctxTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.ctx.Err(); err != nil {
		return nil, context.Cause(t.ctx)
	}
	ctx, cancel := context.WithCancelCause(req.Context())
	stop := context.AfterFunc(t.ctx, func() { cancel(context.Cause(t.ctx)) })
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		stop()
		cancel(nil)
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, done: func() { stop(); cancel(nil) }, left: maxResponseSize}
	return resp, nil
}

// maxResponseSize bounds every response body Pull reads. The Helm SDK's
// registry client reads a whole chart layer into memory before d1lint can
// look at its size, so the bound is kept here, a little above the largest
// chart or index accepted.
const maxResponseSize = MaxChartSize + 1<<20

// cancelBody releases a request's context when its body is closed, and
// fails a body longer than its limit.
type cancelBody struct {
	io.ReadCloser
	done func()
	left int64
}

// Read reads the body, failing once more than the limit has come.
func (b *cancelBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, fmt.Errorf("response larger than the %s limit", sizeText(maxResponseSize))
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}

// Close closes the body and releases the request's context.
func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.done()
	return err
}
