// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package engine runs d1lint's pipeline, the same for every command:
// render every cluster (package render), validate each object against its
// schema (package schema), evaluate the rules (package rules), locate each
// finding at the line that sets its field, apply the team's waivers
// (package waiver) and build the report (package report). check, build,
// clusters, graph, diff, audit and the pre-push hook all call it; the
// process is locked away from the network and from git (package guard)
// while it runs.
//
// Every method checks its options first (Options.Validate), so that a
// usage error is reported before any source is read. A run whose context a
// signal cancels (NotifyContext) ends with an *Interrupted error
// (Stopped), its snapshots removed.
package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/fleet"
	"github.com/d1lint/d1lint/internal/guard"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/profile"
	"github.com/d1lint/d1lint/internal/render"
	"github.com/d1lint/d1lint/internal/report"
	"github.com/d1lint/d1lint/internal/revision"
	"github.com/d1lint/d1lint/internal/schema"
	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/rules"
)

// ErrUsage marks errors in what the user asked for: options that name no
// fleet or an unknown cluster, a broken team policy, an unknown Kubernetes
// release, a fleet with no cluster to check. Test with errors.Is.
var ErrUsage = errors.New("usage error")

// usageError reads as its cause and matches ErrUsage.
type usageError struct{ err error }

func (e usageError) Error() string        { return e.err.Error() }
func (e usageError) Unwrap() error        { return e.err }
func (e usageError) Is(target error) bool { return target == ErrUsage }

// UsageError marks err as a usage error, whatever it is.
func UsageError(err error) error { return usageError{err} }

// Usage marks err as a usage error when it says the input is wrong: the
// errors of render, schema, rules (a team's policy), config and revision
// that do. Other errors (nil too) are returned as they are.
func Usage(err error) error { return usage(err) }

// usage marks the errors of the stages that say the input is wrong.
func usage(err error) error {
	if err == nil || errors.Is(err, ErrUsage) {
		return err
	}
	for _, kind := range []error{render.ErrUsage, schema.ErrUsage, rules.ErrPolicy, config.ErrInvalid, revision.ErrUsage} {
		if errors.Is(err, kind) {
			return usageError{err}
		}
	}
	return err
}

// Options say which fleet to check and how to read it.
type Options struct {
	// Options say what to render: the fleet, the source mappings, the
	// clusters.
	render.Options
	// Schemas configures the validation of every rendered object.
	Schemas schema.Options
	// SkipSchemas turns schema validation off (Cluster.Schemas stays nil).
	SkipSchemas bool
	// Profile selects the rules (profile.D1, profile.Generic); "" detects
	// it from the render's layout (profile.Detect).
	Profile string
	// Shard, when its Count is set, makes a check one shard of a sharded
	// check (--shard K/N): see Shard.
	Shard Shard
}

// Validate returns the usage error in opts that a render would find only
// once it has read sources: an unknown Kubernetes release, a schema
// location that is a URL. Commands call it before they read any revision,
// and every Engine method before it renders, so that such a mistake leaves
// no snapshot behind and needs no source at all to be reported.
func (o Options) Validate() error {
	if o.SkipSchemas {
		return nil
	}
	return usage(o.Schemas.Validate())
}

// OptionsFromConfig turns a .d1lint.yaml into options: the fleet, its URL
// and branch, its clusters when the file lists them (paths relative to the
// fleet folder), the source mappings (paths resolved against the file),
// the out-of-band objects, the schema settings and the profile. cfg may be
// nil (d1's defaults).
func OptionsFromConfig(cfg *config.Config) Options {
	opts := Options{}
	opts.OutOfBand = cfg.OutOfBandObjects()
	if cfg == nil {
		return opts
	}
	opts.FleetPath, opts.FleetURL, opts.FleetBranch = cfg.FleetPath(), cfg.FleetURL, cfg.FleetBranch
	for _, c := range cfg.Clusters {
		// Relative to the fleet folder, as the clusters' paths are.
		opts.ClusterEntries = append(opts.ClusterEntries, fleet.Entry{Path: c.Path, Root: c.Root, Name: c.Name})
	}
	for _, s := range cfg.Sources {
		opts.Sources = append(opts.Sources, source.Mapping{URL: s.URL, Path: cfg.Resolve(s.Path), Branch: s.Branch, Origin: source.OriginConfig})
	}
	opts.Artifacts, opts.Sources = artifactRules(cfg, opts.Sources)
	opts.ProviderInputs = cfg.ProviderInputs
	opts.Schemas.KubeVersion, opts.Profile = cfg.KubeVersion, cfg.Profile
	for _, d := range cfg.Charts {
		opts.ChartDirs = append(opts.ChartDirs, cfg.Resolve(d))
	}
	for _, l := range cfg.SchemaLocations {
		if !schema.IsRemote(l) {
			// A URL joined to the config's folder would look like a
			// folder; left alone, schema.New refuses it as it refuses
			// the flag's.
			l = cfg.Resolve(l)
		}
		opts.Schemas.Locations = append(opts.Schemas.Locations, l)
	}
	return opts
}

