// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/fleet"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/profile"
	"github.com/d1lint/d1lint/internal/testutil"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testutil.Cleanup()
	os.Exit(code)
}

// options are the options of a fixture fleet's .d1lint.yaml.
func options(t testing.TB, cfgPath string, clusters ...string) (Options, *config.Config) {
	t.Helper()
	cfg, err := config.Load(cfgPath)
	require.NoError(t, err)
	opts := OptionsFromConfig(cfg)
	opts.Clusters, opts.Getenv = clusters, func(string) string { return "" }
	return opts, cfg
}

// TestOptionsFromConfig: the fleet, mappings, out-of-band objects and the
// schema settings of .d1lint.yaml reach the options, paths relative to the
// file.
func TestOptionsFromConfig(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, ".d1lint.yaml")
	require.NoError(t, os.WriteFile(p, []byte(`fleet: fleet
fleetBranch: trunk
sources:
  - {url: https://github.com/acme/apps.git, path: ../apps, branch: production}
outOfBand: []
kubeVersion: "1.36"
schemaLocations: [schemas, "/abs/{{.Group}}.json"]
`), 0o644))
	cfg, err := config.Load(p)
	require.NoError(t, err)
	opts := OptionsFromConfig(cfg)
	assert.Equal(t, filepath.Join(dir, "fleet"), opts.FleetPath)
	assert.Equal(t, "trunk", opts.FleetBranch)
	require.Len(t, opts.Sources, 1)
	assert.Equal(t, filepath.Join(dir, "..", "apps"), opts.Sources[0].Path)
	assert.Equal(t, "production", opts.Sources[0].Branch)
	assert.Empty(t, opts.OutOfBand)
	assert.Equal(t, "1.36", opts.Schemas.KubeVersion)
	assert.Equal(t, []string{filepath.Join(dir, "schemas"), "/abs/{{.Group}}.json"}, opts.Schemas.Locations)

	// No file: d1's out-of-band secrets.
	assert.Equal(t, config.DefaultOutOfBand(), OptionsFromConfig(nil).OutOfBand)

	// An unknown release is a usage error when the engine renders.
	opts.FleetPath, opts.Schemas.KubeVersion = testutil.Fixture(t, "example", "fleet"), "1.2"
	_, err = New(Config{}).Build(context.Background(), opts)
	require.ErrorIs(t, err, ErrUsage)
}

// TestOneLocateStep: schema errors in the model and the findings of the
// rules are pointed at the line that sets their field by the same step.
func TestOneLocateStep(t *testing.T) {
	opts, cfg := options(t, testutil.Fixture(t, "bad", "fleet", ".d1lint.yaml"), "schema-errors")
	fl, err := New(Config{File: cfg}).Build(context.Background(), opts)
	require.NoError(t, err)
	dep := fl.Clusters[0].Object(model.ObjectID{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "flux-system", Name: "web"})
	require.NotNil(t, dep)
	require.NotNil(t, dep.Schema)
	require.Len(t, dep.Schema.Errors, 1)
	require.NotNil(t, dep.Schema.Errors[0].Location, "the schema error is located")
	assert.Equal(t, 17, dep.Schema.Errors[0].Location.Line)

	res, err := New(Config{File: cfg}).Check(context.Background(), opts)
	require.NoError(t, err)
	var found bool
	for _, f := range res.Report.Findings {
		if f.Rule == "D1-0501" && f.Object != nil && f.Object.Kind == "Deployment" {
			found = true
			assert.Equal(t, "cases/schema-errors/workloads.yaml", f.Location.Path)
			assert.Equal(t, 17, f.Location.Line, "the finding is at its field's line")
			assert.Equal(t, "spec.template.spec.serviceAcountName", f.Field)
		}
	}
	assert.True(t, found, "D1-0501 on the Deployment: %+v", res.Report.Findings)
}

