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
		{"", ""},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, NormalizeURL(c.in), "NormalizeURL(%q)", c.in)
	}
}

func TestNormalizeURLNeverPanics(t *testing.T) {
	for _, in := range []string{"://", "git@:", "@", ":", "https://[::1", "ssh://", "\x00", "a:b:c@d"} {
		assert.NotPanics(t, func() { NormalizeURL(in) }, in)
	}
}
