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
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/guard"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/render"
	"github.com/d1lint/d1lint/internal/report"
	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/internal/waiver"
	"github.com/d1lint/d1lint/rules"
)

// ErrFindings: something at or above --fail-on was found (exit 1).
var ErrFindings = errors.New("findings at or above the failure threshold")

type checkFlags struct {
	fleetFlags
	formats    []string
	repository string
	failOn     string
	today      string
	policies   []string
	// newSince, configRef and at are git revisions of the repository of the
	// current folder (see revisions.standIn); standsFor is the branch a
	// revision read with at stands for.
	newSince  string
	at        string
	standsFor string
	// progress, when set, is told what the check is doing (audit prints
	// it on a terminal); rendered is the fleet the last check rendered
	// (audit reports on it).
	progress func(string)
	rendered *model.Fleet
}

// argsForKey are the flags that decide a check's outcome, for the hook's
// result cache.
func (f *checkFlags) argsForKey() []string {
	return append([]string{f.config, f.fleet, f.fleetBranch, f.fleetURL, f.kubeVersion, f.repository, f.failOn, f.newSince,
		strings.Join(f.sources, "\x00"), strings.Join(f.clusters, "\x00"), strings.Join(f.locations, "\x00"),
		strings.Join(f.formats, "\x00")}, f.policies...)
}

// output is one --format: a reporter and the file it writes to (empty for
// standard output).
type output struct {
	name string
	path string
	rep  report.Reporter
}

// outputs parses the --format flags: NAME writes to standard output,
// NAME=FILE to FILE, whose folder must exist. At most one goes to standard
// output; without any, text does. Text on a terminal is coloured unless
// NO_COLOR is set; github reads GITHUB_STEP_SUMMARY and GITHUB_OUTPUT.
func (f *checkFlags) outputs(stdout io.Writer, getenv func(string) string) ([]output, error) {
	specs := f.formats
	if len(specs) == 0 {
		specs = []string{"text"}
	}
	var outs []output
	var toStdout []string
	files := map[string]bool{}
	for _, spec := range specs {
		name, path, toFile := strings.Cut(spec, "=")
		name = strings.TrimSpace(name)
		rep, err := report.Lookup(name)
		if err != nil {
			return nil, fmt.Errorf("%w: --format %q: %w", ErrUsage, spec, err)
		}
		if !toFile {
			toStdout = append(toStdout, name)
		} else {
			if path == "" {
				return nil, fmt.Errorf("%w: --format %q: want NAME=FILE with a file name", ErrUsage, spec)
			}
			if st, err := os.Stat(path); err == nil && st.IsDir() {
				return nil, fmt.Errorf("%w: --format %q: %s is a folder", ErrUsage, spec, path)
			}
			if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
				return nil, fmt.Errorf("%w: --format %q: folder %s does not exist", ErrUsage, spec, filepath.Dir(path))
			}
			key := filepath.Clean(path)
			if files[key] {
				return nil, fmt.Errorf("%w: --format %q: two formats write to %s", ErrUsage, spec, path)
			}
			files[key] = true
		}
		switch r := rep.(type) {
		case report.Text:
			r.Color = !toFile && isTerminal(stdout) && getenv("NO_COLOR") == ""
			rep = r
		case report.GitHub:
			r.SummaryPath, r.OutputPath = getenv("GITHUB_STEP_SUMMARY"), getenv("GITHUB_OUTPUT")
			rep = r
		}
		outs = append(outs, output{name: name, path: path, rep: rep})
	}
	if len(toStdout) > 1 {
		return nil, fmt.Errorf("%w: at most one --format may write to standard output, got %s; write the others to files with --format NAME=FILE",
			ErrUsage, strings.Join(toStdout, ", "))
	}
	return outs, nil
}