// TestWaiversAndSettingsApply: the configuration's rule overrides and the
// date decide what the engine reports.
func TestWaiversAndSettingsApply(t *testing.T) {
	opts, cfg := options(t, testutil.Fixture(t, "bad", "fleet", ".d1lint.yaml"), "undefined-var")
	res, err := New(Config{File: cfg}).Check(context.Background(), opts)
	require.NoError(t, err)
	require.NotEmpty(t, res.Report.Findings)
	rule := res.Report.Findings[0].Rule

	off := *cfg
	off.Rules = map[string]config.RuleSetting{rule: {Disabled: true}}
	res2, err := New(Config{File: &off}).Check(context.Background(), opts)
	require.NoError(t, err)
	for _, f := range res2.Report.Findings {
		assert.NotEqual(t, rule, f.Rule)
	}

	waived := *cfg
	waived.Waivers = []config.Waiver{{Rule: rule, Reason: "known", Owner: "me", Expires: "2026-06-30"}}
	before, err := New(Config{File: &waived, Today: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}).Check(context.Background(), opts)
	require.NoError(t, err)
	after, err := New(Config{File: &waived, Today: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)}).Check(context.Background(), opts)
	require.NoError(t, err)
	assert.Positive(t, before.Report.Summary.Waived)
	assert.Zero(t, after.Report.Summary.Waived, "an expired waiver waives nothing")
	assert.Len(t, after.Report.Findings, len(res.Report.Findings))
}

// TestTeamPolicies: the team's policies join the built-in rules; a broken
// one is a usage error.
func TestTeamPolicies(t *testing.T) {
	opts, cfg := options(t, testutil.Fixture(t, "example", "fleet", ".d1lint.yaml"), "staging")
	team := fstest.MapFS{"acme.rego": {Data: []byte(`package acme.ns

import rego.v1

deny contains msg if {
	some o in input.cluster.objects
	o.kind == "Namespace"
	msg := sprintf("namespace %s", [o.name])
}
`)}}
	res, err := New(Config{File: cfg, Policies: map[string]fs.FS{"acme": team}}).Check(context.Background(), opts)
	require.NoError(t, err)
	assert.NotEmpty(t, res.Report.Findings)
	for _, f := range res.Report.Findings {
		assert.Equal(t, finding.Error, f.Severity)
	}
	broken := fstest.MapFS{"x.rego": {Data: []byte("package acme.x\n\ndeny contains msg if {\n")}}
	_, err = New(Config{File: cfg, Policies: map[string]fs.FS{"broken": broken}}).Check(context.Background(), opts)
	require.ErrorIs(t, err, ErrUsage)
}

// TestNothingToCheck: a fleet with no cluster folder is a usage error for a
// check, not a pass.
func TestNothingToCheck(t *testing.T) {
	opts := Options{}
	opts.FleetPath = t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(opts.FleetPath, "clusters"), 0o755))
	_, err := New(Config{}).Check(context.Background(), opts)
	require.ErrorIs(t, err, ErrUsage)
	require.ErrorIs(t, err, fleet.ErrNoCluster)
	assert.Contains(t, err.Error(), "no cluster found under "+opts.FleetPath+"; d1lint looks for")
}

func TestBranches(t *testing.T) {
	e := New(Config{File: &config.Config{Branches: model.Branches{"production": "release"}}})
	assert.Equal(t, "main", e.Branches().Main())
	assert.Equal(t, "release", e.Branches().Production())
	assert.True(t, e.Branches().IsProduction(&model.Cluster{RuntimeInfo: map[string]string{"GIT_BRANCH": "release"}}))
	assert.True(t, e.Branches().IsProduction(&model.Cluster{Environment: "production"}))
	assert.False(t, e.Branches().IsProduction(&model.Cluster{Sources: []*model.Source{{Resolved: false, Branch: "release"}}}))
	assert.True(t, e.Branches().IsProduction(&model.Cluster{Sources: []*model.Source{{Resolved: true, Branch: "release"}}}))
}

