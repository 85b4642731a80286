// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/engine"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/revision"
	"github.com/d1lint/d1lint/internal/source"
)

// hookMarker identifies a hook d1lint installed.
const hookMarker = "# d1lint pre-push hook"

// chainedHook is where an existing pre-push hook is kept; d1lint's hook runs
// it first.
const chainedHook = "pre-push.d1lint-chained"

func newHookCommand(s Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "hook",
		Short: "Install, uninstall and run d1lint's git pre-push hook",
		Long: `d1lint hook install adds a pre-push hook to the git repository of the current
folder. Before every push it checks, in order, each commit being pushed
that it has not checked before (the commits, not the working tree:
uncommitted edits are not pushed) and blocks the push when a finding in
any of them reaches --fail-on (default error), naming that commit. An
existing pre-push hook is kept and runs first. Flags after -- are passed
to the check, for example the sibling repositories' mappings:

  d1lint hook install -- --source https://github.com/acme/d1-infra.git=../d1-infra

Results are cached in the repository's git folder, keyed by the content of
everything the check reads, so that pushing an unchanged fleet again is
immediate. git push --no-verify skips the hook. d1lint hook uninstall
removes the hook d1lint installed and puts back the one it kept.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newHookInstallCommand(s), newHookUninstallCommand(s), newHookRunCommand(s))
	return cmd
}

func newHookInstallCommand(_ Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "install [-- CHECK FLAGS...]",
		Short: "Install the pre-push hook in the current git repository",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := hooksDir(cmd)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("creating %s: %w", dir, err)
			}
			path := filepath.Join(dir, "pre-push")
			if old, err := os.ReadFile(path); err == nil && !bytes.Contains(old, []byte(hookMarker)) {
				// Keep the hook that was there: ours runs it first.
				if err := os.Rename(path, filepath.Join(dir, chainedHook)); err != nil {
					return fmt.Errorf("keeping the existing pre-push hook: %w", err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "kept the existing pre-push hook as %s; it runs first\n", chainedHook)
			}
			if err := os.WriteFile(path, []byte(hookScript(binary(), args)), 0o755); err != nil {
				return fmt.Errorf("writing %s: %w", path, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "installed %s\n", path)
			return nil
		},
	}
}

// hooksDir is the hooks folder of the git repository of the current
// folder.
func hooksDir(cmd *cobra.Command) (string, error) {
	root := source.RepoRoot(".")
	if root == "" {
		return "", usagef("the current folder is not in a git repository; run '%s' in the checkout the hook guards", cmd.CommandPath())
	}
	return revision.HooksDir(root)
}

func newHookUninstallCommand(_ Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "uninstall",
		Short: "Remove the pre-push hook d1lint installed, and put back the one it kept",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := hooksDir(cmd)
			if err != nil {
				return err
			}
			msg, err := uninstallHook(dir)
			if msg != "" {
				fmt.Fprintln(cmd.OutOrStdout(), msg)
			}
			return err
		},
	}
}

// uninstallHook removes from the hooks folder dir the pre-push hook that
// hook install wrote (the one with hookMarker), and renames the hook it
// kept (chainedHook) back to pre-push. A pre-push hook without the marker
// is someone else's: it is left alone, and that is a usage error.
func uninstallHook(dir string) (string, error) {
	path := filepath.Join(dir, "pre-push")
	kept := filepath.Join(dir, chainedHook)
	_, keptErr := os.Stat(kept)
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && keptErr == nil:
		// Only the kept hook is left (ours was deleted by hand): it is
		// the previous hook, put it back.
		if err := os.Rename(kept, path); err != nil {
			return "", fmt.Errorf("restoring the previous pre-push hook: %w", err)
		}
		return fmt.Sprintf("no d1lint pre-push hook in %s; restored the previous pre-push hook from %s", dir, chainedHook), nil
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("no pre-push hook in %s: nothing to uninstall", dir), nil
	case err != nil:
		return "", fmt.Errorf("reading %s: %w", path, err)
	case !bytes.Contains(data, []byte(hookMarker)):
		return "", usagef("%s was not installed by d1lint hook install (it has no %q line); it is left as it is: remove it yourself if you mean to", path, hookMarker)
	}
	if err := os.Remove(path); err != nil {
		return "", fmt.Errorf("removing %s: %w", path, err)
	}
	if keptErr != nil {
		return "removed " + path, nil
	}
	if err := os.Rename(kept, path); err != nil {
		return "", fmt.Errorf("removed %s, but restoring the previous pre-push hook from %s failed: %w", path, chainedHook, err)
	}
	return fmt.Sprintf("removed d1lint's hook and restored the previous pre-push hook (%s → pre-push)", chainedHook), nil
}

// binary is how the hook calls d1lint: by name when it is on PATH (an
// upgrade then takes effect), else by the path of this executable.
func binary() string {
	if p, err := exec.LookPath("d1lint"); err == nil && p != "" {
		return "d1lint"
	}
	if p, err := os.Executable(); err == nil {
		return p
	}
	return "d1lint"
}

// hookScript is the pre-push hook: POSIX sh, git's hook arguments and
// standard input passed through to the chained hook and to d1lint.
func hookScript(bin string, args []string) string {
	var quoted []string
	for _, a := range append([]string{bin, "hook", "run", "pre-push"}, args...) {
		quoted = append(quoted, shellQuote(a))
	}
	return `#!/bin/sh
` + hookMarker + `, installed by "d1lint hook install".
# It runs the pre-push hook that was here before (kept as ` + chainedHook + `),
# then checks every commit being pushed; a finding at or above --fail-on
# blocks the push. git push --no-verify skips it.
input=$(cat)
hooks=$(dirname "$0")
if [ -x "$hooks/` + chainedHook + `" ]; then
	printf '%s\n' "$input" | "$hooks/` + chainedHook + `" "$@" || exit $?
fi
printf '%s\n' "$input" | exec ` + strings.Join(quoted, " ") + ` -- "$@"
`
}

func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:@,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// pushed is one line git gives a pre-push hook.
type pushed struct {
	localRef, localSHA, remoteRef, remoteSHA string
}

func readPushes(r io.Reader) ([]pushed, error) {
	var out []pushed
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if len(f) != 4 {
			return nil, usagef("unexpected pre-push input %q", sc.Text())
		}
		p := pushed{f[0], f[1], f[2], f[3]}
		if strings.Trim(p.localSHA, "0") == "" {
			continue // a deleted ref: nothing to check
		}
		out = append(out, p)
	}
	return out, sc.Err()
}

// standsFor is the branch a pushed commit stands for: the branch it is
// pushed to when clusters follow it (the configured environments'
// branches), else main, which feature branches merge into.
func standsFor(remoteRef string, branches model.Branches) string {
	if b, ok := strings.CutPrefix(remoteRef, "refs/heads/"); ok && branches.Followed(b) {
		return b
	}
	return branches.Main()
}

func newHookRunCommand(s Streams) *cobra.Command {
	f := &checkFlags{}
	cmd := &cobra.Command{
		Use:    "run pre-push [CHECK FLAGS...] [-- GIT HOOK ARGS]",
		Short:  "Run the pre-push check (called by the installed hook)",
		Hidden: true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 1 || args[0] != "pre-push" {
				return usagef("hook run takes the hook name: pre-push")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			pushes, err := readPushes(cmd.InOrStdin())
			if err != nil {
				return err
			}
			root := source.RepoRoot(".")
			if root == "" {
				return usagef("hook run: the current folder is not in a git repository")
			}
			var blocked []string
			for _, p := range pushes {
				bad, err := checkPush(cmd, s, f, root, p)
				if err != nil && !errors.Is(err, ErrFindings) {
					return err
				}
				if bad != "" {
					blocked = append(blocked, bad)
				}
			}
			if len(blocked) > 0 {
				return fmt.Errorf("%w in %s (push blocked; git push --no-verify skips the check)", ErrFindings, strings.Join(blocked, ", "))
			}
			return nil
		},
	}
	f.register(cmd)
	return cmd
}

// maxPushed bounds the commits one pushed ref has checked: the newest
// ones, with a note, beyond it.
const maxPushed = 100

// checkPush checks, in order, every commit that one pushed ref sends (see
// revision.PushedCommits) and has not been checked before, and stops at the
// first whose findings block the push. It prints the report of that
// commit, and of the pushed commit, and a line for each other commit.
// bad names the blocking commit ("" when none) for the final message.
func checkPush(cmd *cobra.Command, s Streams, f *checkFlags, root string, p pushed) (bad string, err error) {
	out := cmd.OutOrStdout()
	list, err := revision.PushedCommits(root, p.localSHA, p.remoteSHA, maxPushed)
	if err != nil {
		return "", err
	}
	if list.Note != "" {
		fmt.Fprintf(out, "d1lint: %s: %s\n", p.localRef, list.Note)
	}
	for i, c := range list.Commits {
		report, cached, err := cachedCheck(cmd, s, f, p.remoteRef, c.Hash)
		last := i == len(list.Commits)-1
		switch {
		case errors.Is(err, ErrFindings):
			if len(list.Commits) > 1 {
				fmt.Fprintf(out, "d1lint: commit %s of %s:\n", c.Short(), p.localRef)
			}
			io.WriteString(out, report)
			how := ""
			if cached {
				how = " (cached)"
			}
			return "commit " + c.Short() + how, err
		case err != nil:
			return "", err
		case last:
			io.WriteString(out, report)
		default:
			how := "checked"
			if cached {
				how = "checked before"
			}
			fmt.Fprintf(out, "d1lint: commit %s: nothing blocks the push (%s)\n", c.Short(), how)
		}
	}
	return "", nil
}

// cachedCheck checks one pushed commit, or replays the stored result of an
// identical check: same d1lint, same flags, same commit standing for the
// same branch, same configuration and the same content of every other
// repository it reads. That store is the record of which commits were
// checked: a commit pushed again, or pushed under a later one, is not
// checked twice.
func cachedCheck(cmd *cobra.Command, s Streams, f *checkFlags, remoteRef, commit string) (out string, cached bool, err error) {
	t := target{at: commit, standsFor: f.standsFor}
	if t.standsFor == "" {
		var branches model.Branches
		if _, ec, err := f.load(s.Getenv, engine.ConfigFile{}); err == nil && ec.File != nil {
			branches = ec.File.Branches
		}
		t.standsFor = standsFor(remoteRef, branches)
	}
	key, keyErr := cacheKey(f, t, s.Getenv)
	var dir string
	if keyErr == nil {
		if root := source.RepoRoot("."); root != "" {
			if g, err := revision.GitDir(root); err == nil {
				dir = filepath.Join(g, "d1lint", "cache")
			}
		}
	}
	if dir != "" {
		if data, err := os.ReadFile(filepath.Join(dir, key)); err == nil {
			if code, out, ok := strings.Cut(string(data), "\n"); ok {
				if code == "1" {
					return out, true, ErrFindings
				}
				if code == "0" {
					return out, true, nil
				}
			}
		}
	}
	var buf bytes.Buffer
	err = runCheck(cmd.Context(), s, f, t, &buf)
	code := ""
	switch {
	case err == nil:
		code = "0"
	case errors.Is(err, ErrFindings):
		code = "1"
	}
	if dir != "" && code != "" {
		if os.MkdirAll(dir, 0o755) == nil {
			_ = os.WriteFile(filepath.Join(dir, key), []byte(code+"\n"+buf.String()), 0o644)
		}
	}
	return buf.String(), false, err
}

// cacheKey hashes what decides a check's outcome: d1lint's version, the
// flags, the pushed commit and the branch it stands for, the configuration
// file, and the content of every other folder the check reads (the fleet,
// the mapped sources, the checkouts beside the fleet, the policy folders
// and schema locations, as the configuration and the flags name them:
// their working trees may change without a commit).
func cacheKey(f *checkFlags, t target, getenv func(string) string) (string, error) {
	opts, ec, err := f.load(getenv, engine.ConfigFile{})
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%q\x00%q\x00%s\x00%s\x00", toolVersion(), f.argsForKey(), t.at, t.standsFor, f.configRef)
	cfgPath := f.config
	if cfgPath == "" {
		cfgPath = config.Find(opts.FleetPath)
	}
	if data, err := config.ReadFile(cfgPath); err == nil {
		h.Write(data)
	}
	paths := append([]string{opts.FleetPath}, f.policies...)
	paths = append(paths, configPolicies(ec.File)...)
	paths = append(paths, opts.Schemas.Locations...)
	for _, m := range opts.Sources {
		paths = append(paths, m.Path)
	}
	for _, sib := range opts.Siblings { // any of them may stand for a repository
		paths = append(paths, sib.Path)
	}
	if err := revision.HashTrees(h, source.RepoRoot("."), paths); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)[:16]), nil
}
