// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/d1lint/d1lint/internal/engine"
	"github.com/d1lint/d1lint/rules"
)

// ErrTestsFailed: a team's Rego tests failed (exit 1).
var ErrTestsFailed = errors.New("policy tests failed")

func newPolicyCommand(_ Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Work with a team's own Rego policies",
	}
	cmd.AddCommand(&cobra.Command{
		Use:     "test DIR...",
		Short:   "Run the Rego tests of a team's policies (with d1lint's library available)",
		Example: `  d1lint policy test ./my-policies`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("policy test needs at least one folder")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			pass, fail := 0, 0
			for _, dir := range args {
				if st, err := os.Stat(dir); err != nil || !st.IsDir() {
					return usagef("%q is not a folder", dir)
				}
				// An os.Root's files cannot lead out of the folder.
				root, err := os.OpenRoot(dir)
				if err != nil {
					return usagef("%q: %w", dir, err)
				}
				results, err := rules.RunTests(cmd.Context(), root.FS(), true)
				_ = root.Close()
				if errors.Is(err, rules.ErrMemoryLimit) {
					// d1lint's limit, not a mistake in the command line (exit 3).
					return fmt.Errorf("%s: %w", dir, err)
				}
				if err != nil {
					return engine.UsageError(fmt.Errorf("%s: %w", dir, err))
				}
				for _, r := range results {
					if r.Pass {
						pass++
						continue
					}
					fail++
					fmt.Fprintf(out, "FAIL %s.%s: %s\n", r.Package, r.Name, r.Message)
				}
			}
			fmt.Fprintf(out, "%d passed, %d failed\n", pass, fail)
			switch {
			case fail > 0:
				return fmt.Errorf("%w: %d of %d", ErrTestsFailed, fail, pass+fail)
			case pass == 0:
				return usagef("no Rego test (rules named test_*) found in %v", args)
			}
			return nil
		},
	})
	return cmd
}
