// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/report"
)

type clustersFlags struct {
	fleetFlags
	format string
}

func newClustersCommand(s Streams) *cobra.Command {
	f := &clustersFlags{}
	cmd := &cobra.Command{
		Use:   "clusters",
		Short: "List the fleet's clusters with the branch of each source they follow",
		Example: `  d1lint clusters    # in d1-fleet, with d1-infra and d1-apps beside it
  d1lint clusters --fleet ../d1-fleet --source https://github.com/acme/d1-infra.git=../infra-wt`,
		Long: `Renders every cluster and lists, for each, its era, environment, the
branch of each repository it follows, how many Kustomizations, objects and
problems it has, and the file:line of its root ("assumed": flux bootstrap's),
then which folder each repository was read from. Problems go to standard
error; the exit status is 1 when part of a render could not be built.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.format != "table" && f.format != "json" {
				return usagef("--format %q: %s", f.format, want(f.format, []string{"table", "json"}))
			}
			fl, err := f.build(cmd.Context(), s.Getenv)
			if err != nil {
				return err
			}
			if f.format == "json" {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				if err := enc.Encode(summaries(fl)); err != nil {
					return err
				}
			} else if err := writeTable(cmd, fl); err != nil {
				return err
			}
			return reportProblems(cmd.ErrOrStderr(), fl)
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&f.format, "format", "table", "output format: table or json")
	return cmd
}

// summaries are the rows of `d1lint clusters`, one per cluster.
func summaries(fl *model.Fleet) []model.ClusterSummary {
	out := []model.ClusterSummary{}
	for _, c := range fl.Clusters {
		out = append(out, model.Summarize(c))
	}
	return out
}

func writeTable(cmd *cobra.Command, fl *model.Fleet) error {
	w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "CLUSTER\tERA\tENVIRONMENT\tSOURCES\tKUSTOMIZATIONS\tOBJECTS\tPROBLEMS\tROOT")
	for _, s := range summaries(fl) {
		probs := fmt.Sprint(s.Problems)
		if s.Warnings > 0 {
			probs += fmt.Sprintf(" (+%d warnings)", s.Warnings)
		}
		env := s.Environment
		if env == "" {
			env = "-"
		}
		root := s.RootFile
		if root == "" {
			root = s.Found
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\n", s.Name, s.Era, env, strings.Join(s.Sources, " "), s.Kustomizations, s.Objects, probs, root)
	}
	if used, _ := report.SourceLines(fl.Mappings); len(used) > 0 { // where each repository was read from
		fmt.Fprintf(w, "\nsources:\n  %s\n", strings.Join(used, "\n  "))
	}
	return w.Flush()
}
