// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/testutil"
)

// baseFleet is a fleet repository made with go-git: one cluster, on
// branch main, whose commits move origin/main too (the base branch of a
// pull request, as actions/checkout fetches it).
type baseFleet struct {
	dir  string
	repo *git.Repository
}

func newBaseFleet(t *testing.T) *baseFleet {
	t.Helper()
	dir := t.TempDir()
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
	})
	require.NoError(t, err)
	testutil.WriteFiles(t, dir, map[string]string{
		"clusters/one/flux-system/flux-instance.yaml": testutil.FluxInstance("one", "https://example.com/acme/fleet.git"),
		"clusters/one/settings.yaml":                  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  key: value\n",
	})
	b := &baseFleet{dir: dir, repo: repo}
	b.commit(t)
	return b
}

// commit commits the working tree and points origin/main at the commit.
func (b *baseFleet) commit(t *testing.T) {
	t.Helper()
	w, err := b.repo.Worktree()
	require.NoError(t, err)
	require.NoError(t, w.AddWithOptions(&git.AddOptions{All: true}))
	sig := &object.Signature{Name: "Test", Email: "test@example.com", When: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	h, err := w.Commit("base", &git.CommitOptions{Author: sig, Committer: sig})
	require.NoError(t, err)
	require.NoError(t, b.repo.Storer.SetReference(plumbing.NewHashReference(plumbing.NewRemoteReferenceName("origin", "main"), h)))
}

func (b *baseFleet) write(t *testing.T, config string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(b.dir, ".d1lint.yaml"), []byte(config), 0o644))
}

// runAs executes d1lint in-process as the user calls it: name is "d1lint"
// or, as a Flux CLI plugin, "flux d1lint".
func runAs(t *testing.T, name string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := NewRootCommand(Streams{Out: &stdout, Err: &stderr, Name: name, Getenv: func(string) string { return "" }})
	cmd.SetArgs(append([]string{}, args...))
	err := cmd.ExecuteContext(context.Background())
	return result{stdout: stdout.String(), stderr: stderr.String(), err: err}
}

