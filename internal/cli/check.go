// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/d1lint/d1lint/internal/engine"
	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/report"
	"github.com/d1lint/d1lint/internal/revision"
)

// ErrFindings: something at or above --fail-on was found (exit 1).
var ErrFindings = errors.New("findings at or above the failure threshold")

// checkFlags are the flags of a check: `d1lint check`'s, and those the
// pre-push hook checks each pushed commit with.
type checkFlags struct {
	fleetFlags
	formats []string
	// output is -o: the file the output for standard output goes to.
	output     string
	repository string
	failOn     string
	// acceptIncomplete lets a check pass with part of a cluster not
	// rendered (also the configuration's acceptIncomplete).
	acceptIncomplete bool
	today            string
	policies         []string
	policyInput      policyInputFlags
	// newSince, configRef and at are git revisions of the repository of the
	// current folder (see revision.Reader.StandIn); standsFor is the branch
	// a revision read with at stands for.
	newSince  string
	configRef string
	at        string
	standsFor string
	// shard is --shard K/N: check one shard of the fleet (check only).
	shard string
}

// target is the revision one check reads instead of the working tree of
// the repository being checked (none: the working tree), and the branch it
// stands for.
type target struct {
	at, standsFor string
}

// argsForKey are the flags that decide a check's outcome, for the hook's
// result cache.
func (f *checkFlags) argsForKey() []string {
	return append([]string{f.config, f.fleet, f.fleetBranch, f.fleetURL, f.kubeVersion, f.profile, f.repository, f.failOn, f.newSince,
		strings.Join(f.sources, "\x00"), strings.Join(f.clusters, "\x00"), strings.Join(f.locations, "\x00"),
		strings.Join(f.formats, "\x00"), f.output, strings.Join(f.disable, "\x00"), strings.Join(f.enable, "\x00"),
		f.policyInput.input, strings.Join(f.policyInput.namespaces, "\x00")}, f.policies...)
}