// write writes the report in every output format.
func (o output) write(stdout io.Writer, r *report.Report) error {
	if o.path == "" {
		return o.rep.Write(stdout, r)
	}
	return writeFile(o.path, func(w io.Writer) error { return o.rep.Write(w, r) })
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

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	file, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := file.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// checkedRepository is the repository being checked, normalised: --repository,
// else GITHUB_REPOSITORY (on GITHUB_SERVER_URL, github.com by default), else
// the repository of the first cluster's root Kustomization (the fleet's).
func (f *checkFlags) checkedRepository(getenv func(string) string, fl *model.Fleet) string {
	if repo := f.namedRepository(getenv); repo != "" {
		return repo
	}
	for _, c := range fl.Clusters {
		for _, k := range c.Kustomizations {
			if k.Key == c.Root && k.Revision != nil && k.Revision.Repo != "" {
				return k.Revision.Repo
			}
		}
	}
	return ""
}

// namedRepository is the repository being checked when the user or GitHub
// names it: --repository, else GITHUB_REPOSITORY; "" otherwise.
func (f *checkFlags) namedRepository(getenv func(string) string) string {
	if f.repository != "" {
		return source.NormalizeURL(f.repository)
	}
	if repo := getenv("GITHUB_REPOSITORY"); repo != "" {
		server := getenv("GITHUB_SERVER_URL")
		if server == "" {
			server = "https://github.com"
		}
		return source.NormalizeURL(strings.TrimRight(server, "/") + "/" + repo)
	}
	return ""
}

// checkedRoot is the local git repository whose revisions --at and
// --new-since name: the one mapped for the repository being checked (a
// --source, or else the fleet), or without a named repository the current
// folder's, else the fleet's.
func (f *checkFlags) checkedRoot(opts render.Options, getenv func(string) string) string {
	if repo := f.namedRepository(getenv); repo != "" {
		for _, m := range opts.Sources {
			if source.NormalizeURL(m.URL) == repo {
				return source.RepoRoot(m.Path)
			}
		}
		return source.RepoRoot(opts.FleetPath)
	}
	if root := source.RepoRoot("."); root != "" {
		return root
	}
	return source.RepoRoot(opts.FleetPath)
}

// reportRules describes the catalogue's rules for reports.
func reportRules(cat *rules.Catalogue) []report.Rule {
	var out []report.Rule
	for _, x := range cat.Rules() {
		r := report.Rule{ID: x.ID, Title: x.Title, Category: x.Category, Severity: x.Severity,
			Description: x.Description, Remediation: x.Remediation}
		if x.Category != rules.CustomCategory {
			r.HelpURI = report.RuleDocs + x.ID + ".md"
		}
		out = append(out, r)
	}
	return out
}

// settings are the rule settings: d1's defaults, overridden by the file.
func settings(cfg *config.Config) rules.Settings {
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
	return s
}

func newCheckCommand(s Streams) *cobra.Command {
	f := &checkFlags{}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Render every cluster and evaluate the rules over it",
		Long: `Renders every selected cluster as Flux would and evaluates d1lint's rules
(multi-tenancy, branch mapping, dependency ordering, substitution, schema,
build) over each cluster's model. Findings name the file and line that cause
them.

--format is repeatable: --format NAME writes to standard output (at most one
may), --format NAME=FILE writes to FILE (created or truncated; its folder
must exist). Without --format, text goes to standard output. Formats:
text (coloured on a terminal unless NO_COLOR is set), json (see
docs/report.schema.json), sarif (SARIF 2.1.0, for GitHub code scanning),
github (workflow command annotations; also appends a summary to
$GITHUB_STEP_SUMMARY and errors/warnings/infos/new to $GITHUB_OUTPUT when
they are set), junit (JUnit XML) and markdown. See docs/output.md.

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
  d1lint check --format markdown=report.md --format junit=junit.xml --format text`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCheck(cmd.Context(), s, f, cmd.OutOrStdout())
		},
	}
	f.registerCheck(cmd)
	return cmd
}

// registerCheck adds the check flags (shared by check and the pre-push hook).
func (f *checkFlags) registerCheck(cmd *cobra.Command) {
	f.register(cmd)
	cmd.Flags().StringArrayVar(&f.formats, "format", nil, "output format, to standard output (NAME) or to a file (NAME=FILE); repeatable, at most one to standard output (default text): "+strings.Join(report.Names(), ", "))
	cmd.Flags().StringVar(&f.repository, "repository", "", "URL of the repository being checked, whose files sarif and github annotate (default: $GITHUB_REPOSITORY, else the fleet repository)")
	cmd.Flags().StringVar(&f.failOn, "fail-on", finding.Error, "lowest severity that fails the check: error, warning or info")
	cmd.Flags().StringArrayVar(&f.policies, "policy", nil, "a folder of the team's own Rego policies (repeatable): report sets built with data.d1lint.lib.result.fail, or conftest-style deny/warn")
	cmd.Flags().StringVar(&f.newSince, "new-since", "", "git revision of the repository being checked (origin/main): findings it already had are marked existing, and only new ones count for --fail-on")
	cmd.Flags().StringVar(&f.configRef, "config-ref", "", "read .d1lint.yaml and the --policy folders from this git revision of their repository (a pull request cannot relax its own checks)")
	cmd.Flags().StringVar(&f.at, "at", "", "check this git revision of the repository being checked instead of its working tree (HEAD: ignore uncommitted edits)")
	cmd.Flags().StringVar(&f.standsFor, "stands-for", "", "with --at: the branch that revision stands for (default: the branch the working tree stands for)")
	cmd.Flags().StringVar(&f.today, "today", "", "the date waivers expire against (YYYY-MM-DD; default today)")
	_ = cmd.Flags().MarkHidden("today")
}