// TestMistakes: every mistake a user makes on the command line is a usage
// error (exit status 2) whose message says what to do, in the user's
// terms, naming the command as they call it; nothing is printed.
func TestMistakes(t *testing.T) {
	b := newBaseFleet(t)
	configured := newBaseFleet(t)
	configured.write(t, "profile: d1\n")
	repo := "--repository=https://example.com/acme/fleet"
	notFolder := filepath.Join(t.TempDir(), ".d1lint.yaml")
	require.NoError(t, os.WriteFile(notFolder, []byte("{}\n"), 0o644))
	const revisionHint = ": name a branch (main, origin/main), a tag, a commit or HEAD~1; in CI, fetch it (actions/checkout with fetch-depth: 0)"

	tests := []struct {
		name string
		as   string // how d1lint is called ("": d1lint)
		args []string
		// want is the whole message, or, with contains, a part of it.
		want     string
		contains bool
	}{
		// Commands.
		{name: "mistyped command", args: []string{"chekc"},
			want: `unknown command "chekc" for d1lint; did you mean 'd1lint check'?`},
		{name: "mistyped command, plugin", as: "flux d1lint", args: []string{"chekc"},
			want: `unknown command "chekc" for flux d1lint; did you mean 'flux d1lint check'?`},
		{name: "unknown command, plugin", as: "flux d1lint", args: []string{"lint"},
			want: `unknown command "lint" for flux d1lint (see 'flux d1lint --help')`},
		{name: "mistyped command before its flags", args: []string{"chekc", "--fleet", "x"},
			want: `unknown command "chekc" for d1lint; did you mean 'd1lint check'?`},
		{name: "mistyped subcommand", args: []string{"policy", "tset"},
			want: `unknown command "tset" for d1lint policy; did you mean 'd1lint policy test'?`},
		{name: "help on a mistyped command, plugin", as: "flux d1lint", args: []string{"help", "chekc"},
			want: `unknown command "chekc" for flux d1lint; did you mean 'flux d1lint check'?`},
		{name: "mistyped hook subcommand, plugin", as: "flux d1lint", args: []string{"hook", "instal"},
			want: `unknown command "instal" for flux d1lint hook; did you mean 'flux d1lint hook install'?`},

		// Flags.
		{name: "mistyped flag", args: []string{"check", "--clustr", "staging"},
			want: "unknown flag --clustr for d1lint check; did you mean --cluster?"},
		{name: "mistyped flag, plugin", as: "flux d1lint", args: []string{"build", "--provenace"},
			want: "unknown flag --provenace for flux d1lint build; did you mean --provenance?"},
		{name: "long flag with one dash", args: []string{"check", "-cluster", "staging"},
			want: "unknown flag -cluster for d1lint check; did you mean --cluster?"},
		{name: "unknown flag", as: "flux d1lint", args: []string{"graph", "--bogus"},
			want: "unknown flag --bogus for flux d1lint graph (see 'flux d1lint graph --help')"},
		{name: "a command's flag without the command", args: []string{"--fleet", "."},
			want: "unknown flag --fleet for d1lint: it goes after a command that takes it (audit, build, check, clusters, diff, graph, merge)"},
		{name: "--version after a command", args: []string{"check", "--version"},
			want: "unknown flag --version for d1lint check; did you mean 'd1lint version'?"},
		{name: "mistyped subcommand", args: []string{"chekc"},
			want: "unknown command \"chekc\" for d1lint; did you mean 'd1lint check'?"},
		{name: "flag without its value", args: []string{"build", "--format"},
			want: "--format needs a value: output format: yaml (the objects) or json (the cluster model) (see 'd1lint build --help')"},
		{name: "yes or no flag with another word", args: []string{"check", "--accept-incomplete=maybe"},
			want: `--accept-incomplete takes true or false, not "maybe" (--accept-incomplete alone means true)`},

		// Values.
		{name: "mistyped cluster", args: []string{"build", "--cluster", "stagin", "--config", exampleFleet},
			want: "; did you mean --cluster staging?", contains: true},
		{name: "mistyped clusters", args: []string{"clusters", "--cluster", "stagin,prod-e,staging", "--config", exampleFleet},
			want: "; did you mean --cluster staging (not stagin), prod-eu (not prod-e)?", contains: true},
		{name: "missing fleet folder", args: []string{"check", "--fleet", filepath.Join(b.dir, "nope")},
			want: "the fleet folder " + filepath.Join(b.dir, "nope") + " does not exist; pass --fleet with the folder of the fleet repository's checkout"},
		{name: "fleet folder that is a file", args: []string{"build", "--fleet", notFolder},
			want: "the fleet folder " + notFolder + " is a file; pass --fleet with the folder of the fleet repository's checkout (a .d1lint.yaml goes to --config)"},
		{name: "malformed source", args: []string{"build", "--source", "https://github.com/acme/d1-infra.git", "--config", exampleFleet},
			want: `--source: invalid source mapping "https://github.com/acme/d1-infra.git": no '=' (expected URL=PATH, URL@BRANCH=PATH or URL=PATH@BRANCH)`},
		{name: "source mapped to a missing folder", args: []string{"build", "--source", "https://github.com/acme/x.git=" + filepath.Join(b.dir, "x"), "--config", exampleFleet},
			want: "source mapping https://github.com/acme/x.git=" + filepath.Join(b.dir, "x") + ": the folder " + filepath.Join(b.dir, "x") +
				" does not exist; map the URL to the folder of a local checkout of that repository", contains: true},
		{name: "missing configuration", args: []string{"check", "--config", "testdata/no-such-file.yaml"},
			want: "--config testdata/no-such-file.yaml: no such file; pass the path of a .d1lint.yaml, or leave --config out to use the fleet folder's"},
		{name: "mistyped format", args: []string{"check", "--format", "jsno", "--config", exampleFleet},
			want: `--format: unknown format "jsno"; did you mean json?`},
		{name: "unknown format", args: []string{"check", "--format", "yaml", "--config", exampleFleet},
			want: `--format: unknown format "yaml" (want one of github, json, junit, markdown, sarif, text)`},
		{name: "unknown graph format", args: []string{"graph", "--format", "svg", "--cluster", "staging", "--config", exampleFleet},
			want: `--format "svg": want dot or mermaid`},
		{name: "mistyped graph format", args: []string{"graph", "--format", "mermiad", "--cluster", "staging", "--config", exampleFleet},
			want: `--format "mermiad": did you mean mermaid? (want dot or mermaid)`},
		{name: "mistyped build format", args: []string{"build", "--format", "yml", "--config", exampleFleet},
			want: `--format "yml": did you mean yaml? (want yaml or json)`},
		{name: "unknown severity", args: []string{"check", "--fail-on", "errors", "--config", exampleFleet},
			want: `--fail-on: unknown severity "errors" (want error, warning or info)`},
		{name: "unknown rule, plugin", as: "flux d1lint", args: []string{"rules", "D1-9999"},
			want: "no rule D1-9999 (see 'flux d1lint rules')"},
		{name: "mistyped rule", args: []string{"rules", "D1-04O1"},
			want: `no rule D1-04O1; did you mean "D1-0401"?`},
		{name: "mistyped rule to disable", args: []string{"check", "--disable", "D1-0404,D1-04O1", "--config", exampleFleet},
			want: `--disable: unknown rule "D1-04O1"; did you mean "D1-0401"?`},
		{name: "rule named instead of its id", args: []string{"check", "--enable", "undefined-variable", "--config", exampleFleet},
			want: `--enable: unknown rule "undefined-variable"; did you mean "D1-0401"? (rules are configured by id)`},
		{name: "rule both disabled and enabled", args: []string{"check", "--disable", "D1-0404", "--enable", "d1-0404", "--config", exampleFleet},
			want: `--disable and --enable both name D1-0404`},
		{name: "mistyped clusters format", args: []string{"clusters", "--format", "jsn", "--config", exampleFleet},
			want: `--format "jsn": did you mean json? (want table or json)`},
		{name: "mistyped colour", args: []string{"version", "--color", "nevr"},
			want: `--color "nevr": did you mean never? (want auto, always or never)`},
		{name: "quiet and verbose", args: []string{"version", "-q", "-v"},
			want: `--quiet and --verbose contradict each other: pick one`},
		{name: "-o with every format in a file", args: []string{"check", "--format", "json=x.json", "-o", "y.txt", "--config", exampleFleet},
			want: `-o y.txt: every --format already names its file; -o names the file of the format that would go to standard output (--format NAME)`},
		{name: "unknown revision", args: []string{"check", "--fleet", b.dir, repo, "--at", "nosuch"},
			want: "--at nosuch: revision nosuch not found in " + b.dir + revisionHint},
		{name: "unknown baseline", args: []string{"check", "--fleet", b.dir, repo, "--new-since", "origin/nosuch"},
			want: "--new-since origin/nosuch: revision origin/nosuch not found in " + b.dir + revisionHint},
		{name: "unknown trusted revision", args: []string{"check", "--fleet", configured.dir, "--config-ref", "nosuch"},
			want: "--config-ref nosuch: revision nosuch not found in " + configured.dir + revisionHint},
		{name: "unknown diff base", args: []string{"diff", "--fleet", b.dir, repo, "--base", "nosuch"},
			want: "--base nosuch: revision nosuch not found in " + b.dir + revisionHint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			as := tt.as
			if as == "" {
				as = "d1lint"
			}
			r := runAs(t, as, tt.args...)
			assertErrClass(t, errUsage, r.err)
			if tt.contains {
				assert.Contains(t, r.err.Error(), tt.want)
			} else {
				assert.EqualError(t, r.err, tt.want)
			}
			assert.NotContains(t, r.err.Error(), "usage error", "the exit status says it; the message says what to do")
			if as != "d1lint" {
				assert.NotContains(t, strings.ReplaceAll(r.err.Error(), as, ""), "d1lint ", "named as the user calls it")
			}
			assert.Empty(t, r.stdout, "nothing is printed on a usage error")
		})
	}
}

