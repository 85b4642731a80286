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
		Long: `Renders one cluster and draws its Flux Kustomizations and what each depends
on. Problems go to standard error; the exit status is 1 when part of the
render could not be built.`,
		Example: `  d1lint graph --cluster staging --format mermaid
  d1lint graph --cluster prod-eu | dot -Tsvg > prod-eu.svg`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains(graph.Formats, f.format) {
				return usagef("--format %q: want %s", f.format, strings.Join(graph.Formats, " or "))
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
	cmd.Flags().StringVar(&f.format, "format", "dot", "output format: dot or mermaid")
	return cmd
}
