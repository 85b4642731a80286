// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package source

import (
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRemotes(t *testing.T) {
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	require.NoError(t, err)
	got, err := Remotes(dir)
	require.NoError(t, err)
	assert.Empty(t, got, "a repository without remotes")

	for _, rc := range []*config.RemoteConfig{
		{Name: "upstream", URLs: []string{"https://github.com/upstream/d1-fleet.git"}},
		{Name: "origin", URLs: []string{"git@github.com:me/d1-fleet.git", "https://github.com/me/d1-fleet"}},
	} {
		_, err := repo.CreateRemote(rc)
		require.NoError(t, err)
	}
	got, err = Remotes(dir)
	require.NoError(t, err)
	assert.Equal(t, []Remote{
		{Name: "origin", URLs: []string{"git@github.com:me/d1-fleet.git", "https://github.com/me/d1-fleet"}},
		{Name: "upstream", URLs: []string{"https://github.com/upstream/d1-fleet.git"}},
	}, got, "sorted by name, URLs as written")

	_, err = Remotes(t.TempDir())
	assert.Error(t, err, "not a git repository")
}

func TestIsLocalURL(t *testing.T) {
	for in, want := range map[string]bool{
		"https://github.com/Org/Repo.git":  false,
		"ssh://git@github.com/Org/Repo":    false,
		"git@github.com:Org/Repo.git":      false,
		"git://example.com/repo":           false,
		"file:///srv/git/repo.git":         true,
		"FILE:///srv/git/repo.git":         true,
		"/srv/git/repo.git":                true,
		"../remote.git":                    true,
		"./a:b/repo":                       true,
		`C:\repos\fleet`:                   true,
		"":                                 true,
		"github.com/Org/Repo":              true,
		"host.example.com:org/fleet.git":   false,
		"git@host.example.com:/org/fleet":  false,
		"https://user:token@host/org/repo": false,
	} {
		assert.Equal(t, want, IsLocalURL(in), "IsLocalURL(%q)", in)
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://github.com/Org/Repo.git":                            "https://github.com/Org/Repo.git",
		"https://gitlab-ci-token:s3cret@gitlab.com/org/fleet.git":    "https://gitlab.com/org/fleet.git",
		"https://ghp_token@github.com/org/fleet.git":                 "https://github.com/org/fleet.git",
		"HTTP://user@example.com/org/fleet":                          "HTTP://example.com/org/fleet",
		"ssh://git@github.com/org/fleet.git":                         "ssh://git@github.com/org/fleet.git",
		"ssh://git:pw@github.com/org/fleet.git":                      "ssh://github.com/org/fleet.git",
		"git@github.com:org/fleet.git":                               "git@github.com:org/fleet.git",
		"https://user:p@ss@example.com:8443/org/fleet?x=1":           "https://example.com:8443/org/fleet?x=1",
		"  https://github.com/org/fleet  ":                           "https://github.com/org/fleet",
		"https://example.com/path/with@at":                           "https://example.com/path/with@at",
		"file:///srv/git/fleet.git":                                  "file:///srv/git/fleet.git",
		"/srv/git/fleet.git":                                         "/srv/git/fleet.git",
		"https://tok@github.com":                                     "https://github.com",
		"https://github.com/org/fleet.git#user:pass@frag":            "https://github.com/org/fleet.git#user:pass@frag",
		"ssh://git@GitHub.com:org/fleet.git":                         "ssh://git@GitHub.com:org/fleet.git",
		"https://x-access-token:ghs_abc@github.com/org/d1-fleet.git": "https://github.com/org/d1-fleet.git",
	} {
		assert.Equal(t, want, RedactURL(in), "RedactURL(%q)", in)
	}
}
