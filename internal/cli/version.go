// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/d1lint/d1lint/internal/model"
)

// Version is set at build time with -ldflags "-X github.com/d1lint/d1lint/internal/cli.Version=v1.2.3";
// it wins over what the build information says.
var Version = ""

func newVersionCommand(_ Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print d1lint's version and the cluster model version",
		Long: `Prints d1lint's version: the release it was built from (go install
github.com/d1lint/d1lint/cmd/d1lint@v1.2.3, or a release binary), else the
pseudo-version Go derives from the git checkout it was built in, with the
commit, its time and whether the working tree had uncommitted edits; "devel"
only when the binary knows nothing of its build. The same version is
SARIF's tool.driver.version. --version prints the same line.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(cmd.OutOrStdout(), versionLine())
			return err
		},
	}
}

// versionLine is what version and --version print: "d1lint v1.2.3
// (commit abcdef123456, 2026-01-02T15:04:05Z, modified, cluster model
// v1alpha1)".
func versionLine() string {
	v := readVersion(debug.ReadBuildInfo)
	return fmt.Sprintf("d1lint %s (%s)", v.short(), strings.Join(append(v.details(), "cluster model "+model.Version), ", "))
}

// toolVersion is d1lint's version as reports name it (SARIF's
// tool.driver.version, the hook's cache key): see readVersion.
func toolVersion() string { return readVersion(debug.ReadBuildInfo).short() }

// buildVersion is what the binary knows of the build it came from.
type buildVersion struct {
	// Version is the linker's Version, else the main module's version:
	// a release (v1.2.3), or the pseudo-version Go 1.24 and later stamp
	// from the git checkout (v0.3.1-0.20260102150405-abcdef123456+dirty).
	// Empty when neither is known ("(devel)": go run, go test).
	Version string
	// Revision, Time and Modified are the VCS stamp (vcs.revision,
	// vcs.time, vcs.modified) of a binary built in a git checkout.
	Revision, Time string
	Modified       bool
}

// readVersion reads d1lint's version from the linker flag, else from the
// build information read returns (debug.ReadBuildInfo).
func readVersion(read func() (*debug.BuildInfo, bool)) buildVersion {
	v := buildVersion{Version: Version}
	bi, ok := read()
	if !ok || bi == nil {
		return v
	}
	if v.Version == "" && bi.Main.Version != "(devel)" {
		v.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

// short is the version in one word: the release or pseudo-version, else
// devel+<commit> (with .dirty for uncommitted edits), else devel.
func (v buildVersion) short() string {
	switch {
	case v.Version != "":
		return v.Version
	case v.Revision != "":
		s := "devel+" + shortRevision(v.Revision)
		if v.Modified {
			s += ".dirty"
		}
		return s
	}
	return "devel"
}

// details are the VCS stamp, when there is one: the commit, its time and
// whether the working tree had uncommitted edits.
func (v buildVersion) details() []string {
	var parts []string
	if v.Revision != "" {
		parts = append(parts, "commit "+shortRevision(v.Revision))
	}
	if v.Time != "" {
		parts = append(parts, v.Time)
	}
	if v.Modified {
		parts = append(parts, "modified")
	}
	return parts
}

// shortRevision is a commit hash cut to 12 characters, as Go's
// pseudo-versions cut it.
func shortRevision(rev string) string {
	if len(rev) > 12 {
		return rev[:12]
	}
	return rev
}
