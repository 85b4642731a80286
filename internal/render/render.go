// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/d1lint/d1lint/internal/fleet"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/source"
)

// ErrUsage marks errors in what the user asked for (a missing fleet path,
// an unknown cluster): exit status 2. Test with errors.Is.
var ErrUsage = errors.New("usage error")

// usageError is an error in what the user asked for. It reads as its
// cause alone and matches ErrUsage.
type usageError struct{ err error }

func (e usageError) Error() string        { return e.err.Error() }
func (e usageError) Unwrap() error        { return e.err }
func (e usageError) Is(target error) bool { return target == ErrUsage }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// Options say what to render.
type Options struct {
	// FleetPath is the fleet repository's local path.
	FleetPath string
	// FleetURL is the fleet repository's URL, for clusters whose folder
	// declares no sync (default: taken from the clusters' syncs, else
	// "local/<folder name>").
	FleetURL string
	// FleetBranch is the branch the fleet's working tree stands for
	// (default: the branch most clusters' root syncs follow).
	FleetBranch string
	// Sources map the other repositories' URLs to local paths.
	Sources []source.Mapping
	// OutOfBand are objects that exist on the clusters without being in git.
	OutOfBand []model.OutOfBandObject
	// Clusters limits the render to these clusters.
	Clusters []string
	// Concurrency is how many clusters render at once (default GOMAXPROCS).
	Concurrency int
	// BuildTimeout bounds one kustomize build (default 60s).
	BuildTimeout time.Duration
	// TempDir is where source snapshots are written (default os.TempDir()).
	TempDir string
	// Getenv reads the environment (default os.Getenv); GITHUB_BASE_REF is read.
	Getenv func(string) string
	// Then, when set, is the next stage of the pipeline (schema
	// validation): it runs on each cluster as soon as that cluster is
	// rendered, on the cluster's goroutine, so that it overlaps with the
	// rendering of the others. A panic in it costs that cluster a problem,
	// not the run.
	Then func(*model.Cluster)
}

// renderer renders the clusters of a fleet. Builds are shared by every
// cluster that needs the same source revision, path and spec.
type renderer struct {
	opts     Options
	resolver *source.Resolver
	builder  *builder
	// resolved memoises source resolution: every cluster asks for the same
	// few (url, ref) pairs, and planning one walks the repository's refs.
	resolved sync.Map
	// prefetches are builds started ahead of the graph walk.
	prefetches sync.WaitGroup
}

type resolveEntry struct {
	once sync.Once
	snap *source.Snapshot
	err  error
}

// resolve materialises a source revision once for every cluster.
func (r *renderer) resolve(url string, ref source.Ref, ignore string) (*source.Snapshot, error) {
	key := source.NormalizeURL(url) + "\x00" + ref.Branch + "\x00" + ref.Tag + "\x00" + ref.SemVer + "\x00" + ref.Name + "\x00" + ref.Commit + "\x00" + ignore
	v, _ := r.resolved.LoadOrStore(key, &resolveEntry{})
	e := v.(*resolveEntry)
	e.once.Do(func() { e.snap, e.err = r.resolver.Resolve(url, ref, ignore) })
	return e.snap, e.err
}

// Result is a rendered fleet. It owns the source snapshots the render
// read, so that findings can still be located in them (Locate) until Close
// removes them.
type Result struct {
	// Fleet is the model of every selected cluster.
	Fleet *model.Fleet
	r     *renderer
}

// Close removes the source snapshots.
func (x *Result) Close() error { return x.r.resolver.Close() }

// Builds reports how many kustomize builds ran (shared builds count once).
func (x *Result) Builds() int64 { return x.r.builder.count.Load() }

// Render renders every selected cluster of the fleet opts names. A cluster
// that cannot be rendered is still in the result, with its problems: one
// broken cluster never hides the others. Errors match ErrUsage when the
// options are wrong (no fleet folder, an unknown cluster, a bad mapping);
// nothing is left to close then.
func Render(ctx context.Context, opts Options) (*Result, error) {
	r, err := newRenderer(opts)
	if err != nil {
		return nil, err
	}
	fl, err := r.render(ctx)
	if err != nil {
		_ = r.resolver.Close()
		return nil, err
	}
	return &Result{Fleet: fl, r: r}, nil
}

