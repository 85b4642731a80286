// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/report"
	"github.com/d1lint/d1lint/internal/testutil"
)

// reportJSON is a report as `check --format json` writes it.
func reportJSON(t *testing.T, r *report.Report) string {
	t.Helper()
	b, err := json.MarshalIndent(r, "", "  ")
	require.NoError(t, err)
	return string(b)
}

// TestStreamedCheckMatchesKept: a check that drops each cluster's model
// once judged (CheckReport) reports exactly what one that keeps every
// model (Check, as audit runs) does: findings located at the same lines,
// the fleet-scoped rules, the profile, inline and configured waivers.
func TestStreamedCheckMatchesKept(t *testing.T) {
	today := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, fixture := range []string{
		testutil.Fixture(t, "bad", "fleet", ".d1lint.yaml"),
		testutil.Fixture(t, "example", "fleet", ".d1lint.yaml"),
	} {
		t.Run(filepath.Base(filepath.Dir(filepath.Dir(fixture))), func(t *testing.T) {
			opts, cfg := options(t, fixture)
			kept, err := New(Config{File: cfg, Today: today}).Check(context.Background(), opts)
			require.NoError(t, err)
			streamed, err := New(Config{File: cfg, Today: today}).CheckReport(context.Background(), opts)
			require.NoError(t, err)
			assert.Equal(t, reportJSON(t, kept.Report), reportJSON(t, streamed))
			assert.NotEmpty(t, kept.Fleet.Clusters[0].Objects, "Check keeps the models")
		})
	}
}

// TestFleetRulesInStreamedCheck: the fleet-scoped rules (two clusters with
// one CLUSTER_NAME, a runtime-info key only some define) see every cluster
// although each cluster's model is dropped once judged, and point at the
// line of the key in each cluster's runtime-info.
func TestFleetRulesInStreamedCheck(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ name, data string }{
		{"one", "  CLUSTER_NAME: same\n  ENVIRONMENT: staging\n  REGION: eu\n"},
		{"two", "  ENVIRONMENT: staging\n  CLUSTER_NAME: same\n"},
	} {
		d := filepath.Join(dir, "clusters", c.name)
		require.NoError(t, os.MkdirAll(d, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(d, "runtime-info.yaml"), []byte(`apiVersion: v1
kind: ConfigMap
metadata:
  name: flux-runtime-info
  namespace: flux-system
data:
`+c.data), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(d, "sync.yaml"), []byte(`apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m
  path: ./clusters/`+c.name+`
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`), 0o644))
	}
	opts := Options{}
	opts.FleetPath, opts.FleetURL, opts.Getenv = dir, "https://github.com/acme/fleet.git", func(string) string { return "" }
	opts.SkipSchemas = true
	r, err := New(Config{}).CheckReport(context.Background(), opts)
	require.NoError(t, err)
	got := map[string]string{}
	for _, f := range r.Findings {
		if f.Rule == "D1-0202" || f.Rule == "D1-0203" {
			got[f.Rule+" "+f.Cluster] = f.Location.Path + ":" + strconv.Itoa(f.Location.Line)
		}
	}
	assert.Equal(t, map[string]string{
		"D1-0202 one": "clusters/one/runtime-info.yaml:7",
		"D1-0202 two": "clusters/two/runtime-info.yaml:8",
		"D1-0203 two": "clusters/two/runtime-info.yaml:6",
	}, got, "%+v", r.Findings)
}

// TestTeamPolicyReadingTheFleet: a team's policy that reads input.fleet
// gets every cluster's summary, the check streamed or not.
func TestTeamPolicyReadingTheFleet(t *testing.T) {
	opts, cfg := options(t, testutil.Fixture(t, "example", "fleet", ".d1lint.yaml"))
	policy := fstest.MapFS{"fleet.rego": {Data: []byte(`package acme.fleet

import data.d1lint.lib.result

deny contains sprintf("%d clusters, first %s", [count(input.fleet.clusters), input.fleet.clusters[0].name]) if {
	input.cluster.name == input.fleet.clusters[0].name
}
`)}}
	opts.CacheDir = t.TempDir()
	for range 2 {
		tm := &Timings{}
		e := New(Config{File: cfg, Policies: map[string]fs.FS{"acme": policy}, Timings: tm})
		r, err := e.CheckReport(context.Background(), opts)
		require.NoError(t, err)
		var msgs []string
		for _, f := range r.Findings {
			if f.Category == finding.CustomCategory {
				msgs = append(msgs, f.Cluster+": "+f.Message)
			}
		}
		assert.Equal(t, []string{"prod-eu: 2 clusters, first prod-eu"}, msgs)
		reused, _ := tm.Reused()
		assert.Zero(t, reused, "a verdict that read the other clusters is no cluster's own to keep")
	}
}