// TestNoSnapshotPathInOutput: the hazards fleet fails in every way a render
// can (invalid YAML, escaping and missing paths, remote bases, cycles,
// unresolved sources, refused files, schema errors); no finding and nothing
// in the model names the folder the sources were copied to, and two runs
// with different such folders give byte-identical reports.
func TestNoSnapshotPathInOutput(t *testing.T) {
	run := func(tmp string) ([]byte, []byte) {
		require.NoError(t, os.MkdirAll(tmp, 0o755))
		opts, cfg := options(t, testutil.Fixture(t, "bad", "fleet", ".d1lint.yaml"))
		opts.TempDir = tmp
		res, err := New(Config{File: cfg, Today: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}).Check(context.Background(), opts)
		require.NoError(t, err)
		report, err := json.Marshal(res.Report)
		require.NoError(t, err)
		model, err := json.Marshal(res.Fleet)
		require.NoError(t, err)
		return report, model
	}
	base := t.TempDir()
	r1, m1 := run(filepath.Join(base, "snapshots-one"))
	r2, m2 := run(filepath.Join(base, "snapshots-two"))
	for _, out := range [][]byte{r1, m1, r2, m2} {
		assert.NotContains(t, string(out), base, "no snapshot path")
		assert.NotContains(t, string(out), "snapshots-")
	}
	assert.Equal(t, string(r1), string(r2), "byte-identical reports")
	assert.Contains(t, string(r1), "D1-0001", "the hazards are reported")
}

// TestProfiles: the profile selects the rules before the waivers, and the
// report says which profile ran and why.
func TestProfiles(t *testing.T) {
	opts, cfg := options(t, testutil.Fixture(t, "bad", "fleet", ".d1lint.yaml"), "undefined-var")
	rulesOf := func(r *Result) []string {
		var out []string
		for _, f := range r.Report.Findings {
			if len(out) == 0 || out[len(out)-1] != f.Rule {
				out = append(out, f.Rule)
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	res, err := New(Config{File: cfg}).Check(context.Background(), opts)
	require.NoError(t, err)
	assert.Equal(t, []string{"D1-0101", "D1-0401", "D1-0404"}, rulesOf(res))
	assert.Equal(t, &profile.Choice{Name: "d1", Detected: true, Reason: "cluster undefined-var has runtime-info"}, res.Report.Summary.Profile)

	opts.Profile = profile.Generic
	waived := *cfg
	waived.Waivers = []config.Waiver{{Rule: "D1-0101", Reason: "lockdown comes later", Owner: "me", Expires: "2099-01-01"}}
	res, err = New(Config{File: &waived}).Check(context.Background(), opts)
	require.NoError(t, err)
	assert.Equal(t, []string{"D1-0401"}, rulesOf(res), "generic leaves out lockdown (D1-0101) and runtime-info (D1-0404)")
	assert.Equal(t, &profile.Choice{Name: "generic", Reason: "configured"}, res.Report.Summary.Profile)
	require.Len(t, res.Report.Waivers, 1)
	assert.Equal(t, "stale", res.Report.Waivers[0].Status, "a waiver of a rule the profile leaves out waives nothing")

	opts.Profile = "d2"
	_, err = New(Config{File: cfg}).Check(context.Background(), opts)
	require.ErrorIs(t, err, ErrUsage)
	assert.EqualError(t, err, `unknown profile "d2": expected d1 or generic`)
}

// TestConfigRuleIDs: a rule id of the configuration that names no rule
// stops every command before anything renders, at its line, with the id
// meant.
func TestConfigRuleIDs(t *testing.T) {
	p := filepath.Join(t.TempDir(), ".d1lint.yaml")
	require.NoError(t, os.WriteFile(p, []byte("rules:\n  d1-0404: {disabled: true}\n"), 0o644))
	cfg, err := config.Load(p)
	require.NoError(t, err, "ids are known only to the rules package")
	opts := OptionsFromConfig(cfg)
	opts.FleetPath = testutil.Fixture(t, "example", "fleet")
	_, err = New(Config{File: cfg}).Build(context.Background(), opts)
	require.ErrorIs(t, err, ErrUsage)
	require.ErrorIs(t, err, config.ErrInvalid)
	assert.EqualError(t, err, "invalid configuration "+p+`:2:3: rules: unknown rule "d1-0404"; did you mean "D1-0404"? (ids are upper case)`)
	_, err = New(Config{File: cfg}).Check(context.Background(), opts)
	require.ErrorIs(t, err, config.ErrInvalid)
}