// artifactRules turns the configuration's artifacts: into rules. A local
// checkout given as an entry's repository is mapped like a sources: entry,
// under a file:// URL of its own (its locations name that folder), and
// added to sources.
func artifactRules(cfg *config.Config, sources []source.Mapping) ([]source.ArtifactRule, []source.Mapping) {
	var out []source.ArtifactRule
	for i, a := range cfg.Artifacts {
		r := source.ArtifactRule{URL: a.URL, Repository: a.Repository, Path: a.Path, TagPrefix: a.TagPrefix,
			From: fmt.Sprintf("artifacts[%d] of %s", i, config.FileName)}
		if config.IsLocalRepository(a.Repository) {
			dir := cfg.Resolve(a.Repository)
			abs, err := filepath.Abs(dir)
			if err != nil {
				abs = dir
			}
			r.Repository = "file://" + filepath.ToSlash(abs)
			sources = append(sources, source.Mapping{URL: r.Repository, Path: dir, Origin: source.OriginConfig})
		}
		for tag, ref := range a.Tags {
			if r.Tags == nil {
				r.Tags = map[string]source.Ref{}
			}
			r.Tags[tag] = source.Ref{Branch: ref.Branch, Tag: ref.Tag, SemVer: ref.SemVer}
		}
		out = append(out, r)
	}
	return out, sources
}

// Config is what an Engine is built from.
type Config struct {
	// File is the configuration (.d1lint.yaml): the rules' settings, rules
	// turned off or re-graded, and the waivers. nil: d1's defaults.
	File *config.Config
	// Configuration says where the configuration came from, when the
	// report should say so (ReadConfig's note); "" when it need not.
	Configuration string
	// Policies are the team's own policy folders, by name (none: the
	// built-in rules only).
	Policies map[string]fs.FS
	// Conftest names the folders of Policies whose policies read
	// conftest's input (rules.InputConftest), and how they run.
	Conftest map[string]rules.ConftestOptions
	// Today is the date waivers expire against (default: now, UTC).
	Today time.Time
	// Progress, when set, is told what the engine is doing ("rendering
	// 3/10 clusters…"); it may be called from several goroutines at once.
	Progress func(string)
	// Timings, when set, adds up how long each stage took (--verbose).
	// Nothing of it reaches a report.
	Timings *Timings
	// Disable and Enable are rule ids turned off and on from the command
	// line (--disable, --enable). They win over the configuration's
	// rules: (Enable turns back on a rule it disables, keeping its
	// severity) and Enable over the profile (a rule the profile leaves
	// out counts). An id in both is a usage error.
	Disable, Enable []string
	// Repository is the repository being checked, normalised (see
	// revision.Repository); "" derives it from the fleet.
	Repository string
	// ToolVersion is d1lint's version, for reports.
	ToolVersion string
	// RequireCharts makes a chart missing from the chart cache an error
	// (--require-charts; the configuration's requireCharts does too).
	RequireCharts bool
}

// Engine runs the pipeline. Build it once per command with New; its
// methods may run concurrently.
type Engine struct {
	cfg      Config
	settings rules.Settings
	// file is the configuration with --disable and --enable applied to
	// its rules: (cfg.File when there are none).
	file *config.Config
	// enabled are the rules --enable turns on, whatever the profile.
	enabled   map[string]bool
	catalogue func() (*rules.Catalogue, error)
	// configErr is what is wrong with the configuration that only the
	// rules can tell (checkConfig), found once.
	configErr func() error
	// meta are the built-in rules' METADATA (metadata).
	meta        func() (*rules.Catalogue, error)
	compileOnce sync.Once
}

// New returns an Engine. Its rules are compiled when a method first needs
// them, while the fleet renders.
func New(c Config) *Engine {
	if c.Today.IsZero() {
		c.Today = time.Now().UTC()
	}
	e := &Engine{cfg: c, settings: Settings(c.File), file: withRuleFlags(c.File, c.Disable, c.Enable), enabled: map[string]bool{}}
	for _, id := range c.Enable {
		e.enabled[id] = true
	}
	if c.RequireCharts {
		e.settings.RequireCharts = true
	}
	e.catalogue = sync.OnceValues(func() (*rules.Catalogue, error) {
		defer c.Timings.Since(StageLoad, time.Now())
		if len(c.Policies) == 0 {
			cat, err := rules.Load()
			if err != nil {
				return nil, fmt.Errorf("loading the built-in rules: %w", err)
			}
			return cat, nil
		}
		cat, err := rules.LoadWithPolicies(c.Policies, c.Conftest)
		return cat, usage(err)
	})
	e.configErr = sync.OnceValue(e.checkConfig)
	e.meta = sync.OnceValues(func() (*rules.Catalogue, error) {
		cat, err := rules.Metadata()
		if err != nil {
			return nil, fmt.Errorf("loading the built-in rules: %w", err)
		}
		return cat, nil
	})
	return e
}

