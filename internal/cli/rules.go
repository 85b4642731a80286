// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/rules"
)

type rulesFlags struct {
	format string
}

func newRulesCommand(_ Streams) *cobra.Command {
	f := &rulesFlags{}
	cmd := &cobra.Command{
		Use:   "rules [ID]",
		Short: "List the rules, or print one rule's documentation",
		Example: `  d1lint rules
  d1lint rules D1-0401`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("rules takes at most one rule id")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.format != "table" && f.format != "json" {
				return usagef("--format %q: %s", f.format, want(f.format, []string{"table", "json"}))
			}
			cat, err := rules.Load()
			if err != nil {
				return fmt.Errorf("loading the built-in rules: %w", err)
			}
			list := cat.Rules()
			if len(args) == 1 {
				r, ok := cat.Rule(strings.ToUpper(args[0]))
				if !ok {
					if hint := config.SuggestRule(args[0], list); strings.HasPrefix(hint, "did you mean") {
						return usagef("no rule %s; %s", args[0], hint)
					}
					return usagef("no rule %s (see '%s')", args[0], cmd.CommandPath())
				}
				list = []finding.Rule{r}
			}
			out := cmd.OutOrStdout()
			if f.format == "json" {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(list)
			}
			if len(args) == 1 {
				r := list[0]
				_, err := fmt.Fprintf(out, "%s: %s\n\ncategory: %s\nseverity: %s\nprofiles: %s\n\n%s\n\nHow to fix: %s\n",
					r.ID, r.Title, r.Category, r.Severity, strings.Join(r.Profiles, ", "), r.Description, r.Remediation)
				return err
			}
			w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tCATEGORY\tSEVERITY\tPROFILES\tTITLE")
			for _, r := range list {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Category, r.Severity, strings.Join(r.Profiles, ","), r.Title)
			}
			return w.Flush()
		},
	}
	cmd.Flags().StringVar(&f.format, "format", "table", "output format: table or json")
	return cmd
}
