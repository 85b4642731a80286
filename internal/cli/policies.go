// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"io/fs"
	"slices"

	"github.com/spf13/cobra"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/rules"
)

// policyInputFlags say what input the --policy folders' policies read.
type policyInputFlags struct {
	// input is model (default) or conftest.
	input string
	// namespaces are the conftest packages to run (default main).
	namespaces []string
}

func (p *policyInputFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&p.input, "policy-input", "", "what the --policy folders' policies read as input: model (d1lint's cluster model, the default) or conftest (the cluster's objects as conftest test --combine gives them, for deny/violation/warn rules)")
	cmd.Flags().StringArrayVar(&p.namespaces, "policy-namespace", nil, "with --policy-input conftest: a package whose rules run, as conftest's --namespace (repeatable; default main; * runs every package's)")
}

// teamPolicies opens the team's policy folders: the --policy folders
// (dirs), with the input the flags say, then the configuration's
// policies: (resolved against its file), each with its own. trusted, when
// not nil, maps each folder to its copy at the trusted revision (see
// policyFS). conftest names the folders whose policies read conftest's
// input.
func (p *policyInputFlags) teamPolicies(dirs []string, cfg *config.Config, trusted func(string) (string, error)) (map[string]fs.FS, map[string]rules.ConftestOptions, error) {
	switch p.input {
	case "", rules.InputModel, rules.InputConftest:
	default:
		return nil, nil, usagef("--policy-input %q: want %s or %s", p.input, rules.InputModel, rules.InputConftest)
	}
	if len(p.namespaces) > 0 && p.input != rules.InputConftest {
		return nil, nil, usagef("--policy-namespace goes with --policy-input conftest")
	}
	all := slices.Clone(dirs)
	conftest := map[string]rules.ConftestOptions{}
	if p.input == rules.InputConftest {
		for _, d := range dirs {
			conftest[d] = rules.ConftestOptions{Namespaces: p.namespaces}
		}
	}
	if cfg != nil {
		for _, pol := range cfg.Policies {
			d := cfg.Resolve(pol.Path)
			if slices.Contains(all, d) {
				_, flagged := conftest[d]
				if flagged != (pol.Input == config.PolicyInputConftest) {
					return nil, nil, usagef("policy folder %s is given twice, with different inputs (--policy-input and %s's policies:)", d, config.FileName)
				}
				continue
			}
			all = append(all, d)
			if pol.Input == config.PolicyInputConftest {
				conftest[d] = rules.ConftestOptions{Namespaces: pol.Namespaces}
			}
		}
	}
	fsys, err := policyFS(all, trusted)
	if err != nil {
		return nil, nil, err
	}
	if len(conftest) == 0 {
		conftest = nil
	}
	return fsys, conftest, nil
}

// configPolicies are the folders of the configuration's policies:,
// resolved against its file.
func configPolicies(cfg *config.Config) []string {
	if cfg == nil {
		return nil
	}
	out := make([]string, 0, len(cfg.Policies))
	for _, p := range cfg.Policies {
		out = append(out, cfg.Resolve(p.Path))
	}
	return out
}
