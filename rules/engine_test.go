// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/engine"
	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/internal/testutil"
	"github.com/d1lint/d1lint/rules"
)

// check runs the product's engine (render, validate, evaluate, locate,
// waive) on the fleet a .d1lint.yaml describes.
func check(t testing.TB, cfgPath string) []finding.Finding {
	t.Helper()
	cfg, err := config.Load(cfgPath)
	require.NoError(t, err)
	opts := engine.OptionsFromConfig(cfg)
	opts.Getenv = func(string) string { return "" }
	res, err := engine.New(engine.Config{File: cfg}).Check(context.Background(), opts)
	require.NoError(t, err)
	return res.Report.Findings
}

// companions are the rules one cause fires together with a rule, so that
// its bad fixture fires them too: a part that cannot be rendered gives its
// root cause (D1-0001, or D1-0004 for a limitation of d1lint) and the note
// that the rules concluding absence were not verified (D1-0003); a tenant
// namespace without the label the Kyverno clone policy selects on (D1-0108,
// a warning) gets no copy of the tenant's Git secret, which its
// GitRepository names (D1-0601).
var companions = map[string][]string{
	"D1-0001": {"D1-0003"},
	"D1-0003": {"D1-0001"},
	"D1-0004": {"D1-0003"},
	"D1-0007": {"D1-0003"},
	"D1-0505": {"D1-0003"},
	"D1-0108": {"D1-0601"},
	"D1-0601": {"D1-0108"},
}

// aboutNoObject are the rules whose findings are about something that is no
// object of the render: a file the render dropped or a cluster folder
// (D1-0002), the cluster as a whole (D1-0003). Every other finding names
// its object and the line of the field it is about.
var aboutNoObject = map[string]bool{"D1-0002": true, "D1-0003": true}

// TestFixtures checks the example fleet with each rule's bad overlay (only
// that rule fires, each finding located in a file) and good overlay
// (nothing fires), through the same engine as d1lint check: no enabled
// rule can silently stop firing.
func TestFixtures(t *testing.T) {
	cat, err := rules.Load()
	require.NoError(t, err)
	for _, r := range cat.Rules() {
		t.Run(r.ID, func(t *testing.T) {
			for _, kind := range []string{"bad", "good"} {
				dir := rules.ExampleWith(t, filepath.ToSlash(filepath.Join(r.Dir, "fixtures", kind)))
				fs := check(t, filepath.Join(dir, "fleet", ".d1lint.yaml"))
				if kind == "good" {
					assert.Empty(t, fs, "the good fixture gives no finding")
					continue
				}
				require.NotEmpty(t, fs, "rule %s fires on its bad fixture", r.ID)
				fired := false
				for _, f := range fs {
					if slices.Contains(companions[r.ID], f.Rule) {
						continue // another rule of the same cause
					}
					fired = true
					assert.Equal(t, r.ID, f.Rule, "only %s fires on its bad fixture: %s", r.ID, f.Message)
					assert.Equal(t, r.Severity, f.Severity)
					assert.Equal(t, r.Category, f.Category)
					assert.NotEmpty(t, f.Cluster)
					assert.NotEmpty(t, f.Message)
					assert.NotEmpty(t, f.Location.Path, "%s: a finding names its file: %s", r.ID, f.Message)
					if !aboutNoObject[r.ID] {
						assert.NotNil(t, f.Object, "%s: a finding names its object: %s", r.ID, f.Message)
						assert.Positive(t, f.Location.Line, "%s: a finding names its line: %s", r.ID, f.Message)
					}
					assert.NotEmpty(t, f.Fingerprint)
				}
				assert.True(t, fired, "rule %s fires on its bad fixture", r.ID)
			}
		})
	}
}

func TestExampleFleetIsClean(t *testing.T) {
	for _, era := range []string{"fleet", "fleet-bootstrap"} {
		assert.Empty(t, check(t, testutil.Fixture(t, "example", era, ".d1lint.yaml")), era)
	}
}