// checkConfig refuses rule ids of the configuration (rules:, waivers:)
// that name no rule, at the line that writes them: only the rules package
// knows the ids, from the METADATA alone (nothing is compiled). With a
// team's policies, whose ids are known only once they report, only ids
// that claim d1lint's own (D1-) are checked.
func (e *Engine) checkConfig() error {
	if e.cfg.File == nil && len(e.cfg.Disable) == 0 && len(e.cfg.Enable) == 0 {
		return nil
	}
	known, err := rules.BuiltinRules()
	if err != nil {
		return fmt.Errorf("loading the built-in rules: %w", err)
	}
	if err := e.checkRuleFlags(known); err != nil {
		return err
	}
	return usage(e.cfg.File.CheckRules(known, len(e.cfg.Policies) > 0))
}

// checkRuleFlags refuses --disable and --enable ids that name no rule,
// with the id likely meant (with a team's policies, only ids that claim
// d1lint's own D1- prefix are checked, as in the configuration), and ids
// both turn.
func (e *Engine) checkRuleFlags(known []finding.Rule) error {
	team := len(e.cfg.Policies) > 0
	var errs []error
	for _, flag := range []struct {
		name string
		ids  []string
	}{{"--disable", e.cfg.Disable}, {"--enable", e.cfg.Enable}} {
		for _, id := range flag.ids {
			if slices.ContainsFunc(known, func(r finding.Rule) bool { return r.ID == id }) ||
				team && !strings.HasPrefix(strings.ToUpper(id), "D1-") {
				continue
			}
			errs = append(errs, fmt.Errorf("%s: unknown rule %q; %s", flag.name, id, config.SuggestRule(id, known)))
		}
	}
	for _, id := range e.cfg.Disable {
		if slices.Contains(e.cfg.Enable, id) {
			errs = append(errs, fmt.Errorf("--disable and --enable both name %s", id))
		}
	}
	if len(errs) > 0 {
		return usageError{errors.Join(errs...)}
	}
	return nil
}

// withRuleFlags is the configuration with the rules --disable turns off
// and --enable turns back on (a copy: the caller's is left alone).
func withRuleFlags(file *config.Config, disable, enable []string) *config.Config {
	if len(disable) == 0 && len(enable) == 0 {
		return file
	}
	out := &config.Config{}
	if file != nil {
		c := *file
		out = &c
	}
	out.Rules = maps.Clone(out.Rules)
	if out.Rules == nil {
		out.Rules = map[string]config.RuleSetting{}
	}
	for _, id := range disable {
		s := out.Rules[id]
		s.Disabled = true
		out.Rules[id] = s
	}
	for _, id := range enable {
		if s, ok := out.Rules[id]; ok {
			s.Disabled = false
			out.Rules[id] = s
		}
	}
	return out
}

// compileRules starts compiling the rules in the background, so that they
// are ready when the render they judge is.
func (e *Engine) compileRules() {
	e.compileOnce.Do(func() { go func() { _, _ = e.catalogue() }() })
}

// metadata returns the rules' METADATA: the built-in rules parsed, not
// compiled (rules.Metadata), unless the team's policies make the rules
// known only once compiled. A check the persistent cache answers whole
// reads nothing else of the rules.
func (e *Engine) metadata() (*rules.Catalogue, error) {
	if len(e.cfg.Policies) > 0 {
		return e.catalogue()
	}
	return e.meta()
}

// Catalogue returns the compiled rules (built-in and the team's).
func (e *Engine) Catalogue() (*rules.Catalogue, error) { return e.catalogue() }

// Settings returns what the rules read besides the model.
func (e *Engine) Settings() rules.Settings { return e.settings }

// Branches returns the branch each environment follows.
func (e *Engine) Branches() model.Branches { return e.settings.Branches }

// Settings are the rules' settings: d1's defaults, overridden by the
// configuration file (nil: the defaults).
func Settings(cfg *config.Config) rules.Settings {
	s := rules.DefaultSettings()
	if cfg == nil {
		return s
	}
	if len(cfg.Branches) > 0 {
		s.Branches = cfg.Branches
	}
	if len(cfg.PrivilegedNamespaces) > 0 {
		s.PrivilegedNamespaces = cfg.PrivilegedNamespaces
	}
	if len(cfg.TenantClusterRoles) > 0 {
		s.TenantClusterRoles = cfg.TenantClusterRoles
	}
	if cfg.TenantLabel != "" {
		s.TenantLabel = cfg.TenantLabel
	}
	if cfg.AutomationBranch != "" {
		s.AutomationBranch = cfg.AutomationBranch
	}
	s.CRDCharts = cfg.CRDCharts
	s.RequireCharts = cfg.RequireCharts
	return s
}

