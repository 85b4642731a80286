// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/d1lint/d1lint/internal/engine"
	"github.com/d1lint/d1lint/internal/report"
)

// ErrPull: some charts could not be fetched (exit 1).
var ErrPull = errors.New("charts not fetched")

func newChartsCommand(s Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "charts",
		Short: "Manage the chart cache that HelmReleases render from offline",
		Long: `d1lint renders every HelmRelease's chart offline: a chart in git from the
same snapshots as everything else, a packaged chart (a HelmRepository's or an
OCIRepository's) from the chart cache, a folder given by --charts or charts:
in .d1lint.yaml, laid out as <registry host>/<path>/<name>-<version>.tgz.
charts pull fills it; it is the only d1lint command that uses the network.`,
		Args: noArgs,
	}
	cmd.AddCommand(newChartsPullCommand(s))
	return cmd
}

type chartsPullFlags struct {
	fleetFlags
	plainHTTP bool
}

func newChartsPullCommand(s Streams) *cobra.Command {
	f := &chartsPullFlags{}
	cmd := &cobra.Command{
		Use:   "pull",
		Short: "Fetch every chart the fleet's HelmReleases use into the chart cache",
		Long: `Renders the fleet's Kustomizations (offline, as check does), collects the
packaged chart of every HelmRelease of every cluster at the version that
cluster asks for (a semver range resolves to the newest matching version the
repository has), and stores exactly those in the chart cache: the first
--charts folder, else the first charts: folder of .d1lint.yaml. A chart
already there is not fetched again.

Credentials are the user's own: for OCI registries, Helm's registry
configuration (helm registry login; $HELM_REGISTRY_CONFIG) and Docker's
(docker login; ~/.docker/config.json); for HTTPS repositories, the matching
entry of Helm's repositories.yaml (helm repo add --username;
$HELM_REPOSITORY_CONFIG).

It lists what it fetched and what it could not (with --quiet, only what it
could not); on a terminal, progress goes to standard error. The exit status
is 1 when a chart could not be fetched (check then warns about it, D1-0007).`,
		Example: `  d1lint charts pull --charts .d1lint/charts
  d1lint check --charts .d1lint/charts`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			loadStart := time.Now()
			opts, ec, err := f.load(s.Getenv, engine.ConfigFile{})
			if err != nil {
				return err
			}
			if len(opts.ChartDirs) == 0 {
				return usagef("no chart cache folder: pass --charts DIR, or list one under charts: in .d1lint.yaml")
			}
			dir := opts.ChartDirs[0]
			if len(f.charts) > 0 {
				dir = f.charts[0]
			}
			s.ui.engineConfig(&ec, loadStart)
			pulled, err := engine.New(ec).PullCharts(cmd.Context(), opts, dir, f.plainHTTP)
			s.ui.done()
			if err != nil {
				return engine.Usage(err)
			}
			s.ui.explain(nil, ec.Timings)
			out := cmd.OutOrStdout()
			if len(pulled) == 0 {
				if s.ui.quiet {
					return nil
				}
				fmt.Fprintln(out, "no packaged chart to fetch: the fleet's HelmReleases take their charts from git, or there are none")
				return nil
			}
			failed := 0
			for _, p := range pulled {
				switch {
				case p.Err != nil:
					failed++
					fmt.Fprintf(out, "could not fetch %s: %v\n", p.Ref, p.Err)
				case s.ui.quiet:
					// Only what went wrong.
				case p.Already:
					fmt.Fprintf(out, "in the cache  %s %s: %s\n", p.Ref.Name, p.Version, p.Path)
				default:
					fmt.Fprintf(out, "fetched       %s %s: %s\n", p.Ref.Name, p.Version, p.Path)
				}
			}
			if !s.ui.quiet {
				fmt.Fprintf(out, "%s in %s, %d could not be fetched\n", report.Count(len(pulled)-failed, "chart"), dir, failed)
			}
			if failed > 0 {
				return fmt.Errorf("%w: %d of %d", ErrPull, failed, len(pulled))
			}
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&f.plainHTTP, "plain-http", false, "talk plain HTTP to OCI registries (a registry on localhost)")
	return cmd
}
