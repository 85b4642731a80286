// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package suggest

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// minimumDistance is how many edits away a command may be to be
// suggested: cobra's own default, which it applies only in the unknown
// command error it builds itself (d1lint builds its own, see
// UnknownCommand).
const minimumDistance = 2

// Install makes the command tree under root answer mistakes with what
// the user meant, each error passed through mark (which gives it its exit
// status): flags (FlagError), help topics (HelpCommand), and words after a
// command with subcommands that name none of them (UnknownCommand; cobra
// would print the help and exit 0 for those but the root). name is how the
// user calls root ("flux d1lint" as a Flux CLI plugin; "" or root's own
// name: as it is): usage lines, examples, descriptions and flag usages
// then name the commands so.
func Install(root *cobra.Command, name string, mark func(error) error) {
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return mark(FlagError(cmd, err)) })
	root.SetHelpCommand(HelpCommand(mark))
	refuseUnknown(root, mark)
	if name == "" || name == root.Name() {
		return
	}
	if root.Annotations == nil {
		root.Annotations = map[string]string{}
	}
	root.Annotations[cobra.CommandDisplayNameAnnotation] = name
	var names []string
	for _, c := range root.Commands() {
		names = append(names, regexp.QuoteMeta(c.Name()))
	}
	callAs(root, regexp.MustCompile(`\b`+regexp.QuoteMeta(root.Name())+`( (?:`+strings.Join(names, "|")+`)\b)`), name)
}

// refuseUnknown gives every command with subcommands under c (c too) the
// arguments check of UnknownCommand, and shows the help of those run bare.
func refuseUnknown(c *cobra.Command, mark func(error) error) {
	if c.HasSubCommands() {
		c.Args = func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return mark(UnknownCommand(cmd, args[0]))
			}
			return nil
		}
		c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	}
	for _, sub := range c.Commands() {
		refuseUnknown(sub, mark)
	}
}

// callAs names the commands in examples, descriptions and flag usages
// as the user calls them (cobra names them so in usage lines and paths):
// `flux d1lint check`, not `d1lint check`, which runs nothing for a Flux
// CLI plugin. The tool's name in prose ("d1lint renders...") stays.
func callAs(c *cobra.Command, command *regexp.Regexp, name string) {
	c.Example = command.ReplaceAllString(c.Example, name+"$1")
	c.Long = command.ReplaceAllString(c.Long, name+"$1")
	c.Flags().VisitAll(func(f *pflag.Flag) { f.Usage = command.ReplaceAllString(f.Usage, name+"$1") })
	for _, sub := range c.Commands() {
		callAs(sub, command, name)
	}
}

// UnknownCommand is the error of a word typed after cmd that names none of
// its subcommands: the nearest subcommands (cobra's SuggestionsFor: a
// typo, a prefix, or a command's SuggestFor), named as the user calls them
// (cmd.CommandPath, "flux d1lint ..." as a Flux CLI plugin), else where the
// commands are listed.
func UnknownCommand(cmd *cobra.Command, typed string) error {
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = minimumDistance
	}
	path := cmd.CommandPath()
	var meant []string
	for _, s := range cmd.SuggestionsFor(typed) {
		meant = append(meant, fmt.Sprintf("'%s %s'", path, s))
	}
	if len(meant) > 0 {
		return fmt.Errorf("unknown command %q for %s; did you mean %s?", typed, path, strings.Join(meant, " or "))
	}
	return fmt.Errorf("unknown command %q for %s (see '%s --help')", typed, path, path)
}

