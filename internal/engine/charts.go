// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/d1lint/d1lint/internal/charts"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/report"
)

// ChartPackages renders the fleet opts names (its Kustomizations; no chart
// cache is read and no schema validated) and returns the packaged charts
// its HelmReleases ask for, at the versions each cluster asks for, unique
// and sorted: what d1lint charts pull fetches. Charts in git are not among
// them: they are read from the snapshots. The render itself stays offline.
func (e *Engine) ChartPackages(ctx context.Context, opts Options) ([]model.ChartPackage, *model.Fleet, error) {
	opts.ChartDirs, opts.SkipSchemas = nil, true
	fl, err := e.Build(ctx, opts)
	if err != nil {
		return nil, nil, err
	}
	seen := map[model.ChartPackage]bool{}
	var out []model.ChartPackage
	for _, c := range fl.Clusters {
		for _, h := range c.HelmReleases {
			if h.Package == nil || seen[*h.Package] {
				continue
			}
			seen[*h.Package] = true
			out = append(out, *h.Package)
		}
	}
	slices.SortFunc(out, func(a, b model.ChartPackage) int {
		return strings.Compare(packageKey(a), packageKey(b))
	})
	return out, fl, nil
}

func packageKey(p model.ChartPackage) string {
	return strings.Join([]string{p.URL, p.Name, p.Version, p.Tag, p.SemVer, p.Digest, p.Kind}, "\x00")
}

// PullCharts fetches into dir the packaged charts the fleet opts names
// asks for (ChartPackages), with the user's Helm or Docker credentials:
// the one step of d1lint that uses the network (`d1lint charts pull`). It
// returns what it fetched and what it could not, one entry per chart; nil
// when the fleet has no packaged chart.
func (e *Engine) PullCharts(ctx context.Context, opts Options, dir string, plainHTTP bool) ([]charts.Pulled, error) {
	pkgs, _, err := e.ChartPackages(ctx, opts)
	if err != nil {
		return nil, err
	}
	if len(pkgs) == 0 {
		return nil, nil
	}
	refs := make([]charts.Ref, len(pkgs))
	for i, p := range pkgs {
		refs[i] = charts.Ref{Kind: p.Kind, URL: p.URL, Name: p.Name, Version: p.Version, Tag: p.Tag, SemVer: p.SemVer, Digest: p.Digest}
	}
	progress := func(done, total int) {
		e.progress(fmt.Sprintf("fetching %d/%s…", done+1, report.Count(total, "chart")))
	}
	return charts.Pull(ctx, refs, charts.PullOptions{Dir: dir, PlainHTTP: plainHTTP, Getenv: opts.Getenv, Progress: progress}), nil
}