func newRenderer(opts Options) (*renderer, error) {
	if opts.BuildTimeout == 0 {
		opts.BuildTimeout = 60 * time.Second
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = runtime.GOMAXPROCS(0)
	}
	st, err := os.Stat(opts.FleetPath)
	if err != nil || !st.IsDir() {
		return nil, usagef("fleet path %q is not a folder", opts.FleetPath)
	}
	res, err := source.NewResolver(opts.Sources, source.Options{TempDir: opts.TempDir, Getenv: opts.Getenv})
	if err != nil {
		return nil, usageError{err}
	}
	return &renderer{opts: opts, resolver: res, builder: newBuilder(opts.BuildTimeout)}, nil
}

// then runs the next stage on a rendered cluster.
func (r *renderer) then(c *model.Cluster) {
	if r.opts.Then == nil {
		return
	}
	defer func() {
		// A bug must cost one cluster's later stage, not the run.
		if p := recover(); p != nil {
			c.Problems = append(c.Problems, &model.Problem{Kind: model.ProblemCluster,
				Reason: fmt.Sprintf("internal error checking cluster %s: %v\n%s", c.Name, p, debug.Stack())})
		}
	}()
	r.opts.Then(c)
}

func (r *renderer) render(ctx context.Context) (*model.Fleet, error) {
	warmSchema()
	specs, err := fleet.Discover(r.opts.FleetPath, r.opts.Clusters)
	if err != nil {
		return nil, usageError{err}
	}
	fleet.AssumeURL(specs, r.opts.FleetURL, r.opts.FleetPath)
	if err := r.mapFleet(specs); err != nil {
		return nil, err
	}
	out := &model.Fleet{Version: model.Version, Clusters: make([]*model.Cluster, len(specs))}
	sem := make(chan struct{}, r.opts.Concurrency)
	var wg sync.WaitGroup
	for i, spec := range specs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out.Clusters[i] = r.renderCluster(ctx, spec)
			r.then(out.Clusters[i])
			// Last: what the render and the next stage left out.
			out.Clusters[i].Assess()
		}()
	}
	wg.Wait()
	r.prefetches.Wait()
	return out, nil
}

// mapFleet maps the fleet's own URL to its working tree, which stands for
// the branch the clusters' roots sync (d1: always main).
func (r *renderer) mapFleet(specs []*fleet.Cluster) error {
	branches := fleet.Branches(specs, r.opts.FleetBranch)
	for _, u := range slices.Sorted(maps.Keys(branches)) {
		if err := r.resolver.AddMapping(source.Mapping{URL: u, Path: r.opts.FleetPath, Branch: branches[u]}); err != nil {
			return usagef("mapping the fleet repository: %w", err)
		}
	}
	return nil
}

func (r *renderer) renderCluster(ctx context.Context, spec *fleet.Cluster) (out *model.Cluster) {
	out = &model.Cluster{Name: spec.Name, Path: spec.Path, Era: spec.Era, Root: "flux-system/flux-system",
		Sources: []*model.Source{}, Kustomizations: []*model.Kustomization{}, Objects: []*model.Object{},
		Variables: []*model.VarRef{}, HelmReleases: []*model.HelmRelease{}, Problems: []*model.Problem{}}
	c := &clusterRender{r: r, spec: spec, out: out, store: map[string]*stored{}, nodes: map[string]*node{}, snaps: map[string]*sourceResult{}}
	defer func() {
		// A bug must cost one cluster, not the run.
		if p := recover(); p != nil {
			out.Problems = append(out.Problems, &model.Problem{Kind: model.ProblemCluster,
				Reason: fmt.Sprintf("internal error rendering cluster %s: %v\n%s", spec.Name, p, debug.Stack())})
		}
		c.finish()
	}()
	if spec.Problem != "" {
		c.problem(&model.Problem{Kind: model.ProblemCluster, Location: &model.Location{Path: spec.Path}, Reason: spec.Problem})
		return out
	}
	for _, o := range r.opts.OutOfBand {
		if len(o.Clusters) > 0 && !slices.Contains(o.Clusters, spec.Name) {
			continue
		}
		obj := map[string]any{"apiVersion": o.APIVersion, "kind": o.Kind,
			"metadata": map[string]any{"name": o.Name, "namespace": o.Namespace, "labels": toAny(o.Labels)}}
		c.put(o.Kind, o.Namespace, o.Name, &stored{obj: obj, from: fromOutOfBand, keys: o.Keys})
	}
	root, err := c.root()
	if err != nil {
		c.problem(&model.Problem{Kind: model.ProblemCluster, Location: &model.Location{Path: spec.Path}, Reason: err.Error()})
		return out
	}
	c.render(ctx, root)
	return out
}

