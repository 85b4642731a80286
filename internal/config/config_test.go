// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package config

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeConfig writes content to <t.TempDir()>/<FileName> and returns its path.
func writeConfig(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), FileName)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

const validConfig = `# every key
fleet: ../d1-fleet
fleetURL: https://github.com/acme/d1-fleet.git
fleetBranch: main
sources:
  - url: https://github.com/acme/d1-infra.git
    path: ../d1-infra
  - url: https://github.com/acme/d1-apps.git
    branch: production
    path: /srv/d1-apps
outOfBand:
  - apiVersion: v1
    kind: Secret
    namespace: apps
    name: registry
    labels:
      team: shop
    keys: [username, password]
    clusters: [prod-eu]
`

func TestLoad(t *testing.T) {
	p := writeConfig(t, validConfig)
	c, err := Load(p)
	require.NoError(t, err)

	assert.Equal(t, "../d1-fleet", c.Fleet)
	assert.Equal(t, "https://github.com/acme/d1-fleet.git", c.FleetURL)
	assert.Equal(t, "main", c.FleetBranch)
	assert.Equal(t, []Source{
		{URL: "https://github.com/acme/d1-infra.git", Path: "../d1-infra"},
		{URL: "https://github.com/acme/d1-apps.git", Path: "/srv/d1-apps", Branch: "production"},
	}, c.Sources)
	assert.Equal(t, []Object{{
		APIVersion: "v1", Kind: "Secret", Namespace: "apps", Name: "registry",
		Labels: map[string]string{"team": "shop"}, Keys: []string{"username", "password"}, Clusters: []string{"prod-eu"},
	}}, c.OutOfBandObjects())
	assert.Equal(t, filepath.Dir(p), c.Dir())
}

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, FileName)
	require.NoError(t, os.WriteFile(p, []byte("fleet: ../d1-fleet\n"), 0o644))
	c, err := Load(p)
	require.NoError(t, err)

	assert.Equal(t, filepath.Join(filepath.Dir(dir), "d1-fleet"), c.FleetPath())
	assert.Equal(t, filepath.Join(dir, "infra"), c.Resolve("infra"))
	assert.Equal(t, filepath.Join(filepath.Dir(dir), "apps"), c.Resolve("../apps"))
	abs := filepath.Join(string(filepath.Separator), "srv", "apps")
	assert.Equal(t, abs, c.Resolve(abs), "absolute paths are kept")
	assert.Equal(t, "", c.Resolve(""))
}

func TestResolveKeepsRelativePathsRelative(t *testing.T) {
	// Load from a relative path: results stay relative to the working
	// directory, so that messages name paths as the user does.
	c, err := Load("../../fixtures/example/fleet/.d1lint.yaml")
	require.NoError(t, err)
	assert.Equal(t, filepath.FromSlash("../../fixtures/example/fleet"), c.Dir())
	assert.Equal(t, filepath.FromSlash("../../fixtures/example/fleet"), c.FleetPath(), "fleet defaults to the file's folder")
	assert.Equal(t, filepath.FromSlash("../../fixtures/example/infra-main"), c.Resolve("../infra-main"))
	require.Len(t, c.Sources, 4)
	for _, s := range c.Sources {
		assert.False(t, filepath.IsAbs(c.Resolve(s.Path)), s.Path)
		st, err := os.Stat(c.Resolve(s.Path))
		require.NoError(t, err, "%s resolves to an existing folder", s.Path)
		assert.True(t, st.IsDir())
	}
	assert.Equal(t, Source{URL: "https://github.com/acme/d1-infra.git", Branch: "main", Path: "../infra-main"}, c.Sources[0])
	assert.Equal(t, Source{URL: "https://github.com/acme/d1-apps.git", Branch: "production", Path: "../apps-production"}, c.Sources[3])
}

func TestFleetPath(t *testing.T) {
	tests := []struct {
		fleet, dir, want string
	}{
		{"", "conf", "conf"},
		{"", "", ""},
		{".", "conf", "conf"},
		{"../fleet", "conf/sub", filepath.FromSlash("conf/fleet")},
		{"/abs/fleet", "conf", "/abs/fleet"},
		{"rel", "", "rel"},
	}
	for _, tt := range tests {
		c := &Config{Fleet: tt.fleet, dir: tt.dir}
		assert.Equal(t, tt.want, c.FleetPath(), "fleet %q in %q", tt.fleet, tt.dir)
	}
}