func newCheckCommand(s Streams) *cobra.Command {
	f := &checkFlags{}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Render every cluster and evaluate the rules over it",
		Long: `Renders every selected cluster as Flux would and evaluates d1lint's rules
(multi-tenancy, branch mapping, dependency ordering, substitution, schema,
credentials, build) over each cluster's model. Findings name the file and line that cause
them.

--format is repeatable: --format NAME writes to standard output (at most one
may), --format NAME=FILE writes to FILE (created or truncated; its folder
must exist). Without --format, text goes to standard output. -o FILE writes
what would go to standard output to FILE instead. Formats:
text (see --color; --quiet leaves only the findings), json (see
docs/report.schema.json), sarif (SARIF 2.1.0, for GitHub code scanning),
github (workflow command annotations; also appends a summary to
$GITHUB_STEP_SUMMARY and errors/warnings/infos/new to $GITHUB_OUTPUT when
they are set), junit (JUnit XML) and markdown. See docs/output.md.

--shard K/N checks one shard of the clusters (split by name), for the jobs
of a CI matrix; d1lint merge combines the shards' --format json reports
into the report of one check (docs/output.md).

--repository names the repository being checked (default: GITHUB_REPOSITORY
on GitHub Actions, else the fleet repository): sarif and github locate
findings in its files, and only name those of other repositories.

Exit status: 0 when nothing at or above --fail-on was found, 1 when
something was, 2 for a usage or configuration error, 3 when d1lint itself
failed.`,
		Example: `  d1lint check
  d1lint check --cluster prod-eu --format json
  d1lint check --fail-on warning
  d1lint check --format sarif=d1lint.sarif --format github
  d1lint check --format sarif -o d1lint.sarif
  d1lint check --disable D1-0404 --enable D1-0105
  d1lint check --format markdown=report.md --format junit=junit.xml --format text
  d1lint check --shard 2/4 --format json=shard-2.json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCheck(cmd.Context(), s, f, target{at: f.at, standsFor: f.standsFor}, cmd.OutOrStdout())
		},
	}
	f.register(cmd)
	cmd.Flags().StringVarP(&f.output, "output", "o", "", "write the output that would go to standard output (--format NAME, default text) to this file instead")
	cmd.Flags().StringVar(&f.shard, "shard", "", "check shard K of N of the fleet's clusters (K/N, split by cluster name), for a CI matrix: d1lint merge combines the shards' --format json reports (see docs/output.md)")
	return cmd
}

// register adds the check flags (check's and the pre-push hook's).
func (f *checkFlags) register(cmd *cobra.Command) {
	f.fleetFlags.register(cmd)
	f.registerProfile(cmd)
	cmd.Flags().StringArrayVar(&f.formats, "format", nil, "output format, to standard output (NAME) or to a file (NAME=FILE); repeatable, at most one to standard output (default text): "+strings.Join(report.Names(), ", "))
	cmd.Flags().StringVar(&f.repository, "repository", "", "URL of the repository being checked, whose files sarif and github annotate (default: $GITHUB_REPOSITORY, else the fleet repository)")
	cmd.Flags().StringVar(&f.failOn, "fail-on", finding.Error, "lowest severity that fails the check: error, warning or info")
	cmd.Flags().BoolVar(&f.acceptIncomplete, "accept-incomplete", false, "pass although part of a cluster could not be rendered, once no finding fails the check (by default an incomplete render fails it, even with D1-0001 turned off or waived)")
	cmd.Flags().StringArrayVar(&f.policies, "policy", nil, "a folder of the team's own Rego policies (repeatable): report sets built with data.d1lint.lib.result.fail, or conftest-style deny/warn")
	f.policyInput.register(cmd)
	cmd.Flags().StringVar(&f.newSince, "new-since", "", "git revision of the repository being checked (origin/main): findings it already had are marked existing, and only new ones count for --fail-on")
	cmd.Flags().StringVar(&f.configRef, "config-ref", "", "read .d1lint.yaml and the --policy folders from this git revision of their repository (a pull request cannot relax its own checks)")
	cmd.Flags().StringVar(&f.at, "at", "", "check this git revision of the repository being checked instead of its working tree (HEAD: ignore uncommitted edits)")
	cmd.Flags().StringVar(&f.standsFor, "stands-for", "", "with --at: the branch that revision stands for (default: the branch the working tree stands for)")
	cmd.Flags().StringVar(&f.today, "today", "", "the date waivers expire against (YYYY-MM-DD; default today)")
	_ = cmd.Flags().MarkHidden("today")
}

// runCheck runs one check and writes its outputs; stdout takes the output
// that goes to standard output.
func runCheck(ctx context.Context, s Streams, f *checkFlags, t target, stdout io.Writer) error {
	outs, failOn, err := parseReportFlags(s, f.formats, f.output, f.failOn, stdout)
	if err != nil {
		return err
	}
	r, accept, timings, err := f.check(ctx, s, t)
	if err != nil {
		if !errors.Is(err, ErrUsage) {
			// A SARIF or JSON file says that the check failed, for the
			// upload step that runs whatever happened.
			if werr := writeFailures(outs, err); werr != nil {
				err = errors.Join(err, werr)
			}
		}
		return err
	}
	return writeVerdict(s, outs, stdout, r, failOn, f.acceptIncomplete || accept, timings)
}

// parseReportFlags reads the flags that say how a report is written and
// judged: --format with -o applied, and --fail-on.
func parseReportFlags(s Streams, formats []string, output, failOn string, stdout io.Writer) ([]output, string, error) {
	specs, err := withOutput(formats, output)
	if err != nil {
		return nil, "", err
	}
	env := report.Env{Color: s.ui.color, Quiet: s.ui.quiet, Getenv: s.Getenv, ToolVersion: toolVersion()}
	outs, err := parseOutputs(specs, env, s.IsTerminal(stdout))
	if err != nil {
		return nil, "", err
	}
	severity, err := finding.ParseSeverity(failOn)
	if err != nil {
		return nil, "", usagef("--fail-on: %w", err)
	}
	return outs, severity, nil
}

// writeVerdict writes the report in every output format and returns the
// check's outcome: ErrFindings when something at or above failOn was
// found (with a baseline, only what the change introduces), else
// ErrIncomplete when part of a render is missing and nothing says so,
// unless acceptIncomplete.
func writeVerdict(s Streams, outs []output, stdout io.Writer, r *report.Report, failOn string, acceptIncomplete bool, timings *engine.Timings) error {
	start := time.Now()
	if err := writeOutputs(outs, stdout, r); err != nil {
		return err
	}
	timings.Since(engine.StageReport, start)
	s.ui.explain(r.Sources, timings)
	if n := finding.Failing(r.Findings, failOn); n > 0 {
		what := ""
		if r.Baseline != "" {
			what = " new since " + r.Baseline
		}
		return fmt.Errorf("%w: %s%s at or above %s", ErrFindings, report.Count(n, "finding"), what, failOn)
	}
	if !acceptIncomplete {
		if names := incomplete(r); len(names) > 0 {
			return fmt.Errorf("%w: part of %s %s could not be rendered and no finding says so (D1-0001 is turned off, re-graded or waived); fix the render, or accept incomplete renders with --accept-incomplete or acceptIncomplete: true",
				ErrIncomplete, plural(len(names), "cluster", "clusters"), strings.Join(names, ", "))
		}
	}
	return nil
}

// incomplete names the clusters with part of the render missing that no
// failing D1-0001 finding reports, except where the baseline already had
// the D1-0001 finding (the change did not make it incomplete).
func incomplete(r *report.Report) []string {
	existing := map[string]bool{}
	for _, x := range r.Findings {
		if x.Rule == renderProblemRule && x.Baseline == finding.Existing {
			existing[x.Cluster] = true
		}
	}
	var out []string
	for _, c := range r.Clusters {
		// Charts missing from the chart cache are a matter of set-up,
		// reported as D1-0007 (an error when charts are required).
		if !c.Complete && !c.ChartsOnly && !existing[c.Name] {
			out = append(out, c.Name)
		}
	}
	return out
}

// renderProblemRule is the rule that reports what stopped part of a render.
const renderProblemRule = "D1-0001"

// check runs the engine over the fleet the flags name, at t; with
// --new-since it also checks the baseline revision and marks each finding
// new or existing.
func (f *checkFlags) check(ctx context.Context, s Streams, t target) (r *report.Report, acceptIncomplete bool, timings *engine.Timings, err error) {
	today, err := parseToday(f.today)
	if err != nil {
		return nil, false, nil, err
	}
	if t.standsFor != "" && t.at == "" {
		return nil, false, nil, usagef("--stands-for goes with --at")
	}
	var revs *revision.Reader
	if f.newSince != "" || f.configRef != "" || t.at != "" {
		if revs, err = revision.NewReader(s.Getenv); err != nil {
			return nil, false, nil, err
		}
		defer revs.Close()
	}
	loadStart := time.Now()
	opts, ec, err := f.configure(s, revs, today)
	if err != nil {
		return nil, false, nil, err
	}
	repo := ec.Repository
	if f.shard != "" {
		if opts.Shard, err = engine.ParseShard(f.shard); err != nil {
			return nil, false, nil, err
		}
		opts.Shard.Key = f.shardKey(repo)
	}
	s.ui.engineConfig(&ec, loadStart)
	defer s.ui.done()
	e := engine.New(ec)
	root := ""
	if t.at != "" || f.newSince != "" {
		if root = revision.CheckedRoot(repo, opts.Options); root == "" {
			return nil, false, nil, usagef("--at and --new-since read revisions of the repository being checked, and no git repository holds it (see --repository)")
		}
	}
	head := opts
	if t.at != "" {
		if head.Options, err = revs.StandIn(opts.Options, root, t.at, t.standsFor); err != nil {
			return nil, false, nil, engine.Usage(fmt.Errorf("--at %s: %w", t.at, err))
		}
	}
	rep, err := e.CheckReport(ctx, head)
	if err != nil {
		return nil, false, nil, err
	}
	if f.newSince != "" {
		base := opts
		if base.Options, err = revs.StandIn(opts.Options, root, f.newSince, ""); err != nil {
			return nil, false, nil, engine.Usage(fmt.Errorf("--new-since %s: %w", f.newSince, err))
		}
		if err := e.Baseline(ctx, rep, base, f.newSince); err != nil {
			return nil, false, nil, err
		}
	}
	return rep, ec.File != nil && ec.File.AcceptIncomplete, ec.Timings, nil
}

// configure reads the configuration and the team's policies as a check
// does (at --config-ref when it is set: revs reads it), and turns them and
// the flags into the engine's options and configuration.
func (f *checkFlags) configure(s Streams, revs *revision.Reader, today time.Time) (engine.Options, engine.Config, error) {
	trusted := engine.ConfigFile{Ref: f.configRef}
	if f.configRef != "" {
		trusted.At = func(p string) (string, error) { return revs.At(p, f.configRef) }
	}
	opts, ec, err := f.load(s.Getenv, trusted)
	if err != nil {
		return engine.Options{}, engine.Config{}, err
	}
	policies, conftest, err := f.policyInput.teamPolicies(f.policies, ec.File, trusted.At)
	if err != nil {
		if f.configRef != "" {
			err = fmt.Errorf("--config-ref %s: %w", f.configRef, err)
		}
		return engine.Options{}, engine.Config{}, err
	}
	ec.Policies, ec.Conftest, ec.Today = policies, conftest, today
	ec.Repository = revision.Repository(f.repository, s.Getenv)
	return opts, ec, nil
}

// shardKey are the flags that change what a check finds, as given, for
// the fingerprint the shards of one check share (engine.Shard.Key); repo
// is the repository being checked. The outputs, --fail-on and the shard's
// index do not count.
func (f *checkFlags) shardKey(repo string) []string {
	key := []string{"config=" + f.config, "fleet=" + f.fleet, "fleet-branch=" + f.fleetBranch, "fleet-url=" + f.fleetURL,
		"kube-version=" + f.kubeVersion, "repository=" + repo, "new-since=" + f.newSince, "config-ref=" + f.configRef,
		"at=" + f.at, "stands-for=" + f.standsFor, "policy-input=" + f.policyInput.input}
	for _, list := range []struct {
		name   string
		values []string
	}{{"source", f.sources}, {"schema-location", f.locations}, {"charts", f.charts}, {"policy", f.policies},
		{"policy-namespace", f.policyInput.namespaces}} {
		for _, v := range list.values {
			key = append(key, list.name+"="+v)
		}
	}
	return key
}

// parseToday reads --today (default: today, UTC).
func parseToday(s string) (time.Time, error) {
	if s == "" {
		return time.Now().UTC(), nil
	}
	today, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, usagef("--today %q: want a date, YYYY-MM-DD", s)
	}
	return today, nil
}

// policyFS opens the --policy folders (nil when there are none); trusted,
// when not nil, maps each to its copy at the trusted revision.
func policyFS(dirs []string, trusted func(string) (string, error)) (map[string]fs.FS, error) {
	if len(dirs) == 0 {
		return nil, nil
	}
	out := map[string]fs.FS{}
	for _, d := range dirs {
		at := d
		if trusted != nil {
			var err error
			if at, err = trusted(d); err != nil {
				return nil, engine.Usage(fmt.Errorf("--policy %s: %w", d, err))
			}
		}
		if st, err := os.Stat(at); err != nil || !st.IsDir() {
			return nil, usagef("--policy %q is not a folder", d)
		}
		// An os.Root's files cannot lead out of the folder, whatever links
		// it holds. It stays open as long as the policies may be read (the
		// garbage collector closes it).
		root, err := os.OpenRoot(at)
		if err != nil {
			return nil, usagef("--policy %q: %w", d, err)
		}
		out[d] = root.FS()
	}
	return out, nil
}

// output is one --format: a reporter and the file it writes to (empty for
// standard output).
type output struct {
	name string
	path string
	rep  report.Reporter
}

// withOutput applies -o FILE to the --format flags: the format that would
// go to standard output (the one without a file, else text when there is
// no --format) goes to FILE.
func withOutput(specs []string, file string) ([]string, error) {
	if file == "" {
		return specs, nil
	}
	if len(specs) == 0 {
		return []string{"text=" + file}, nil
	}
	out := slices.Clone(specs)
	for i, spec := range out {
		if !strings.Contains(spec, "=") {
			out[i] = strings.TrimSpace(spec) + "=" + file
			return out, nil
		}
	}
	return nil, usagef("-o %s: every --format already names its file; -o names the file of the format that would go to standard output (--format NAME)", file)
}

// parseOutputs parses the --format flags: NAME writes to standard output,
// NAME=FILE to FILE, whose folder must exist. At most one goes to standard
// output; without any, text does. The reporters are built for env, told
// whether they write to a terminal (terminal: standard output is one).
func parseOutputs(specs []string, env report.Env, terminal bool) ([]output, error) {
	if len(specs) == 0 {
		specs = []string{"text"}
	}
	var outs []output
	var toStdout []string
	files := map[string]bool{}
	for _, spec := range specs {
		name, path, toFile := strings.Cut(spec, "=")
		name = strings.TrimSpace(name)
		e := env
		e.Terminal = !toFile && terminal
		rep, err := report.NewReporter(name, e)
		if err != nil {
			return nil, usagef("--format: %w", err)
		}
		if !toFile {
			toStdout = append(toStdout, name)
		} else {
			if path == "" {
				return nil, usagef("--format %q: want NAME=FILE with a file name", spec)
			}
			if st, err := os.Stat(path); err == nil && st.IsDir() {
				return nil, usagef("--format %q: %s is a folder", spec, path)
			}
			if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
				return nil, usagef("--format %q: folder %s does not exist", spec, filepath.Dir(path))
			}
			key := filepath.Clean(path)
			if files[key] {
				return nil, usagef("--format %q: two formats write to %s", spec, path)
			}
			files[key] = true
		}
		outs = append(outs, output{name: name, path: path, rep: rep})
	}
	if len(toStdout) > 1 {
		return nil, usagef("at most one --format may write to standard output, got %s; write the others to files with --format NAME=FILE",
			strings.Join(toStdout, ", "))
	}
	return outs, nil
}

// writeOutputs writes the report in every output format. Text shows the
// files of local checkouts relative to the current folder.
func writeOutputs(outs []output, stdout io.Writer, r *report.Report) error {
	local := report.NewLocalFiles(r.Sources, ".")
	for _, o := range outs {
		if t, ok := o.rep.(report.Text); ok {
			t.Local = local
			o.rep = t
		}
		var err error
		if o.path == "" {
			err = o.rep.Write(stdout, r)
		} else {
			err = writeFile(o.path, func(w io.Writer) error { return o.rep.Write(w, r) })
		}
		if err != nil {
			return fmt.Errorf("--format %s: %w", o.name, err)
		}
	}
	return nil
}

// writeFailures writes, to every file output whose format can say so
// (report.FailureWriter: sarif, json), a document saying that the check
// failed with cause.
func writeFailures(outs []output, cause error) error {
	var errs []error
	for _, o := range outs {
		if fw, ok := o.rep.(report.FailureWriter); ok && o.path != "" {
			errs = append(errs, writeFile(o.path, func(w io.Writer) error { return fw.WriteFailure(w, cause) }))
		}
	}
	return errors.Join(errs...)
}

// writeFile creates or truncates path and writes it with fn.
func writeFile(path string, fn func(io.Writer) error) error {
	file, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := fn(file); err != nil {
		_ = file.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := file.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// plural is one or many, as n asks.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
