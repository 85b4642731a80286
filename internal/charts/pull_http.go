// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package charts

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strings"

	repo "helm.sh/helm/v4/pkg/repo/v1"
	"sigs.k8s.io/yaml"
)

// maxIndexSize bounds a repository's index.yaml: source-controller's
// default --helm-index-max-size, 50 MiB.
const maxIndexSize = 50 << 20

// repoConfig is Helm's repositories.yaml as read, and where from.
type repoConfig struct {
	path string
	file *repo.File
}

// indexResult is a repository index read once per Pull.
type indexResult struct {
	index *repo.IndexFile
	err   error
}

// pullHTTP fetches a chart from an https (or http) Helm repository: it
// reads index.yaml, chooses the version as source-controller does, and
// downloads the first URL of that version, checked against the index's
// digest.
func (p *puller) pullHTTP(r Ref) (pullResult, error) {
	var res pullResult
	if _, err := r.cacheDir(); err != nil {
		return res, err
	}
	if _, err := chartFile(r.Name, "0", ".tgz"); err != nil {
		return res, err
	}
	if r.Version != "" && isExactVersion(r.Version) {
		if rel := r.CachePath(r.Version); rel != "" && p.exists(rel) {
			return pullResult{version: r.Version, path: rel, already: true}, nil
		}
	}
	repoURL := r.repoURL()
	entry, err := p.repoEntry(repoURL)
	if err != nil {
		return res, err
	}
	idx, err := p.index(repoURL, entry)
	if err != nil {
		return res, err
	}
	cvs := idx.Entries[r.Name]
	versions := make([]string, 0, len(cvs))
	var kept repo.ChartVersions
	for _, cv := range cvs {
		// loadIndex in Helm drops empty entries; so does this.
		if cv == nil || cv.Metadata == nil {
			continue
		}
		kept = append(kept, cv)
		versions = append(versions, cv.Version)
	}
	if len(kept) == 0 {
		return res, fmt.Errorf("no chart %q in %s/index.yaml", r.Name, repoURL)
	}
	order, err := rank(versions, r.Version, true, nil)
	if err != nil {
		return res, err
	}
	if len(order) == 0 {
		return res, fmt.Errorf("no version of chart %q in %s/index.yaml matches %q (newest there: %s)",
			r.Name, repoURL, r.Version, strings.Join(head(uniqueSorted(versions), 5), ", "))
	}
	cv := kept[order[0]]
	res.version = cv.Version
	if _, err := chartFile(r.Name, cv.Version, ".tgz"); err != nil {
		return res, fmt.Errorf("index.yaml of %s: %w", repoURL, err)
	}
	rel := r.CachePath(cv.Version)
	if p.exists(rel) {
		res.path, res.already = rel, true
		return res, nil
	}
	if len(cv.URLs) == 0 {
		return res, fmt.Errorf("chart %s %s in %s/index.yaml has no download URL", r.Name, cv.Version, repoURL)
	}
	// Helm and source-controller both take the first URL, relative to the
	// repository URL when it is relative.
	chartURL, err := repo.ResolveReferenceURL(repoURL, cv.URLs[0])
	if err != nil {
		return res, err
	}
	data, err := p.get(chartURL, entry, sendCredentials(repoURL, chartURL, entry), MaxChartSize, "chart")
	if err != nil {
		return res, err
	}
	if want := strings.TrimPrefix(strings.ToLower(cv.Digest), "sha256:"); want != "" {
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != want {
			return res, fmt.Errorf("%s has digest sha256:%s, but index.yaml says sha256:%s", chartURL, got, want)
		}
	}
	if err := p.write(rel, data); err != nil {
		return res, err
	}
	res.path = rel
	return res, nil
}

// head is the first n of s.
func head(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// sendCredentials tells whether a repository's credentials go with the
// chart download: Helm sends them only to the repository's own host
// unless the entry says pass_credentials_all, so that an index pointing
// elsewhere does not collect them.
func sendCredentials(repoURL, chartURL string, entry *repo.Entry) bool {
	if entry == nil {
		return false
	}
	if entry.PassCredentialsAll {
		return true
	}
	a, err1 := url.Parse(repoURL)
	b, err2 := url.Parse(chartURL)
	return err1 == nil && err2 == nil && strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Host, b.Host)
}

// repoEntry is the entry of Helm's repositories.yaml for repoURL, nil
// when there is none (or no such file at the default place).
func (p *puller) repoEntry(repoURL string) (*repo.Entry, error) {
	if p.repoFile == nil && p.repoFileErr == nil {
		p.repoFile, p.repoFileErr = p.loadRepoConfig()
	}
	if p.repoFileErr != nil {
		return nil, p.repoFileErr
	}
	if p.repoFile.file == nil {
		return nil, nil
	}
	for _, e := range p.repoFile.file.Repositories {
		if e != nil && sameRepoURL(e.URL, repoURL) {
			return e, nil
		}
	}
	return nil, nil
}

