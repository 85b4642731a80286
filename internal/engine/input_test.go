// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/revision"
	"github.com/d1lint/d1lint/internal/testutil"
)

// TestReadConfig: what each way of naming the configuration file reads,
// and what each mistake says.
func TestReadConfig(t *testing.T) {
	dir := t.TempDir()
	valid, invalid := filepath.Join(dir, "valid.yaml"), filepath.Join(dir, "invalid.yaml")
	require.NoError(t, os.WriteFile(valid, []byte("profile: generic\n"), 0o644))
	require.NoError(t, os.WriteFile(invalid, []byte("profile: D1\n"), 0o644))
	missing := filepath.Join(dir, "missing.yaml")

	cfg, note, err := ReadConfig(ConfigFile{})
	require.NoError(t, err)
	assert.Nil(t, cfg, "none: the built-in defaults")
	assert.Empty(t, note)

	cfg, note, err = ReadConfig(ConfigFile{Path: valid, Named: true})
	require.NoError(t, err)
	assert.Equal(t, "generic", cfg.Profile)
	assert.Empty(t, note)

	_, _, err = ReadConfig(ConfigFile{Path: missing, Named: true})
	require.ErrorIs(t, err, ErrUsage)
	require.ErrorIs(t, err, config.ErrInvalid)
	require.ErrorIs(t, err, os.ErrNotExist)
	assert.EqualError(t, err, "--config "+missing+": no such file; pass the path of a .d1lint.yaml, or leave --config out to use the fleet folder's")

	_, _, err = ReadConfig(ConfigFile{Path: invalid})
	require.ErrorIs(t, err, ErrUsage)
	assert.Contains(t, err.Error(), invalid+`:1:10: profile: unknown profile "D1"`)

	// At a trusted revision: the copy is read, and named as the file.
	at := func(copyOf string) func(string) (string, error) {
		return func(string) (string, error) { return copyOf, nil }
	}
	cfg, note, err = ReadConfig(ConfigFile{Path: missing, Ref: "origin/main", At: at(valid)})
	require.NoError(t, err)
	assert.Equal(t, "generic", cfg.Profile)
	assert.Empty(t, note)
	_, _, err = ReadConfig(ConfigFile{Path: valid, Ref: "origin/main", At: at(invalid)})
	require.ErrorIs(t, err, ErrUsage, "an invalid base configuration still fails")
	assert.Contains(t, err.Error(), valid+`:1:10: profile: unknown profile "D1"`)

	// A revision without the file: the built-in defaults, and a note.
	absent := func(string) (string, error) {
		return "", &revision.AbsentError{Path: "fleet/.d1lint.yaml", Rev: "origin/main"}
	}
	cfg, note, err = ReadConfig(ConfigFile{Path: valid, Named: true, Ref: "origin/main", At: absent})
	require.NoError(t, err)
	assert.Nil(t, cfg)
	assert.Equal(t, "built-in defaults (origin/main has no fleet/.d1lint.yaml)", note)

	// A revision that cannot be read is the flag's mistake.
	unknown := func(string) (string, error) {
		return "", errors.Join(revision.ErrUsage, errors.New("revision nosuch not found"))
	}
	_, _, err = ReadConfig(ConfigFile{Path: valid, Ref: "nosuch", At: unknown})
	require.ErrorIs(t, err, ErrUsage)
	assert.Contains(t, err.Error(), "--config-ref nosuch: ")
}

// TestClusterHint: a --cluster that names no cluster gets the nearest
// ones; a name with none near, or another mistake, is left as it is.
func TestClusterHint(t *testing.T) {
	cfgPath := testutil.Fixture(t, "example", "fleet", ".d1lint.yaml")
	for clusters, want := range map[string]string{
		"stagin":         "; did you mean --cluster staging?",
		"prod-e,stagin":  "; did you mean --cluster prod-eu (not prod-e), staging (not stagin)?",
		"nothing-near":   "no cluster nothing-near in ",
		"staging,prod-e": "; did you mean --cluster prod-eu?",
	} {
		opts, cfg := options(t, cfgPath, strings.Split(clusters, ",")...)
		_, err := New(Config{File: cfg}).Build(context.Background(), opts)
		require.ErrorIs(t, err, ErrUsage, clusters)
		assert.Contains(t, err.Error(), want, clusters)
		if clusters == "nothing-near" {
			assert.NotContains(t, err.Error(), "did you mean", clusters)
		}
	}
}
