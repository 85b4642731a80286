// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/fleet"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/schema"
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
	OutOfBand []config.Object
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
	// Schemas configures the validation of every rendered object against
	// its schema (see package schema).
	Schemas schema.Options
	// SkipSchemas turns schema validation off (Cluster.Schemas stays nil).
	SkipSchemas bool
}

// Renderer renders the clusters of a fleet. Builds are shared by every
// cluster that needs the same source revision, path and spec.
type Renderer struct {
	opts     Options
	resolver *source.Resolver
	builder  *builder
	// resolved memoises source resolution: every cluster asks for the same
	// few (url, ref) pairs, and planning one walks the repository's refs.
	resolved sync.Map
	// prefetches are builds started ahead of the graph walk.
	prefetches sync.WaitGroup
	// validator checks every object against its schema (nil: off).
	validator *schema.Validator
}

type resolveEntry struct {
	once sync.Once
	snap *source.Snapshot
	err  error
}

// resolve materialises a source revision once for every cluster.
func (r *Renderer) resolve(url string, ref source.Ref, ignore string) (*source.Snapshot, error) {
	key := source.NormalizeURL(url) + "\x00" + ref.Branch + "\x00" + ref.Tag + "\x00" + ref.SemVer + "\x00" + ref.Name + "\x00" + ref.Commit + "\x00" + ignore
	v, _ := r.resolved.LoadOrStore(key, &resolveEntry{})
	e := v.(*resolveEntry)
	e.once.Do(func() { e.snap, e.err = r.resolver.Resolve(url, ref, ignore) })
	return e.snap, e.err
}

// New prepares a renderer; Close removes its snapshots.
func New(opts Options) (*Renderer, error) {
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
	r := &Renderer{opts: opts, resolver: res, builder: newBuilder(opts.BuildTimeout)}
	if !opts.SkipSchemas {
		if r.validator, err = schema.New(opts.Schemas); err != nil {
			if errors.Is(err, schema.ErrUsage) {
				return nil, usageError{err}
			}
			return nil, err
		}
	}
	return r, nil
}

// validate records the schema verdicts in the cluster's model.
func (r *Renderer) validate(c *model.Cluster) {
	if r.validator == nil {
		return
	}
	defer func() {
		// A bug must cost one cluster's validation, not the run.
		if p := recover(); p != nil {
			c.Problems = append(c.Problems, &model.Problem{Kind: model.ProblemCluster,
				Reason: fmt.Sprintf("internal error validating cluster %s: %v\n%s", c.Name, p, debug.Stack())})
		}
	}()
	r.validator.Validate(c)
	r.locateFields(c)
}

// locateFields points each schema error at the line that sets its field:
// the patch that set it, or the object's own document.
func (r *Renderer) locateFields(c *model.Cluster) {
	for _, o := range c.Objects {
		if o.Schema == nil || len(o.Schema.Errors) == 0 {
			continue
		}
		for i := range o.Schema.Errors {
			e := &o.Schema.Errors[i]
			if loc := r.Locate(c, o, e.Segments); loc != nil && *loc != o.Location {
				e.Location = loc
			}
		}
	}
}

// Close removes the source snapshots.
func (r *Renderer) Close() error { return r.resolver.Close() }

// Builds reports how many kustomize builds ran (shared builds count once).
func (r *Renderer) Builds() int64 { return r.builder.count.Load() }

// Render renders every selected cluster. A cluster that cannot be rendered
// is still returned, with its problems: one broken cluster never hides the
// others.
func (r *Renderer) Render(ctx context.Context) (*model.Fleet, error) {
	warmSchema()
	specs, err := fleet.Discover(r.opts.FleetPath, r.opts.Clusters)
	if err != nil {
		return nil, usageError{err}
	}
	for _, s := range specs {
		if s.Assumed {
			s.URL = fleetURL(r.opts, specs)
		}
	}
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
			r.validate(out.Clusters[i])
		}()
	}
	wg.Wait()
	r.prefetches.Wait()
	return out, nil
}