// TestGraphIncomplete: graph on a cluster part of which could not be
// rendered draws what was, says why the rest is missing and fails as build
// does (ErrIncomplete: exit status 1).
func TestGraphIncomplete(t *testing.T) {
	for _, cmd := range []string{"build", "graph"} {
		r := run(t, cmd, "--cluster", "invalid-yaml", "--config", badFleet)
		assertErrClass(t, errIncomplete, r.err)
		assert.EqualError(t, r.err, "render incomplete: 1 problem", cmd)
		assert.Contains(t, r.stderr, "error: cluster invalid-yaml: github.com/acme/d1-fleet@main:cases/invalid-yaml/broken.yaml:6:", cmd)
		assert.NotEmpty(t, r.stdout, cmd)
	}
	g := run(t, "graph", "--cluster", "invalid-yaml", "--config", badFleet)
	assert.True(t, strings.HasPrefix(g.stdout, "digraph"), g.stdout)
}

// TestSyncRefOutsideRefs: a FluxInstance whose spec.sync.ref is no full
// git ref is reported in Flux's terms, with the forms Flux accepts, not as
// go-git's lookup failure.
func TestSyncRefOutsideRefs(t *testing.T) {
	b := newBaseFleet(t)
	for ref, want := range map[string]string{
		"main":     `ref name "main" is not a full git ref (a FluxInstance's spec.sync.ref is one): a branch is refs/heads/<branch>, a tag refs/tags/<tag>, another ref refs/<path> (refs/pull/<n>/head)`,
		"main/foo": `ref name "main/foo" is not a full git ref`,
		"refs/x":   "name refs/x not found in " + b.dir + "; a branch is refs/heads/<branch>",
	} {
		testutil.WriteFiles(t, b.dir, map[string]string{"clusters/one/flux-system/flux-instance.yaml": strings.Replace(
			testutil.FluxInstance("one", "https://example.com/acme/fleet.git"), "ref: refs/heads/main", "ref: "+ref, 1)})
		r := run(t, "build", "--fleet", b.dir)
		assertErrClass(t, errIncomplete, r.err)
		assert.Contains(t, r.stderr, want, ref)
		assert.NotContains(t, r.stderr, "reference storage", ref)
		assert.NotContains(t, r.stderr, "invalid reference name", ref)
	}
}