func TestLoadUnknownField(t *testing.T) {
	p := writeConfig(t, "sources:\n  - url: https://github.com/acme/x.git\n    path: ../x\n    brnach: main\n")
	c, err := Load(p)
	require.Error(t, err)
	assert.Nil(t, c)
	assert.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), p, "the error names the file")
	assert.Contains(t, err.Error(), "brnach")

	_, err = Load(writeConfig(t, "outOfBands: []\n"))
	require.Error(t, err, "a mis-spelt top-level key must not silently keep the defaults")
	assert.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), "outOfBands")
}

func TestLoadInvalidYAML(t *testing.T) {
	for name, content := range map[string]string{
		"syntax":        "sources: [\n",
		"wrong type":    "sources: {url: x}\n",
		"duplicate key": "fleet: a\nfleet: b\n",
	} {
		t.Run(name, func(t *testing.T) {
			p := writeConfig(t, content)
			_, err := Load(p)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalid)
			assert.Contains(t, err.Error(), p)
		})
	}
}

func TestLoadIncompleteSource(t *testing.T) {
	for name, content := range map[string]string{
		"no url":  "sources:\n  - url: https://github.com/acme/a.git\n    path: a\n  - path: ../b\n",
		"no path": "sources:\n  - url: https://github.com/acme/a.git\n    path: a\n  - url: https://github.com/acme/b.git\n    branch: main\n",
	} {
		t.Run(name, func(t *testing.T) {
			p := writeConfig(t, content)
			c, err := Load(p)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.ErrorIs(t, err, ErrInvalid)
			assert.Contains(t, err.Error(), p)
			assert.Contains(t, err.Error(), "sources[1] needs both url and path")
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nope.yaml")
	c, err := Load(p)
	require.Error(t, err)
	assert.Nil(t, c)
	assert.ErrorIs(t, err, ErrInvalid)
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.Contains(t, err.Error(), p)
}

func TestOutOfBandDefaults(t *testing.T) {
	want := []Object{
		{APIVersion: "v1", Kind: "Secret", Namespace: "flux-system", Name: "flux-system"},
		{APIVersion: "v1", Kind: "Secret", Namespace: "flux-system", Name: "flux-apps",
			Labels: map[string]string{"toolkit.fluxcd.io/tenant": "apps"}},
		{APIVersion: "v1", Kind: "Secret", Namespace: "flux-system", Name: "ghcr-auth"},
		{APIVersion: "v1", Kind: "Secret", Namespace: "flux-system", Name: "github-auth"},
	}
	assert.Equal(t, want, DefaultOutOfBand())

	for name, content := range map[string]string{
		"absent":     "sources: []\n",
		"empty file": "",
		"null":       "outOfBand: null\n",
	} {
		t.Run(name, func(t *testing.T) {
			c, err := Load(writeConfig(t, content))
			require.NoError(t, err)
			assert.Equal(t, want, c.OutOfBandObjects())
		})
	}
	t.Run("nil config", func(t *testing.T) {
		var c *Config
		assert.Equal(t, want, c.OutOfBandObjects())
	})
	t.Run("empty list", func(t *testing.T) {
		c, err := Load(writeConfig(t, "outOfBand: []\n"))
		require.NoError(t, err)
		require.NotNil(t, c.OutOfBand)
		assert.Empty(t, c.OutOfBandObjects(), "an empty list declares no out-of-band objects")
	})
}

func TestDefaultOutOfBandIsAFreshCopy(t *testing.T) {
	d := DefaultOutOfBand()
	d[0].Name = "changed"
	d[1].Labels["toolkit.fluxcd.io/tenant"] = "changed"
	again := DefaultOutOfBand()
	assert.Equal(t, "flux-system", again[0].Name)
	assert.Equal(t, "apps", again[1].Labels["toolkit.fluxcd.io/tenant"])
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, ".git"), 0o755))
	assert.Equal(t, "", Find(dir), "no file")

	p := filepath.Join(dir, FileName)
	require.NoError(t, os.WriteFile(p, []byte("sources: []\n"), 0o644))
	assert.Equal(t, p, Find(dir))

	assert.Equal(t, "", Find(filepath.Join(dir, "missing")), "missing folder")

	sub := filepath.Join(dir, "sub")
	require.NoError(t, os.MkdirAll(filepath.Join(sub, FileName), 0o755))
	assert.Equal(t, p, Find(sub), "a folder named .d1lint.yaml is no configuration: the search goes on above")

	assert.Equal(t, filepath.FromSlash("../../fixtures/example/fleet/.d1lint.yaml"), Find("../../fixtures/example/fleet"))
	assert.Equal(t, "", Find("."), "internal/config and the folders above it up to the repository's top hold no configuration")
}

