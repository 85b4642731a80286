// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/engine"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/internal/synth"
	"github.com/d1lint/d1lint/internal/testutil"
	"github.com/d1lint/d1lint/rules"
)

// benchEvaluate measures rule evaluation alone over the fleet opts name,
// rendered and validated once by the engine.
func benchEvaluate(b *testing.B, fleetPath string, sources []source.Mapping) {
	opts := engine.Options{}
	opts.FleetPath, opts.OutOfBand, opts.Sources = fleetPath, config.DefaultOutOfBand(), sources
	fl, err := engine.New(engine.Config{}).Build(context.Background(), opts)
	if err != nil {
		b.Fatal(err)
	}
	c, err := rules.Load()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.Evaluate(context.Background(), fl, rules.DefaultSettings()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(objects(fl)), "objects")
}

func objects(fl *model.Fleet) int {
	n := 0
	for _, c := range fl.Clusters {
		n += len(c.Objects)
	}
	return n
}

// BenchmarkEvaluateD1Corpus measures rule evaluation alone on the d1 corpus
// (target: under 100 ms).
func BenchmarkEvaluateD1Corpus(b *testing.B) {
	d := testutil.D1Corpus(b, false)
	benchEvaluate(b, d.Fleet, []source.Mapping{{URL: testutil.D1InfraURL, Path: d.Infra}, {URL: testutil.D1AppsURL, Path: d.Apps}})
}

// BenchmarkEvaluateSynthetic measures rule evaluation on the 100-cluster
// synthetic fleet (target: under 5 s).
func BenchmarkEvaluateSynthetic(b *testing.B) {
	f, err := synth.Generate(filepath.Join(b.TempDir(), "fleet"), synth.Options{Clusters: 100, AppNamespaces: 20, InfraComponents: 8})
	if err != nil {
		b.Fatal(err)
	}
	benchEvaluate(b, f.FleetPath, []source.Mapping{{URL: f.InfraURL, Path: f.InfraPath}, {URL: f.AppsURL, Path: f.AppsPath}})
}
