// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/report"
	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/internal/testutil"
)

var shardToday = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// outputs writes a report in every format check writes, by format.
func outputs(t *testing.T, r *report.Report) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, name := range report.Names() {
		rep, err := report.NewReporter(name, report.Env{ToolVersion: "test"})
		require.NoError(t, err)
		var b bytes.Buffer
		require.NoError(t, rep.Write(&b, r), name)
		out[name] = b.String()
	}
	return out
}

// shardFiles checks every shard of n and returns their JSON reports, and
// the clusters each holds.
func shardFiles(t *testing.T, c Config, opts Options, n int, base *Options) ([]ShardFile, [][]string) {
	t.Helper()
	var files []ShardFile
	var held [][]string
	for k := 1; k <= n; k++ {
		o := opts
		o.Shard = Shard{Index: k, Count: n, Key: []string{"test"}}
		e := New(c)
		r, err := e.CheckReport(context.Background(), o)
		require.NoError(t, err)
		if base != nil {
			b := *base
			b.Shard = o.Shard
			require.NoError(t, e.Baseline(context.Background(), r, b, "base"))
		}
		var names []string
		for _, cl := range r.Clusters {
			names = append(names, cl.Name)
			assert.True(t, o.Shard.Has(cl.Name), "%s is in shard %d/%d", cl.Name, k, n)
		}
		held = append(held, names)
		var buf bytes.Buffer
		require.NoError(t, report.JSON{}.Write(&buf, r))
		files = append(files, ShardFile{Name: fmt.Sprintf("shard-%d.json", k), Data: buf.Bytes()})
	}
	return files, held
}

// assertMergedAsOne: merging the shards of n reports byte for byte what
// one check of the whole fleet does, in every format, and the shards'
// clusters are the fleet's, each in one shard.
func assertMergedAsOne(t *testing.T, c Config, opts Options, n int, base *Options) *report.Report {
	t.Helper()
	e := New(c)
	one, err := e.CheckReport(context.Background(), opts)
	require.NoError(t, err)
	if base != nil {
		require.NoError(t, e.Baseline(context.Background(), one, *base, "base"))
	}
	files, held := shardFiles(t, c, opts, n, base)
	var union []string
	for _, h := range held {
		union = append(union, h...)
	}
	var fleet []string
	for _, cl := range one.Clusters {
		fleet = append(fleet, cl.Name)
	}
	assert.ElementsMatch(t, fleet, union, "the shards' clusters are the fleet's, each once")

	// In any order.
	slices.Reverse(files)
	s, err := ReadShards(files)
	require.NoError(t, err)
	merged, err := Merge(context.Background(), c, s)
	require.NoError(t, err)
	want, got := outputs(t, one), outputs(t, merged)
	for _, name := range report.Names() {
		assert.Equal(t, want[name], got[name], "%s: merged shards of %d differ from one check", name, n)
	}
	return merged
}

// badConfig is the hazards fleet's configuration with waivers: one of a
// cluster, one everywhere, one expired, one stale.
func badConfig(t *testing.T) (Options, *config.Config) {
	opts, cfg := options(t, testutil.Fixture(t, "bad", "fleet", ".d1lint.yaml"))
	cfg.Waivers = []config.Waiver{
		{Rule: "D1-0401", Cluster: "undefined-var", Reason: "filled by an operator", Owner: "platform", Expires: "2027-01-31"},
		{Rule: "D1-0501", Reason: "schemas lag", Owner: "platform", Expires: "2027-01-31"},
		{Rule: "D1-0001", Cluster: "invalid-yaml", Reason: "old", Owner: "platform", Expires: "2026-01-31"},
		{Rule: "D1-0001", Cluster: "nowhere", Reason: "matches nothing", Owner: "nobody", Expires: "2027-01-31"},
	}
	// A --source no cluster reads: only the merged shards can say so.
	opts.Sources = append(opts.Sources, source.Mapping{URL: "https://github.com/acme/bad-tenat.git",
		Path: testutil.Fixture(t, "bad", "bad-tenant"), Origin: source.OriginFlag})
	return opts, cfg
}

// TestShardsMergeAsOneRun: the hazards fleet (14 clusters, findings of
// every kind, waivers active, expired and stale) split in 2 and 3 shards
// and merged gives exactly the report of one check, in every format.
func TestShardsMergeAsOneRun(t *testing.T) {
	opts, cfg := badConfig(t)
	c := Config{File: cfg, Today: shardToday, ToolVersion: "test"}
	for _, n := range []int{2, 3} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			merged := assertMergedAsOne(t, c, opts, n, nil)
			statuses := map[string]bool{}
			for _, w := range merged.Waivers {
				statuses[w.Status] = true
			}
			assert.True(t, statuses["stale"] && statuses["expired"] && statuses["active"], "%+v", merged.Waivers)
			assert.Positive(t, merged.Summary.Waived)
			unused := slices.IndexFunc(merged.Sources, func(m model.Mapping) bool {
				return strings.HasSuffix(m.Warning, "matched nothing: no cluster reads https://github.com/acme/bad-tenat.git; did you mean https://github.com/acme/bad-tenant.git?")
			})
			assert.GreaterOrEqual(t, unused, 0, "%+v", merged.Sources)
		})
	}
}

