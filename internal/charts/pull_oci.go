// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package charts

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"helm.sh/helm/v4/pkg/registry"
	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/credentials"
	"oras.land/oras-go/v2/registry/remote/errcode"
)

// ociClient talks to OCI registries: the Helm SDK's registry client pulls
// charts, and oras (which that client is built on, sharing its
// credentials) lists and resolves tags, since the Helm client's Tags
// rewrites every tag as a normalised SemVer ("v1.2.3" becomes "1.2.3") and
// drops the rest, which an OCIRepository's tags need not be.
type ociClient struct {
	helm      *registry.Client
	auth      *auth.Client
	plainHTTP bool
	credsFile string
}

// ociClient is created on first use, so that a Pull of https charts only
// reads no registry credentials.
func (p *puller) ociClient() (*ociClient, error) {
	if p.oci == nil && p.ociErr == nil {
		p.oci, p.ociErr = p.newOCIClient()
	}
	return p.oci, p.ociErr
}

// newOCIClient builds the registry client the way Helm's NewClient does:
// credentials from Helm's registry config, falling back to Docker's
// config.json (and the credential helpers either names).
func (p *puller) newOCIClient() (*ociClient, error) {
	creds := p.opts.RegistryConfig
	if creds != "" {
		if _, err := os.Stat(creds); err != nil {
			return nil, fmt.Errorf("registry config %s: %w", creds, unwrapPathError(err))
		}
	} else if creds = p.getenv("HELM_REGISTRY_CONFIG"); creds == "" {
		creds = helmConfigPath(p.getenv, registry.CredentialsFileBasename)
	}
	storeOpts := credentials.StoreOptions{DetectDefaultNativeStore: true}
	store, err := credentials.NewStore(creds, storeOpts)
	if err != nil {
		return nil, fmt.Errorf("registry config %s: %w", creds, err)
	}
	var s credentials.Store = store
	// As Helm: Docker's config.json is read when Helm's has nothing for a
	// registry. It fails only when there is no home folder to find it in.
	if docker, err := credentials.NewStoreFromDocker(storeOpts); err == nil {
		s = credentials.NewStoreWithFallbacks(store, docker)
	}
	ac := auth.Client{
		Client:     p.hc,
		Credential: credentials.Credential(s),
		Cache:      auth.NewCache(),
	}
	ac.SetUserAgent("d1lint")
	opts := []registry.ClientOption{
		registry.ClientOptCredentialsFile(creds),
		registry.ClientOptHTTPClient(p.hc),
		registry.ClientOptAuthorizer(ac),
		registry.ClientOptWriter(io.Discard),
	}
	if p.opts.PlainHTTP {
		opts = append(opts, registry.ClientOptPlainHTTP())
	}
	hc, err := registry.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("registry client: %w", err)
	}
	return &ociClient{helm: hc, auth: &ac, plainHTTP: p.opts.PlainHTTP, credsFile: creds}, nil
}

// repository is an oras handle on an OCI repository (host/path), sharing
// the Helm client's credentials.
func (o *ociClient) repository(repoRef string) (*remote.Repository, error) {
	r, err := remote.NewRepository(repoRef)
	if err != nil {
		return nil, err
	}
	r.PlainHTTP = o.plainHTTP
	r.Client = o.auth
	return r, nil
}

