// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	pcache "github.com/d1lint/d1lint/internal/cache"
	"github.com/d1lint/d1lint/internal/charts"
	"github.com/d1lint/d1lint/internal/fleet"
	"github.com/d1lint/d1lint/internal/memo"
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
	// FleetURL is the fleet repository's URL: the repository the fleet
	// checkout is, the only one read from it (default: decided by
	// fleet.Identify from the checkout's git remotes, else the URL most
	// clusters' roots sync, else "local/<folder name>"). Clusters whose
	// folder declares no sync follow it.
	FleetURL string
	// FleetURLHow says how FleetURL was decided when a caller decided it
	// rather than the user (default: fleet.HowConfiguration): a copy that
	// stands in for the working tree has no git remotes, so revision passes
	// the working tree's identity on.
	FleetURLHow string
	// FleetBranch is the branch the fleet's working tree stands for
	// (default: the branch most clusters' root syncs follow).
	FleetBranch string
	// FleetProblems, when FleetPath is a copy of another revision (package
	// revision), are the files of that revision the copy lacks because they
	// were dropped (symlinks) or refused (hazards), relative to FleetPath
	// (source.Mapping.Problems): the render reports them as it reports
	// those of a working tree.
	FleetProblems []source.FileProblem
	// FleetDisplay, when FleetPath is a copy of another revision, is the
	// fleet checkout's path as the user gave it, and FleetRevision the
	// revision copied: what reports show instead of the copy's folder.
	FleetDisplay, FleetRevision string
	// FleetFound, when set, says how the fleet folder was found when the
	// user named none ("found beside the current checkout").
	FleetFound string
	// Sources map the other repositories' URLs to local paths.
	Sources []source.Mapping
	// Siblings are the git checkouts beside the fleet (and beside the
	// current checkout): a URL no mapping names is read from those that
	// stand for it (source.MatchSiblings).
	Siblings []source.Sibling
	// Artifacts are the configuration's rules mapping OCI artifacts to
	// folders of git repositories (artifacts: in .d1lint.yaml); the rules
	// read from the CI workflows of the fleet and its siblings, then d2's
	// conventions, follow them (source.Artifacts).
	Artifacts []source.ArtifactRule
	// NextRelease renders what the next release would publish: OCI
	// artifacts that follow releases (latest-stable, a version, a semver
	// range) are read where latest is built from, main (diff --promote of
	// tag-following clusters).
	NextRelease bool
	// OutOfBand are objects that exist on the clusters without being in git.
	OutOfBand []model.OutOfBandObject
	// Clusters limits the render to these clusters.
	Clusters []string
	// Select, when set, renders only the clusters whose name it accepts (a
	// shard of the fleet: d1lint check --shard), chosen among those a
	// render without it would render, once the fleet's identity is decided
	// from all of them. Result.Positions says where each rendered cluster
	// stands among those. An explicit mapping none of the rendered clusters
	// names gets no "matched nothing" warning: another shard's may name it
	// (UnusedWarning, once the shards are merged).
	Select func(name string) bool
	// ClusterEntries, when set, are the fleet's clusters as the
	// configuration lists them (clusters: in .d1lint.yaml); otherwise they
	// are discovered by content (fleet.Discover).
	ClusterEntries []fleet.Entry
	// Concurrency is how many clusters render at once (default twice
	// GOMAXPROCS: a cluster often waits for work another cluster does
	// for both, a chart loading or a build, and the next uses the core).
	Concurrency int
	// BuildTimeout bounds one kustomize build (default 60s).
	BuildTimeout time.Duration
	// TempDir is where source snapshots are written (default os.TempDir()).
	TempDir string
	// Getenv reads the environment (default os.Getenv); GITHUB_BASE_REF is read.
	Getenv func(string) string
	// ChartDirs are the chart cache folders HelmReleases' packaged charts
	// are read from (none: charts in git still render; see package
	// charts for the layout).
	ChartDirs []string
	// ProviderInputs are the inputs of ResourceSetInputProviders d1lint
	// cannot read offline (a GitHub pull request provider...), keyed
	// "<namespace>/<name>", as the configuration gives them.
	ProviderInputs map[string][]map[string]any
	// KubeVersion is the Kubernetes release Helm's Capabilities report to
	// charts ("1.34"; default: Helm's).
	KubeVersion string
	// CacheDir, when set, is the persistent cache's folder (internal/cache):
	// chart renders and kustomize builds are read from it and written to
	// it. A folder that cannot be opened leaves the render without a cache.
	CacheDir string
	// CacheMaxSize bounds the persistent cache (cache.DefaultMaxSize when
	// 0).
	CacheMaxSize int64
	// Then, when set, is the next stage of the pipeline (schema
	// validation): it runs on each cluster as soon as that cluster is
	// rendered, on the cluster's goroutine, so that it overlaps with the
	// rendering of the others. A panic in it costs that cluster a problem,
	// not the run.
	Then func(*model.Cluster)
	// Prefetch, when set, is handed each build's and each chart release's
	// objects as soon as the render has them, with the Flux version of the
	// cluster they are for, so that the next stage can prepare while the
	// render goes on (schema validation compiles the schemas they need).
	// It is called from the render's goroutines, several at once, and
	// must return at once; it must not modify the objects.
	Prefetch func(flux string, objs []*model.Object)
	// Done, when set, is the last stage on each cluster: it runs once the
	// cluster is rendered, through Then, and assessed (Cluster.Assess), on
	// the cluster's goroutine. A panic in it costs that cluster a problem,
	// not the run.
	Done func(Rendered)
	// Reuse, when set, is asked before each cluster is rendered whether
	// an earlier verdict on it stands (see Reuser); a cluster it returns a
	// stand-in for is neither rendered nor handed to Then or Done.
	Reuse Reuser
}

