// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/testutil"
)

// gitInit makes dir a git repository holding files.
func gitInit(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	testutil.WriteFiles(t, dir, files)
	_, err := git.PlainInit(dir, false)
	require.NoError(t, err)
}

// fleetFiles are a fleet of one cluster.
var fleetFiles = map[string]string{"clusters/one/flux-system/flux-instance.yaml": testutil.FluxInstance("one", "https://example.com/acme/d1-fleet.git")}

// TestFleetBeside: run in d1-apps (or a folder of it) with no fleet named,
// the one fleet checkout beside it is the fleet; run in a folder of the
// fleet, the fleet's top level is; a folder that is a fleet, or holds a
// configuration, is left as it is; several fleets are for the user to
// pick.
func TestFleetBeside(t *testing.T) {
	parent := t.TempDir()
	gitInit(t, filepath.Join(parent, "d1-fleet"), fleetFiles)
	gitInit(t, filepath.Join(parent, "d1-apps"), map[string]string{"components/backend/base/ns.yaml": "kind: Namespace\n"})
	gitInit(t, filepath.Join(parent, "d1-infra"), map[string]string{".d1lint.yaml": "sources: []\n"})
	require.NoError(t, os.MkdirAll(filepath.Join(parent, "notgit", "clusters", "x"), 0o755))
	gitInit(t, filepath.Join(parent, "new-fleet"), map[string]string{"clusters/.keep": ""})

	for dir, want := range map[string]string{
		"d1-apps":                    "d1-fleet",
		"d1-apps/components/backend": "d1-fleet",
		"d1-fleet":                   "",
		"d1-fleet/clusters/one":      "d1-fleet",
		"d1-infra":                   "", // its configuration says what to do
		"notgit":                     "",
		"notgit/clusters":            "",
		"new-fleet":                  "", // a fleet with no cluster yet
	} {
		got, err := FleetBeside(filepath.Join(parent, dir))
		require.NoError(t, err, dir)
		if want != "" {
			want, got = filepath.Join(parent, want), filepath.Clean(got)
		}
		assert.Equal(t, want, got, dir)
	}

	t.Chdir(filepath.Join(parent, "d1-apps", "components"))
	got, err := FleetBeside(".")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join("..", "..", "d1-fleet"), got, "relative to the folder as given")

	gitInit(t, filepath.Join(parent, "d2-fleet"), fleetFiles)
	_, err = FleetBeside(".")
	require.ErrorIs(t, err, ErrUsage)
	assert.Contains(t, err.Error(), "several beside its repository (../../d1-fleet, ../../d2-fleet): pick one with --fleet")
}

// TestSiblings: the git checkouts beside the fleet and, when d1lint runs in
// another repository, beside that one, with paths as the fleet's is given;
// the fleet itself is not among them.
func TestSiblings(t *testing.T) {
	work := t.TempDir()
	fleets, apps := filepath.Join(work, "fleets"), filepath.Join(work, "apps")
	gitInit(t, filepath.Join(fleets, "d1-fleet"), fleetFiles)
	gitInit(t, filepath.Join(fleets, "d1-infra"), nil)
	gitInit(t, filepath.Join(apps, "d1-apps"), nil)
	gitInit(t, filepath.Join(apps, "tools"), nil)

	t.Chdir(filepath.Join(fleets, "d1-fleet"))
	var got []string
	for _, s := range Siblings(".") {
		got = append(got, s.Path+" beside "+s.Beside)
	}
	assert.Equal(t, []string{filepath.Join("..", "d1-infra") + " beside the fleet"}, got)

	t.Chdir(filepath.Join(apps, "d1-apps"))
	got = nil
	for _, s := range Siblings(filepath.Join("..", "..", "fleets", "d1-fleet")) {
		got = append(got, s.Path+" beside "+s.Beside)
	}
	assert.Equal(t, []string{
		filepath.Join("..", "..", "fleets", "d1-infra") + " beside the fleet",
		filepath.Join("..", "d1-apps") + " beside the current checkout",
		filepath.Join("..", "tools") + " beside the current checkout",
	}, got)
}
