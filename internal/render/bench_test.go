// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"context"
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/internal/synth"
	"github.com/d1lint/d1lint/internal/testutil"
)

func benchRender(b *testing.B, opts Options) {
	// Measure with the collector setting cmd/d1lint runs with.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	b.ReportAllocs()
	var objects int
	for b.Loop() {
		res, err := Render(context.Background(), opts)
		if err != nil {
			b.Fatal(err)
		}
		objects = countObjects(b, res.Fleet)
		_ = res.Close()
	}
	b.ReportMetric(float64(objects), "objects")
}

func countObjects(b *testing.B, fl *model.Fleet) int {
	n := 0
	for _, c := range fl.Clusters {
		for _, p := range c.Problems {
			if !p.Warning {
				b.Fatalf("cluster %s: %s", c.Name, p.Reason)
			}
		}
		n += len(c.Objects)
	}
	return n
}

// BenchmarkRenderD1Corpus renders the three d1 corpus clusters (target:
// under 300 ms on a 2-core machine for the operator era).
func BenchmarkRenderD1Corpus(b *testing.B) {
	for _, bootstrap := range []bool{false, true} {
		name := map[bool]string{false: "operator-era", true: "bootstrap-era"}[bootstrap]
		b.Run(name, func(b *testing.B) { benchRender(b, d1Options(testutil.D1Corpus(b, bootstrap))) })
	}
}

// BenchmarkRenderSynthetic renders a generated fleet of 100 clusters with 20
// application namespaces and 8 infra components on two branches (target:
// under 10 s and 1 GiB).
func BenchmarkRenderSynthetic(b *testing.B) {
	for _, size := range []synth.Options{
		{Clusters: 10, AppNamespaces: 5, InfraComponents: 4},
		{Clusters: 100, AppNamespaces: 20, InfraComponents: 8},
	} {
		name := filepath.Join("clusters", itoa(size.Clusters), "namespaces", itoa(size.AppNamespaces))
		b.Run(name, func(b *testing.B) {
			f, err := synth.Generate(filepath.Join(b.TempDir(), "fleet"), size)
			if err != nil {
				b.Fatal(err)
			}
			benchRender(b, Options{FleetPath: f.FleetPath, OutOfBand: config.DefaultOutOfBand(),
				Sources: []source.Mapping{{URL: f.InfraURL, Path: f.InfraPath}, {URL: f.AppsURL, Path: f.AppsPath}}})
		})
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