// chartRendersKept bounds the chart renders a run keeps in memory for
// other clusters (renderer.chartRenders).
const chartRendersKept = 256

// renderer renders the clusters of a fleet. Builds are shared by every
// cluster that needs the same source revision, path and spec.
type renderer struct {
	opts     Options
	resolver *source.Resolver
	builder  *builder
	// resolved memoises source resolution: every cluster asks for the same
	// few (url, ref) pairs, and planning one walks the repository's refs.
	resolved sync.Map
	// identities memoises the inputs' identities (identify).
	identities sync.Map
	// prefetches are builds started ahead of the graph walk.
	prefetches sync.WaitGroup
	// fleet is the repository the fleet checkout is (mapFleet maps it).
	fleet fleet.Identity
	// fleetDir is the local folder mapped for it: the fleet folder, or
	// the top-level of the git repository holding it when the clusters'
	// paths start there (fleet.Layout.RepoRoot: a monorepo).
	fleetDir string
	// fleetPrefix is the fleet folder relative to fleetDir ("" when the
	// same).
	fleetPrefix string
	// mapped are the normalised URLs the user mapped (opts.Sources).
	mapped map[string]bool
	// chartLoads and chartRenders memoise chart loads and renders across
	// clusters; chartCount counts the renders that ran.
	chartLoads, chartMentions, chartCRDs sync.Map
	// chartRenders is bounded (package memo): a render that only one
	// cluster's values produce is dropped in time.
	chartRenders *memo.Map[string, *chartRender]
	chartCount   atomic.Int64
	// interned are the objects of chart renders read from the persistent
	// cache, by the SHA-256 of their encoding (internObject).
	interned memo.Map[[sha256.Size]byte, decoded]
	// rsLines memoises the lines of ResourceSets' templates
	// (resourceSetLines).
	rsLines sync.Map
	// helmSlots bounds the chart renders that run at once (Concurrency).
	helmSlots chan struct{}
	// cache is the persistent cache (nil: none); stores are the chart
	// renders being written to it (storeRender).
	cache  *pcache.Cache
	stores sync.WaitGroup
	// charts is the chart cache (nil: none).
	charts *charts.Cache
	// artifacts map OCI artifacts to git (newArtifacts).
	artifacts *source.Artifacts
	// positions are where the rendered clusters stand among the clusters
	// discovered (Options.Select), and discovered how many those are.
	positions  []int
	discovered int
}

