// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/d1lint/d1lint/internal/cache"
	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/profile"
	"github.com/d1lint/d1lint/internal/render"
	"github.com/d1lint/d1lint/internal/report"
	"github.com/d1lint/d1lint/internal/waiver"
	"github.com/d1lint/d1lint/rules"
)

// Verdict is what a check keeps of one cluster once it is judged: enough
// to finish the check (the fleet-scoped rules, the profile, the waivers
// and the report) without the cluster's model. A streamed check keeps
// only verdicts, so its memory does not grow with the fleet; a sharded
// check writes them for `d1lint merge`.
type Verdict struct {
	// Cluster is what the report says of the cluster.
	Cluster report.Cluster
	// Digest is what the fleet-scoped rules read of it.
	Digest rules.ClusterDigest
	// Evidence is what it shows of d1's layout (profile detection).
	Evidence profile.Evidence
	// Annotations are its objects' inline waivers.
	Annotations waiver.Annotations
	// Findings are those of the cluster-scoped rules, located, neither
	// filtered by profile nor waived.
	Findings []finding.Finding
	// Repository is the repository of the cluster's root Kustomization
	// (the fleet's, when the report is not told which it checks).
	Repository string
	// Inputs are the source revisions its render read, with their
	// identities (a commit, a working tree's content): a cached verdict
	// stands while they do, and merge checks that the shards of one check
	// read each revision alike. Nil for a cluster whose render was cut
	// short, or judged after the render (audit).
	Inputs []render.Input
}

// judging judges the clusters of one render as each is rendered
// (render.Options.Done), then finishes the check once all are.
type judging struct {
	e *Engine
	// keep keeps each cluster's model once judged (audit, comparisons);
	// otherwise it is dropped and only the verdict stays.
	keep bool

	once sync.Once
	cat  *rules.Catalogue
	ev   *rules.Evaluation
	err  error

	mu       sync.Mutex
	verdicts map[*model.Cluster]*Verdict
	errs     map[*model.Cluster]error
	// reuse reuses and keeps verdicts in the persistent cache (nil: none).
	reuse *reuse
}

func (e *Engine) newJudging(keep bool) *judging {
	return &judging{e: e, keep: keep, verdicts: map[*model.Cluster]*Verdict{}, errs: map[*model.Cluster]error{}}
}

// begin starts the evaluation, once: the rules are compiled meanwhile.
func (j *judging) begin(ctx context.Context) (*rules.Evaluation, error) {
	j.once.Do(func() {
		if j.cat, j.err = j.e.catalogue(); j.err != nil {
			return
		}
		if j.cat.ReadsFleet() {
			// A team's policy reads the fleet's summary: every cluster
			// is judged once the whole fleet is rendered (finish).
			return
		}
		j.ev, j.err = j.cat.Begin(ctx, j.e.settings, nil)
	})
	return j.ev, j.err
}

// done is render.Options.Done of a streamed check (nil when the models are
// kept): it judges the cluster while its sources are
// at hand, then drops its model.
func (j *judging) done(ctx context.Context) func(render.Rendered) {
	if j.keep {
		// The models stay in memory: the rules run once the render is
		// over (verdictsOf), so that the heap bound of their evaluation
		// (rules.DefaultMaxHeapGrowth) counts the rules' allocations, not
		// the growing model's.
		return nil
	}
	return func(r render.Rendered) {
		c := r.Cluster
		ev, err := j.begin(ctx)
		if err != nil || ev == nil {
			return
		}
		v, err := j.e.judgeCluster(ev, c, r.Locate)
		if err == nil {
			v.Inputs = r.Inputs
			if j.reuse != nil {
				j.reuse.keep(r.Spec, c, v)
			}
		}
		j.mu.Lock()
		defer j.mu.Unlock()
		if err != nil {
			j.errs[c] = err
			return
		}
		j.verdicts[c] = v
		drop(c)
	}
}

// drop releases a judged cluster's model: everything but its identity and
// its sources, which the render still reads (the mappings the report
// lists).
func drop(c *model.Cluster) {
	*c = model.Cluster{Name: c.Name, Path: c.Path, Era: c.Era, Root: c.Root, Sources: c.Sources}
}

