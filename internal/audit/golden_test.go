// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package audit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/audit"
	"github.com/d1lint/d1lint/internal/cli"
	"github.com/d1lint/d1lint/internal/report"
	"github.com/d1lint/d1lint/internal/testutil"
)

var update = flag.Bool("update", false, "rewrite golden files")

// Configuration files of the fixtures, relative to this package's folder so
// that the pages name them the same way on every machine.
const (
	exampleFleet = "../../fixtures/example/fleet/.d1lint.yaml"
	hazardsFleet = "../../fixtures/bad/fleet/.d1lint.yaml"
	// today dates the goldens (and the waivers' status).
	today = "2026-11-24"
)

func TestMain(m *testing.M) {
	cli.Version = "v0.0.0-golden"
	os.Exit(m.Run())
}

// runAudit runs `d1lint audit` in-process on a fleet into a new folder and
// returns the folder and the report it wrote.
func runAudit(t *testing.T, config string) (string, *report.Report) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "audit")
	var stdout, stderr bytes.Buffer
	cmd := cli.NewRootCommand(cli.Streams{Out: &stdout, Err: &stderr, Getenv: func(string) string { return "" }})
	cmd.SetArgs([]string{"audit", "--config", config, "--today", today, "--out", dir})
	require.NoError(t, cmd.ExecuteContext(context.Background()))
	assert.Empty(t, stdout.String())
	assert.Empty(t, stderr.String(), "no progress when standard error is no terminal")
	data, err := os.ReadFile(filepath.Join(dir, audit.JSONFile))
	require.NoError(t, err)
	var r report.Report
	require.NoError(t, json.Unmarshal(data, &r))
	return dir, &r
}

// TestGolden checks report.html of the example fleet (no findings, a
// promotion drift) and of the hazards fleet (every kind of finding and
// problem) against testdata/golden; -update rewrites them.
func TestGolden(t *testing.T) {
	for name, config := range map[string]string{"example": exampleFleet, "hazards": hazardsFleet} {
		t.Run(name, func(t *testing.T) {
			dir, r := runAudit(t, config)
			data, err := os.ReadFile(filepath.Join(dir, audit.HTMLFile))
			require.NoError(t, err)
			page := string(data)
			audit.AssertSelfContained(t, page)
			root := testutil.Root(t)
			assert.NotContains(t, page, root, "the page holds the repository's absolute path")
			assert.NotContains(t, page, filepath.Dir(dir), "the page holds the temporary folder")
			assert.Contains(t, page, "as of "+today)
			assert.Contains(t, page, `id="count-clusters">`+itoa(r.Summary.Clusters)+"<")
			testutil.Golden(t, *update, name+".report.html", page)
		})
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