// TestFindSearchesUpwards: as git finds its repository, the configuration
// of a fleet is found from any folder inside it, nearest first, and never
// beyond the top level of the git repository.
func TestFindSearchesUpwards(t *testing.T) {
	base := t.TempDir()
	repo := filepath.Join(base, "repo")
	deep := filepath.Join(repo, "fleet", "clusters", "staging")
	require.NoError(t, os.MkdirAll(deep, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(repo, ".git"), []byte("gitdir: ../elsewhere\n"), 0o644), "a worktree's .git is a file")
	// Beyond the repository: never read.
	require.NoError(t, os.WriteFile(filepath.Join(base, FileName), []byte("fleet: x\n"), 0o644))
	assert.Equal(t, "", Find(deep), "the search stops at the repository's top level")

	top := filepath.Join(repo, FileName)
	require.NoError(t, os.WriteFile(top, []byte("fleet: fleet\n"), 0o644))
	assert.Equal(t, top, Find(deep))
	fleet := filepath.Join(repo, "fleet", FileName)
	require.NoError(t, os.WriteFile(fleet, []byte("sources: []\n"), 0o644))
	assert.Equal(t, fleet, Find(deep), "the nearest wins")

	t.Chdir(deep)
	assert.Equal(t, filepath.FromSlash("../../.d1lint.yaml"), Find("."), "the path keeps the form of the folder given")
	assert.Equal(t, filepath.FromSlash("../../.d1lint.yaml"), Find(""))
	c, err := Load(Find("."))
	require.NoError(t, err)
	assert.Equal(t, filepath.FromSlash("../.."), c.FleetPath(), "the fleet defaults to the file's folder, wherever the search started")
}

// TestFindOutsideRepository: with no git repository around, the search
// goes up to the file system's root.
func TestFindOutsideRepository(t *testing.T) {
	base := t.TempDir()
	deep := filepath.Join(base, "a", "b")
	require.NoError(t, os.MkdirAll(deep, 0o755))
	if Find(base) != "" {
		t.Skip("a folder above the temporary folder holds " + FileName)
	}
	p := filepath.Join(base, FileName)
	require.NoError(t, os.WriteFile(p, []byte("fleet: .\n"), 0o644))
	assert.Equal(t, p, Find(deep))
}

func TestLoadKeysAreCaseSensitive(t *testing.T) {
	p := filepath.Join(t.TempDir(), FileName)
	require.NoError(t, os.WriteFile(p, []byte("outofband: []\n"), 0o644))
	_, err := Load(p)
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), `"outofband"`)
	require.NoError(t, os.WriteFile(p, []byte("sources:\n  - URL: https://x/y\n    path: .\n"), 0o644))
	_, err = Load(p)
	require.ErrorIs(t, err, ErrInvalid)
}

func TestLoadArtifacts(t *testing.T) {
	p := writeConfig(t, "artifacts:\n"+
		"  - url: oci://ghcr.io/acme/d2-apps/{component}\n"+
		"    repository: https://github.com/acme/d2-apps\n"+
		"    path: components/{component}\n"+
		"    tags:\n"+
		"      latest: {branch: develop}\n"+
		"      latest-stable: {semver: '>=1.0.0'}\n"+
		"  - url: oci://registry.example.com/fleet\n"+
		"    repository: ../fleet\n")
	c, err := Load(p)
	require.NoError(t, err)
	assert.Equal(t, []Artifact{
		{URL: "oci://ghcr.io/acme/d2-apps/{component}", Repository: "https://github.com/acme/d2-apps", Path: "components/{component}",
			Tags: map[string]ArtifactTag{"latest": {Branch: "develop"}, "latest-stable": {SemVer: ">=1.0.0"}}},
		{URL: "oci://registry.example.com/fleet", Repository: "../fleet"},
	}, c.Artifacts)
	assert.False(t, IsLocalRepository(c.Artifacts[0].Repository))
	assert.True(t, IsLocalRepository(c.Artifacts[1].Repository))
}
