// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package source

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeKind resolves every source to the same snapshot and records the specs.
type fakeKind struct {
	name  string
	snap  *Snapshot
	specs []Spec
}

func (f *fakeKind) Kind() string { return f.name }
func (f *fakeKind) Resolve(spec Spec) (*Snapshot, error) {
	f.specs = append(f.specs, spec)
	return f.snap, nil
}

func TestKinds(t *testing.T) {
	oci := &fakeKind{name: "OCIRepository", snap: &Snapshot{ID: "oci"}}
	first := &fakeKind{name: "Bucket", snap: &Snapshot{ID: "first"}}
	later := &fakeKind{name: "Bucket", snap: &Snapshot{ID: "later"}}
	ks := NewKinds(oci, first, later)

	assert.Equal(t, []string{"Bucket", "OCIRepository"}, ks.Names())
	k, ok := ks.Lookup("OCIRepository")
	require.True(t, ok)
	s, err := k.Resolve(Spec{URL: "oci://example.com/app", Ref: map[string]string{"tag": "v1"}})
	require.NoError(t, err)
	assert.Equal(t, "oci", s.ID)
	assert.Equal(t, []Spec{{URL: "oci://example.com/app", Ref: map[string]string{"tag": "v1"}}}, oci.specs)

	k, ok = ks.Lookup("Bucket")
	require.True(t, ok)
	assert.Same(t, later, k, "the later kind of a name is kept")

	_, ok = ks.Lookup("GitRepository")
	assert.False(t, ok, "only the kinds given are known")
	_, ok = ks.Lookup("")
	assert.False(t, ok)
	assert.Empty(t, NewKinds().Names())
}

// TestGitKindReadsSpecRef checks how the GitRepository kind reads spec.ref,
// and that the URL and ignore rules reach the resolver unchanged.
func TestGitKindReadsSpecRef(t *testing.T) {
	cases := []struct {
		ref  map[string]string
		want Ref
	}{
		{nil, Ref{}},
		{map[string]string{"branch": "main"}, Ref{Branch: "main"}},
		{map[string]string{"tag": "v1", "semver": ">=1", "commit": "abc"}, Ref{Tag: "v1", SemVer: ">=1", Commit: "abc"}},
		// Flux Operator's spec.sync.ref, written into spec.ref.name.
		{map[string]string{"name": "refs/heads/production"}, Ref{Branch: "production"}},
		{map[string]string{"name": "refs/tags/v1.2.0"}, Ref{Tag: "v1.2.0"}},
		{map[string]string{"name": "refs/pull/1/head"}, Ref{Name: "refs/pull/1/head"}},
		// A ref name next to an explicit branch or tag is kept: Flux gives
		// the name precedence.
		{map[string]string{"name": "refs/heads/x", "branch": "main"}, Ref{Branch: "main", Name: "refs/heads/x"}},
		{map[string]string{"name": "refs/tags/x", "tag": "v1"}, Ref{Tag: "v1", Name: "refs/tags/x"}},
	}
	for _, tc := range cases {
		var gotURL, gotIgnore string
		var got Ref
		want := &Snapshot{ID: "git"}
		k := GitKind(func(url string, ref Ref, ignore string) (*Snapshot, error) {
			gotURL, got, gotIgnore = url, ref, ignore
			return want, nil
		})
		assert.Equal(t, GitRepository, k.Kind())
		s, err := k.Resolve(Spec{URL: appsURL, Ref: tc.ref, Ignore: "/docs\n"})
		require.NoError(t, err)
		assert.Same(t, want, s)
		assert.Equal(t, tc.want, got, "spec.ref %v", tc.ref)
		assert.Equal(t, appsURL, gotURL)
		assert.Equal(t, "/docs\n", gotIgnore)
	}
}

// TestGitKindResolves resolves through a real Resolver: a ref name
// refs/heads/production reads the production branch from git objects.
func TestGitKindResolves(t *testing.T) {
	f := newFixture(t)
	r := newResolver(t, Options{}, Mapping{URL: appsURL, Path: f.dir})
	s, err := GitKind(r.Resolve).Resolve(Spec{URL: appsURL, Ref: map[string]string{"name": "refs/heads/production"}})
	require.NoError(t, err)
	assert.Equal(t, ModeGit, s.Mode)
	assert.Equal(t, "production", s.Branch)
	assert.Equal(t, f.prod, s.Commit)
	assert.Equal(t, "branch: production\n", read(t, s, "apps/app.yaml"))

	_, err = GitKind(r.Resolve).Resolve(Spec{URL: appsURL, Ref: map[string]string{"branch": "nope"}})
	require.ErrorIs(t, err, ErrRefNotFound)
}
