// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package schema_test

import (
	"context"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"testing"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/render"
	"github.com/d1lint/d1lint/internal/schema"
	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/internal/synth"
	"github.com/d1lint/d1lint/internal/testutil"
)

// benchValidate renders the fleet once without validation, then measures
// what validation adds, as a fresh process pays it: opening the bundle,
// compiling every schema the fleet needs once, and validating every object
// of every cluster, clusters in parallel as the renderer runs them.
func benchValidate(b *testing.B, opts render.Options) {
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	benchValidateFleet(b, renderForBench(b, opts), func() string { return "" })
}

// renderForBench renders a fleet without validating it.
func renderForBench(b *testing.B, opts render.Options) *model.Fleet {
	res, err := render.Render(context.Background(), opts)
	if err != nil {
		b.Fatal(err)
	}
	_ = res.Close()
	return res.Fleet
}

// benchValidateFleet validates the fleet's clusters with a new Validator
// per iteration, on the persistent cache folder cacheDir returns ("" for
// none), closed at the end as the engine closes it.
func benchValidateFleet(b *testing.B, fl *model.Fleet, cacheDir func() string) {
	objects := 0
	for _, c := range fl.Clusters {
		objects += len(c.Objects)
	}
	b.ReportAllocs()
	for b.Loop() {
		schema.ResetBundle()
		v, err := schema.New(schema.Options{CacheDir: cacheDir()})
		if err != nil {
			b.Fatal(err)
		}
		validateAll(v, fl.Clusters)
		if err := v.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(objects), "objects")
	for _, c := range fl.Clusters {
		if c.Schemas == nil || c.Schemas.Validated == 0 {
			b.Fatalf("cluster %s was not validated", c.Name)
		}
	}
}

func validateAll(v *schema.Validator, clusters []*model.Cluster) {
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for _, c := range clusters {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			v.Validate(c)
		}()
	}
	wg.Wait()
}

// BenchmarkValidateD1Corpus: validation of the d1 corpus's three clusters
// (target: under 150 ms added to the run).
func BenchmarkValidateD1Corpus(b *testing.B) {
	for _, bootstrap := range []bool{false, true} {
		name := map[bool]string{false: "operator-era", true: "bootstrap-era"}[bootstrap]
		b.Run(name, func(b *testing.B) {
			d := testutil.D1Corpus(b, bootstrap)
			benchValidate(b, render.Options{FleetPath: d.Fleet, OutOfBand: config.DefaultOutOfBand(),
				Sources: []source.Mapping{{URL: testutil.D1InfraURL, Path: d.Infra}, {URL: testutil.D1AppsURL, Path: d.Apps}}})
		})
	}
}

// BenchmarkValidateSynthetic: validation of the 100-cluster synthetic fleet
// (target: under 5 s added).
func BenchmarkValidateSynthetic(b *testing.B) {
	benchValidate(b, syntheticOptions(b))
}

func syntheticOptions(b *testing.B) render.Options {
	f, err := synth.Generate(filepath.Join(b.TempDir(), "fleet"), synth.Options{Clusters: 100, AppNamespaces: 20, InfraComponents: 8})
	if err != nil {
		b.Fatal(err)
	}
	return render.Options{FleetPath: f.FleetPath, OutOfBand: config.DefaultOutOfBand(),
		Sources: []source.Mapping{{URL: f.InfraURL, Path: f.InfraPath}, {URL: f.AppsURL, Path: f.AppsPath}}}
}

// BenchmarkValidateSyntheticCache: the same with the persistent cache of
// schema verdicts, cold (an empty cache each time: validating, and writing
// the table) and warm (a cache an earlier run filled).
func BenchmarkValidateSyntheticCache(b *testing.B) {
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	fl := renderForBench(b, syntheticOptions(b))
	b.Run("cold", func(b *testing.B) {
		benchValidateFleet(b, fl, func() string { return b.TempDir() })
	})
	b.Run("warm", func(b *testing.B) {
		dir := b.TempDir()
		v, err := schema.New(schema.Options{CacheDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		validateAll(v, fl.Clusters)
		if err := v.Close(); err != nil {
			b.Fatal(err)
		}
		benchValidateFleet(b, fl, func() string { return dir })
	})
}