// tags lists every tag of repoRef, as the registry has them.
func (p *puller) tags(o *ociClient, repoRef string) ([]string, error) {
	r, err := o.repository(repoRef)
	if err != nil {
		return nil, err
	}
	var tags []string
	err = r.Tags(p.ctx, "", func(page []string) error {
		tags = append(tags, page...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing tags of %s: %w", repoRef, o.hint(err))
	}
	return tags, nil
}

// hint adds to a refused registry request where its credentials came from.
func (o *ociClient) hint(err error) error {
	var resp *errcode.ErrorResponse
	switch {
	case errors.Is(err, auth.ErrBasicCredentialNotFound):
		// The registry asked for a user and password (401), and none is
		// known for it.
		return fmt.Errorf("%w: the registry wants credentials (401 Unauthorized) and none were found in %s or Docker's config.json", err, o.credsFile)
	case errors.As(err, &resp) && (resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden):
		return fmt.Errorf("%w (registry credentials are read from %s, then from Docker's config.json)", err, o.credsFile)
	}
	return err
}

// pullOCI fetches a chart from an OCI registry: an OCI HelmRepository
// (tags are chart versions, '+' pushed as '_'), or an OCIRepository (its
// spec.ref: digest, semver, tag, or "latest").
func (p *puller) pullOCI(r Ref) (pullResult, error) {
	var res pullResult
	if _, err := r.cacheDir(); err != nil {
		return res, err
	}
	name := r.chartName()
	if _, err := chartFile(name, "0", ".tgz"); err != nil {
		return res, err
	}
	u, err := url.Parse(r.repoURL())
	if err != nil {
		return res, err
	}
	if !strings.EqualFold(u.Scheme, "oci") {
		return res, fmt.Errorf("an OCIRepository URL must start with oci://, not %q", u.Scheme+"://")
	}
	repoRef := registryHost(u) + "/"
	if rp := strings.Trim(u.Path, "/"); rp != "" {
		repoRef += rp + "/"
	}
	repoRef += name
	kind, want := r.selector()
	var version, tag string
	mutable := false
	switch {
	case !r.isOCIRepository():
		if want != "" && isExactVersion(want) {
			if rel := r.CachePath(want); rel != "" && p.exists(rel) {
				return pullResult{version: want, path: rel, already: true}, nil
			}
		}
		o, err := p.ociClient()
		if err != nil {
			return res, err
		}
		tags, err := p.tags(o, repoRef)
		if err != nil {
			return res, err
		}
		// source-controller's OCIChartRepository lists the tags through
		// Helm (which turns '_' back into '+'), then takes an equal
		// version, else the newest in range.
		versions := make([]string, len(tags))
		for i, t := range tags {
			versions[i] = helmTagVersion(t)
		}
		order, err := rank(versions, want, true, nil)
		if err != nil {
			return res, err
		}
		if len(order) == 0 {
			return res, fmt.Errorf("no tag of %s matches %q (newest there: %s)", repoRef, want, strings.Join(head(uniqueSorted(versions), 5), ", "))
		}
		tag, version = tags[order[0]], versions[order[0]]
	case kind == "digest":
		if !digestRE.MatchString(want) {
			return res, fmt.Errorf("%q is not an OCI digest (sha256:<hex>)", want)
		}
		c := &Cache{dirs: []string{p.opts.Dir}, roots: []*os.Root{p.root}, fresh: true}
		if f, err := c.find(r, false); err == nil {
			return pullResult{version: f.Version, path: f.Path, already: true}, nil
		}
	case kind == "semver":
		filter, err := compileFilter(r.SemVerFilter)
		if err != nil {
			return res, err
		}
		o, err := p.ociClient()
		if err != nil {
			return res, err
		}
		tags, err := p.tags(o, repoRef)
		if err != nil {
			return res, err
		}
		// source-controller's OCIRepository: the tags as they are, filtered
		// by semverFilter, the newest in range (no equal-first rule).
		order, err := rank(tags, want, false, filter)
		if err != nil {
			return res, err
		}
		if len(order) == 0 {
			return res, fmt.Errorf("no tag of %s matches semver %q", repoRef, want)
		}
		tag, version = tags[order[0]], tags[order[0]]
	default:
		tag, version = want, want
		if _, err := parseVersion(tag); err != nil {
			mutable = true
			// A tag like "latest" moves: pull again unless the digest it
			// points at now is the one cached.
			o, err := p.ociClient()
			if err != nil {
				return res, err
			}
			rr, err := o.repository(repoRef)
			if err != nil {
				return res, err
			}
			desc, err := rr.Resolve(p.ctx, tag)
			if err != nil {
				return res, fmt.Errorf("resolving %s:%s: %w", repoRef, tag, o.hint(err))
			}
			if rel := r.CachePath(version); rel != "" && p.exists(rel) && p.sidecarIs(rel, desc.Digest.String()) {
				return pullResult{version: version, path: rel, already: true}, nil
			}
		}
	}
	byDigest := kind == "digest" && r.isOCIRepository()
	if !byDigest {
		rel := r.CachePath(version)
		if rel == "" {
			_, err := chartFile(name, version, ".tgz")
			return pullResult{version: version}, fmt.Errorf("tag %q of %s: %w", tag, repoRef, err)
		}
		// A version is taken to be immutable once cached: delete the file
		// to fetch it again. A moving tag was checked by digest above.
		if !mutable && p.exists(rel) {
			return pullResult{version: version, path: rel, already: true}, nil
		}
	}
	o, err := p.ociClient()
	if err != nil {
		return res, err
	}
	pullRef := repoRef + ":" + tag
	if byDigest {
		pullRef = repoRef + "@" + want
	}
	got, err := o.helm.Pull(pullRef, registry.PullOptWithChart(true))
	if err != nil {
		return pullResult{version: version}, fmt.Errorf("pulling %s: %w", pullRef, o.hint(err))
	}
	if version == "" {
		// Pinned by digest: the version is the chart's own, from the Helm
		// config blob.
		if got.Chart == nil || got.Chart.Meta == nil {
			return res, fmt.Errorf("pulling %s: no chart metadata", pullRef)
		}
		version = got.Chart.Meta.Version
	}
	res.version = version
	rel := r.CachePath(version)
	if rel == "" {
		_, err := chartFile(name, version, ".tgz")
		return res, fmt.Errorf("pulling %s: %w", pullRef, err)
	}
	if got.Chart == nil || len(got.Chart.Data) == 0 {
		return res, fmt.Errorf("pulling %s: no chart layer", pullRef)
	}
	if len(got.Chart.Data) > MaxChartSize {
		return res, fmt.Errorf("pulling %s: the chart is larger than the %s limit", pullRef, sizeText(MaxChartSize))
	}
	if err := p.write(rel, got.Chart.Data); err != nil {
		return res, err
	}
	// The sidecar comes second, so that it never names a missing chart.
	if got.Manifest != nil && digestRE.MatchString(got.Manifest.Digest) {
		if err := p.write(strings.TrimSuffix(rel, ".tgz")+".digest", []byte(got.Manifest.Digest+"\n")); err != nil {
			return res, err
		}
	}
	res.path = rel
	return res, nil
}

// sidecarIs tells whether the digest sidecar of the chart file rel holds
// digest.
func (p *puller) sidecarIs(rel, digest string) bool {
	data, err := readLimited(p.root, strings.TrimSuffix(rel, ".tgz")+".digest", maxMetaSize)
	return err == nil && strings.TrimSpace(string(data)) == digest
}
