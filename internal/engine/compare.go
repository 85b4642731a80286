// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/d1lint/d1lint/internal/diff"
	"github.com/d1lint/d1lint/internal/guard"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/render"
	"github.com/d1lint/d1lint/internal/revision"
	"github.com/d1lint/d1lint/internal/source"
)

// Compare renders both sides at once, evaluates the rules on each, and
// returns per cluster what the change from base to head does: objects
// added, removed or modified, chart versions moved, findings introduced
// and fixed.
func (e *Engine) Compare(ctx context.Context, base, head Options) ([]diff.Cluster, error) {
	for _, o := range []Options{head, base} {
		if err := o.Validate(); err != nil {
			return nil, err
		}
	}
	defer guard.Lockdown()()
	e.compileRules()
	var b side
	var berr error
	var wg sync.WaitGroup
	wg.Go(func() { b, berr = e.side(ctx, base, nil) })
	h, herr := e.side(ctx, head, nil)
	wg.Wait()
	defer b.close()
	defer h.close()
	if berr != nil {
		return nil, fmt.Errorf("the base: %w", berr)
	}
	if herr != nil {
		return nil, herr
	}
	clusters := diff.Fleets(b.fleet, h.fleet)
	diff.Findings(clusters, b.result.Findings, h.result.Findings)
	locateFields(clusters, b.res, h.res)
	return clusters, nil
}

// side is one render of a comparison, with its findings. Its render stays
// open (for locateFields) until close.
type side struct {
	fleet  *model.Fleet
	result judged
	res    *render.Result
}

// close releases the render's snapshots.
func (s side) close() {
	if s.res != nil {
		_ = s.res.Close()
	}
}

// side renders opts and judges the render (see judge). The caller closes
// it, even on error.
func (e *Engine) side(ctx context.Context, opts Options, others *model.Fleet) (side, error) {
	res, err := e.renderChecked(ctx, opts)
	if err != nil {
		return side{}, err
	}
	j, err := e.judge(ctx, res, others, opts.Profile)
	return side{fleet: res.Fleet, result: j, res: res}, err
}

// locateFields points every changed field of a comparison at the line
// that sets it (render.Result.Locate: the Flux or kustomize patch that set
// it, else the object's own document): in the head render, or in the base
// one for a removed field. Both renders must still be open.
func locateFields(clusters []diff.Cluster, base, head *render.Result) {
	find := func(res *render.Result, cluster string, id model.ObjectID) (*model.Cluster, *model.Object) {
		if res == nil {
			return nil, nil
		}
		for _, c := range res.Fleet.Clusters {
			if c.Name == cluster {
				return c, c.Object(id)
			}
		}
		return nil, nil
	}
	for _, c := range clusters {
		for i := range c.Changes {
			ch := &c.Changes[i]
			if ch.Kind != diff.Modified {
				continue
			}
			for j := range ch.Fields {
				f := &ch.Fields[j]
				res := head
				if f.Op == diff.FieldRemoved {
					res = base
				}
				mc, o := find(res, c.Name, ch.Object)
				if o == nil {
					continue
				}
				f.Location = res.Locate(mc, o, f.Path)
			}
		}
	}
}

// PromotionResult is what promoting main to production changes.
type PromotionResult struct {
	// Main and Production are the branch names (the configuration's
	// branches.staging and branches.production; main and production by
	// default).
	Main       string `json:"main"`
	Production string `json:"production"`
	// Repositories are those whose production branch is at another commit
	// than main (or whose main is a working tree) and that a production
	// cluster reads at production, sorted by URL. Empty: nothing to
	// promote, and no cluster changes.
	Repositories []revision.Promoted `json:"repositories"`
	// Releases are the OCI artifacts a production cluster reads at a
	// release (latest-stable, a version, a semver range), sorted by URL:
	// the promotion reads them as the next release would publish them,
	// from main (render.Options.NextRelease). Empty when no production
	// cluster follows release tags.
	Releases []string `json:"releases,omitempty"`
	// Clusters are the production clusters (model.Branches.IsProduction),
	// sorted by name, each with the objects, chart versions and findings
	// the promotion changes; diff.Cluster.Changed is false for a cluster it
	// leaves as it is. Empty when no cluster is a production one.
	Clusters []diff.Cluster `json:"clusters"`
}