// loadRepoConfig reads repositories.yaml: the one PullOptions names (which
// must exist), else Helm's default, which may be missing.
func (p *puller) loadRepoConfig() (*repoConfig, error) {
	name, explicit := p.opts.RepositoryConfig, true
	if name == "" {
		explicit = false
		name = p.getenv("HELM_REPOSITORY_CONFIG")
		if name == "" {
			name = helmConfigPath(p.getenv, "repositories.yaml")
		}
	}
	data, err := os.ReadFile(name)
	if err != nil {
		if !explicit && errors.Is(err, fs.ErrNotExist) {
			return &repoConfig{path: name}, nil
		}
		return nil, fmt.Errorf("repository config %s: %w", name, unwrapPathError(err))
	}
	f := repo.NewFile()
	if err := yaml.Unmarshal(data, f); err != nil {
		return nil, fmt.Errorf("repository config %s: %w", name, err)
	}
	return &repoConfig{path: name, file: f}, nil
}

// sameRepoURL compares repository URLs as Helm does: scheme and host
// without regard to case, and the path without its trailing slash.
func sameRepoURL(a, b string) bool {
	ua, err1 := url.Parse(strings.TrimSpace(a))
	ub, err2 := url.Parse(strings.TrimSpace(b))
	if err1 != nil || err2 != nil {
		return false
	}
	return strings.EqualFold(ua.Scheme, ub.Scheme) && strings.EqualFold(ua.Host, ub.Host) &&
		strings.TrimRight(ua.Path, "/") == strings.TrimRight(ub.Path, "/")
}

// index is the index.yaml of repoURL, read once per Pull.
func (p *puller) index(repoURL string, entry *repo.Entry) (*repo.IndexFile, error) {
	if r, ok := p.indexes[repoURL]; ok {
		return r.index, r.err
	}
	idx, err := p.loadIndex(repoURL, entry)
	p.indexes[repoURL] = indexResult{idx, err}
	return idx, err
}

// loadIndex downloads and parses index.yaml, as JSON or YAML (Helm and
// source-controller accept both).
func (p *puller) loadIndex(repoURL string, entry *repo.Entry) (*repo.IndexFile, error) {
	u, err := url.Parse(repoURL)
	if err != nil {
		return nil, fmt.Errorf("repository URL %q: %w", repoURL, err)
	}
	// source-controller joins index.yaml onto the path, keeping the query.
	u = u.JoinPath("index.yaml")
	data, err := p.get(u.String(), entry, entry != nil, maxIndexSize, "index.yaml")
	if err != nil {
		return nil, err
	}
	idx := &repo.IndexFile{}
	if json.Valid(data) {
		err = json.Unmarshal(data, idx)
	} else {
		err = yaml.Unmarshal(data, idx)
	}
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %w", u, err)
	}
	if idx.APIVersion == "" {
		return nil, fmt.Errorf("parsing %s: %w", u, repo.ErrNoAPIVersion)
	}
	return idx, nil
}

// get downloads u, with the entry's basic auth when creds, and its TLS
// settings.
func (p *puller) get(u string, entry *repo.Entry, creds bool, limit int64, what string) ([]byte, error) {
	req, err := http.NewRequestWithContext(p.ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	req.Header.Set("User-Agent", "d1lint")
	if creds && entry != nil && (entry.Username != "" || entry.Password != "") {
		req.SetBasicAuth(entry.Username, entry.Password)
	}
	hc, err := p.clientFor(entry)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("downloading %s: %w", what, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg := fmt.Sprintf("GET %s: %s", u, resp.Status)
		if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
			msg += p.credentialHint(entry, creds)
		}
		return nil, errors.New(msg)
	}
	return readAllLimited(resp.Body, limit, u)
}

// credentialHint says which credentials went with a refused request.
func (p *puller) credentialHint(entry *repo.Entry, creds bool) string {
	where := "repositories.yaml"
	if p.repoFile != nil {
		where = p.repoFile.path
	}
	switch {
	case entry == nil:
		return fmt.Sprintf(" (no credentials: %s has no entry for this repository URL)", where)
	case !creds:
		return fmt.Sprintf(" (credentials of %s not sent to another host: pass_credentials_all is off)", where)
	}
	return fmt.Sprintf(" (credentials of entry %q in %s refused)", entry.Name, where)
}

// clientFor is the HTTP client for a repository entry: the shared one, or
// one with the entry's TLS files and insecure_skip_tls_verify.
func (p *puller) clientFor(entry *repo.Entry) (*http.Client, error) {
	if entry == nil || (entry.CertFile == "" && entry.KeyFile == "" && entry.CAFile == "" && !entry.InsecureSkipTLSVerify) {
		return p.hc, nil
	}
	cfg := &tls.Config{InsecureSkipVerify: entry.InsecureSkipTLSVerify} //nolint:gosec // the user's own repositories.yaml asks for it
	if entry.CertFile != "" || entry.KeyFile != "" {
		cert, err := tls.LoadX509KeyPair(entry.CertFile, entry.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("client certificate of repository %q: %w", entry.Name, err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	if entry.CAFile != "" {
		pem, err := os.ReadFile(entry.CAFile)
		if err != nil {
			return nil, fmt.Errorf("CA file of repository %q: %w", entry.Name, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA file of repository %q: %s holds no PEM certificate", entry.Name, entry.CAFile)
		}
		cfg.RootCAs = pool
	}
	var base *http.Transport
	if t, ok := p.hc.Transport.(*ctxTransport); ok {
		base, _ = t.base.(*http.Transport)
	}
	if base == nil {
		base, _ = http.DefaultTransport.(*http.Transport)
	}
	tr := base.Clone()
	tr.TLSClientConfig = cfg
	hc := *p.hc
	hc.Transport = &ctxTransport{ctx: p.ctx, base: tr}
	return &hc, nil
}