// writeSameNameFleet writes the fleet of TestFleetRulesInStreamedCheck
// (two clusters with one CLUSTER_NAME, a runtime-info key only one
// defines) with more clusters, so that its fleet-scoped findings span
// shards.
func writeSameNameFleet(t *testing.T) Options {
	dir := t.TempDir()
	for i, c := range []struct{ name, data string }{
		{"one", "  CLUSTER_NAME: same\n  ENVIRONMENT: staging\n  REGION: eu\n"},
		{"two", "  ENVIRONMENT: staging\n  CLUSTER_NAME: same\n"},
		{"three", "  ENVIRONMENT: staging\n  CLUSTER_NAME: three\n"},
		{"four", "  ENVIRONMENT: staging\n  CLUSTER_NAME: same\n"},
		{"five", "  ENVIRONMENT: production\n  CLUSTER_NAME: five\n"},
	} {
		testutil.WriteFiles(t, filepath.Join(dir, "clusters", c.name), map[string]string{
			"runtime-info.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flux-runtime-info\n  namespace: flux-system\ndata:\n" + c.data,
			"sync.yaml": fmt.Sprintf(`apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: %dm
  path: ./clusters/%s
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`, 10+i, c.name),
		})
	}
	opts := Options{}
	opts.FleetPath, opts.FleetURL, opts.Getenv = dir, "https://github.com/acme/fleet.git", func(string) string { return "" }
	opts.SkipSchemas = true
	return opts
}

// TestShardsFleetScopedRules: the fleet-scoped rules (one CLUSTER_NAME in
// three clusters, a runtime-info key one cluster alone defines) run when
// the shards are merged, over every cluster, although the clusters they
// name are in different shards; no shard reports them.
func TestShardsFleetScopedRules(t *testing.T) {
	opts := writeSameNameFleet(t)
	split := false
	for _, n := range []int{2, 3} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			split = split || shardOf("one", n) != shardOf("two", n) || shardOf("two", n) != shardOf("four", n)
			merged := assertMergedAsOne(t, Config{Today: shardToday}, opts, n, nil)
			var fleetScoped []string
			for _, f := range merged.Findings {
				if f.Rule == "D1-0202" || f.Rule == "D1-0203" {
					fleetScoped = append(fleetScoped, f.Rule+" "+f.Cluster)
				}
			}
			assert.Contains(t, fleetScoped, "D1-0202 one")
			assert.Contains(t, fleetScoped, "D1-0202 four")
			files, _ := shardFiles(t, Config{Today: shardToday}, opts, n, nil)
			for _, f := range files {
				assert.NotContains(t, string(f.Data), `"rule": "D1-0202"`, "%s: a shard runs no fleet-scoped rule", f.Name)
			}
		})
	}
	assert.True(t, split, "the clusters sharing a CLUSTER_NAME fall in different shards")
}

// TestShardsBaseline: with a baseline, each shard carries the same shard
// of the baseline, and merge marks every finding new or existing as one
// check does, those of the fleet-scoped rules too.
func TestShardsBaseline(t *testing.T) {
	head := writeSameNameFleet(t)
	base := writeSameNameFleet(t)
	// At the baseline, two did not share one's CLUSTER_NAME and four was
	// not yet there; three had another key of its own.
	testutil.WriteFiles(t, filepath.Join(base.FleetPath, "clusters", "two"), map[string]string{
		"runtime-info.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flux-runtime-info\n  namespace: flux-system\ndata:\n  ENVIRONMENT: staging\n  CLUSTER_NAME: two\n",
	})
	require.NoError(t, os.RemoveAll(filepath.Join(base.FleetPath, "clusters", "four")))
	for _, n := range []int{2, 3} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			merged := assertMergedAsOne(t, Config{Today: shardToday}, head, n, &base)
			assert.Equal(t, "base", merged.Baseline)
			assert.Positive(t, merged.Summary.New)
			assert.Less(t, merged.Summary.New, len(merged.Findings), "some findings are existing")
		})
	}
}

