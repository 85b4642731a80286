// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/engine"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/internal/synth"
	"github.com/d1lint/d1lint/internal/testutil"
	"github.com/d1lint/d1lint/rules"
)

// TestIndexAgreesWithTheLibrary checks input.cluster.index on rendered and
// validated fleets: the fixtures (each rule's bad overlay among them, so
// that every rule has findings), the synthetic fleet with its charts, and
// the d1 corpus when it is there. The library's own index, computed from
// the objects of an input without one, is the same value, and the rules
// find exactly the same with either.
func TestIndexAgreesWithTheLibrary(t *testing.T) {
	type fleet struct {
		name     string
		fl       *model.Fleet
		settings rules.Settings
	}
	var fleets []fleet
	build := func(name string, cfg *config.Config, opts engine.Options) {
		opts.Getenv = func(string) string { return "" }
		fl, err := engine.New(engine.Config{File: cfg}).Build(context.Background(), opts)
		require.NoError(t, err, name)
		fleets = append(fleets, fleet{name, fl, engine.Settings(cfg)})
	}
	fromConfig := func(name, path string) {
		cfg, err := config.Load(path)
		require.NoError(t, err, name)
		build(name, cfg, engine.OptionsFromConfig(cfg))
	}
	for _, p := range []string{"example/fleet", "example/fleet-bootstrap", "bad/fleet", "resourceset", "helm",
		"layouts/hub-spoke", "layouts/monorepo/platform/fleet", "layouts/home-ops"} {
		fromConfig(p, testutil.Fixture(t, filepath.FromSlash(p), ".d1lint.yaml"))
	}
	cat, err := rules.Load()
	require.NoError(t, err)
	for _, r := range cat.Rules() {
		dir := rules.ExampleWith(t, filepath.ToSlash(filepath.Join(r.Dir, "fixtures", "bad")))
		fromConfig(r.ID, filepath.Join(dir, "fleet", ".d1lint.yaml"))
	}
	f, err := synth.Generate(filepath.Join(t.TempDir(), "fleet"), synth.Options{Clusters: 2, AppNamespaces: 3, InfraComponents: 2})
	require.NoError(t, err)
	opts := engine.Options{}
	opts.FleetPath, opts.OutOfBand, opts.ChartDirs = f.FleetPath, config.DefaultOutOfBand(), []string{f.ChartsPath}
	opts.Sources = []source.Mapping{{URL: f.InfraURL, Path: f.InfraPath}, {URL: f.AppsURL, Path: f.AppsPath}}
	build("synthetic", nil, opts)
	// The corpus is optional here (testutil.SharedCorpus would skip the
	// whole test without it).
	if st, err := os.Stat(filepath.Join(filepath.Dir(testutil.Root(t)), "shared", "corpus")); err == nil && st.IsDir() {
		d := testutil.D1Corpus(t, false)
		opts := engine.Options{}
		opts.FleetPath, opts.OutOfBand = d.Fleet, config.DefaultOutOfBand()
		opts.Sources = []source.Mapping{{URL: testutil.D1InfraURL, Path: d.Infra}, {URL: testutil.D1AppsURL, Path: d.Apps}}
		opts.ChartDirs = []string{filepath.Join(testutil.SharedCorpus(t), "charts")}
		build("d1 corpus", nil, opts)
	}

	found := map[string]bool{}
	for _, fl := range fleets {
		for _, cl := range fl.fl.Clusters {
			goIndex, regoIndex, err := rules.BothIndexes(cl)
			require.NoError(t, err, "%s/%s", fl.name, cl.Name)
			assert.Equal(t, 0, goIndex.Compare(regoIndex), "%s/%s: d1lint's index\n%v\nthe library's\n%v", fl.name, cl.Name, goIndex, regoIndex)

			with, err := rules.FindingsWithIndex(cl, fl.settings)
			require.NoError(t, err, "%s/%s", fl.name, cl.Name)
			without, err := rules.FindingsWithoutIndex(cl, fl.settings)
			require.NoError(t, err, "%s/%s", fl.name, cl.Name)
			assert.Equal(t, without, with, "%s/%s", fl.name, cl.Name)
			for _, f := range with {
				found[f.Rule] = true
			}
		}
	}
	for _, r := range cat.Rules() {
		if r.Scope == "" {
			assert.True(t, found[r.ID], "rule %s has findings on some fleet, with and without the index", r.ID)
		}
	}
}