// judgeCluster evaluates the cluster-scoped rules on one cluster, and
// points its schema errors and findings at the lines that set their
// fields.
func (e *Engine) judgeCluster(ev *rules.Evaluation, c *model.Cluster, locate rules.Locator) (*Verdict, error) {
	start := time.Now()
	fs, err := ev.Cluster(c)
	e.cfg.Timings.Since(StageEvaluate, start)
	if err != nil {
		return nil, fmt.Errorf("evaluating cluster %s: %w", c.Name, err)
	}
	start = time.Now()
	locateCluster(c, fs, locate)
	v := &Verdict{Cluster: report.ClusterOf(c), Digest: rules.Digest(c, locate), Evidence: profile.EvidenceOf(c),
		Annotations: waiver.Of(c), Findings: fs}
	if k := c.Kustomization(c.Root); k != nil && k.Revision != nil {
		v.Repository = k.Revision.Repo
	}
	e.cfg.Timings.Since(StageLocate, start)
	return v, nil
}

// locateCluster is the pipeline's one locate step, for one cluster: it
// points every schema error of the model, and every finding that names a
// field of its object, at the line that sets the field (in the patch that
// set it when a Flux or kustomize patch did, else in the object's own
// document; see render.Result.Locate).
func locateCluster(c *model.Cluster, fs []finding.Finding, locate rules.Locator) {
	for _, o := range c.Objects {
		if o.Schema == nil {
			continue
		}
		for i := range o.Schema.Errors {
			se := &o.Schema.Errors[i]
			if loc := locate(c, o, se.Segments); loc != nil && *loc != o.Location {
				se.Location = loc
			}
		}
	}
	for i := range fs {
		f := &fs[i]
		if len(f.FieldPath) == 0 || f.Object == nil {
			continue
		}
		o := c.Object(model.ObjectID{APIVersion: f.Object.APIVersion, Kind: f.Object.Kind, Namespace: f.Object.Namespace, Name: f.Object.Name})
		if o == nil {
			continue
		}
		if loc := locate(c, o, f.FieldPath); loc != nil {
			f.Location = model.Location{Repo: loc.Repo, Branch: loc.Branch, Tag: loc.Tag, Path: loc.Path, Line: loc.Line}
		}
	}
}

