// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	jsonschema "github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/report"
	"github.com/d1lint/d1lint/internal/testutil"
)

// formatFlags writes every format check writes to dir, each file named
// prefix.FORMAT.
func formatFlags(dir, prefix string) []string {
	var out []string
	for _, name := range report.Names() {
		out = append(out, "--format", name+"="+filepath.Join(dir, prefix+"."+name))
	}
	return out
}

// assertMergedLikeCheck checks the fleet with args in one run, then in n
// shards merged (merge takes mergeArgs: the configuration), and compares
// every format's file byte for byte and the outcome.
func assertMergedLikeCheck(t *testing.T, n int, args, mergeArgs []string) {
	t.Helper()
	dir := t.TempDir()
	one := run(t, append(append([]string{"check"}, args...), formatFlags(dir, "one")...)...)
	require.NotErrorIs(t, one.err, ErrUsage, one.stderr)
	var shards []string
	for k := 1; k <= n; k++ {
		file := filepath.Join(dir, fmt.Sprintf("shard-%d.json", k))
		r := run(t, append(append([]string{"check"}, args...), "--shard", fmt.Sprintf("%d/%d", k, n), "--format", "json="+file, "--format", "text")...)
		require.NotErrorIs(t, r.err, ErrUsage, r.stderr)
		assert.Contains(t, r.stdout, fmt.Sprintf("shard %d of %d: ", k, n))
		validateReport(t, file)
		shards = append(shards, file)
	}
	merged := run(t, append(append(append([]string{"merge"}, mergeArgs...), formatFlags(dir, "merged")...), shards...)...)
	require.NotErrorIs(t, merged.err, ErrUsage, merged.stderr)
	assert.Equal(t, fmt.Sprint(one.err), fmt.Sprint(merged.err), "merge ends as the check does")
	for _, name := range report.Names() {
		want, err := os.ReadFile(filepath.Join(dir, "one."+name))
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join(dir, "merged."+name))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), "%s: %d shards merged differ from one check", name, n)
		assert.NotContains(t, string(got), "shard 1 of", "%s: the merged report is the fleet's", name)
	}
}

// validateReport checks a JSON report file against
// docs/report.schema.json.
func validateReport(t *testing.T, file string) {
	t.Helper()
	c := jsonschema.NewCompiler()
	f, err := os.Open(filepath.Join(testutil.Root(t), "docs", "report.schema.json"))
	require.NoError(t, err)
	doc, err := jsonschema.UnmarshalJSON(f)
	_ = f.Close()
	require.NoError(t, err)
	const id = "https://raw.githubusercontent.com/d1lint/d1lint/main/docs/report.schema.json"
	require.NoError(t, c.AddResource(id, doc))
	schema, err := c.Compile(id)
	require.NoError(t, err)
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(string(data)))
	require.NoError(t, err)
	assert.NoError(t, schema.Validate(inst), file)
}

