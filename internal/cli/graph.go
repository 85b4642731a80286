// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/d1lint/d1lint/internal/graph"
)

type graphFlags struct {
	fleetFlags
	format string
}

func newGraphCommand(s Streams) *cobra.Command {
	f := &graphFlags{}
	cmd := &cobra.Command{
		Use:   "graph",
		Short: "Draw a cluster's Flux Kustomization graph (DOT or Mermaid)",
		Long: `Renders one cluster and draws its Flux Kustomizations: solid edges from a
Kustomization to those it applies, dashed edges labelled "depends on" from a
Kustomization to each one its spec.dependsOn waits for. --cluster names the
one cluster to draw (it may be left out when the fleet has one cluster).
Problems go to standard error; the exit status is 1 when part of the render
could not be built.`,
		Example: `  d1lint graph --cluster staging --format mermaid
  d1lint graph --cluster prod-eu | dot -Tsvg > prod-eu.svg`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains(graph.Formats, f.format) {
				return usagef("--format %q: %s", f.format, want(f.format, graph.Formats))
			}
			if len(f.clusters) > 1 {
				// Checked before the render: a graph is of one cluster.
				return usagef("--cluster: graph draws exactly one cluster, got %d (%s); pick one with --cluster NAME", len(f.clusters), strings.Join(f.clusters, ", "))
			}
			fl, err := f.build(cmd.Context(), s.Getenv)
			if err != nil {
				return err
			}
			c, err := oneCluster(fl)
			if err != nil {
				return err
			}
			if err := graph.Write(cmd.OutOrStdout(), c, f.format); err != nil {
				return err
			}
			// As build: the graph of what rendered, and why it is not all.
			return reportProblems(cmd.ErrOrStderr(), fl)
		},
	}
	f.register(cmd)
	// The shared flag renders any number of clusters; graph draws one.
	cmd.Flags().Lookup("cluster").Usage = "the one cluster to draw (required unless the fleet has a single cluster)"
	cmd.Flags().StringVar(&f.format, "format", "dot", "output format: dot or mermaid")
	return cmd
}