// runCheck runs a check and writes its outputs; stdout takes the output
// that goes to standard output.
func runCheck(ctx context.Context, s Streams, f *checkFlags, stdout io.Writer) error {
	outs, err := f.outputs(stdout, s.Getenv)
	if err != nil {
		return err
	}
	r, err := f.check(ctx, s)
	if err != nil {
		if !errors.Is(err, ErrUsage) {
			// A SARIF file says that the check failed, for the upload step
			// that runs whatever happened.
			if werr := writeFailures(outs, err); werr != nil {
				err = errors.Join(err, werr)
			}
		}
		return err
	}
	for _, o := range outs {
		if err := o.write(stdout, r); err != nil {
			return fmt.Errorf("--format %s: %w", o.name, err)
		}
	}
	failOn, _ := finding.ParseSeverity(f.failOn)
	n := 0
	for _, x := range r.Findings {
		// With a baseline, only what the change introduces fails it.
		if finding.Rank(x.Severity) >= finding.Rank(failOn) && x.Baseline != finding.Existing {
			n++
		}
	}
	if n > 0 {
		what := ""
		if f.newSince != "" {
			what = " new since " + f.newSince
		}
		return fmt.Errorf("%w: %d finding(s)%s at or above %s", ErrFindings, n, what, failOn)
	}
	return nil
}

// check renders the fleet, evaluates the rules, locates the findings and
// applies the waivers; with --new-since, it does the same at the baseline
// revision and marks each finding new or existing.
func (f *checkFlags) check(ctx context.Context, s Streams) (*report.Report, error) {
	if _, err := finding.ParseSeverity(f.failOn); err != nil {
		return nil, usageError{err}
	}
	today := time.Now().UTC()
	if f.today != "" {
		var err error
		if today, err = time.Parse(time.DateOnly, f.today); err != nil {
			return nil, fmt.Errorf("%w: --today wants YYYY-MM-DD: %w", ErrUsage, err)
		}
	}
	if f.standsFor != "" && f.at == "" {
		return nil, fmt.Errorf("%w: --stands-for goes with --at", ErrUsage)
	}
	if f.newSince != "" || f.configRef != "" || f.at != "" {
		revs, err := newRevisions(s.Getenv)
		if err != nil {
			return nil, err
		}
		defer revs.Close()
		f.revs = revs
	}
	policies := f.policies
	if f.configRef != "" {
		policies = nil
		for _, d := range f.policies {
			dir, err := f.revs.at(d, f.configRef)
			if err != nil {
				return nil, fmt.Errorf("%w: --config-ref %s: --policy %s: %w", ErrUsage, f.configRef, d, err)
			}
			policies = append(policies, dir)
		}
	}
	cat, err := loadCatalogue(policies)
	if err != nil {
		return nil, err
	}
	opts, cfg, err := f.load(s.Getenv)
	if err != nil {
		return nil, err
	}
	root := ""
	if f.at != "" || f.newSince != "" {
		if root = f.checkedRoot(opts, s.Getenv); root == "" {
			return nil, fmt.Errorf("%w: --at and --new-since read revisions of the repository being checked, and no git repository holds it (see --repository)", ErrUsage)
		}
	}
	base := opts
	if f.at != "" {
		if opts, err = f.revs.standIn(opts, root, f.at, f.standsFor, s.Getenv); err != nil {
			return nil, usage(fmt.Errorf("--at %s: %w", f.at, err))
		}
	}
	fl, findings, err := evaluateWith(ctx, opts, cat, cfg, today, f.progress)
	if err != nil {
		return nil, err
	}
	f.rendered = fl
	r := report.New(fl, findings.Findings)
	r.Waivers, r.Summary.Waived = findings.Waivers, findings.Waived
	r.Repository = f.checkedRepository(s.Getenv, fl)
	r.Rules = reportRules(cat)
	r.ToolVersion = toolVersion()
	if f.newSince != "" {
		bopts, err := f.revs.standIn(base, root, f.newSince, "", s.Getenv)
		if err != nil {
			return nil, usage(fmt.Errorf("--new-since %s: %w", f.newSince, err))
		}
		_, before, err := evaluate(ctx, bopts, cat, cfg, today)
		if err != nil {
			return nil, fmt.Errorf("checking the baseline %s: %w", f.newSince, err)
		}
		had := map[string]bool{}
		for _, x := range before.Findings {
			had[x.Fingerprint] = true
		}
		r.Baseline = f.newSince
		r.Summary.New = 0
		for i := range r.Findings {
			if had[r.Findings[i].Fingerprint] {
				r.Findings[i].Baseline = finding.Existing
			} else {
				r.Findings[i].Baseline = finding.New
				r.Summary.New++
			}
		}
	}
	return r, nil
}