// verdicts returns the verdict of every cluster of a finished render, in
// the fleet's order: those judged as they were rendered, and the others
// (a team's policy reads the fleet, or the render judged none) judged now.
func (j *judging) verdictsOf(ctx context.Context, res *render.Result) ([]*Verdict, error) {
	fl := res.Fleet
	if slices.ContainsFunc(fl.Clusters, func(c *model.Cluster) bool { return j.verdicts[c] == nil }) {
		// Some cluster is still to judge: the rules are needed (a check
		// whose every verdict the cache held compiles none).
		if _, err := j.begin(ctx); err != nil {
			return nil, err
		}
	}
	var ev *rules.Evaluation
	out := make([]*Verdict, len(fl.Clusters))
	for i, c := range fl.Clusters {
		if err := j.errs[c]; err != nil {
			return nil, err
		}
		if v := j.verdicts[c]; v != nil {
			out[i] = v
			continue
		}
		if ev == nil {
			var summary *rules.FleetSummary
			if j.cat.ReadsFleet() {
				summary = &rules.FleetSummary{Clusters: make([]rules.ClusterDigest, 0, len(fl.Clusters))}
				for _, c := range fl.Clusters {
					summary.Clusters = append(summary.Clusters, rules.Digest(c, res.Locate))
				}
			}
			var err error
			if ev, err = j.cat.Begin(ctx, j.e.settings, summary); err != nil {
				return nil, err
			}
			defer ev.End()
		}
		v, err := j.e.judgeCluster(ev, c, res.Locate)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// end stops the evaluation's watch, once the render is over.
func (j *judging) end() {
	if j.ev != nil {
		j.ev.End()
	}
}

// finish judges the whole fleet from its clusters' verdicts: the
// fleet-scoped rules over every digest (others' too: clusters of another
// render that complete the fleet, whose own findings are dropped), the
// profile (named, else detected from every cluster's evidence), and the
// waivers.
func (e *Engine) finish(ctx context.Context, vs []*Verdict, others []*Verdict, name string, u *reuse) (judged, error) {
	return e.conclude(ctx, vs, others, name, u, true)
}

// conclude is finish, with the fleet-scoped rules or without them (one
// shard of a sharded check, which sees part of the fleet: they run when
// the shards are merged).
func (e *Engine) conclude(ctx context.Context, vs []*Verdict, others []*Verdict, name string, u *reuse, fleetScoped bool) (judged, error) {
	all := slices.Clone(vs)
	for _, o := range others {
		if !slices.ContainsFunc(vs, func(v *Verdict) bool { return v.Cluster.Name == o.Cluster.Name }) {
			all = append(all, o)
		}
	}
	if others != nil {
		slices.SortFunc(all, func(a, b *Verdict) int { return compareStrings(a.Cluster.Name, b.Cluster.Name) })
	}
	digests := make([]rules.ClusterDigest, 0, len(all))
	evidence := make([]profile.Evidence, 0, len(all))
	for _, v := range all {
		digests = append(digests, v.Digest)
		evidence = append(evidence, v.Evidence)
	}
	var fleetFindings []finding.Finding
	if fleetScoped {
		start := time.Now()
		var err error
		fleetFindings, err = e.fleetFindings(ctx, digests, u)
		e.cfg.Timings.Since(StageEvaluate, start)
		if err != nil {
			return judged{}, err
		}
	}
	mine := map[string]bool{}
	annotations := waiver.Annotations{}
	var fs []finding.Finding
	for _, v := range vs {
		mine[v.Cluster.Name] = true
		fs = append(fs, v.Findings...)
		for k, a := range v.Annotations {
			annotations[k] = a
		}
	}
	fs = append(fs, fleetFindings...)
	c, err := e.metadata()
	if err != nil {
		return judged{}, err
	}
	p := profile.Resolve(name, nil)
	if name == "" {
		p = profile.FromEvidence(evidence)
	}
	// --enable counts a rule the profile leaves out.
	fs = slices.DeleteFunc(fs, func(f finding.Finding) bool {
		return !c.InProfile(f.Rule, p.Name) && !e.enabled[f.Rule] || !mine[f.Cluster]
	})
	finding.Sort(fs)
	defer e.cfg.Timings.Since(StageWaive, time.Now())
	return judged{Result: waiver.ApplyAnnotated(annotations, fs, e.file, e.cfg.Today), Profile: p}, nil
}

// fleetFindings runs the fleet-scoped rules over the digests, or reads
// what they found from the persistent cache when an earlier run evaluated
// them over the same digests with the same settings (u: the check's
// reuse; nil: none).
func (e *Engine) fleetFindings(ctx context.Context, digests []rules.ClusterDigest, u *reuse) ([]finding.Finding, error) {
	var key cache.Key
	if u != nil {
		b, err := json.Marshal(digests)
		if err != nil {
			return nil, err
		}
		key = u.cache.Key(fleetKind, u.run, b)
		if data, ok := u.cache.Get(fleetKind, key); ok {
			var fs []finding.Finding
			if err := json.Unmarshal(data, &fs); err == nil {
				for i := range fs {
					if fs[i].Field != "" {
						fs[i].FieldPath = finding.ParseField(fs[i].Field)
					}
				}
				return fs, nil
			}
		}
	}
	c, err := e.catalogue()
	if err != nil {
		return nil, err
	}
	ev, err := c.Begin(ctx, e.settings, nil)
	if err != nil {
		return nil, err
	}
	defer ev.End()
	fs, err := ev.Fleet(digests)
	if err != nil {
		return nil, err
	}
	if u != nil {
		if b, err := json.Marshal(fs); err == nil {
			_ = u.cache.Put(fleetKind, key, b)
		}
	}
	return fs, nil
}

// fleetKind is the persistent cache's kind for what the fleet-scoped rules
// found over a fleet's digests.
const fleetKind = "fleet-findings"
