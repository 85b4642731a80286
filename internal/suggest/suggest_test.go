// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package suggest

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClosest(t *testing.T) {
	options := []string{"branches", "cluster", "config", "fleet", "prod-eu", "staging"}
	tests := []struct{ typed, want string }{
		{"clustr", "cluster"},
		{"brnaches", "branches"}, // a swap is one edit
		{"Staging", "staging"},   // case alone
		{"stagin", "staging"},
		{"prod-e", "prod-eu"},
		{"zzz", ""},
		{"", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Closest(tt.typed, options), tt.typed)
	}
	assert.Empty(t, Closest("x", nil))
}

func TestDistance(t *testing.T) {
	assert.Equal(t, 0, Distance("check", "check"))
	assert.Equal(t, 1, Distance("chekc", "check"))
	assert.Equal(t, 1, Distance("clustr", "cluster"))
	assert.Equal(t, 3, Distance("", "abc"))
	assert.Equal(t, 1, Distance("héllo", "hello"), "runes, not bytes")
}

// tree is a root named as a Flux CLI plugin, with one command that has a
// subcommand and one that has flags.
func tree(t *testing.T) (root, check *cobra.Command) {
	t.Helper()
	root = &cobra.Command{Use: "d1lint", Annotations: map[string]string{cobra.CommandDisplayNameAnnotation: "flux d1lint"}}
	check = &cobra.Command{Use: "check", Run: func(*cobra.Command, []string) {}}
	check.Flags().StringSlice("cluster", nil, "")
	check.Flags().String("config", "", "configuration file")
	check.Flags().String("today", "", "")
	require.NoError(t, check.Flags().MarkHidden("today"))
	check.Flags().Bool("accept-incomplete", false, "")
	policy := &cobra.Command{Use: "policy"}
	policy.AddCommand(&cobra.Command{Use: "test", Run: func(*cobra.Command, []string) {}})
	root.AddCommand(check, policy, &cobra.Command{Use: "version", Run: func(*cobra.Command, []string) {}})
	return root, check
}

func TestUnknownCommand(t *testing.T) {
	root, _ := tree(t)
	assert.EqualError(t, UnknownCommand(root, "chekc"), `unknown command "chekc" for flux d1lint; did you mean 'flux d1lint check'?`)
	assert.EqualError(t, UnknownCommand(root, "lint"), `unknown command "lint" for flux d1lint (see 'flux d1lint --help')`)
	policy, _, err := root.Find([]string{"policy"})
	require.NoError(t, err)
	assert.EqualError(t, UnknownCommand(policy, "tset"), `unknown command "tset" for flux d1lint policy; did you mean 'flux d1lint policy test'?`)
}

// TestFlagError parses each command line as cobra does and rewrites its
// error.
func TestFlagError(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--clustr", "x"}, "unknown flag --clustr for flux d1lint check; did you mean --cluster?"},
		{[]string{"-cluster", "x"}, "unknown flag -cluster for flux d1lint check; did you mean --cluster?"},
		{[]string{"--tody", "x"}, "unknown flag --tody for flux d1lint check (see 'flux d1lint check --help')"},
		{[]string{"--version"}, "unknown flag --version for flux d1lint check; did you mean 'flux d1lint version'?"},
		{[]string{"--config"}, "--config needs a value: configuration file (see 'flux d1lint check --help')"},
		{[]string{"--accept-incomplete=maybe"}, `--accept-incomplete takes true or false, not "maybe" (--accept-incomplete alone means true)`},
		{[]string{"--cluster", `"a`}, `--cluster "\"a": parse error on line 1, column 3: extraneous or missing " in quoted-field (see 'flux d1lint check --help')`},
		{[]string{"---x"}, "---x is not a flag: write --NAME or --NAME=VALUE (see 'flux d1lint check --help')"},
	}
	for _, tt := range tests {
		_, check := tree(t)
		err := check.ParseFlags(tt.args)
		require.Error(t, err, tt.args)
		assert.EqualError(t, FlagError(check, err), tt.want, tt.args)
	}

	// A word before the flag that names no command is the mistake.
	root, _ := tree(t)
	err := root.ParseFlags([]string{"chekc", "--cluster", "x"})
	require.Error(t, err)
	assert.EqualError(t, FlagError(root, err), `unknown command "chekc" for flux d1lint; did you mean 'flux d1lint check'?`)

	// A command's flag without the command.
	root, _ = tree(t)
	err = root.ParseFlags([]string{"--cluster", "x"})
	require.Error(t, err)
	assert.EqualError(t, FlagError(root, err), "unknown flag --cluster for flux d1lint: it goes after the command, 'flux d1lint check --cluster'")

	// Anything else keeps its text.
	root, _ = tree(t)
	assert.EqualError(t, FlagError(root, errors.New("boom")), "boom (see 'flux d1lint --help')")
}

func TestHelpCommand(t *testing.T) {
	root, _ := tree(t)
	root.SetHelpCommand(HelpCommand(func(err error) error { return fmt.Errorf("marked: %w", err) }))
	root.SetArgs([]string{"help", "policy", "tset"})
	root.SilenceErrors, root.SilenceUsage = true, true
	assert.EqualError(t, root.Execute(), `marked: unknown command "tset" for flux d1lint policy; did you mean 'flux d1lint policy test'?`)

	var out strings.Builder
	root, _ = tree(t)
	root.SetHelpCommand(HelpCommand(func(err error) error { return err }))
	root.SetOut(&out)
	root.SetArgs([]string{"help", "check"})
	require.NoError(t, root.Execute())
	assert.Contains(t, out.String(), "flux d1lint check [flags]")
}

// TestInstall: a tree installed under the name the user calls it names
// its commands so everywhere, and refuses unknown words with the nearest
// commands; d1lint in prose, and in file names, stays.
func TestInstall(t *testing.T) {
	root := &cobra.Command{Use: "d1lint", Long: "d1lint renders fleets; d1lint check checks them."}
	check := &cobra.Command{Use: "check", Example: "  d1lint check --format sarif=d1lint.sarif", Run: func(*cobra.Command, []string) {}}
	check.Flags().String("kube-version", "", "a release (see d1lint check --help)")
	policy := &cobra.Command{Use: "policy"}
	policy.AddCommand(&cobra.Command{Use: "test", Run: func(*cobra.Command, []string) {}})
	root.AddCommand(check, policy)
	Install(root, "flux d1lint", func(err error) error { return fmt.Errorf("marked: %w", err) })

	assert.Equal(t, "flux d1lint check", check.CommandPath())
	assert.Equal(t, "d1lint renders fleets; flux d1lint check checks them.", root.Long)
	assert.Equal(t, "  flux d1lint check --format sarif=d1lint.sarif", check.Example)
	assert.Equal(t, "a release (see flux d1lint check --help)", check.Flags().Lookup("kube-version").Usage)

	root.SilenceErrors, root.SilenceUsage = true, true
	root.SetArgs([]string{"policy", "tset"})
	assert.EqualError(t, root.Execute(), `marked: unknown command "tset" for flux d1lint policy; did you mean 'flux d1lint policy test'?`)
	root.SetArgs([]string{"check", "--clustr"})
	assert.EqualError(t, root.Execute(), "marked: unknown flag --clustr for flux d1lint check (see 'flux d1lint check --help')")
}
