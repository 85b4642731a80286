// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"errors"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/d1lint/d1lint/internal/engine"
	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/report"
	"github.com/d1lint/d1lint/internal/revision"
)

// mergeFlags are merge's: check's configuration, policy and output flags
// (the others stay unset).
type mergeFlags struct {
	checkFlags
}

func newMergeCommand(s Streams) *cobra.Command {
	f := &mergeFlags{}
	cmd := &cobra.Command{
		Use:   "merge [flags] SHARD.json...",
		Short: "Combine the JSON reports of a sharded check into the report of one check",
		Long: `Reads the JSON reports of every shard of one sharded check (d1lint check
--shard K/N --format json=FILE, one per job of a CI matrix) and finishes the
check as one run over the whole fleet would: the fleet-scoped rules over
every cluster, the profile, the waivers and their status, and with
--new-since each finding new or existing. It writes every format check
writes, and its exit status is check's.

The configuration (.d1lint.yaml: waivers, rule settings) and the team's
policies are read as check reads them (--config, --fleet, --config-ref,
--policy) and must be those the shards were checked with; the options that
change what the shards found (--profile, --disable, --enable,
--require-charts, the repository) come from the shards. A file that is not
a shard's JSON report, a shard missing or given twice, shards of another
count, fleet, configuration, policies or d1lint version are usage errors
naming the file. See docs/output.md.`,
		Example: `  d1lint check --shard 1/2 --format json=shard-1.json
  d1lint check --shard 2/2 --format json=shard-2.json
  d1lint merge shard-1.json shard-2.json
  d1lint merge --format sarif=d1lint.sarif --format github shards/*.json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.run(cmd, s, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "configuration file the shards were checked with (default: .d1lint.yaml in the fleet folder, else the current folder, or the nearest folder above it in its git repository)")
	fl.StringVar(&f.fleet, "fleet", "", "fleet repository folder, where the configuration is found (default: as check finds it)")
	fl.StringVar(&f.configRef, "config-ref", "", "read .d1lint.yaml and the --policy folders from this git revision of their repository, as the shards did")
	fl.StringArrayVar(&f.policies, "policy", nil, "a folder of the team's own Rego policies the shards were checked with (repeatable)")
	f.policyInput.register(cmd)
	fl.StringArrayVar(&f.formats, "format", nil, "output format, to standard output (NAME) or to a file (NAME=FILE); repeatable, at most one to standard output (default text): "+strings.Join(report.Names(), ", "))
	fl.StringVarP(&f.output, "output", "o", "", "write the output that would go to standard output (--format NAME, default text) to this file instead")
	fl.StringVar(&f.failOn, "fail-on", finding.Error, "lowest severity that fails the check: error, warning or info")
	fl.BoolVar(&f.acceptIncomplete, "accept-incomplete", false, "pass although part of a cluster could not be rendered, once no finding fails the check")
	fl.StringVar(&f.today, "today", "", "the date waivers expire against (YYYY-MM-DD; default today)")
	_ = fl.MarkHidden("today")
	return cmd
}

// run merges the shards named by args and writes the outputs.
func (f *mergeFlags) run(cmd *cobra.Command, s Streams, args []string) error {
	if len(args) == 0 {
		return usagef("merge needs the JSON report of every shard: %s SHARD.json...", cmd.CommandPath())
	}
	stdout := cmd.OutOrStdout()
	outs, failOn, err := parseReportFlags(s, f.formats, f.output, f.failOn, stdout)
	if err != nil {
		return err
	}
	today, err := parseToday(f.today)
	if err != nil {
		return err
	}
	start := time.Now()
	files := make([]engine.ShardFile, 0, len(args))
	for _, name := range args {
		data, err := os.ReadFile(name)
		if err != nil {
			return usagef("reading the shard %s: %w", name, err)
		}
		files = append(files, engine.ShardFile{Name: name, Data: data})
	}
	shards, err := engine.ReadShards(files)
	if err != nil {
		return err
	}
	var revs *revision.Reader
	if f.configRef != "" {
		if revs, err = revision.NewReader(s.Getenv); err != nil {
			return err
		}
		defer revs.Close()
	}
	_, ec, err := f.configure(s, revs, today)
	if err != nil {
		return err
	}
	s.ui.engineConfig(&ec, start)
	defer s.ui.done()
	r, err := engine.Merge(cmd.Context(), ec, shards)
	if err != nil {
		if !errors.Is(err, ErrUsage) {
			if werr := writeFailures(outs, err); werr != nil {
				err = errors.Join(err, werr)
			}
		}
		return err
	}
	accept := f.acceptIncomplete || ec.File != nil && ec.File.AcceptIncomplete
	return writeVerdict(s, outs, stdout, r, failOn, accept, ec.Timings)
}