type resolveEntry struct {
	once sync.Once
	snap *source.Snapshot
	err  error
}

// resolve materialises a source revision once for every cluster.
func (r *renderer) resolve(url string, ref source.Ref, ignore string) (*source.Snapshot, error) {
	key := source.NormalizeURL(url) + "\x00" + ref.Branch + "\x00" + ref.Tag + "\x00" + ref.SemVer + "\x00" + ref.TagPrefix + "\x00" + ref.Name + "\x00" + ref.Commit + "\x00" + ignore
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

// Close removes the source snapshots and closes the chart cache.
func (x *Result) Close() error { return x.r.close() }

// close releases what the renderer holds.
func (r *renderer) close() error {
	err := r.resolver.Close()
	if r.charts != nil {
		err = errors.Join(err, r.charts.Close())
	}
	r.stores.Wait()
	// Eviction's errors are the cache's business: the run is done.
	_ = r.cache.Close()
	return err
}

// Positions returns where each cluster of Fleet stands among the clusters
// a render without Options.Select renders (its index in their order), and
// how many those are. Without Select, the positions are 0, 1, 2....
func (x *Result) Positions() (positions []int, of int) {
	return x.r.positions, x.r.discovered
}

// Builds reports how many kustomize builds ran (shared builds count once).
func (x *Result) Builds() int64 { return x.r.builder.count.Load() }

// ChartRenders reports how many chart renders ran (shared renders count
// once).
func (x *Result) ChartRenders() int64 { return x.r.chartCount.Load() }

// Render renders every selected cluster of the fleet opts names. A cluster
// that cannot be rendered is still in the result, with its problems: one
// broken cluster never hides the others. Errors match ErrUsage when the
// options are wrong (no fleet folder, an unknown cluster, a bad mapping);
// nothing is left to close then.
//
// When ctx is done (a signal), the render stops: the builds under way are
// abandoned (kustomize cannot be interrupted), no cluster starts, the
// snapshots are removed, and the error wraps context.Cause(ctx).
func Render(ctx context.Context, opts Options) (*Result, error) {
	r, err := newRenderer(opts)
	if err != nil {
		return nil, err
	}
	return r.run(ctx)
}

// run renders the fleet and hands the result, with its snapshots, over.
func (r *renderer) run(ctx context.Context) (*Result, error) {
	fl, err := r.render(ctx)
	if err == nil && ctx.Err() != nil {
		err = fmt.Errorf("rendering stopped: %w", context.Cause(ctx))
	}
	if err != nil {
		_ = r.close()
		return nil, err
	}
	return &Result{Fleet: fl, r: r}, nil
}

func newRenderer(opts Options) (*renderer, error) {
	if opts.BuildTimeout == 0 {
		opts.BuildTimeout = 60 * time.Second
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 2 * runtime.GOMAXPROCS(0)
	}
	if err := checkFleetFolder(opts.FleetPath); err != nil {
		return nil, err
	}
	res, err := source.NewResolver(opts.Sources, source.Options{TempDir: opts.TempDir, Getenv: opts.Getenv, Siblings: opts.Siblings})
	if err != nil {
		return nil, usageError{err}
	}
	mapped := map[string]bool{}
	for _, m := range opts.Sources {
		mapped[source.NormalizeURL(m.URL)] = true
	}
	var cache *charts.Cache
	if len(opts.ChartDirs) > 0 {
		if cache, err = charts.OpenCache(opts.ChartDirs...); err != nil {
			_ = res.Close()
			return nil, usagef("the chart cache: %w", err)
		}
	}
	arts, err := newArtifacts(opts)
	if err != nil {
		_ = res.Close()
		if cache != nil {
			_ = cache.Close()
		}
		return nil, usageError{err}
	}
	// The persistent cache only saves time: one that cannot be opened (a
	// read-only home) leaves the run as it would be without it.
	var persistent *pcache.Cache
	if opts.CacheDir != "" {
		persistent, _ = pcache.Open(opts.CacheDir, opts.CacheMaxSize)
	}
	return &renderer{opts: opts, resolver: res, builder: newBuilder(opts.BuildTimeout, persistent), mapped: mapped, charts: cache,
		helmSlots: make(chan struct{}, opts.Concurrency),
		// A render holds every object of a release: few are kept, enough
		// for the clusters rendering at once to share theirs.
		chartRenders: memo.New[string, *chartRender](chartRendersKept), artifacts: arts, cache: persistent}, nil
}

// newArtifacts returns the rules that map OCI artifacts to git: the
// configuration's, then those the CI workflows of the fleet checkout and
// its siblings push with (source.WorkflowRules: the checkouts d1lint may
// read anyway, and nothing else), then d2's conventions.
func newArtifacts(opts Options) (*source.Artifacts, error) {
	var found []source.ArtifactRule
	found = append(found, source.WorkflowRules(opts.FleetPath, opts.FleetURL)...)
	for _, s := range opts.Siblings {
		url := ""
		for _, rm := range s.Remotes {
			for _, u := range rm.URLs {
				if url == "" && !source.IsLocalURL(u) {
					url = source.RedactURL(u)
				}
			}
		}
		found = append(found, source.WorkflowRules(s.Path, url)...)
	}
	a, err := source.NewArtifacts(opts.Artifacts, found)
	if err == nil && opts.NextRelease {
		a = a.NextRelease()
	}
	return a, err
}

// checkFleetFolder says what is wrong with the fleet folder, in the
// user's terms: what it is, and what to pass instead, never the bare
// "stat: no such file or directory" of the OS.
func checkFleetFolder(dir string) error {
	const fix = "pass --fleet with the folder of the fleet repository's checkout"
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return usagef("the fleet folder %s does not exist; %s", dir, fix)
	case errors.Is(err, fs.ErrPermission):
		return usagef("reading the fleet folder %s: permission denied", dir)
	case err != nil:
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is named once, as the user wrote it
		}
		return usagef("reading the fleet folder %s: %w", dir, err)
	case !st.IsDir() && (strings.HasSuffix(dir, ".yaml") || strings.HasSuffix(dir, ".yml")):
		return usagef("the fleet folder %s is a file; %s (a .d1lint.yaml goes to --config)", dir, fix)
	case !st.IsDir():
		return usagef("the fleet folder %s is a file, not a folder; %s", dir, fix)
	}
	return nil
}

