// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/d1lint/d1lint/internal/model"
)

// Version is set at build time with -ldflags "-X github.com/d1lint/d1lint/internal/cli.Version=v1.2.3".
var Version = ""

func newVersionCommand(_ Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print d1lint's version and the cluster model version",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "d1lint %s (cluster model %s)\n", toolVersion(), model.Version)
			return err
		},
	}
}

// toolVersion is d1lint's version: the linker's, the module's, or devel.
func toolVersion() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}
