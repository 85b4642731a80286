// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/guard"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/profile"
	"github.com/d1lint/d1lint/internal/render"
	"github.com/d1lint/d1lint/internal/report"
	"github.com/d1lint/d1lint/internal/waiver"
)

// Result is a checked fleet: its model and the report of what was found.
type Result struct {
	Fleet  *model.Fleet
	Report *report.Report
}

// Check renders the fleet opts names, validates it, evaluates the rules,
// locates each finding at the line that sets its field and applies the
// waivers, and reports the outcome.
func (e *Engine) Check(ctx context.Context, opts Options) (*Result, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	defer guard.Lockdown()()
	e.compileRules()
	res, err := e.renderChecked(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	cat, err := e.catalogue()
	if err != nil {
		return nil, err
	}
	e.progress(fmt.Sprintf("evaluating %s over %s…", report.Count(len(cat.Rules()), "rule"), report.Count(len(res.Fleet.Clusters), "cluster")))
	judged, err := e.judge(ctx, res, nil, opts.Profile)
	if err != nil {
		return nil, err
	}
	defer e.cfg.Timings.Since(StageReport, time.Now())
	r := report.New(res.Fleet, judged.Findings)
	r.Waivers, r.Summary.Waived, r.Summary.Profile = judged.Waivers, judged.Waived, &judged.Profile
	r.Summary.Configuration = e.cfg.Configuration
	r.Repository = e.repository(res.Fleet)
	r.Rules = cat.Rules()
	r.ToolVersion = e.cfg.ToolVersion
	return &Result{Fleet: res.Fleet, Report: r}, nil
}

// Baseline checks the fleet base names (the same fleet at an earlier
// revision) and marks each finding of r new or existing: existing when the
// baseline had a finding with the same fingerprint. name is the revision,
// as the report shows it.
func (e *Engine) Baseline(ctx context.Context, r *report.Report, base Options, name string) error {
	if err := base.Validate(); err != nil {
		return err
	}
	defer guard.Lockdown()()
	e.compileRules()
	res, err := e.renderChecked(ctx, base)
	if err != nil {
		return fmt.Errorf("checking the baseline %s: %w", name, err)
	}
	defer res.Close()
	before, err := e.judge(ctx, res, nil, base.Profile)
	if err != nil {
		return fmt.Errorf("checking the baseline %s: %w", name, err)
	}
	r.Baseline = name
	r.Summary.New = finding.MarkBaseline(r.Findings, before.Findings)
	return nil
}

// repository is the repository being checked: the configured one, else
// the one mapped to the current folder's git checkout (checkedRepository),
// else the repository of the first cluster's root Kustomization (the
// fleet's).
func (e *Engine) repository(fl *model.Fleet) string {
	if e.cfg.Repository != "" {
		return e.cfg.Repository
	}
	if r := checkedRepository(fl); r != "" {
		return r
	}
	for _, c := range fl.Clusters {
		if k := c.Kustomization(c.Root); k != nil && k.Revision != nil && k.Revision.Repo != "" {
			return k.Revision.Repo
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

// judge evaluates the rules on a render (findings located at the line
// that sets their field, waivers applied). others, when not nil, are
// clusters of another render that complete the fleet for the rules across
// clusters; their own findings are dropped. The rules are those of the
// profile named (profile.Resolve: detected from the whole fleet when
// none), chosen before the waivers so that a waiver of a rule the profile
// leaves out is stale, as one of a rule turned off is.
func (e *Engine) judge(ctx context.Context, res *render.Result, others *model.Fleet, name string) (judged, error) {
	cat, err := e.catalogue()
	if err != nil {
		return judged{}, err
	}
	fl := res.Fleet
	whole := fl
	if others != nil {
		whole = &model.Fleet{Version: fl.Version, Clusters: slices.Clone(fl.Clusters)}
		for _, x := range others.Clusters {
			if !slices.ContainsFunc(fl.Clusters, func(c *model.Cluster) bool { return c.Name == x.Name }) {
				whole.Clusters = append(whole.Clusters, x)
			}
		}
		slices.SortFunc(whole.Clusters, func(a, b *model.Cluster) int { return compareStrings(a.Name, b.Name) })
	}
	start := time.Now()
	all, err := cat.Evaluate(ctx, whole, e.settings)
	e.cfg.Timings.Since(StageEvaluate, start)
	if err != nil {
		return judged{}, err
	}
	p := profile.Resolve(name, whole)
	// --enable counts a rule the profile leaves out.
	all = slices.DeleteFunc(all, func(f finding.Finding) bool {
		return !cat.InProfile(f.Rule, p.Name) && !e.enabled[f.Rule] ||
			others != nil && !slices.ContainsFunc(fl.Clusters, func(c *model.Cluster) bool { return c.Name == f.Cluster })
	})
	start = time.Now()
	locate(res, all)
	e.cfg.Timings.Since(StageLocate, start)
	start = time.Now()
	defer e.cfg.Timings.Since(StageWaive, start)
	return judged{Result: waiver.Apply(fl, all, e.file, e.cfg.Today), Profile: p}, nil
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

// locate is the pipeline's one locate step: it points every schema error
// of the model, and every finding that names a field of its object, at the
// line that sets the field (in the patch that set it when a Flux or
// kustomize patch did, else in the object's own document; see
// render.Result.Locate), and sorts the findings.
func locate(res *render.Result, fs []finding.Finding) {
	byName := map[string]*model.Cluster{}
	for _, c := range res.Fleet.Clusters {
		byName[c.Name] = c
		for _, o := range c.Objects {
			if o.Schema == nil {
				continue
			}
			for i := range o.Schema.Errors {
				se := &o.Schema.Errors[i]
				if loc := res.Locate(c, o, se.Segments); loc != nil && *loc != o.Location {
					se.Location = loc
				}
			}
		}
	}
	for i := range fs {
		f := &fs[i]
		c := byName[f.Cluster]
		if len(f.FieldPath) == 0 || f.Object == nil || c == nil {
			continue
		}
		o := c.Object(model.ObjectID{APIVersion: f.Object.APIVersion, Kind: f.Object.Kind, Namespace: f.Object.Namespace, Name: f.Object.Name})
		if o == nil {
			continue
		}
		if loc := res.Locate(c, o, f.FieldPath); loc != nil {
			f.Location = model.Location{Repo: loc.Repo, Branch: loc.Branch, Tag: loc.Tag, Path: loc.Path, Line: loc.Line}
		}
	}
	finding.Sort(fs)
}
