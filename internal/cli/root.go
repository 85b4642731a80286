// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package cli builds d1lint's cobra commands. Every command is made by a
// constructor with its own flag struct (no package globals), so tests run
// commands in-process side by side. Nothing here exits the process: errors
// are returned, typed, and cmd/d1lint maps them to exit statuses.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/engine"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/report"
	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/internal/suggest"
)

// Errors that decide the exit status (see cmd/d1lint).
var (
	// ErrUsage: the command line or configuration is wrong (exit 2). It is
	// the engine's: what the engine refuses is a usage error too.
	ErrUsage = engine.ErrUsage
	// ErrIncomplete: the render is incomplete; problems were reported (exit 1).
	ErrIncomplete = errors.New("render incomplete")
	// NotifyContext and Stopped turn SIGINT and SIGTERM into an
	// *Interrupted error (exit 128 + the signal's number); see engine.
	NotifyContext, Stopped = engine.NotifyContext, engine.Stopped
)

// Interrupted is the error of a run a signal stopped.
type Interrupted = engine.Interrupted

// Streams are where a command reads and writes.
type Streams struct {
	Out, Err io.Writer
	// Getenv reads the environment (os.Getenv when nil).
	Getenv func(string) string
	// Name is how the user calls d1lint ("d1lint", or "flux d1lint" as a
	// Flux CLI plugin); it names the commands in help.
	Name string
	// IsTerminal tells whether a stream is a terminal: colour, hyperlinks
	// and progress are written only to one (report.IsTerminal when nil).
	IsTerminal func(io.Writer) bool

	// ui is what the root's flags say of how to talk to the user.
	ui *ui
}