// TestShardsRefused: merge refuses what is not the shards of one check,
// naming the file.
func TestShardsRefused(t *testing.T) {
	opts := writeSameNameFleet(t)
	c := Config{Today: shardToday, ToolVersion: "test"}
	files, _ := shardFiles(t, c, opts, 3, nil)
	whole, err := New(c).CheckReport(context.Background(), opts)
	require.NoError(t, err)
	var plain bytes.Buffer
	require.NoError(t, report.JSON{}.Write(&plain, whole))
	var failed bytes.Buffer
	require.NoError(t, report.JSON{}.WriteFailure(&failed, fmt.Errorf("boom")))
	other, _ := shardFiles(t, Config{Today: shardToday, ToolVersion: "test", Disable: []string{"D1-0202"}}, opts, 3, nil)
	two, _ := shardFiles(t, c, opts, 2, nil)
	newer, _ := shardFiles(t, Config{Today: shardToday, ToolVersion: "test2"}, opts, 3, nil)
	// The same check after a push: the fleet's files changed, not the
	// fleet's clusters nor the options.
	testutil.WriteFiles(t, opts.FleetPath, map[string]string{"README.md": "pushed since\n"})
	pushed, _ := shardFiles(t, c, opts, 3, nil)
	require.NoError(t, os.Remove(filepath.Join(opts.FleetPath, "README.md")))
	edit := func(f ShardFile, old, new string) ShardFile {
		require.Contains(t, string(f.Data), old)
		return ShardFile{Name: f.Name, Data: []byte(strings.Replace(string(f.Data), old, new, 1))}
	}
	named := func(f ShardFile, name string) ShardFile { return ShardFile{Name: name, Data: f.Data} }

	for _, tc := range []struct {
		name  string
		files []ShardFile
		want  string
	}{
		{"none", nil, "no shard"},
		{"broken JSON", []ShardFile{files[0], {Name: "cut.json", Data: files[1].Data[:100]}}, "cut.json: not a JSON document"},
		{"a whole check's report", []ShardFile{{Name: "whole.json", Data: plain.Bytes()}}, `whole.json: not a shard's JSON report (it has no "shard")`},
		{"a failed shard", []ShardFile{{Name: "failed.json", Data: failed.Bytes()}}, "failed.json: the shard's check failed: boom"},
		{"not a report", []ShardFile{{Name: "list.json", Data: []byte("[1, 2]")}}, "list.json: not a shard's JSON report"},
		{"a shard missing", []ShardFile{files[0], files[2]}, "shard 2 of 3 missing"},
		{"a shard twice", []ShardFile{files[0], files[1], named(files[1], "again.json"), files[2]}, "shard-2.json and again.json are both shard 2 of 3"},
		{"another count", []ShardFile{files[0], named(two[1], "of-two.json")}, "of-two.json is shard 2 of 2, but shard-1.json is of 3"},
		{"other options", []ShardFile{files[0], named(other[1], "other.json"), files[2]}, "shard-1.json and other.json are shards of different checks: their options"},
		{"another d1lint", []ShardFile{files[0], named(newer[1], "newer.json"), files[2]}, "their d1lint version (test and test2)"},
		{"an index out of range", []ShardFile{files[0], edit(files[1], `"index": 2`, `"index": 7`), files[2]}, "shard-2.json: shard 7 of 3 makes no sense"},
		{"another commit", []ShardFile{files[0], named(pushed[1], "pushed.json"), files[2]}, "shard-1.json and pushed.json are shards of different checks: they read https://github.com/acme/fleet.git"},
		{"another fleet", []ShardFile{files[0], edit(files[1], `"fleetClusters": 5`, `"fleetClusters": 6`), files[2]}, "shard-1.json and shard-2.json are shards of different fleets: of 5 and 6 clusters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadShards(tc.files)
			require.ErrorIs(t, err, ErrUsage)
			assert.Contains(t, err.Error(), tc.want)
		})
	}

	// A cluster in a shard its name does not hash to.
	k := slices.IndexFunc(files, func(f ShardFile) bool { return strings.Contains(string(f.Data), `"position"`) })
	require.GreaterOrEqual(t, k, 0)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(files[k].Data, &doc))
	stranger := "stranger"
	for shardOf(stranger, 3) == k+1 {
		stranger += "-x"
	}
	verdict := doc["shard"].(map[string]any)["clusters"].([]any)[0].(map[string]any)["verdict"].(map[string]any)
	verdict["digest"].(map[string]any)["name"] = stranger
	data, err := json.Marshal(doc)
	require.NoError(t, err)
	moved := slices.Clone(files)
	moved[k] = ShardFile{Name: "moved.json", Data: data}
	_, err = ReadShards(moved)
	require.ErrorIs(t, err, ErrUsage)
	assert.Contains(t, err.Error(), fmt.Sprintf("moved.json: cluster %s is not in shard %d of 3", stranger, k+1))

	// Merge reads the configuration itself: it must be the shards'.
	s, err := ReadShards(files)
	require.NoError(t, err)
	_, err = Merge(context.Background(), Config{File: &config.Config{Profile: "generic"}, Today: shardToday, ToolVersion: "test"}, s)
	require.ErrorIs(t, err, ErrUsage)
	assert.Contains(t, err.Error(), "and this merge differ in their configuration")
	policy := fstest.MapFS{"p.rego": {Data: []byte("package acme.p\n\ndeny contains \"x\" if { false }\n")}}
	_, err = Merge(context.Background(), Config{Policies: map[string]fs.FS{"p": policy}, Today: shardToday, ToolVersion: "test"}, s)
	require.ErrorIs(t, err, ErrUsage)
	assert.Contains(t, err.Error(), "team policies")
	_, err = Merge(context.Background(), Config{Today: shardToday, ToolVersion: "test2"}, s)
	require.ErrorIs(t, err, ErrUsage)
	assert.Contains(t, err.Error(), "d1lint version (test and test2)")
}

