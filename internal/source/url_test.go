// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package source

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNormalizeURL(t *testing.T) {
	cases := []struct{ in, want string }{
		{"https://GitHub.com/Org/Repo.git", "github.com/Org/Repo"},
		{"https://github.com/Org/Repo", "github.com/Org/Repo"},
		{"https://github.com/Org/Repo/", "github.com/Org/Repo"},
		{"https://github.com/Org/Repo.git/", "github.com/Org/Repo"},
		{"http://github.com/Org/Repo", "github.com/Org/Repo"},
		{"ssh://git@github.com/Org/Repo.git", "github.com/Org/Repo"},
		{"ssh://git@GitHub.COM:22/Org/Repo.git", "github.com/Org/Repo"},
		{"git@github.com:Org/Repo.git", "github.com/Org/Repo"},
		{"git@GITHUB.com:Org/Repo", "github.com/Org/Repo"},
		{"ssh://git@GitHub.com:Org/Repo.git", "github.com/Org/Repo"},
		{"git@github.com:/Org/Repo.git", "github.com/Org/Repo"},
		{"https://user:token@github.com/Org/Repo.git", "github.com/Org/Repo"},
		{"https://github.com:443/Org/Repo", "github.com/Org/Repo"},
		{"https://git.example.com:8443/Org/Repo", "git.example.com:8443/Org/Repo"},
		{"https://gitlab.com/Group/Sub/Repo.git?ref=x#frag", "gitlab.com/Group/Sub/Repo"},
		{"  https://github.com/Org/Repo  ", "github.com/Org/Repo"},
		{"github.com/Org/Repo.git", "github.com/Org/Repo"},
		{"file:///srv/git/repo.git", "/srv/git/repo"},
		{"ssh://git@github.com/Org/Repo", "github.com/Org/Repo"},
		{"ssh://github.com/Org/Repo.git/", "github.com/Org/Repo"},
		{"git+ssh://git@github.com/Org/Repo.git", "github.com/Org/Repo"},
		{"github.com:Org/Repo.git", "github.com/Org/Repo"},
		{"git@gitlab.example.com:Group/Sub/Repo.git", "gitlab.example.com/Group/Sub/Repo"},
		{"", ""},
		// Keys read back as themselves.
		{"git.example.com:8443/Org/Repo", "git.example.com:8443/Org/Repo"},
		{"00://", "00"},
		{"00 :", "00"},
		{"//h/://x", "//h/://x"},
		{"h/o/r.git.git", "h/o/r"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, NormalizeURL(c.in), "NormalizeURL(%q)", c.in)
		assert.Equal(t, NormalizeURL(c.in), NormalizeURL(NormalizeURL(c.in)), "NormalizeURL is idempotent on %q", c.in)
	}
}

// TestNormalizeURLForms: every way a remote or a sync URL spells the same
// repository has the same key, so that a fleet checkout cloned over ssh is
// recognised in a FluxInstance that syncs it over https.
func TestNormalizeURLForms(t *testing.T) {
	forms := []string{
		"https://github.com/acme/d1-fleet.git",
		"https://GitHub.com/acme/d1-fleet",
		"https://x-access-token:tok@github.com/acme/d1-fleet.git",
		"http://github.com/acme/d1-fleet/",
		"ssh://git@github.com/acme/d1-fleet.git",
		"ssh://git@github.com:22/acme/d1-fleet",
		"ssh://git@github.com:acme/d1-fleet.git",
		"git@github.com:acme/d1-fleet.git",
		"git@github.com:acme/d1-fleet",
		"github.com:acme/d1-fleet.git",
	}
	for _, f := range forms {
		assert.Equal(t, "github.com/acme/d1-fleet", NormalizeURL(f), f)
	}
	assert.NotEqual(t, NormalizeURL("https://github.com/acme/d1-fleet"), NormalizeURL("https://github.com/Acme/D1-Fleet"),
		"the path's case is kept: some hosts tell them apart")
}

func TestNormalizeURLNeverPanics(t *testing.T) {
	for _, in := range []string{"://", "git@:", "@", ":", "https://[::1", "ssh://", "\x00", "a:b:c@d"} {
		assert.NotPanics(t, func() { NormalizeURL(in) }, in)
	}
}
