// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"fmt"
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
		Example: `  d1lint graph --cluster staging --format mermaid
  d1lint graph --cluster prod-eu | dot -Tsvg > prod-eu.svg`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains(graph.Formats, f.format) {
				return fmt.Errorf("%w: --format must be one of %s", ErrUsage, strings.Join(graph.Formats, ", "))
			}
			fl, err := f.build(cmd.Context(), s.Getenv)
			if err != nil {
				return err
			}
			c, err := oneCluster(fl)
			if err != nil {
				return err
			}
			return graph.Write(cmd.OutOrStdout(), c, f.format)
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&f.format, "format", "dot", "output format: dot or mermaid")
	return cmd
}