// NewRootCommand returns the d1lint command with all its subcommands.
func NewRootCommand(s Streams) *cobra.Command {
	if s.Getenv == nil {
		s.Getenv = os.Getenv
	}
	if s.IsTerminal == nil {
		s.IsTerminal = report.IsTerminal
	}
	s.ui = &ui{stderr: s.Err, terminal: s.IsTerminal}
	root := &cobra.Command{
		Use:   "d1lint",
		Short: "Lint Flux CD fleets laid out like the d1 reference architecture",
		Long: `d1lint renders, offline, the desired state of every cluster of a Flux fleet
exactly as Flux would (following every Flux Kustomization across the fleet,
infra and apps repositories, each at the branch the cluster follows), and
checks it before the merge.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// --version prints what version does.
		Version: toolVersion(),
		// Every command checks the root's flags and hands them on in its
		// context, for the helpers that get no Streams (fleetFlags.build).
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := s.ui.check(); err != nil {
				return err
			}
			cmd.SetContext(context.WithValue(cmd.Context(), uiKey{}, s.ui))
			return nil
		},
	}
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.SetVersionTemplate(versionLine() + "\n")
	root.Flags().Bool("version", false, "print d1lint's version (as d1lint version does)")
	s.ui.register(root)
	root.AddCommand(newCheckCommand(s), newMergeCommand(s), newRulesCommand(s), newSchemasCommand(s), newHookCommand(s), newPolicyCommand(s), newClustersCommand(s), newBuildCommand(s), newGraphCommand(s), newDiffCommand(s), newAuditCommand(s), newChartsCommand(s), newVersionCommand(s))
	// Mistyped commands and flags are usage errors that name what was
	// meant, and every command is named as the user calls it.
	suggest.Install(root, s.Name, engine.UsageError)
	return root
}

// usagef is a usage error (exit status 2) that reads as its message.
func usagef(format string, a ...any) error { return engine.UsageError(fmt.Errorf(format, a...)) }

// fleetFlags are the flags every rendering command shares: which fleet,
// how its repositories map to local folders, which clusters, which schemas.
type fleetFlags struct {
	cacheFlags
	config      string
	fleet       string
	fleetBranch string
	fleetURL    string
	sources     []string
	clusters    []string
	kubeVersion string
	locations   []string
	charts      []string
	profile     string
	// disable and enable are --disable and --enable: rule ids.
	disable, enable []string
	// requireCharts: a chart missing from the cache fails the check.
	requireCharts bool
}

func (f *fleetFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "configuration file (default: .d1lint.yaml in the fleet folder, else the current folder, or the nearest folder above it in its git repository)")
	fl.StringVar(&f.fleet, "fleet", "", "fleet repository folder (default: the configuration's, else the current folder, else the git checkout beside it that holds clusters/)")
	fl.StringVar(&f.fleetBranch, "fleet-branch", "", "branch the fleet's working tree stands for (default: the branch the clusters sync)")
	fl.StringVar(&f.fleetURL, "fleet-url", "", "the fleet repository's URL: the only repository read from the fleet folder (default: its git remote, else the URL most clusters' roots sync)")
	fl.StringArrayVar(&f.sources, "source", nil, "map a repository URL to a local path: URL=PATH, URL@BRANCH=PATH or URL=PATH@BRANCH (repeatable; a URL not mapped is read from the git checkout beside the fleet whose remote is the URL, else the one named like the repository)")
	fl.StringSliceVar(&f.clusters, "cluster", nil, "render only these clusters (repeatable, comma-separated)")
	fl.StringVar(&f.kubeVersion, "kube-version", "", "Kubernetes release whose bundled schemas validate built-in kinds, e.g. 1.36 (default: the newest bundled; see d1lint schemas)")
	fl.StringArrayVar(&f.charts, "charts", nil, "a chart cache folder: packaged charts for HelmReleases whose charts are not in git, laid out as <host>/<path>/<name>-<version>.tgz or <name>-<version>.tgz (repeatable; adds to the configuration's charts:; fill it with d1lint charts pull)")
	f.registerCache(fl)
	fl.StringArrayVar(&f.locations, "schema-location", nil, "a kubeconform-style schema location (local folder or path template), consulted before the bundled schemas (repeatable)")
}

// registerProfile adds --profile, to the commands that evaluate rules.
func (f *fleetFlags) registerProfile(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.requireCharts, "require-charts", false, "a HelmRelease whose chart is neither in git nor in the chart cache is an error (D1-0007), not a warning (also requireCharts: true)")
	cmd.Flags().StringVar(&f.profile, "profile", "", "the rules to run: d1 (every rule) or generic (not those of d1's conventions: tenants, runtime-info, a branch per environment); default: the configuration's profile, else detected from the fleet's layout")
	cmd.Flags().StringSliceVar(&f.disable, "disable", nil, "turn a rule off, by id (repeatable, comma-separated; wins over the configuration's rules:)")
	cmd.Flags().StringSliceVar(&f.enable, "enable", nil, "turn a rule on, by id, although the configuration's rules: disable it or the profile leaves it out (repeatable, comma-separated)")
}

// configPath is the configuration file the flags name, or the one found
// from the fleet folder (fleet, when not "") or the current folder,
// searching upwards as git does (config.Find; "" when there is none).
func (f *fleetFlags) configPath(fleet string) string {
	if f.config != "" {
		return f.config
	}
	if fleet == "" {
		fleet = "."
	}
	return config.Find(fleet)
}

// load reads the configuration file (engine.ReadConfig; the engine's
// configuration has File nil when there is none) and turns it and the
// flags into the engine's options. trusted, when its At is set, reads the
// file at the trusted revision (--config-ref).
func (f *fleetFlags) load(getenv func(string) string, trusted engine.ConfigFile) (engine.Options, engine.Config, error) {
	// Run in d1-infra or d1-apps with no fleet named: the fleet beside it.
	fleetDir, err := f.fleet, error(nil)
	if fleetDir == "" && f.config == "" {
		if fleetDir, err = engine.FleetBeside("."); err != nil {
			return engine.Options{}, engine.Config{}, err
		}
	}
	trusted.Path, trusted.Named = f.configPath(fleetDir), f.config != ""
	cfg, note, err := engine.ReadConfig(trusted)
	if err != nil {
		return engine.Options{}, engine.Config{}, err
	}
	// The flags override the file; --source mappings add to its own.
	opts := engine.OptionsFromConfig(cfg)
	opts.Clusters, opts.Getenv = f.clusters, getenv
	switch {
	case f.fleet != "":
		opts.FleetPath = f.fleet
	case fleetDir != "":
		opts.FleetPath, opts.FleetFound = fleetDir, engine.FoundBeside
	case opts.FleetPath == "":
		opts.FleetPath = "."
	}
	if f.fleetBranch != "" {
		opts.FleetBranch = f.fleetBranch
	}
	if f.fleetURL != "" {
		opts.FleetURL = f.fleetURL
	}
	if f.kubeVersion != "" {
		opts.Schemas.KubeVersion = f.kubeVersion
	}
	if f.profile != "" {
		opts.Profile = f.profile
	}
	opts.Schemas.Locations = append(opts.Schemas.Locations, f.locations...)
	opts.ChartDirs = append(opts.ChartDirs, f.charts...)
	opts.CacheDir = f.cacheFolder(getenv)
	for _, s := range f.sources {
		m, err := source.ParseMapping(s)
		if err != nil {
			return engine.Options{}, engine.Config{}, usagef("--source: %w", err)
		}
		m.Origin = source.OriginFlag
		opts.Sources = append(opts.Sources, m)
	}
	opts.Siblings = engine.Siblings(opts.FleetPath)
	// Before any revision is read (--at, --new-since, diff's bases).
	return opts, engine.Config{File: cfg, Configuration: note, ToolVersion: toolVersion(), RequireCharts: f.requireCharts,
		Disable: upper(f.disable), Enable: upper(f.enable)}, opts.Validate()
}

// upper writes rule ids in upper case, as the catalogue does (d1-0401 is
// D1-0401); team rules' ids are kept as they are.
func upper(ids []string) []string {
	var out []string
	for _, id := range ids {
		if id = strings.TrimSpace(id); strings.HasPrefix(strings.ToUpper(id), "D1-") {
			id = strings.ToUpper(id)
		}
		if id != "" {
			out = append(out, id)
		}
	}
	return out
}

// build renders and validates the selected clusters (build, clusters,
// graph).
func (f *fleetFlags) build(ctx context.Context, getenv func(string) string) (*model.Fleet, error) {
	start := time.Now()
	opts, ec, err := f.load(getenv, engine.ConfigFile{})
	if err != nil {
		return nil, err
	}
	u := uiFrom(ctx)
	u.engineConfig(&ec, start)
	fl, err := engine.New(ec).Build(ctx, opts)
	u.done()
	if err != nil {
		return nil, engine.Usage(err)
	}
	u.explain(fl.Mappings, ec.Timings)
	return fl, nil
}

// noArgs refuses positional arguments as a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments, got %q", cmd.CommandPath(), args)
	}
	return nil
}

// reportProblems writes every problem of the fleet to w and returns
// ErrIncomplete when any of them stopped part of a render.
func reportProblems(w io.Writer, fl *model.Fleet) error {
	_, warnings := report.SourceLines(fl.Mappings)
	for _, x := range warnings {
		fmt.Fprintf(w, "warning: %s\n", x)
	}
	n, err := report.WriteProblems(w, fl)
	if err == nil && n > 0 {
		err = fmt.Errorf("%w: %s", ErrIncomplete, report.Count(n, "problem"))
	}
	return err
}

func oneCluster(fl *model.Fleet) (*model.Cluster, error) {
	if len(fl.Clusters) != 1 {
		names := make([]string, 0, len(fl.Clusters))
		for _, c := range fl.Clusters {
			names = append(names, c.Name)
		}
		return nil, usagef("pick one cluster with --cluster (have: %s)", strings.Join(names, ", "))
	}
	return fl.Clusters[0], nil
}
