// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package charts

import (
	"fmt"
	"net"
	"net/url"
	"path"
	"regexp"
	"strings"
)

// Kinds of Flux source a chart comes through.
const (
	// KindHelmRepository is a HelmRelease's spec.chart.spec.sourceRef kind
	// HelmRepository (https:// or oci:// URL).
	KindHelmRepository = "HelmRepository"
	// KindOCIRepository is a HelmRelease's spec.chartRef kind OCIRepository.
	KindOCIRepository = "OCIRepository"
)

// Ref is a chart as a HelmRelease asks for it.
type Ref struct {
	// Kind is "HelmRepository" or "OCIRepository"; empty means
	// HelmRepository.
	Kind string
	// URL is the HelmRepository spec.url (https://… or oci://…), or the
	// OCIRepository spec.url (the chart's own repository, oci://…/name).
	URL string
	// Name is the chart name. For an OCIRepository it is the last path
	// segment of URL, which is what is used even when Name says otherwise.
	Name string
	// Version is the HelmRelease chart.spec.version: an exact version, a
	// semver range, or "" (= "*", the newest stable version). For an
	// OCIRepository it is not used: see SemVer.
	Version string
	// Tag, SemVer and Digest are an OCIRepository's spec.ref. Flux's
	// precedence holds: Digest, then SemVer, then Tag; none means the tag
	// "latest".
	Tag, SemVer, Digest string
	// SemVerFilter is an OCIRepository's spec.ref.semverFilter: a regular
	// expression a tag must match before SemVer is applied to it.
	SemVerFilter string
}

// isOCIRepository tells whether r is an OCIRepository chartRef.
func (r Ref) isOCIRepository() bool { return r.Kind == KindOCIRepository }

// isOCI tells whether r is served by an OCI registry.
func (r Ref) isOCI() bool {
	return r.isOCIRepository() || strings.HasPrefix(strings.ToLower(strings.TrimSpace(r.URL)), "oci://")
}

// chartName is the chart's name: for an OCIRepository the last segment of
// its URL (Flux's OCIRepository has no chart name of its own), else Name.
func (r Ref) chartName() string {
	if r.isOCIRepository() {
		u := strings.TrimRight(strings.TrimSpace(r.URL), "/")
		if i := strings.LastIndex(u, "/"); i >= 0 && !strings.HasSuffix(u[:i], ":/") {
			return u[i+1:]
		}
		return r.Name
	}
	return r.Name
}

// repoURL is the URL of the repository holding the chart, without a
// trailing slash: the HelmRepository URL, or an OCIRepository URL without
// its last segment.
func (r Ref) repoURL() string {
	u := strings.TrimRight(strings.TrimSpace(r.URL), "/")
	if r.isOCIRepository() {
		if i := strings.LastIndex(u, "/"); i >= 0 && !strings.HasSuffix(u[:i], ":/") {
			return u[:i]
		}
	}
	return u
}

// selector is what r asks for, in Flux's precedence, as kind and value:
// "digest", "semver" (a range; for a HelmRepository any Version), or "tag".
func (r Ref) selector() (kind, value string) {
	if r.isOCIRepository() {
		switch {
		case r.Digest != "":
			return "digest", r.Digest
		case r.SemVer != "":
			return "semver", r.SemVer
		case r.Tag != "":
			return "tag", r.Tag
		}
		// source-controller pulls the tag "latest" when spec.ref is empty.
		return "tag", "latest"
	}
	return "semver", r.Version
}

// String is r for messages: "oci://ghcr.io/stefanprodan/charts/podinfo@6.14.0"
// for a HelmRepository ("@*" when no version is given), and the OCI
// repository with ":tag", "@sha256:…" or "@<range>" for an OCIRepository.
func (r Ref) String() string {
	if r.isOCIRepository() {
		u := strings.TrimRight(strings.TrimSpace(r.URL), "/")
		switch k, v := r.selector(); k {
		case "tag":
			return u + ":" + v
		default:
			return u + "@" + v
		}
	}
	v := r.Version
	if v == "" {
		v = "*"
	}
	return r.repoURL() + "/" + r.Name + "@" + v
}

