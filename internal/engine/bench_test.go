// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"context"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"testing"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/internal/synth"
	"github.com/d1lint/d1lint/internal/testutil"
)

// benchBuild measures what build, clusters and graph run in-process:
// render, schema validation and locate, with the collector setting
// cmd/d1lint runs with.
func benchBuild(b *testing.B, fleetPath string, sources []source.Mapping) {
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	opts := Options{}
	opts.FleetPath, opts.OutOfBand, opts.Sources = fleetPath, config.DefaultOutOfBand(), sources
	opts.Getenv = func(string) string { return "" }
	e := New(Config{})
	b.ReportAllocs()
	objects := 0
	for b.Loop() {
		fl, err := e.Build(context.Background(), opts)
		if err != nil {
			b.Fatal(err)
		}
		objects = 0
		for _, c := range fl.Clusters {
			for _, p := range c.Problems {
				if !p.Warning {
					b.Fatalf("cluster %s: %s", c.Name, p.Reason)
				}
			}
			objects += len(c.Objects)
		}
	}
	b.ReportMetric(float64(objects), "objects")
}

// BenchmarkBuildD1Corpus renders and validates the three d1 corpus
// clusters.
func BenchmarkBuildD1Corpus(b *testing.B) {
	for _, bootstrap := range []bool{false, true} {
		name := map[bool]string{false: "operator-era", true: "bootstrap-era"}[bootstrap]
		b.Run(name, func(b *testing.B) {
			d := testutil.D1Corpus(b, bootstrap)
			benchBuild(b, d.Fleet, []source.Mapping{{URL: testutil.D1InfraURL, Path: d.Infra}, {URL: testutil.D1AppsURL, Path: d.Apps}})
		})
	}
}

// BenchmarkBuildSynthetic renders and validates a generated fleet of 100
// clusters with 20 application namespaces and 8 infra components.
func BenchmarkBuildSynthetic(b *testing.B) {
	size := synth.Options{Clusters: 100, AppNamespaces: 20, InfraComponents: 8}
	b.Run("clusters/"+strconv.Itoa(size.Clusters), func(b *testing.B) {
		f, err := synth.Generate(filepath.Join(b.TempDir(), "fleet"), size)
		if err != nil {
			b.Fatal(err)
		}
		benchBuild(b, f.FleetPath, []source.Mapping{{URL: f.InfraURL, Path: f.InfraPath}, {URL: f.AppsURL, Path: f.AppsPath}})
	})
}