// then runs the next stage on a rendered cluster.
func (r *renderer) then(c *model.Cluster) {
	if r.opts.Then != nil {
		stage(c, "checking", func() { r.opts.Then(c) })
	}
}

// stage runs a later stage on a cluster: a bug in it costs that cluster a
// problem, not the run.
func stage(c *model.Cluster, doing string, f func()) {
	defer func() {
		if p := recover(); p != nil {
			c.Problems = append(c.Problems, &model.Problem{Kind: model.ProblemCluster,
				Reason: fmt.Sprintf("internal error %s cluster %s: %v\n%s", doing, c.Name, p, debug.Stack())})
		}
	}()
	f()
}

// Rendered is a rendered cluster as Options.Done receives it.
type Rendered struct {
	Cluster *model.Cluster
	// Spec is the cluster as the fleet's discovery found it.
	Spec *fleet.Cluster
	// Inputs are the source revisions the render read; nil when a bug cut
	// it short.
	Inputs []Input
	// Locate points a field of one of the cluster's objects at the line
	// that sets it, as Result.Locate does once the render is over.
	Locate func(c *model.Cluster, o *model.Object, path []string) *model.Location
}

// done runs the last stage on a rendered, assessed cluster.
func (r *renderer) done(c *model.Cluster, spec *fleet.Cluster, ins []Input) {
	if r.opts.Done == nil {
		return
	}
	stage(c, "judging", func() {
		r.opts.Done(Rendered{Cluster: c, Spec: spec, Inputs: ins, Locate: func(c *model.Cluster, o *model.Object, path []string) *model.Location {
			return r.locate(c, c.Kustomization(o.AppliedBy), o, path)
		}})
	})
}