// CachePath is the path, relative to a cache folder and with forward
// slashes, where [Pull] stores the chart at version:
// "<host>/<path>/<name>-<version>.tgz". It is "" when the URL, the name or
// the version cannot name a file safely (no URL, a '/' in the name, …).
func (r Ref) CachePath(version string) string {
	dir, err := r.cacheDir()
	if err != nil {
		return ""
	}
	file, err := chartFile(r.chartName(), version, ".tgz")
	if err != nil {
		return ""
	}
	return dir + "/" + file
}

// cacheDir is the structured folder of r's repository, relative to a cache
// folder: host (lower-cased, host_port for a port that is not the
// scheme's default) and the cleaned URL path.
func (r Ref) cacheDir() (string, error) {
	raw := r.repoURL()
	if raw == "" {
		return "", fmt.Errorf("chart %q has no repository URL", r.chartName())
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("repository URL %q: %w", raw, err)
	}
	scheme := strings.ToLower(u.Scheme)
	switch scheme {
	case "https", "http", "oci":
	default:
		return "", fmt.Errorf("repository URL %q: scheme must be https, http or oci", raw)
	}
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return "", fmt.Errorf("repository URL %q has no host", raw)
	}
	// An IPv6 literal's colons are no good in a folder name on every OS.
	host = strings.ReplaceAll(host, ":", "_")
	if port := u.Port(); port != "" && port != defaultPort(scheme) {
		host += "_" + port
	}
	if !safeSegment(host) {
		return "", fmt.Errorf("repository URL %q: host %q cannot name a folder", raw, host)
	}
	parts := []string{host}
	// Cleaning a rooted path drops "." and resolves ".." without climbing
	// above the host: the folder stays under the cache whatever the URL.
	if p := strings.Trim(path.Clean("/"+u.Path), "/"); p != "" {
		for seg := range strings.SplitSeq(p, "/") {
			if !safeSegment(seg) {
				return "", fmt.Errorf("repository URL %q: path segment %q cannot name a folder", raw, seg)
			}
			parts = append(parts, seg)
		}
	}
	return strings.Join(parts, "/"), nil
}

// defaultPort is the port a scheme implies; OCI registries speak HTTPS.
func defaultPort(scheme string) string {
	if scheme == "http" {
		return "80"
	}
	return "443"
}

// safeSegment tells whether s is usable as one path element: not empty,
// "." or "..", and free of separators and control characters.
func safeSegment(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 255 {
		return false
	}
	for _, c := range s {
		if c < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == ':' {
			return false
		}
	}
	return true
}

// nameRE is what a chart name or version must look like to become part of
// a file name: one path element, starting with a letter or digit. Helm's
// own chart names and SemVer versions (with 'v', '-pre' and '+build') fit.
var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]*$`)

// chartFile is "<name>-<version><ext>", refusing a name or version (they
// may come from the network) that could be anything but one file name in
// one folder.
func chartFile(name, version, ext string) (string, error) {
	if len(name) > 200 || !nameRE.MatchString(name) {
		return "", fmt.Errorf("chart name %q cannot name a file", name)
	}
	if len(version) > 128 || !nameRE.MatchString(version) {
		return "", fmt.Errorf("chart version %q cannot name a file", version)
	}
	return name + "-" + version + ext, nil
}

// digestRE is an OCI digest d1lint accepts: sha256 or sha512, lower-case hex.
var digestRE = regexp.MustCompile(`^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$`)

// registryHost is the host[:port] of an oci:// URL, as the registry client
// wants it (and as credentials are keyed in config.json).
func registryHost(u *url.URL) string {
	if u.Port() == "" {
		return u.Hostname()
	}
	return net.JoinHostPort(u.Hostname(), u.Port())
}