// fleetURL names the fleet repository for clusters that declare no sync.
func fleetURL(opts Options, specs []*fleet.Cluster) string {
	if opts.FleetURL != "" {
		return opts.FleetURL
	}
	for _, s := range specs {
		if !s.Assumed && s.URL != "" {
			return s.URL
		}
	}
	abs, err := filepath.Abs(opts.FleetPath)
	if err != nil {
		abs = opts.FleetPath
	}
	return "local/" + filepath.Base(abs)
}

// mapFleet maps the fleet's own URL to its working tree, which stands for
// the branch the clusters' roots sync (d1: always main).
func (r *Renderer) mapFleet(specs []*fleet.Cluster) error {
	branches := fleetBranches(specs, r.opts.FleetBranch)
	urls := make([]string, 0, len(branches))
	for u := range branches {
		urls = append(urls, u)
	}
	sort.Strings(urls)
	for _, u := range urls {
		if err := r.resolver.AddMapping(source.Mapping{URL: u, Path: r.opts.FleetPath, Branch: branches[u]}); err != nil {
			return usagef("mapping the fleet repository: %w", err)
		}
	}
	return nil
}

// fleetBranches maps each fleet repository URL (normalised) the clusters'
// roots sync to the branch its working tree stands for: fleetBranch when
// set, else the branch most roots sync.
func fleetBranches(specs []*fleet.Cluster, fleetBranch string) map[string]string {
	counts := map[string]map[string]int{}
	for _, s := range specs {
		if s.URL == "" {
			continue
		}
		u := source.NormalizeURL(s.URL)
		if counts[u] == nil {
			counts[u] = map[string]int{}
		}
		counts[u][s.Ref.Branch]++
	}
	out := map[string]string{}
	for u, bs := range counts {
		branch := fleetBranch
		if branch == "" {
			best := -1
			for b, n := range bs {
				if n > best || n == best && b < branch {
					branch, best = b, n
				}
			}
		}
		out[u] = branch
	}
	return out
}

// FleetBranches is, for the fleet opts names, each fleet repository URL
// (normalised) and the branch its working tree stands for, as Render maps
// them; empty when the cluster folders cannot be read (Render says why).
func FleetBranches(opts Options) map[string]string {
	specs, err := fleet.Discover(opts.FleetPath, opts.Clusters)
	if err != nil {
		return map[string]string{}
	}
	url := fleetURL(opts, specs)
	for _, s := range specs {
		if s.Assumed {
			s.URL = url
		}
	}
	return fleetBranches(specs, opts.FleetBranch)
}

func (r *Renderer) renderCluster(ctx context.Context, spec *fleet.Cluster) (out *model.Cluster) {
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
		if len(o.Clusters) > 0 && !contains(o.Clusters, spec.Name) {
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

// OptionsFromConfig turns a .d1lint.yaml into render options: the fleet,
// its URL and branch, the source mappings (paths resolved against the
// file) and the out-of-band objects. cfg may be nil (d1's defaults).
func OptionsFromConfig(cfg *config.Config) Options {
	opts := Options{OutOfBand: cfg.OutOfBandObjects()}
	if cfg == nil {
		return opts
	}
	opts.FleetPath, opts.FleetURL, opts.FleetBranch = cfg.FleetPath(), cfg.FleetURL, cfg.FleetBranch
	for _, s := range cfg.Sources {
		opts.Sources = append(opts.Sources, source.Mapping{URL: s.URL, Path: cfg.Resolve(s.Path), Branch: s.Branch})
	}
	opts.Schemas.KubeVersion = cfg.KubeVersion
	for _, l := range cfg.SchemaLocations {
		opts.Schemas.Locations = append(opts.Schemas.Locations, cfg.Resolve(l))
	}
	return opts
}