func toAny(m map[string]string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// finish orders the model and derives the per-cluster facts.
func (c *clusterRender) finish() {
	out := c.out
	ordered := applyOrder(c.order)
	for _, n := range ordered {
		out.Kustomizations = append(out.Kustomizations, n.m)
		out.Objects = append(out.Objects, sortObjects(n.objects)...)
	}
	out.Generated = c.gen
	sort.Slice(out.Sources, func(i, j int) bool { return out.Sources[i].Key < out.Sources[j].Key })
	sort.SliceStable(out.Variables, func(i, j int) bool {
		a, b := out.Variables[i], out.Variables[j]
		if a.Kustomization != b.Kustomization {
			return a.Kustomization < b.Kustomization
		}
		if ka, kb := objKey(a.Object), objKey(b.Object); ka != kb {
			return ka < kb
		}
		if a.Field != b.Field {
			return a.Field < b.Field
		}
		return a.Name < b.Name
	})
	sort.SliceStable(out.Problems, func(i, j int) bool { return problemKey(out.Problems[i]) < problemKey(out.Problems[j]) })
	for _, o := range out.Objects {
		if o.NotApplied != "" {
			// Flux never applies it: no runtime-info, no HelmRelease.
			continue
		}
		switch {
		case o.Kind == "ConfigMap" && o.Namespace == "flux-system" && o.Name == "flux-runtime-info":
			out.RuntimeInfo = stringMap(o.Object["data"])
			l := o.Location
			out.RuntimeInfoLocation = &l
			out.Environment = out.RuntimeInfo["ENVIRONMENT"]
		case o.Kind == "HelmRelease" && strings.HasPrefix(o.APIVersion, "helm.toolkit.fluxcd.io/"):
			out.HelmReleases = append(out.HelmReleases, helmRelease(o))
		}
	}
	if c.spec.Era == fleet.EraOperator {
		c.operatorFlux()
	}
}

func objKey(id model.ObjectID) string { return id.Kind + "/" + id.Namespace + "/" + id.Name }

func problemKey(p *model.Problem) string {
	loc := ""
	if p.Location != nil {
		loc = fmt.Sprintf("%s/%s:%08d", p.Location.Repo, p.Location.Path, p.Location.Line)
	}
	return p.Kustomization + "\x00" + loc + "\x00" + p.Kind + "\x00" + p.Reason
}

func helmRelease(o *model.Object) *model.HelmRelease {
	hr := &model.HelmRelease{ObjectID: o.ObjectID, AppliedBy: o.AppliedBy, Location: o.Location}
	spec := nestedMap(o.Object, "spec")
	hr.ServiceAccountName = str(spec["serviceAccountName"])
	hr.TargetNamespace = str(spec["targetNamespace"])
	hr.StorageNamespace = str(spec["storageNamespace"])
	ns := nsOrDefault(o.Namespace)
	if cs := nestedMap(nestedMap(spec, "chart"), "spec"); cs != nil {
		hr.Chart, hr.Version = str(cs["chart"]), str(cs["version"])
		sr := nestedMap(cs, "sourceRef")
		srcNS := str(sr["namespace"])
		if srcNS == "" {
			srcNS = ns
		}
		hr.Source = str(sr["kind"]) + "/" + srcNS + "/" + str(sr["name"])
	} else if cr := nestedMap(spec, "chartRef"); cr != nil {
		srcNS := str(cr["namespace"])
		if srcNS == "" {
			srcNS = ns
		}
		hr.Chart = str(cr["name"])
		hr.Source = str(cr["kind"]) + "/" + srcNS + "/" + str(cr["name"])
	}
	return hr
}

// fleetSnapshot returns the snapshot of the fleet repository for a cluster.
func (c *clusterRender) fleetSnapshot() (*source.Snapshot, error) {
	return c.r.resolve(c.spec.URL, c.spec.Ref, "")
}
