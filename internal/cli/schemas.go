// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/d1lint/d1lint/internal/schema"
)

type schemasFlags struct {
	format string
	source string
}

func newSchemasCommand(_ Streams) *cobra.Command {
	f := &schemasFlags{}
	cmd := &cobra.Command{
		Use:   "schemas [KIND]",
		Short: "List the schemas built into d1lint",
		Long: `Lists the schemas d1lint validates rendered objects against, offline: the
Kubernetes built-in kinds of the bundled releases (--kube-version picks one),
the CRDs of each bundled Flux release (each cluster is validated against the
release its FluxInstance distribution.version names, or the CRDs in its own
render), and the other bundled CRDs. One row per kind and set of versions,
with the releases that carry exactly those versions. --format json adds the
provenance of every source (module, version and checksum).`,
		Example: `  d1lint schemas
  d1lint schemas HelmRelease
  d1lint schemas --source flux --format json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("schemas takes at most one kind")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.format != "table" && f.format != "json" {
				return usagef("--format %q: %s", f.format, want(f.format, []string{"table", "json"}))
			}
			b, err := schema.Bundled()
			if err != nil {
				return err
			}
			var list []schema.Entry
			for _, e := range b.Entries() {
				if len(args) == 1 && !strings.EqualFold(e.Kind, args[0]) {
					continue
				}
				if f.source != "" && e.Source != f.source {
					continue
				}
				list = append(list, e)
			}
			if len(list) == 0 {
				asked := strings.Join(args, "")
				if f.source != "" {
					asked = strings.TrimSpace(asked + " --source " + f.source)
				}
				return usagef("no bundled schema matches %s (see '%s')", asked, cmd.CommandPath())
			}
			out := cmd.OutOrStdout()
			if f.format == "json" {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(struct {
					Schemas    []schema.Entry  `json:"schemas"`
					Provenance json.RawMessage `json:"provenance"`
				}{list, schema.ProvenanceJSON})
			}
			w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "GROUP\tKIND\tVERSIONS\tSOURCE\tRELEASES")
			for _, e := range list {
				group := e.Group
				if group == "" {
					group = "core"
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", group, e.Kind, strings.Join(e.Versions, ", "), e.Source, strings.Join(e.Releases, ", "))
			}
			return w.Flush()
		},
	}
	cmd.Flags().StringVar(&f.format, "format", "table", "output format: table or json")
	cmd.Flags().StringVar(&f.source, "source", "", "only this source: kubernetes, flux, flux-operator, kyverno, prometheus-operator")
	return cmd
}