// evaluate renders a fleet, evaluates the rules, points each finding that
// names a field at the line that sets it, and applies the waivers.
func evaluate(ctx context.Context, opts render.Options, cat *rules.Catalogue, cfg *config.Config, today time.Time) (*model.Fleet, waiver.Result, error) {
	return evaluateWith(ctx, opts, cat, cfg, today, nil)
}

// evaluateWith is evaluate, telling progress (when not nil) what it does.
func evaluateWith(ctx context.Context, opts render.Options, cat *rules.Catalogue, cfg *config.Config, today time.Time, progress func(string)) (*model.Fleet, waiver.Result, error) {
	defer guard.Lockdown()()
	if progress != nil {
		progress(renderingWhat(opts))
	}
	rd, fl, err := renderSide(ctx, opts)
	if err != nil {
		return nil, waiver.Result{}, err
	}
	defer rd.Close()
	if progress != nil {
		progress(fmt.Sprintf("evaluating %d rules over %d clusters…", len(cat.Rules()), len(fl.Clusters)))
	}
	res, err := judge(ctx, rd, fl, nil, func() (*rules.Catalogue, error) { return cat, nil }, cfg, today)
	return fl, res, err
}

// locate moves each finding that names a field (as keys and indices) to
// the line that sets the field: the patch that set it, or the object's own
// document.
func locate(rd *render.Renderer, fl *model.Fleet, fs []finding.Finding) {
	byName := map[string]*model.Cluster{}
	for _, c := range fl.Clusters {
		byName[c.Name] = c
	}
	for i := range fs {
		f := &fs[i]
		c := byName[f.Cluster]
		if len(f.FieldPath) == 0 || f.Object == nil || c == nil {
			continue
		}
		for _, o := range c.Objects {
			if o.APIVersion != f.Object.APIVersion || o.Kind != f.Object.Kind || o.Namespace != f.Object.Namespace || o.Name != f.Object.Name {
				continue
			}
			if loc := rd.Locate(c, o, f.FieldPath); loc != nil {
				f.Repo, f.Branch, f.File, f.Line = loc.Repo, loc.Branch, loc.Path, loc.Line
			}
			break
		}
	}
	finding.Sort(fs)
}

// writeFailures writes, to every sarif file output, a SARIF log saying
// that the check failed with cause.
func writeFailures(outs []output, cause error) error {
	var errs []error
	for _, o := range outs {
		if _, ok := o.rep.(report.SARIF); ok && o.path != "" {
			errs = append(errs, writeFile(o.path, func(w io.Writer) error {
				return report.SARIF{}.WriteFailure(w, toolVersion(), cause)
			}))
		}
	}
	return errors.Join(errs...)
}

// loadCatalogue compiles the built-in rules and the team's policy folders.
// A broken team policy is a usage error; a broken built-in one is d1lint's.
func loadCatalogue(dirs []string) (*rules.Catalogue, error) {
	if len(dirs) == 0 {
		cat, err := rules.Load()
		if err != nil {
			return nil, fmt.Errorf("loading the built-in rules: %w", err)
		}
		return cat, nil
	}
	fsys := map[string]fs.FS{}
	for _, d := range dirs {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("%w: --policy %q is not a folder", ErrUsage, d)
		}
		fsys[d] = os.DirFS(d)
	}
	cat, err := rules.LoadWithPolicies(fsys)
	if err != nil {
		return nil, usageError{err}
	}
	return cat, nil
}