func (e *Engine) progress(msg string) {
	if e.cfg.Progress != nil {
		e.cfg.Progress(msg)
	}
}

// Render renders the fleet opts names and validates every object against
// its schema, as the objects are rendered. The result owns the source
// snapshots (Close removes them); schema errors are not located yet (see
// Build). The caller must hold the lockdown.
func (e *Engine) render(ctx context.Context, opts Options) (*render.Result, error) {
	if err := e.configErr(); err != nil {
		return nil, err
	}
	if opts.Profile != "" {
		if err := profile.Check(opts.Profile); err != nil {
			return nil, usageError{err}
		}
	}
	ropts := opts.Options
	var validate func(*model.Cluster)
	if !opts.SkipSchemas {
		// Verdicts persist in the cache chart renders do (docs/cache.md).
		sopts := opts.Schemas
		sopts.CacheDir, sopts.CacheMaxSize = opts.CacheDir, opts.CacheMaxSize
		v, err := schema.New(sopts)
		if err != nil {
			return nil, usage(err)
		}
		// Once the render, and with it every cluster's validation, is
		// done; a cache that cannot be written costs the next run time.
		defer func() { start := time.Now(); _ = v.Close(); e.cfg.Timings.Since(StageValidate, start) }()
		validate = v.Validate
		ropts.Prefetch = v.Prefetch
		// Charts see the Kubernetes release the schemas validate against
		// (Helm's Capabilities.KubeVersion).
		ropts.KubeVersion = v.KubeVersion()
	}
	ropts.Then = e.then(opts, validate)
	defer e.cfg.Timings.Since(StageRender, time.Now())
	res, err := render.Render(ctx, ropts)
	if err != nil {
		return nil, usage(clusterHint(err, opts))
	}
	return res, nil
}

// then is what runs on each cluster once it is rendered: validate (when
// not nil), timed, and a progress line counting the clusters rendered.
// nil when there is nothing to do.
func (e *Engine) then(opts Options, validate func(*model.Cluster)) func(*model.Cluster) {
	if e.cfg.Progress == nil && (validate == nil || e.cfg.Timings == nil) {
		return validate
	}
	total, done := 0, atomic.Int64{}
	if e.cfg.Progress != nil {
		// Counting the clusters reads the fleet's folders: only for a
		// progress line someone sees.
		total = clusterCount(opts)
		e.progress(fmt.Sprintf("rendering %s…", report.Count(total, "cluster")))
	}
	return func(c *model.Cluster) {
		if validate != nil {
			start := time.Now()
			validate(c)
			e.cfg.Timings.Since(StageValidate, start)
		}
		if e.cfg.Progress != nil {
			e.progress(fmt.Sprintf("rendering %d/%s…", done.Add(1), report.Count(total, "cluster")))
		}
	}
}

// Build renders the fleet opts names, validates it, and points every schema
// error at the line that sets its field: the desired state of `d1lint
// build`, `clusters` and `graph`, with the problems that stopped part of
// it in the model.
func (e *Engine) Build(ctx context.Context, opts Options) (*model.Fleet, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	defer guard.Lockdown()()
	res, err := e.render(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	start := time.Now()
	locate(res)
	e.cfg.Timings.Since(StageLocate, start)
	return res.Fleet, nil
}

// renderChecked renders a fleet that must have clusters: a check (or a
// comparison) that looked at nothing must not pass.
func (e *Engine) renderChecked(ctx context.Context, opts Options) (*render.Result, error) {
	res, err := e.render(ctx, opts)
	if err != nil {
		return nil, err
	}
	if _, of := res.Positions(); of == 0 {
		// A shard may hold no cluster of a small fleet; the fleet must
		// have some.
		_ = res.Close()
		return nil, usageError{fmt.Errorf("%w under %s: nothing to check", fleet.ErrNoCluster, opts.FleetPath)}
	}
	return res, nil
}

// clusterCount is how many clusters a render will render, for progress
// lines (0 when the fleet cannot be read: the render says why).
func clusterCount(opts Options) int {
	l, err := fleet.Discover(opts.FleetPath, fleet.Options{Only: opts.Clusters, Entries: opts.ClusterEntries, FleetURL: opts.FleetURL})
	if err != nil {
		return 0
	}
	n := 0
	for _, c := range l.Clusters {
		if opts.Select == nil || opts.Select(c.Name) {
			n++
		}
	}
	return n
}
