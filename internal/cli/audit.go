// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/d1lint/d1lint/internal/audit"
	"github.com/d1lint/d1lint/internal/diff"
	"github.com/d1lint/d1lint/internal/engine"
	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/report"
	"github.com/d1lint/d1lint/internal/revision"
)

type auditFlags struct {
	fleetFlags
	out      string
	failOn   string
	policies []string
	// policyInput is what the --policy folders' policies read (as check's).
	policyInput policyInputFlags
	repository  string
	today       string
	// terminal tells whether a stream is a terminal (progress is printed
	// only on one).
	terminal func(io.Writer) bool
}

func newAuditCommand(s Streams) *cobra.Command {
	return newAuditCommandWith(s, s.IsTerminal)
}

// newAuditCommandWith is the audit command with the terminal check
// injected (tests).
func newAuditCommandWith(s Streams, terminal func(io.Writer) bool) *cobra.Command {
	f := &auditFlags{terminal: terminal}
	cmd := &cobra.Command{
		Use:   "audit --out DIR",
		Short: "Audit the whole fleet into a folder: HTML report, JSON and SARIF",
		Long: `Renders every selected cluster, evaluates the rules like check, and writes
the audit into the folder --out (created when missing):

  report.html   one self-contained page (no external resource): the
                verdict by --fail-on and the audited commits, fleet
                overview (clusters x rule categories), every finding with
                its location and the rule's documentation (one card for
                the clusters it is found in), the waivers and their
                status, each cluster's inventory (sources, HelmReleases,
                Kustomizations) and Flux Kustomization graph, and the
                promotion drift between main and production
  report.json   the check's JSON report (docs/report.schema.json)
  report.sarif  the check's SARIF 2.1.0 log

An audit is a report: the exit status is 0 whatever it finds, unless
--fail-on names a severity (then 1 when something at or above it was
found, after the files are written). 2 for a usage or configuration
error, 3 when d1lint itself failed. On a terminal, progress goes to
standard error (not with --quiet). See docs/audit.md.`,
		Example: `  d1lint audit --out audit
  d1lint audit --out audit --fail-on error
  d1lint audit --out audit --policy ./my-policies`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAudit(cmd.Context(), s, f, cmd.ErrOrStderr())
		},
	}
	f.register(cmd)
	f.registerProfile(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.out, "out", "", "folder to write report.html, report.json and report.sarif into (created when missing; required)")
	fl.StringVar(&f.failOn, "fail-on", "", "fail (exit status 1) when something at or above this severity is found: error, warning or info (default: never)")
	fl.StringArrayVar(&f.policies, "policy", nil, "a folder of the team's own Rego policies (repeatable), as for check")
	f.policyInput.register(cmd)
	fl.StringVar(&f.repository, "repository", "", "URL of the repository whose files report.sarif annotates (default: $GITHUB_REPOSITORY, else the fleet repository)")
	fl.StringVar(&f.today, "today", "", "the date waivers expire against and the audit is dated (YYYY-MM-DD; default today)")
	_ = fl.MarkHidden("today")
	return cmd
}

// runAudit checks the fleet and writes the audit; stderr takes progress.
func runAudit(ctx context.Context, s Streams, f *auditFlags, stderr io.Writer) error {
	if f.out == "" {
		return usagef("audit needs --out DIR, the folder to write the report into")
	}
	if st, err := os.Stat(f.out); err == nil && !st.IsDir() {
		return usagef("--out %s is a file, not a folder", f.out)
	}
	failOn := ""
	if f.failOn != "" {
		var err error
		if failOn, err = finding.ParseSeverity(f.failOn); err != nil {
			return engine.UsageError(fmt.Errorf("--fail-on: %w", err))
		}
	}
	today, err := parseToday(f.today)
	if err != nil {
		return err
	}
	u := &ui{color: report.ColorAuto, stderr: stderr, terminal: f.terminal}
	if s.ui != nil {
		u.color, u.quiet, u.verbose = s.ui.color, s.ui.quiet, s.ui.verbose
	}
	if u.terminal == nil {
		u.terminal = report.IsTerminal
	}
	progress := func(string) {}
	if p := u.progress(); p != nil {
		progress = p
	}
	defer u.done()
	loadStart := time.Now()
	opts, ec, err := f.load(s.Getenv, engine.ConfigFile{})
	if err != nil {
		return err
	}
	policies, conftest, err := f.policyInput.teamPolicies(f.policies, ec.File, nil)
	if err != nil {
		return err
	}
	// The same rules (the team's --policy folders and the configuration's
	// policies: too) and the same date judge the audit's check and both
	// sides of the promotion.
	ec.Policies, ec.Conftest, ec.Today, ec.Repository = policies, conftest, today, revision.Repository(f.repository, s.Getenv)
	u.engineConfig(&ec, loadStart)
	e := engine.New(ec)
	res, err := e.Check(ctx, opts)
	if err != nil {
		return err
	}
	d := &audit.Data{Report: res.Report, Fleet: res.Fleet, Date: today.Format("2006-01-02"), FailOn: failOn}
	progress("computing the promotion drift…")
	if err := promotion(ctx, e, opts, d, u.say); err != nil {
		return err
	}

	progress(fmt.Sprintf("writing %s to %s…", strings.Join(audit.Files, ", "), f.out))
	if err := audit.Write(f.out, d); err != nil {
		return err
	}
	u.say(fmt.Sprintf("wrote %s: %s", filepath.Join(f.out, audit.HTMLFile), auditSummary(res.Report)))
	u.explain(res.Report.Sources, ec.Timings)

	if failOn == "" {
		return nil
	}
	if n := finding.Failing(res.Report.Findings, failOn); n > 0 {
		return fmt.Errorf("%w: %s at or above %s (the audit is in %s)", ErrFindings, report.Count(n, "finding"), failOn, f.out)
	}
	return nil
}

// promotion sets the promotion drift of the audit (see
// engine.Engine.Promotion). When it cannot be computed, the audit says why
// and goes on; only a cancelled context stops it.
func promotion(ctx context.Context, e *engine.Engine, opts engine.Options, d *audit.Data, say func(string)) error {
	branches := e.Branches()
	d.Main, d.Production = branches.Main(), branches.Production()
	// The promotion renders the fleet twice more: only the production
	// clusters, which are all it reports on, halve that.
	opts.Clusters = nil
	for _, c := range d.Fleet.Clusters {
		if branches.IsProduction(c) {
			opts.Clusters = append(opts.Clusters, c.Name)
		}
	}
	if len(opts.Clusters) == 0 {
		d.Promotion = []diff.Cluster{}
		return nil
	}
	p, err := e.Promotion(ctx, opts)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		d.PromotionNote = err.Error()
		say("the promotion drift was not computed: " + err.Error())
		return nil
	}
	d.Main, d.Production, d.Releases = p.Main, p.Production, p.Releases
	d.Promotion = p.Clusters
	if d.Promotion == nil {
		d.Promotion = []diff.Cluster{}
	}
	return nil
}

// auditSummary is the last progress line: what the audit holds.
func auditSummary(r *report.Report) string {
	s := r.Summary
	return fmt.Sprintf("%s, %s, %s, %d info", report.Count(s.Clusters, "cluster"),
		report.Count(s.Findings[finding.Error], "error"), report.Count(s.Findings[finding.Warning], "warning"), s.Findings[finding.Info])
}
