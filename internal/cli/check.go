// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/report"
	"github.com/d1lint/d1lint/internal/waiver"
	"github.com/d1lint/d1lint/rules"
)

// ErrFindings: something at or above --fail-on was found (exit 1).
var ErrFindings = errors.New("findings at or above the failure threshold")

type checkFlags struct {
	fleetFlags
	format   string
	failOn   string
	today    string
	policies []string
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
(multi-tenancy, branch mapping, dependency ordering, substitution, build)
over each cluster's model. Findings name the file and line that cause them.

Exit status: 0 when nothing at or above --fail-on was found, 1 when
something was, 2 for a usage or configuration error, 3 when d1lint itself
failed.`,
		Example: `  d1lint check
  d1lint check --cluster prod-eu --format json
  d1lint check --fail-on warning`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rep, err := report.Lookup(f.format)
			if err != nil {
				return usageError{err}
			}
			failOn, err := finding.ParseSeverity(f.failOn)
			if err != nil {
				return usageError{err}
			}
			today := time.Now().UTC()
			if f.today != "" {
				if today, err = time.Parse(time.DateOnly, f.today); err != nil {
					return fmt.Errorf("%w: --today wants YYYY-MM-DD: %w", ErrUsage, err)
				}
			}
			cat, err := loadCatalogue(f.policies)
			if err != nil {
				return err
			}
			opts, cfg, err := f.load(s.Getenv)
			if err != nil {
				return err
			}
			fl, err := renderWith(cmd.Context(), opts)
			if err != nil {
				return err
			}
			if len(fl.Clusters) == 0 {
				// A check that checked nothing must not pass.
				return fmt.Errorf("%w: no cluster folder under %s/clusters: nothing to check", ErrUsage, opts.FleetPath)
			}
			all, err := cat.Evaluate(cmd.Context(), fl, settings(cfg))
			if err != nil {
				return err
			}
			decided := waiver.Apply(fl, all, cfg, today)
			findings := decided.Findings
			r := report.New(fl, findings)
			r.Waivers, r.Summary.Waived = decided.Waivers, decided.Waived
			if err := rep.Write(cmd.OutOrStdout(), r); err != nil {
				return err
			}
			n := 0
			for _, x := range findings {
				if finding.Rank(x.Severity) >= finding.Rank(failOn) {
					n++
				}
			}
			if n > 0 {
				return fmt.Errorf("%w: %d finding(s) at or above %s", ErrFindings, n, failOn)
			}
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&f.format, "format", "text", "output format: "+fmt.Sprint(report.Names()))
	cmd.Flags().StringVar(&f.failOn, "fail-on", finding.Error, "lowest severity that fails the check: error, warning or info")
	cmd.Flags().StringArrayVar(&f.policies, "policy", nil, "a folder of the team's own Rego policies (repeatable): report sets built with data.d1lint.lib.result.fail, or conftest-style deny/warn")
	cmd.Flags().StringVar(&f.today, "today", "", "the date waivers expire against (YYYY-MM-DD; default today)")
	_ = cmd.Flags().MarkHidden("today")
	return cmd
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