func (r *renderer) render(ctx context.Context) (*model.Fleet, error) {
	warmSchema()
	layout, err := fleet.Discover(r.opts.FleetPath, r.discoverOptions())
	if err != nil {
		return nil, usageError{err}
	}
	specs := layout.Clusters
	r.fleetDir, r.fleetPrefix = r.opts.FleetPath, layout.Prefix
	if layout.Prefix != "" {
		r.fleetDir = layout.RepoRoot
	}
	if err := r.identify(specs); err != nil {
		return nil, err
	}
	fleet.AssumeURL(specs, r.fleet.URL, r.opts.FleetPath)
	if err := r.mapFleet(); err != nil {
		return nil, err
	}
	specs = r.selectClusters(specs)
	out := &model.Fleet{Version: model.Version, Clusters: make([]*model.Cluster, len(specs))}
	sem := make(chan struct{}, r.opts.Concurrency)
	var wg sync.WaitGroup
clusters:
	for i, spec := range specs {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			break clusters // stopped: no other cluster starts (run says why)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if r.opts.Reuse != nil {
				if c := r.opts.Reuse(spec, r.identifyInput); c != nil {
					out.Clusters[i] = c
					return
				}
			}
			var ins []Input
			out.Clusters[i], ins = r.renderCluster(ctx, spec)
			if ctx.Err() != nil {
				return // stopped: nothing more is worth doing
			}
			r.then(out.Clusters[i])
			// Last: what the render and the next stage left out.
			out.Clusters[i].Assess()
			r.done(out.Clusters[i], spec, ins)
		}()
	}
	wg.Wait()
	r.prefetches.Wait()
	if ctx.Err() == nil {
		out.Mappings = r.mappings(out)
	}
	return out, nil
}

// selectClusters keeps the clusters Options.Select accepts, and notes
// where each stands among those discovered.
func (r *renderer) selectClusters(specs []*fleet.Cluster) []*fleet.Cluster {
	r.discovered = len(specs)
	kept := specs[:0:0]
	for i, spec := range specs {
		if r.opts.Select == nil || r.opts.Select(spec.Name) {
			kept = append(kept, spec)
			r.positions = append(r.positions, i)
		}
	}
	return kept
}

// discoverOptions are what fleet.Discover needs of the options.
func (r *renderer) discoverOptions() fleet.Options {
	return fleet.Options{Only: r.opts.Clusters, Entries: r.opts.ClusterEntries, FleetURL: r.opts.FleetURL, Artifacts: r.artifacts}
}

// identify decides which repository the fleet checkout is, from every
// cluster of the fleet whatever the selection (fleet.Identify).
func (r *renderer) identify(specs []*fleet.Cluster) error {
	known := fleet.Identity{URL: r.opts.FleetURL, How: r.opts.FleetURLHow, Branch: r.opts.FleetBranch}
	if len(r.opts.Clusters) == 0 {
		r.fleet = fleet.Identify(r.opts.FleetPath, specs, known)
		return nil
	}
	id, err := fleet.IdentifyAt(r.opts.FleetPath, known, r.discoverOptions())
	if err != nil {
		return usageError{err}
	}
	r.fleet = id
	return nil
}

