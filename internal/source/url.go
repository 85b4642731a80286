// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package source

import (
	"net"
	"net/url"
	"strings"
)

// NormalizeURL returns a canonical key for a Git URL so that
// https://GitHub.com/Org/Repo.git, https://github.com/Org/Repo,
// ssh://git@github.com/Org/Repo.git, git@github.com:Org/Repo.git and
// http://github.com/Org/Repo all map to "github.com/Org/Repo".
//
// The host is lower-cased; the scheme, user info, query, fragment, a port
// for ssh (and a default port for http, https and git), a trailing ".git"
// and trailing slashes are dropped; the case of the path is kept. A value
// that is not a recognisable URL (a local path, for instance) is returned
// cleaned of trailing slashes and ".git" but otherwise unchanged.
func NormalizeURL(raw string) string {
	// A key is a fixed point: keys are normalised again when compared with
	// mappings. Trimming can expose one more suffix or space ("x.git.git",
	// "h :"), so the key is normalised until it no longer changes, which
	// takes a round or two (FuzzNormalizeURL checks the fixed point).
	key := normalizeOnce(raw)
	for range 16 {
		next := normalizeOnce(key)
		if next == key {
			break
		}
		key = next
	}
	return key
}

func normalizeOnce(raw string) string {
	s := strings.TrimSpace(raw)
	if s == "" {
		return ""
	}
	var host, port, path, scheme string
	if i := strings.Index(s, "://"); i > 0 && isScheme(s[:i]) {
		u, err := url.Parse(s)
		if err != nil {
			// ssh://git@host:org/repo, a common mix of the two ssh forms.
			if h, p, ok := splitSCP(s[i+3:]); ok && strings.HasSuffix(strings.ToLower(s[:i]), "ssh") {
				return trimRepoSuffix(strings.ToLower(h) + "/" + strings.TrimLeft(p, "/"))
			}
			return unparsed(s)
		}
		scheme = strings.ToLower(u.Scheme)
		if scheme == "file" {
			return trimRepoSuffix(u.Path)
		}
		host, port = u.Hostname(), u.Port()
		path = u.Path
	} else if h, p, ok := splitSCP(s); ok {
		if port, rest, isKey := keyPort(s, p); isKey {
			// host:port/path is this function's own output for a URL with
			// a port; read it back as such so that a key is a fixed point.
			return trimRepoSuffix(net.JoinHostPort(strings.ToLower(strings.TrimSuffix(h, ".")), port) + "/" + strings.TrimLeft(rest, "/"))
		}
		scheme = "ssh"
		host, path = h, p
	} else {
		// host/path without a scheme, or a local path: keep as is.
		return trimRepoSuffix(s)
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	switch {
	case port == "":
	case scheme == "ssh" || strings.HasSuffix(scheme, "+ssh") || strings.HasPrefix(scheme, "ssh+"):
		port = ""
	case scheme == "https" && port == "443", scheme == "http" && port == "80", scheme == "git" && port == "9418":
		port = ""
	}
	if port != "" {
		host = net.JoinHostPort(host, port)
	}
	path = strings.TrimLeft(path, "/")
	key := host
	if path != "" {
		key += "/" + path
	}
	return trimRepoSuffix(key)
}

// isScheme reports whether s is a URL scheme (RFC 3986: a letter, then
// letters, digits, '+', '-' or '.').
func isScheme(s string) bool {
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// unparsed is the key of a "scheme://" string url.Parse refuses: the string
// itself, without a trailing ".git" or slashes as long as its "://" stays
// (trimmed to "00:", "00://" would read back as an scp host).
func unparsed(s string) string {
	if k := trimRepoSuffix(s); strings.Contains(k, "://") && !strings.HasSuffix(k, ":") {
		return k
	}
	return s
}

// keyPort reports whether the scp-like s (with path p after its colon) is
// rather a key host:port/path: no user part, and a port of digits.
func keyPort(s, p string) (port, rest string, ok bool) {
	if strings.Contains(s[:len(s)-len(p)], "@") {
		return "", "", false
	}
	digits := p
	if i := strings.IndexByte(p, '/'); i >= 0 {
		digits, rest = p[:i], p[i:]
	}
	if digits == "" || len(digits) > 5 || strings.Trim(digits, "0123456789") != "" {
		return "", "", false
	}
	return digits, rest, true
}

// splitSCP splits the scp-like form [user@]host:path. A Windows drive
// letter ("C:\...") and anything with a slash before the colon are not scp.
func splitSCP(s string) (host, path string, ok bool) {
	colon := strings.IndexByte(s, ':')
	if colon <= 0 {
		return "", "", false
	}
	if slash := strings.IndexByte(s, '/'); slash >= 0 && slash < colon {
		return "", "", false
	}
	host = s[:colon]
	if at := strings.LastIndexByte(host, '@'); at >= 0 {
		host = host[at+1:]
	}
	if host == "" || (len(host) == 1 && colon == 1) {
		return "", "", false
	}
	return host, s[colon+1:], true
}

// trimRepoSuffix drops trailing slashes and one trailing ".git".
func trimRepoSuffix(s string) string {
	s = strings.TrimRight(s, "/")
	s = strings.TrimSuffix(s, ".git")
	return strings.TrimRight(s, "/")
}