// TestShardSplit: every cluster is in exactly one shard, by its name
// alone; the split is the same whatever the other clusters (a cluster
// added moves no other), and an empty shard of a small fleet is no error.
func TestShardSplit(t *testing.T) {
	for _, n := range []int{1, 2, 3, 4, 7} {
		counts := make([]int, n)
		for i := range 1000 {
			name := fmt.Sprintf("cluster-%03d", i)
			in := 0
			for k := 1; k <= n; k++ {
				if (Shard{Index: k, Count: n}).Has(name) {
					in++
					counts[k-1]++
				}
			}
			require.Equal(t, 1, in, "%s is in one shard of %d", name, n)
		}
		for k, c := range counts {
			assert.Greater(t, c, 1000/n/2, "shard %d of %d is not far below its share", k+1, n)
		}
	}
	assert.Equal(t, shardOf("prod-eu", 4), shardOf("prod-eu", 4), "deterministic")

	for _, bad := range []string{"", "1", "0/4", "5/4", "a/b", "1/0", "-1/2", "1/2/3"} {
		_, err := ParseShard(bad)
		require.ErrorIs(t, err, ErrUsage, bad)
	}
	sh, err := ParseShard(" 2/4 ")
	require.NoError(t, err)
	assert.Equal(t, Shard{Index: 2, Count: 4}, sh)

	// The example fleet has two clusters: of 5 shards, some hold none.
	opts, cfg := options(t, testutil.Fixture(t, "example", "fleet", ".d1lint.yaml"))
	empty := 0
	for k := 1; k <= 5; k++ {
		o := opts
		o.Shard = Shard{Index: k, Count: 5}
		r, err := New(Config{File: cfg}).CheckReport(context.Background(), o)
		require.NoError(t, err)
		if len(r.Clusters) == 0 {
			empty++
			var b bytes.Buffer
			require.NoError(t, report.Text{}.Write(&b, r))
			assert.Contains(t, b.String(), fmt.Sprintf("shard %d of 5: none of the fleet's 2 clusters falls in it", k))
		}
	}
	assert.Equal(t, 3, empty)
	// Empty shards merge as the others do.
	assertMergedAsOne(t, Config{File: cfg, Today: shardToday}, opts, 5, nil)
}

// TestShardRefusesFleetReadingPolicy: a team policy that reads input.fleet
// cannot be sharded.
func TestShardRefusesFleetReadingPolicy(t *testing.T) {
	opts, cfg := options(t, testutil.Fixture(t, "example", "fleet", ".d1lint.yaml"))
	opts.Shard = Shard{Index: 1, Count: 2}
	policy := fstest.MapFS{"fleet.rego": {Data: []byte(`package acme.fleet

deny contains sprintf("%d clusters", [count(input.fleet.clusters)]) if {
	input.cluster.name == input.fleet.clusters[0].name
}
`)}}
	_, err := New(Config{File: cfg, Policies: map[string]fs.FS{"acme": policy}}).CheckReport(context.Background(), opts)
	require.ErrorIs(t, err, ErrUsage)
	assert.Contains(t, err.Error(), "--shard 1/2: a team policy reads input.fleet")
}

// TestShardsFromTheCache: shards whose clusters' verdicts come from the
// persistent cache (a second run) merge as one check does, in every
// format: a stand-in cluster still names the sources its render read.
func TestShardsFromTheCache(t *testing.T) {
	opts, cfg := badConfig(t)
	opts.CacheDir = t.TempDir()
	c := Config{File: cfg, Today: shardToday, ToolVersion: "test"}
	assertMergedAsOne(t, c, opts, 2, nil)
	tm := &Timings{}
	c.Timings = tm
	assertMergedAsOne(t, c, opts, 2, nil)
	reused, judged := tm.Reused()
	assert.Positive(t, judged)
	assert.Equal(t, judged, reused, "every verdict from the cache: %d of %d", reused, judged)
}