// mapFleet maps the fleet's own URL, and only it, to its working tree,
// which stands for the branch the clusters' roots sync (d1: always main).
// A root that syncs another URL reads that repository, as Flux would: from
// the user's mapping of it, else not at all (foreignSync). A fleet in a
// subfolder of a monorepo maps the whole repository: Flux's artifact of a
// GitRepository is the repository, and the roots' spec.path start at its
// top.
func (r *renderer) mapFleet() error {
	problems := r.opts.FleetProblems
	if r.fleetPrefix != "" {
		problems = make([]source.FileProblem, len(r.opts.FleetProblems))
		for i, p := range r.opts.FleetProblems {
			p.Path = path.Join(r.fleetPrefix, p.Path)
			problems[i] = p
		}
	}
	how := "the fleet checkout; its URL was decided from " + r.fleet.How
	if r.opts.FleetFound != "" {
		how = "the fleet checkout, " + r.opts.FleetFound + "; its URL was decided from " + r.fleet.How
	}
	m := source.Mapping{URL: r.fleet.URL, Path: r.fleetDir, Branch: r.fleet.Branch, Problems: problems,
		Origin: source.OriginFleet, How: how, Display: r.fleetDisplay(), Revision: r.opts.FleetRevision}
	if err := r.resolver.AddMapping(m); err != nil {
		return usagef("mapping the fleet repository: %w", err)
	}
	return nil
}

// foreignSync says why the cluster's root is not rendered when it syncs a
// repository that is neither the fleet checkout nor mapped by the user nor
// checked out beside the fleet ("" when it is one of them). Flux would reconcile that repository's content,
// which the fleet checkout does not hold: rendering the checkout instead
// would check something no cluster runs.
func (r *renderer) foreignSync(spec *fleet.Cluster) string {
	key := source.NormalizeURL(spec.RepoURL())
	if spec.RepoURL() == "" || key == r.fleet.Key() || r.mapped[key] {
		return ""
	}
	if found, _ := source.MatchSiblings(spec.RepoURL(), r.opts.Siblings); len(found) > 0 {
		// A checkout of that repository beside the fleet: read from it,
		// as an explicit mapping would be.
		return ""
	}
	field := "spec.sync.url"
	if spec.Era == fleet.EraBootstrap {
		name := spec.SourceName
		if spec.SourceNamespace != "flux-system" {
			name = spec.SourceNamespace + "/" + name
		}
		field = "the " + name + " GitRepository's spec.url"
	}
	return fmt.Sprintf("the root syncs %s, but this fleet checkout is %s, so that repository's content is not read from it; "+
		"fix %s, or map %s to a local checkout (--source URL=PATH, or sources: in .d1lint.yaml), "+
		"or set fleetURL (--fleet-url) if this checkout is that repository",
		spec.URL, r.fleet, field, spec.URL)
}

