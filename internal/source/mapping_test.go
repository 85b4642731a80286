// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package source

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseMapping(t *testing.T) {
	cases := []struct {
		in   string
		want Mapping
	}{
		{"https://github.com/org/repo=../repo", Mapping{URL: "https://github.com/org/repo", Path: "../repo"}},
		{"https://github.com/org/repo@production=../prod", Mapping{URL: "https://github.com/org/repo", Path: "../prod", Branch: "production"}},
		{"https://github.com/org/repo=../prod@production", Mapping{URL: "https://github.com/org/repo", Path: "../prod", Branch: "production"}},
		{"git@github.com:org/repo.git=/src/repo", Mapping{URL: "git@github.com:org/repo.git", Path: "/src/repo"}},
		{"git@github.com:org/repo.git@feature/x=/src/repo", Mapping{URL: "git@github.com:org/repo.git", Path: "/src/repo", Branch: "feature/x"}},
		{"git@github.com:org/repo.git=/src/repo@main", Mapping{URL: "git@github.com:org/repo.git", Path: "/src/repo", Branch: "main"}},
		{"ssh://git@github.com/org/repo=/src/repo", Mapping{URL: "ssh://git@github.com/org/repo", Path: "/src/repo"}},
		{"ssh://git@github.com:22/org/repo@main=/src/repo", Mapping{URL: "ssh://git@github.com:22/org/repo", Path: "/src/repo", Branch: "main"}},
		{"https://user@host.example/org/repo=.", Mapping{URL: "https://user@host.example/org/repo", Path: "."}},
	}
	for _, c := range cases {
		got, err := ParseMapping(c.in)
		if assert.NoError(t, err, c.in) {
			assert.Equal(t, c.want, got, c.in)
		}
	}
}

func TestParseMappingErrors(t *testing.T) {
	cases := map[string]string{
		"https://github.com/org/repo":                   "no '='",
		"=../repo":                                      "empty URL",
		"https://github.com/org/repo=":                  "empty PATH",
		"https://github.com/org/repo@=../repo":          "empty branch",
		"https://github.com/org/repo=../repo@":          "empty branch",
		"https://github.com/org/repo@main=../repo@prod": "branch given twice",
		"https://github.com/org/repo@a..b=../repo":      "not a valid branch name",
		"https://github.com/org/repo=@main":             "empty PATH",
	}
	for in, want := range cases {
		_, err := ParseMapping(in)
		if assert.Error(t, err, in) {
			assert.Contains(t, err.Error(), want, in)
			assert.Contains(t, err.Error(), "URL=PATH", in)
		}
	}
}

func TestParseMappingPathWithAt(t *testing.T) {
	dir := t.TempDir()
	withAt := filepath.Join(dir, "repo@2")
	require.NoError(t, os.Mkdir(withAt, 0o755))
	m, err := ParseMapping("https://github.com/org/repo=" + withAt)
	require.NoError(t, err)
	assert.Equal(t, withAt, m.Path, "an existing path containing '@' is kept whole")
	assert.Empty(t, m.Branch)

	// When the part before the '@' exists too, '@' separates the branch.
	require.NoError(t, os.Mkdir(filepath.Join(dir, "repo"), 0o755))
	m, err = ParseMapping("https://github.com/org/repo=" + withAt)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "repo"), m.Path)
	assert.Equal(t, "2", m.Branch)
}

func TestMappingString(t *testing.T) {
	assert.Equal(t, "https://h/o/r@b=p", Mapping{URL: "https://h/o/r", Path: "p", Branch: "b"}.String())
	// Without a repository path, u@b would read back as the URL "u@b".
	assert.Equal(t, "u=p@b", Mapping{URL: "u", Path: "p", Branch: "b"}.String())
	assert.Equal(t, "u=p", Mapping{URL: "u", Path: "p"}.String())
}
