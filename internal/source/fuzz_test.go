// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package source

import (
	"errors"
	"strings"
	"testing"
)

// The fuzz targets below run briefly in CI (.ci/run) from the seed corpora
// committed under testdata/fuzz; `go test` alone replays those seeds.

// FuzzCheckYAML: the guard every YAML file passes before any decoder sees
// it never panics, and it refuses a document only as a bomb.
func FuzzCheckYAML(f *testing.F) {
	for _, s := range []string{
		"a: 1\n",
		"a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n",
		"a: &a [*a]\n",
		"---\n- &x {k: v}\n- *x\n---\n: :\n",
		"\xff\xfe&\x00",
	} {
		f.Add([]byte(s), 1000)
	}
	f.Fuzz(func(t *testing.T, data []byte, max int) {
		err := CheckYAML(data, max)
		if err != nil && !errors.Is(err, ErrYAMLBomb) {
			t.Fatalf("CheckYAML returned an error that is not ErrYAMLBomb: %v", err)
		}
		if err2 := CheckYAML(data, max); (err == nil) != (err2 == nil) {
			t.Fatalf("CheckYAML is not deterministic: %v then %v", err, err2)
		}
	})
}

// FuzzNormalizeURL: a key is a fixed point, so a URL compared once
// normalised and again normalised (a mapping against a key) agrees.
func FuzzNormalizeURL(f *testing.F) {
	for _, s := range []string{
		"https://GitHub.com/Org/Repo.git", "ssh://git@github.com/Org/Repo.git", "git@github.com:Org/Repo.git",
		"http://host:8080/org/repo", "ssh://git@host:org/repo", "file:///srv/git/repo.git", "C:\\repos\\fleet",
		"00://", "host:8080/org", "../d1-infra/", "https://[::1]:443/x", "git://h:9418/r.git/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		key := NormalizeURL(raw)
		if again := NormalizeURL(key); again != key {
			t.Fatalf("NormalizeURL is not idempotent: %q → %q → %q", raw, key, again)
		}
	})
}

// FuzzParseMapping: a mapping that parses prints back to a form that
// parses to the same mapping (messages print mappings so), and a refused one
// says which forms exist.
func FuzzParseMapping(f *testing.F) {
	for _, s := range []string{
		"https://github.com/org/repo=../repo", "git@github.com:org/repo@main=../repo",
		"https://github.com/org/repo=../repo@release/v1", "x@a=y@b", "=", "a=", "ssh://git@h/o/r@br=p",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMapping(s)
		if err != nil {
			if !strings.Contains(err.Error(), mappingForms) {
				t.Fatalf("error without the accepted forms: %v", err)
			}
			return
		}
		if m.URL == "" || m.Path == "" {
			t.Fatalf("%q parsed with an empty side: %+v", s, m)
		}
		if strings.Contains(m.Path, "@") {
			// PATH@BRANCH depends on which paths exist; the round trip is
			// only promised for paths without an '@'.
			return
		}
		back, err := ParseMapping(m.String())
		if err != nil {
			t.Fatalf("%q → %q does not parse again: %v", s, m.String(), err)
		}
		if back.URL != m.URL || back.Path != m.Path || back.Branch != m.Branch {
			t.Fatalf("%q → %+v → %q → %+v", s, m, m.String(), back)
		}
	})
}

// FuzzRevision: whatever a user passes as --at, --new-since or a ref of a
// source (branch, tag, semver range, commit), resolving it in a repository
// either finds one of its commits or nothing, and never panics.
func FuzzRevision(f *testing.F) {
	fx := newFixture(f)
	r := newResolver(f, Options{})
	g, err := r.repo(fx.dir)
	if err != nil {
		f.Fatal(err)
	}
	known := map[string]bool{fx.main1: true, fx.main2: true, fx.prod: true, fx.onlyRemote: true}
	for _, s := range []string{"main", "HEAD~1", "origin/only-remote", "v1.2.0", fx.main1[:7], ">=1.0.0 <2.0.0", "HEAD^{/main}", "@{-1}", "main~99999999999999999999", "refs/tags/v1.0.0", "^", "HEAD@{1}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, rev string) {
		check := func(how, commit string, err error) {
			if commit != "" && !known[commit] {
				t.Fatalf("%s %q resolved to %q, not a commit of the repository (err %v)", how, rev, commit, err)
			}
		}
		c, err := g.findRevision(rev)
		check("revision", c, err)
		c, _, err = g.findCommit(rev)
		check("commit", c, err)
		c, _, _, err = g.findSemVer(rev, "")
		check("semver", c, err)
		c, _, err = g.findRef(rev)
		check("ref", c, err)
		c, _, err = g.findBranch(rev)
		check("branch", c, err)
		_ = checkBranchName(rev)
	})
}