func TestD1CorpusHasNoErrors(t *testing.T) {
	for _, bootstrap := range []bool{false, true} {
		d := testutil.D1Corpus(t, bootstrap)
		opts := engine.Options{}
		opts.FleetPath, opts.OutOfBand = d.Fleet, config.DefaultOutOfBand()
		opts.Sources = []source.Mapping{{URL: testutil.D1InfraURL, Path: d.Infra}, {URL: testutil.D1AppsURL, Path: d.Apps}}
		opts.Getenv = func(string) string { return "" }
		res, err := engine.New(engine.Config{}).Check(context.Background(), opts)
		require.NoError(t, err)
		for _, f := range res.Report.Findings {
			assert.NotEqual(t, finding.Error, f.Severity, "%s %s: %s", f.Cluster, f.Rule, f.Message)
		}
	}
}

// TestD1CorpusUnmappedOnlyRootCauses: with d1-apps or d1-infra unmapped,
// the only errors are the root causes (D1-0001, the unresolved sources);
// no rule that concludes absence gives an error, and each cluster says once
// (D1-0003) that those rules were not verified.
func TestD1CorpusUnmappedOnlyRootCauses(t *testing.T) {
	d := testutil.D1Corpus(t, false)
	for name, mapped := range map[string]source.Mapping{
		"apps unmapped":  {URL: testutil.D1InfraURL, Path: d.Infra},
		"infra unmapped": {URL: testutil.D1AppsURL, Path: d.Apps},
	} {
		t.Run(name, func(t *testing.T) {
			opts := engine.Options{}
			opts.FleetPath, opts.OutOfBand = d.Fleet, config.DefaultOutOfBand()
			opts.Sources = []source.Mapping{mapped}
			opts.Getenv = func(string) string { return "" }
			res, err := engine.New(engine.Config{}).Check(context.Background(), opts)
			require.NoError(t, err)
			notVerified := map[string]int{}
			errors := 0
			for _, f := range res.Report.Findings {
				if f.Severity == finding.Error {
					errors++
					assert.Equal(t, "D1-0001", f.Rule, "%s %s: %s", f.Cluster, f.Rule, f.Message)
				}
				if f.Rule == "D1-0003" {
					notVerified[f.Cluster]++
				}
			}
			assert.Positive(t, errors, "the unmapped repository is the root cause")
			for _, c := range res.Fleet.Clusters {
				assert.False(t, c.Completeness.Complete, c.Name)
				assert.Equal(t, 1, notVerified[c.Name], "%s: one D1-0003", c.Name)
			}
		})
	}
}

// TestForeignRootOnlyRootCause: in a fork of the example whose prod-eu root
// still syncs upstream's fleet, prod-eu is not rendered from the fork's
// checkout, and exactly one error says why, at the sync URL's line; staging
// is unaffected.
func TestForeignRootOnlyRootCause(t *testing.T) {
	for era, at := range map[string]string{
		"fleet":           "clusters/prod-eu/flux-system/flux-instance.yaml:23",
		"fleet-bootstrap": "clusters/prod-eu/flux-system/gotk-sync.yaml:9",
	} {
		t.Run(era, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.CopyFS(dir, os.DirFS(testutil.Fixture(t, "example"))))
			file := filepath.Join(dir, era, filepath.FromSlash(strings.Split(at, ":")[0]))
			data, err := os.ReadFile(file)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(file, []byte(strings.Replace(string(data),
				"https://github.com/acme/d1-fleet.git", "https://github.com/upstream/d1-fleet.git", 1)), 0o644))
			var errs []finding.Finding
			for _, f := range check(t, filepath.Join(dir, era, ".d1lint.yaml")) {
				assert.Equal(t, "prod-eu", f.Cluster, "%s %s: %s", f.Cluster, f.Rule, f.Message)
				if f.Severity == finding.Error {
					errs = append(errs, f)
				}
			}
			require.Len(t, errs, 1)
			assert.Equal(t, "D1-0001", errs[0].Rule)
			assert.Equal(t, at, errs[0].Location.Path+":"+strconv.Itoa(errs[0].Location.Line))
			assert.Equal(t, "github.com/acme/d1-fleet", errs[0].Location.Repo, "in the fleet checkout")
			assert.Contains(t, errs[0].Message, "the root syncs https://github.com/upstream/d1-fleet.git, but this fleet checkout is https://github.com/acme/d1-fleet.git")
		})
	}
}