// FlagError rewrites an error of parsing cmd's flags (cobra's
// FlagErrorFunc) in the user's terms: an unknown flag names the nearest
// flag of cmd (pflag suggests none), a flag without its value or with a
// wrong one says what it takes, and every message names the command as
// the user calls it. A word before the bad flag that names no subcommand
// is the real mistake (`d1lint chekc --fleet x`: the root has no --fleet),
// so it is reported instead.
func FlagError(cmd *cobra.Command, err error) error {
	if cmd.HasAvailableSubCommands() && cmd.Flags().NArg() > 0 {
		return UnknownCommand(cmd, cmd.Flags().Arg(0))
	}
	path := cmd.CommandPath()
	help := fmt.Sprintf("(see '%s --help')", path)
	var (
		unknown  *pflag.NotExistError
		required *pflag.ValueRequiredError
		invalid  *pflag.InvalidValueError
		syntax   *pflag.InvalidSyntaxError
	)
	switch {
	case errors.As(err, &unknown):
		typed, name := "--"+unknown.GetSpecifiedName(), unknown.GetSpecifiedName()
		if group := unknown.GetSpecifiedShortnames(); group != "" {
			// -cluster is read as -c -l -u...: a long flag with one dash.
			typed, name = "-"+group, group
		}
		if name == "version" && hasCommand(cmd.Root(), "version") {
			return fmt.Errorf("unknown flag %s for %s; did you mean '%s version'?", typed, path, cmd.Root().CommandPath())
		}
		if s := Closest(name, flagNames(cmd)); s != "" {
			return fmt.Errorf("unknown flag %s for %s; did you mean --%s?", typed, path, s)
		}
		// `d1lint --fleet x`: the flag is a command's, and the command
		// was left out.
		var takers []string
		for _, sub := range cmd.Commands() {
			if sub.IsAvailableCommand() && slices.Contains(flagNames(sub), name) {
				takers = append(takers, sub.Name())
			}
		}
		switch len(takers) {
		case 0:
		case 1:
			return fmt.Errorf("unknown flag %s for %s: it goes after the command, '%s %s %s'", typed, path, path, takers[0], typed)
		default:
			return fmt.Errorf("unknown flag %s for %s: it goes after a command that takes it (%s)", typed, path, strings.Join(takers, ", "))
		}
		return fmt.Errorf("unknown flag %s for %s %s", typed, path, help)
	case errors.As(err, &required):
		f := required.GetFlag()
		return fmt.Errorf("--%s needs a value: %s %s", f.Name, f.Usage, help)
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		if f.Value.Type() == "bool" {
			return fmt.Errorf("--%s takes true or false, not %q (--%s alone means true)", f.Name, invalid.GetValue(), f.Name)
		}
		return fmt.Errorf("--%s %q: %w %s", f.Name, invalid.GetValue(), invalid.Unwrap(), help)
	case errors.As(err, &syntax):
		return fmt.Errorf("%s is not a flag: write --NAME or --NAME=VALUE %s", syntax.GetSpecifiedFlag(), help)
	}
	return fmt.Errorf("%w %s", err, help)
}

// flagNames are the names of the flags the user may pass to cmd, its own
// and those it inherits, sorted; hidden and deprecated ones are not
// suggested.
func flagNames(cmd *cobra.Command) []string {
	var out []string
	add := func(f *pflag.Flag) {
		if !f.Hidden && f.Deprecated == "" && !slices.Contains(out, f.Name) {
			out = append(out, f.Name)
		}
	}
	cmd.LocalFlags().VisitAll(add)
	cmd.InheritedFlags().VisitAll(add)
	slices.Sort(out)
	return out
}

func hasCommand(cmd *cobra.Command, name string) bool {
	return slices.ContainsFunc(cmd.Commands(), func(c *cobra.Command) bool { return c.Name() == name })
}

// HelpCommand is cobra's help command, except that a topic that names no
// command is an error (UnknownCommand, passed through mark, which gives it
// its exit status), not the root's help printed with exit status 0 as
// cobra's own does when the root accepts arguments.
func HelpCommand(mark func(error) error) *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := c.Root().Find(args)
			if err == nil && len(rest) > 0 {
				err = UnknownCommand(cmd, rest[0])
			}
			if err != nil {
				return mark(err)
			}
			return cmd.Help()
		},
	}
}
