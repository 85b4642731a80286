// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"time"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/guard"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/profile"
	"github.com/d1lint/d1lint/internal/render"
	"github.com/d1lint/d1lint/internal/report"
	"github.com/d1lint/d1lint/internal/waiver"
	"github.com/d1lint/d1lint/rules"
)

// Result is a checked fleet: its model and the report of what was found.
type Result struct {
	Fleet  *model.Fleet
	Report *report.Report
}

// Check renders the fleet opts names, validates it, evaluates the rules,
// locates each finding at the line that sets its field and applies the
// waivers, and reports the outcome. The result keeps every cluster's model
// (audit reads it); CheckReport does not.
func (e *Engine) Check(ctx context.Context, opts Options) (*Result, error) {
	return e.check(ctx, opts, true)
}

// CheckReport is Check for a caller that needs the report only: each
// cluster's model is dropped as soon as the cluster is judged, so that a
// check's memory stays bounded whatever the fleet's size.
func (e *Engine) CheckReport(ctx context.Context, opts Options) (*report.Report, error) {
	defer softMemoryLimit()()
	res, err := e.check(ctx, opts, false)
	if err != nil {
		return nil, err
	}
	return res.Report, nil
}

// streamedMemoryLimit is the soft memory limit of a check that drops each
// cluster's model once judged (GOMEMLIMIT wins).
const streamedMemoryLimit = 1 << 30

// streamedGCPercent is the collector setting of a streamed check under
// its soft memory limit (GOGC wins).
const streamedGCPercent = 800

// softMemoryLimit sets the soft memory limit of a streamed check, unless
// the user set one, and returns what restores the previous one. d1lint
// collects garbage seldom (main sets GOGC to 400), so the heap may grow to
// five times what is live: a thousand-cluster check, whose live heap stays
// a few hundred megabytes, would still peak at gigabytes of garbage. The
// limit makes the collector run more often as the heap nears it, and only
// then. Under the limit the collector can wait longer still
// (streamedGCPercent): a check of a few clusters collects half as often,
// which saves it a tenth of its time, and a large one is held to the limit
// all the same. A check that keeps every model (audit) has no such limit:
// its live heap grows with the fleet, and the collector would run without
// end.
func softMemoryLimit() func() {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	prev := debug.SetMemoryLimit(streamedMemoryLimit)
	if os.Getenv("GOGC") != "" {
		return func() { debug.SetMemoryLimit(prev) }
	}
	prevGC := debug.SetGCPercent(streamedGCPercent)
	return func() {
		debug.SetGCPercent(prevGC)
		debug.SetMemoryLimit(prev)
	}
}

// check is Check, keeping the clusters' models or not. Each cluster is
// judged as soon as it is rendered (judging.done), overlapping with the
// rendering of the others.
func (e *Engine) check(ctx context.Context, opts Options, keep bool) (_ *Result, err error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if opts.Shard.Count > 0 {
		if err := e.sharded(&opts); err != nil {
			return nil, err
		}
	}
	defer guard.Lockdown()()
	j := e.newJudging(keep)
	defer j.end()
	opts.Done = j.done(ctx)
	if j.reuse, err = e.newReuse(opts, j); err != nil {
		return nil, err
	}
	defer j.reuse.close()
	if j.reuse != nil {
		// The rules compile once a cluster is to be judged (reuse.reuse
		// finds no verdict): a check the cache answers whole needs none.
		opts.Reuse = j.reuse.reuse
	} else {
		e.compileRules()
	}
	res, err := e.renderChecked(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	meta, err := e.metadata()
	if err != nil {
		return nil, err
	}
	e.progress(fmt.Sprintf("evaluating %s over %s…", report.Count(len(meta.Rules()), "rule"), report.Count(len(res.Fleet.Clusters), "cluster")))
	vs, err := j.verdictsOf(ctx, res)
	if err != nil {
		return nil, err
	}
	if j.reuse != nil {
		e.cfg.Timings.Clusters(len(vs), int(j.reuse.hits.Load()))
	}
	if opts.Shard.Count > 0 {
		r, err := e.shardReport(ctx, meta, opts, res, vs)
		return &Result{Report: r}, err
	}
	judged, err := e.finish(ctx, vs, nil, opts.Profile, j.reuse)
	if err != nil {
		return nil, err
	}
	cat := meta
	defer e.cfg.Timings.Since(StageReport, time.Now())
	clusters := make([]report.Cluster, len(vs))
	for i, v := range vs {
		clusters[i] = v.Cluster
	}
	r := report.Assemble(res.Fleet.Mappings, clusters, judged.Findings)
	r.Waivers, r.Summary.Waived, r.Summary.Profile = judged.Waivers, judged.Waived, &judged.Profile
	r.Summary.Configuration = e.cfg.Configuration
	r.Repository = e.repository(res.Fleet, vs)
	r.Rules = cat.Rules()
	r.ToolVersion = e.cfg.ToolVersion
	if !keep {
		return &Result{Report: r}, nil
	}
	return &Result{Fleet: res.Fleet, Report: r}, nil
}

// Baseline checks the fleet base names (the same fleet at an earlier
// revision) and marks each finding of r new or existing: existing when the
// baseline had a finding with the same fingerprint. name is the revision,
// as the report shows it.
func (e *Engine) Baseline(ctx context.Context, r *report.Report, base Options, name string) error {
	before, err := e.CheckReport(ctx, base)
	if err != nil {
		return fmt.Errorf("checking the baseline %s: %w", name, err)
	}
	r.Baseline = name
	r.Summary.New = finding.MarkBaseline(r.Findings, before.Findings)
	withBaseline(r, before)
	return nil
}

// repository is the repository being checked: the configured one, else
// the one mapped to the current folder's git checkout (checkedRepository),
// else the repository of the first cluster's root Kustomization (the
// fleet's).
func (e *Engine) repository(fl *model.Fleet, vs []*Verdict) string {
	if e.cfg.Repository != "" {
		return e.cfg.Repository
	}
	if r := checkedRepository(fl); r != "" {
		return r
	}
	for _, v := range vs {
		if v.Repository != "" {
			return v.Repository
		}
	}
	return ""
}

// judged is what remains of a render's findings after the team's
// decisions, and the profile that selected the rules.
type judged struct {
	waiver.Result
	Profile profile.Choice
}

// judge evaluates the rules on a render whose clusters' models are kept
// (findings located at the line that sets their field, waivers applied).
// others, when not nil, are clusters of another render that complete the
// fleet for the rules across clusters; their own findings are dropped.
// The rules are those of the profile named (profile.Resolve: detected from
// the whole fleet when none), chosen before the waivers so that a waiver
// of a rule the profile leaves out is stale, as one of a rule turned off is.
func (e *Engine) judge(ctx context.Context, res *render.Result, others *model.Fleet, name string) (judged, error) {
	j := e.newJudging(true)
	vs, err := j.verdictsOf(ctx, res)
	if err != nil {
		return judged{}, err
	}
	var ovs []*Verdict
	if others != nil {
		ovs = []*Verdict{}
		for _, c := range others.Clusters {
			ovs = append(ovs, &Verdict{Cluster: report.ClusterOf(c), Digest: rules.Digest(c, nil), Evidence: profile.EvidenceOf(c)})
		}
	}
	return e.finish(ctx, vs, ovs, name, nil)
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// locate points every schema error of a render's model at the line that
// sets its field (locateCluster), for commands that judge nothing.
func locate(res *render.Result) {
	for _, c := range res.Fleet.Clusters {
		locateCluster(c, nil, res.Locate)
	}
}
