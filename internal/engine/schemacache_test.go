// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/testutil"
)

// TestSchemaVerdictsCached: the engine keeps schema verdicts in the
// persistent cache the render uses, and a check reads the same, its
// located schema errors included, cold, warm and without the cache.
func TestSchemaVerdictsCached(t *testing.T) {
	opts, cfg := options(t, testutil.Fixture(t, "bad", "fleet", ".d1lint.yaml"), "schema-errors")
	check := func(cacheDir string) string {
		opts.CacheDir = cacheDir
		res, err := New(Config{File: cfg}).Check(context.Background(), opts)
		require.NoError(t, err)
		dep := res.Fleet.Clusters[0].Object(model.ObjectID{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "flux-system", Name: "web"})
		require.NotNil(t, dep)
		require.NotNil(t, dep.Schema)
		require.Len(t, dep.Schema.Errors, 1)
		require.NotNil(t, dep.Schema.Errors[0].Location, "the schema error is located")
		b, err := json.Marshal(struct {
			Fleet  *model.Fleet
			Report any
		}{res.Fleet, res.Report.Findings})
		require.NoError(t, err)
		return string(b)
	}
	dir := t.TempDir()
	uncached := check("")
	cold := check(dir)
	tables, err := filepath.Glob(filepath.Join(dir, "v1", "schema-verdicts", "*", "*"))
	require.NoError(t, err)
	assert.Len(t, tables, 1, "the verdicts are kept")
	warm := check(dir)
	assert.Equal(t, uncached, cold)
	assert.Equal(t, uncached, warm)
}