func (r *renderer) renderCluster(ctx context.Context, spec *fleet.Cluster) (out *model.Cluster, ins []Input) {
	out = &model.Cluster{Name: spec.Name, Path: spec.Path, Era: spec.Era, Root: spec.Root,
		Sources: []*model.Source{}, Kustomizations: []*model.Kustomization{}, Objects: []*model.Object{},
		Variables: []*model.VarRef{}, HelmReleases: []*model.HelmRelease{}, Problems: []*model.Problem{}}
	out.OutOfBand = outOfBandFor(r.opts.OutOfBand, spec.Name)
	c := &clusterRender{r: r, spec: spec, out: out, store: map[string]*stored{}, nodes: map[string]*node{}, snaps: map[string]*sourceResult{}}
	defer func() {
		// A bug must cost one cluster, not the run.
		p := recover()
		if p != nil {
			out.Problems = append(out.Problems, &model.Problem{Kind: model.ProblemCluster,
				Reason: fmt.Sprintf("internal error rendering cluster %s: %v\n%s", spec.Name, p, debug.Stack())})
		}
		c.finish()
		// A render a bug cut short is no verdict to keep.
		if ins = c.inputs.list(); p != nil {
			ins = nil
		}
	}()
	why := r.foreignSync(spec)
	c.foreign = why != ""
	out.Discovery = c.discovery()
	if spec.Era == fleet.EraOperator {
		// The lockdown settings govern the walk (a refused cross-namespace
		// sourceRef), so they are read first.
		c.operatorFlux()
	}
	if spec.Problem != "" {
		c.problem(&model.Problem{Kind: model.ProblemCluster, Location: &model.Location{Path: spec.Path}, Reason: spec.Problem})
		return out, nil
	}
	for _, o := range out.OutOfBand {
		obj := map[string]any{"apiVersion": o.APIVersion, "kind": o.Kind,
			"metadata": map[string]any{"name": o.Name, "namespace": o.Namespace, "labels": toAny(o.Labels)}}
		c.put(o.Kind, o.Namespace, o.Name, &stored{obj: obj, from: fromOutOfBand, keys: o.Keys})
	}
	if c.foreign {
		c.unsynced(why)
		return out, nil
	}
	root, err := c.root(ctx)
	if err != nil {
		c.problem(&model.Problem{Kind: model.ProblemCluster, Location: &model.Location{Path: spec.Path}, Reason: err.Error()})
		return out, nil
	}
	c.render(ctx, root)
	c.renderCharts(ctx)
	return out, nil
}

// discovery says how the cluster was found, and where its root is: in the
// fleet checkout, at the repository and branch its other files are
// located at (declaredIn).
func (c *clusterRender) discovery() *model.Discovery {
	d := &model.Discovery{How: c.spec.Found, Configured: c.spec.Configured}
	if c.spec.RootFile != "" {
		repo, branch := c.declaredIn()
		d.Location = &model.Location{Repo: repo, Branch: branch, Path: c.spec.RootFile, Line: c.spec.RootLine}
	}
	return d
}

// outOfBandFor returns the out-of-band declarations that apply to the
// cluster, copied (so that no two clusters' models share a slice or map)
// and without Clusters, sorted by kind, namespace and name. The sort is
// stable: of two declarations of one object the later still wins when they
// are put into the look-up store in this order.
func outOfBandFor(decls []model.OutOfBandObject, cluster string) []model.OutOfBandObject {
	var out []model.OutOfBandObject
	for _, o := range decls {
		if len(o.Clusters) > 0 && !slices.Contains(o.Clusters, cluster) {
			continue
		}
		o.Labels, o.Keys, o.Clusters = maps.Clone(o.Labels), slices.Clone(o.Keys), nil
		out = append(out, o)
	}
	slices.SortStableFunc(out, func(a, b model.OutOfBandObject) int {
		return strings.Compare(a.Kind+"\x00"+a.Namespace+"\x00"+a.Name, b.Kind+"\x00"+b.Namespace+"\x00"+b.Name)
	})
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
		// A chart's objects follow the Kustomization that applies its
		// HelmRelease, in Helm's install order.
		out.Objects = append(out.Objects, n.charts...)
		out.HelmReleases = append(out.HelmReleases, n.releases...)
	}
	out.Generated = c.gen
	c.fillCopies(out.Objects)
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
		if o.NotApplied != "" || o.Remote != "" {
			// Flux never applies it, or applies it to a remote cluster: no
			// runtime-info, no HelmRelease of this cluster.
			continue
		}
		switch {
		case o.Kind == "ConfigMap" && o.Namespace == "flux-system" && o.Name == "flux-runtime-info":
			out.RuntimeInfo = stringMap(o.Object["data"])
			l := o.Location
			out.RuntimeInfoLocation = &l
			out.Environment = out.RuntimeInfo["ENVIRONMENT"]
		}
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
	return c.resolve(c.spec.URL, c.spec.Ref, "")
}