// TestVerdictRoundTrip: a check finished from verdicts written and read
// back (what `d1lint merge` and the persistent cache do) reports exactly
// what the check did.
func TestVerdictRoundTrip(t *testing.T) {
	today := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	opts, cfg := options(t, testutil.Fixture(t, "bad", "fleet", ".d1lint.yaml"))
	e := New(Config{File: cfg, Today: today})
	want, err := e.Check(context.Background(), opts)
	require.NoError(t, err)

	snapshots := t.TempDir()
	opts.TempDir = snapshots
	res, err := e.render(context.Background(), opts)
	require.NoError(t, err)
	defer res.Close()
	vs, err := e.newJudging(true).verdictsOf(context.Background(), res)
	require.NoError(t, err)
	b, err := json.Marshal(vs)
	require.NoError(t, err)
	assert.NotContains(t, string(b), snapshots, "no snapshot path in a verdict")
	var back []*Verdict
	require.NoError(t, json.Unmarshal(b, &back))
	require.Len(t, back, len(vs))
	for i := range vs {
		assert.Equal(t, vs[i], back[i], vs[i].Cluster.Name)
	}
	j, err := e.finish(context.Background(), back, nil, opts.Profile, nil)
	require.NoError(t, err)
	assert.Equal(t, want.Report.Findings, j.Findings)
	assert.Equal(t, want.Report.Waivers, j.Waivers)

	var bad Verdict
	require.Error(t, json.Unmarshal([]byte(`{"digest":{}}`), &bad), "a verdict names its cluster")
}

// TestIncrementalCheck: with a persistent cache, a check reuses the
// verdict of every cluster whose sources are unchanged, judges again those
// a change reaches (here only prod-eu reads apps-production), and reports
// exactly what a check without the cache does. Other settings reuse
// nothing.
func TestIncrementalCheck(t *testing.T) {
	dir := t.TempDir()
	testutil.CopyTree(t, testutil.Fixture(t, "example"), dir)
	cacheDir := t.TempDir()
	today := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	var tm *Timings
	run := func(cfgEdit func(*config.Config), withCache bool) (string, int, int) {
		t.Helper()
		opts, cfg := options(t, filepath.Join(dir, "fleet", ".d1lint.yaml"))
		if cfgEdit != nil {
			cfgEdit(cfg)
		}
		if withCache {
			opts.CacheDir = cacheDir
		}
		tm = &Timings{}
		r, err := New(Config{File: cfg, Today: today, Timings: tm}).CheckReport(context.Background(), opts)
		require.NoError(t, err)
		reused, judged := tm.Reused()
		return reportJSON(t, r), reused, judged
	}
	full, _, _ := run(nil, false)
	cold, reused, judged := run(nil, true)
	assert.Equal(t, full, cold)
	assert.Equal(t, [2]int{0, 2}, [2]int{reused, judged}, "a cold cache reuses nothing")
	warm, reused, _ := run(nil, true)
	assert.Equal(t, full, warm)
	assert.Equal(t, 2, reused, "nothing changed: every verdict stands")
	assert.Zero(t, tm.Get(StageLoad), "a check the cache answers whole compiles no rule")

	// prod-eu alone reads apps-production: a change there (a variable no
	// cluster defines) is judged again, staging's verdict stands.
	p := filepath.Join(dir, "apps-production", "components", "shop", "production", "storefront-values.yaml")
	data, err := os.ReadFile(p)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(p, bytes.Replace(data, []byte("logLevel: info"), []byte("logLevel: ${LOG_LEVEL_UNDEFINED}"), 1), 0o644))
	changed, reused, _ := run(nil, true)
	assert.Equal(t, 1, reused, "staging reused, prod-eu judged again")
	assert.Positive(t, tm.Get(StageLoad), "prod-eu's rules ran")
	assert.NotEqual(t, warm, changed)
	assert.Contains(t, changed, "LOG_LEVEL_UNDEFINED")
	fullChanged, _, _ := run(nil, false)
	assert.Equal(t, fullChanged, changed)

	// Other settings: another verdict.
	_, reused, _ = run(func(c *config.Config) { c.TenantLabel = "acme.io/tenant" }, true)
	assert.Zero(t, reused, "the rules' settings are part of every verdict")
}