// waiverConfig is the hazards fleet's configuration, with waivers, in a
// folder of its own.
func waiverConfig(t *testing.T) string {
	bad, err := filepath.Abs("../../fixtures/bad")
	require.NoError(t, err)
	cfg := filepath.Join(t.TempDir(), ".d1lint.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(`fleet: `+filepath.Join(bad, "fleet")+`
sources:
  - url: https://github.com/acme/bad-tenant.git
    branch: main
    path: `+filepath.Join(bad, "bad-tenant")+`
waivers:
  - rule: D1-0401
    cluster: undefined-var
    reason: the ConfigMap is filled by an operator
    owner: platform-team
    expires: 2027-01-31
  - rule: D1-0401
    name: mailer
    reason: old exception
    owner: mail-team
    expires: 2026-01-31
  - rule: D1-0001
    cluster: nowhere
    reason: nothing matches this
    owner: nobody
    expires: 2027-01-31
`), 0o644))
	return cfg
}

// TestMergeLikeCheck: the hazards fleet (14 clusters) checked in 2 and 3
// shards and merged writes, in every format, the bytes one check writes,
// waivers and all, and ends as it does.
func TestMergeLikeCheck(t *testing.T) {
	cfg := waiverConfig(t)
	for _, n := range []int{2, 3} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			assertMergedLikeCheck(t, n, []string{"--config", cfg, "--today", "2026-11-23", "--disable", "D1-0101"},
				[]string{"--config", cfg, "--today", "2026-11-23"})
		})
	}
}

// TestMergeNewSince: with --new-since, each shard carries its shard of the
// baseline, and merge marks findings new and existing as one check does.
func TestMergeNewSince(t *testing.T) {
	root := filepath.Join(t.TempDir(), "bad")
	testutil.CopyTree(t, "../../fixtures/bad", root)
	fleetDir := filepath.Join(root, "fleet")
	gitIn(t, fleetDir, "init", "-q", "-b", "main")
	gitIn(t, fleetDir, "add", "-A")
	gitIn(t, fleetDir, "commit", "-q", "-m", "base")
	gitIn(t, fleetDir, "update-ref", "refs/remotes/origin/main", "HEAD")
	// The change fixes one undefined variable and brings another.
	edit(t, filepath.Join(fleetDir, "cases", "undefined-var", "variables.yaml"), "NOT_DEFINED_ANYWHERE", "CLUSTER_NAME")
	edit(t, filepath.Join(fleetDir, "cases", "undefined-var", "variables.yaml"), `"${WITH_DEFAULT:=fallback}"`, `"${ALSO_UNDEFINED}"`)
	args := []string{"--fleet", fleetDir, "--repository", "https://github.com/acme/d1-fleet", "--new-since", "origin/main", "--today", "2026-06-01"}
	for _, n := range []int{2, 3} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			assertMergedLikeCheck(t, n, args, []string{"--fleet", fleetDir, "--today", "2026-06-01"})
		})
	}
	r := run(t, append([]string{"check", "--format", "text"}, args...)...)
	assert.Contains(t, r.stdout, "new since origin/main", "a baseline was used")
	require.ErrorIs(t, r.err, ErrFindings)
	assert.Contains(t, r.err.Error(), "new since origin/main")
}

// TestMergeMistakes: merge refuses, naming the file, what is not the
// shards of one check; check refuses a --shard that makes no sense.
func TestMergeMistakes(t *testing.T) {
	dir := t.TempDir()
	shard := func(k, n int, extra ...string) string {
		file := filepath.Join(dir, fmt.Sprintf("shard-%d-of-%d%s.json", k, n, strings.Join(extra, "")))
		r := run(t, append([]string{"check", "--config", exampleFleet, "--shard", fmt.Sprintf("%d/%d", k, n), "--format", "json=" + file}, extra...)...)
		require.NotErrorIs(t, r.err, ErrUsage, r.stderr)
		return file
	}
	one, two := shard(1, 2), shard(2, 2)
	generic := shard(2, 2, "--profile=generic")
	whole := filepath.Join(dir, "whole.json")
	require.NotErrorIs(t, run(t, "check", "--config", exampleFleet, "--format", "json="+whole).err, ErrUsage)
	broken := filepath.Join(dir, "broken.json")
	data, err := os.ReadFile(one)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(broken, data[:len(data)/2], 0o644))
	fleetPolicy := t.TempDir()
	testutil.WriteFiles(t, fleetPolicy, map[string]string{"fleet.rego": `package acme.fleet

deny contains sprintf("%d clusters", [count(input.fleet.clusters)]) if {
	input.cluster.name == input.fleet.clusters[0].name
}
`})
	otherConfig := filepath.Join(t.TempDir(), ".d1lint.yaml")
	require.NoError(t, os.WriteFile(otherConfig, []byte("profile: generic\n"), 0o644))

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no shard", []string{"merge"}, "merge needs the JSON report of every shard"},
		{"no such file", []string{"merge", filepath.Join(dir, "nope.json")}, "reading the shard " + filepath.Join(dir, "nope.json")},
		{"broken JSON", []string{"merge", one, broken}, broken + ": not a JSON document"},
		{"a check's report", []string{"merge", whole}, whole + `: not a shard's JSON report (it has no "shard")`},
		{"a shard missing", []string{"merge", one}, "shard 2 of 2 missing"},
		{"a shard twice", []string{"merge", one, one, two}, one + " and " + one + " are both shard 1 of 2"},
		{"different options", []string{"merge", one, generic}, one + " and " + generic + " are shards of different checks: their options"},
		{"another configuration", []string{"merge", "--config", otherConfig, one, two}, "and this merge differ in their configuration"},
		{"a bad format", []string{"merge", "--format", "jsno", one, two}, `unknown format "jsno"`},
		{"a bad shard", []string{"check", "--config", exampleFleet, "--shard", "3/2"}, `--shard "3/2": want K/N`},
		{"a fleet-reading policy", []string{"check", "--config", exampleFleet, "--shard", "1/2", "--policy", fleetPolicy}, "--shard 1/2: a team policy reads input.fleet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, tc.args...)
			assertErrClass(t, errUsage, r.err)
			assert.Contains(t, r.err.Error(), tc.want)
			assert.Empty(t, r.stdout, "nothing is written")
		})
	}

	// The shards of the example fleet, merged: its report, passing.
	r := run(t, "merge", "--config", exampleFleet, one, two)
	require.NoError(t, r.err, r.stderr)
	assert.Contains(t, r.stdout, "2 clusters, ")
}