// Promotion answers "what would promoting main to production change on
// each production cluster?" without any checkout: it renders the fleet as
// opts describes it (the base), and again with the production branch of
// every mapped repository that has one replaced by the content of its main
// branch (the head; see revision.Promote). Both sides are judged with the
// engine's rules, settings, waivers and date, so each cluster also lists
// the findings the promotion introduces and fixes. opts.Clusters limits the
// clusters.
func (e *Engine) Promotion(ctx context.Context, opts Options) (*PromotionResult, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	defer guard.Lockdown()()
	e.compileRules()
	branches := e.Branches()
	mainBranch, prodBranch := branches.Main(), branches.Production()
	out := &PromotionResult{Main: mainBranch, Production: prodBranch, Repositories: []revision.Promoted{}, Clusters: []diff.Cluster{}}
	// The base renders while main's copies are made; but which checkouts
	// beside the fleet stand for a repository is known only once the base
	// has rendered, so with those the copies are made after.
	var p *revision.Promotion
	var perr error
	done := make(chan struct{})
	promote := func(o render.Options) {
		defer close(done)
		p, perr = revision.Promote(o, mainBranch, prodBranch)
	}
	if len(opts.Siblings) == 0 {
		go promote(opts.Options)
	}
	base, err := e.renderChecked(ctx, opts)
	if len(opts.Siblings) > 0 {
		if err != nil {
			return nil, err
		}
		promote(withFound(opts.Options, base.Fleet))
	}
	<-done
	if perr == nil {
		defer p.Close()
	}
	if err != nil {
		return nil, err
	}
	defer base.Close()
	if perr != nil {
		return nil, usage(perr)
	}
	prod := map[string]bool{}
	read := map[string]bool{}
	var names []string
	releases := map[string]bool{}
	for _, c := range base.Fleet.Clusters {
		if !branches.IsProduction(c) {
			continue
		}
		prod[c.Name] = true
		names = append(names, c.Name)
		for _, src := range c.Sources {
			if src.Resolved && src.Branch == prodBranch {
				read[source.NormalizeURL(src.URL)] = true
			}
			if src.Resolved && src.Kind == source.OCIRepository && source.ReleaseRef(src.Ref) {
				// d2: production follows release tags, and the next
				// release is cut from main.
				releases[src.URL] = true
			}
		}
	}
	out.Releases = slices.Sorted(maps.Keys(releases))
	for _, r := range p.Repositories {
		if read[r.URL] {
			out.Repositories = append(out.Repositories, r)
		}
	}
	only := func(fl *model.Fleet) *model.Fleet {
		o := &model.Fleet{Version: fl.Version}
		for _, c := range fl.Clusters {
			if prod[c.Name] {
				o.Clusters = append(o.Clusters, c)
			}
		}
		return o
	}
	if len(names) == 0 || len(out.Repositories) == 0 && len(out.Releases) == 0 {
		// Nothing to promote: every production cluster stays as it is.
		out.Clusters = diff.Fleets(only(base.Fleet), only(base.Fleet))
		return out, nil
	}
	head := opts
	head.Options = p.Options
	head.NextRelease = len(out.Releases) > 0
	if !p.FleetPromoted && !head.NextRelease {
		// The cluster folders are the same: only production clusters are
		// rendered again; the others complete the fleet for the rules.
		head.Clusters = names
	}
	var bres judged
	var berr error
	var wg sync.WaitGroup
	wg.Go(func() { bres, berr = e.judge(ctx, base, nil, opts.Profile) })
	h, herr := e.side(ctx, head, base.Fleet)
	wg.Wait()
	defer h.close()
	if berr != nil {
		return nil, berr
	}
	if herr != nil {
		return nil, fmt.Errorf("the promoted render: %w", herr)
	}
	for _, c := range h.fleet.Clusters {
		if branches.IsProduction(c) {
			prod[c.Name] = true
		}
	}
	out.Clusters = diff.Fleets(only(base.Fleet), only(h.fleet))
	diff.Findings(out.Clusters, bres.Findings, h.result.Findings)
	locateFields(out.Clusters, base, h.res)
	return out, nil
}

// withFound returns opts with the checkouts a render of them found beside
// the fleet (fl.Mappings) mapped as if the user had: a step that maps
// repositories before it renders (revision.Promote) reads them too.
func withFound(opts render.Options, fl *model.Fleet) render.Options {
	opts.Sources = slices.Clone(opts.Sources)
	for _, m := range fl.Mappings {
		if (m.Origin == model.MappingSiblingRemote || m.Origin == model.MappingSiblingName) && m.Revision == "" {
			opts.Sources = append(opts.Sources, source.Mapping{URL: m.URL, Path: m.Path, Branch: m.Branch, Origin: m.Origin, How: m.How})
		}
	}
	return opts
}
