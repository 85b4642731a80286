// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

//go:build e2e

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/testutil"
)

// The built binary, end to end: TestMain builds d1lint once, and the tests
// here, in hook_test.go and in action_test.go run it as a user, a git hook
// or the GitHub Action would. They build and spawn processes, so they sit
// behind the e2e build tag: go test -tags e2e ./cmd/d1lint/ (.ci/run does).

// binary is the d1lint executable TestMain builds.
var binary string

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	// Find go first, while PATH is the user's.
	goBin, err := exec.LookPath("go")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: go not found on PATH:", err)
		return 1
	}
	dir, err := os.MkdirTemp("", "d1lint-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	defer testutil.Cleanup()
	// The binary's persistent cache defaults to $XDG_CACHE_HOME/d1lint:
	// the tests keep theirs apart from the user's. Go's build cache
	// defaults to $XDG_CACHE_HOME/go-build too: it stays where it was, or
	// every run would build d1lint from nothing (minutes).
	if os.Getenv("GOCACHE") == "" {
		if out, err := exec.Command(goBin, "env", "GOCACHE").Output(); err == nil {
			os.Setenv("GOCACHE", strings.TrimSpace(string(out)))
		}
	}
	os.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	binary = filepath.Join(dir, "d1lint")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	build := exec.Command(goBin, "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building d1lint:", err)
		return 1
	}
	return m.Run()
}

type proc struct {
	stdout, stderr string
	code           int
}

// d1lint runs the binary in dir (the package folder when empty).
func d1lint(t *testing.T, dir string, args ...string) proc {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	// The environment minus what changes how d1lint resolves branches.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GITHUB_BASE_REF=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	require.NoError(t, ctx.Err(), "d1lint %v timed out", args)
	code := 0
	if err != nil {
		var exit *exec.ExitError
		require.True(t, errors.As(err, &exit), "running d1lint %v: %v", args, err)
		code = exit.ExitCode()
	}
	return proc{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

const (
	exampleConfig = "../../fixtures/example/fleet/.d1lint.yaml"
	badConfig     = "../../fixtures/bad/fleet/.d1lint.yaml"
)

func TestE2EClusters(t *testing.T) {
	p := d1lint(t, "", "clusters", "--config", exampleConfig)
	require.Equal(t, 0, p.code, p.stderr)
	assert.Empty(t, p.stderr)
	assert.Contains(t, p.stdout, "prod-eu")
	assert.Contains(t, p.stdout, "staging")
	assert.Contains(t, p.stdout, "operator")
	table, sources, _ := strings.Cut(p.stdout, "\n\n")
	assert.Len(t, strings.Split(table, "\n"), 3, "a header and one row per cluster")
	assert.Contains(t, sources, "sources:\n  https://github.com/acme/d1-apps.git@main → ../../fixtures/example/apps-main (sources: in .d1lint.yaml)\n",
		"then where each repository was read from")
}

func TestE2EBuild(t *testing.T) {
	p := d1lint(t, "", "build", "--cluster", "prod-eu", "--config", exampleConfig)
	require.Equal(t, 0, p.code, p.stderr)
	assert.Empty(t, p.stderr)
	assert.True(t, strings.HasPrefix(p.stdout, "---\n"), "a YAML stream")
	assert.Contains(t, p.stdout, "\nkind: HelmRelease\n")
	assert.NotContains(t, p.stdout, "ImageUpdateAutomation")
	docs := strings.Split(p.stdout, "---\n")[1:]
	assert.Greater(t, len(docs), 10)
	for i, d := range docs {
		assert.Contains(t, d, "apiVersion: ", "document %d", i)
		assert.Contains(t, d, "kind: ", "document %d", i)
	}
}

func TestE2EIncompleteRender(t *testing.T) {
	p := d1lint(t, "", "build", "--cluster", "invalid-yaml", "--config", badConfig)
	assert.Equal(t, exitFindings, p.code)
	assert.Contains(t, p.stderr, "cases/invalid-yaml")
	assert.Contains(t, p.stderr, "error: cluster invalid-yaml: ")
	assert.Contains(t, p.stderr, "d1lint: render incomplete: 1 problem\n")
	assert.Contains(t, p.stdout, "name: flux-runtime-info", "the rest of the cluster still renders")
	// Only d1lint's own lines reach stderr: no library output leaks in.
	for _, line := range strings.Split(strings.TrimSuffix(p.stderr, "\n"), "\n") {
		assert.True(t, strings.HasPrefix(line, "error: ") || strings.HasPrefix(line, "warning: ") || strings.HasPrefix(line, "d1lint: "),
			"unexpected stderr line %q", line)
	}
}

func TestE2EUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		msg  string
	}{
		{"unknown flag", []string{"build", "--bogus"}, "d1lint: unknown flag --bogus for d1lint build (see 'd1lint build --help')\n"},
		{"mistyped flag", []string{"check", "--clustr", "staging"}, "d1lint: unknown flag --clustr for d1lint check; did you mean --cluster?\n"},
		{"mistyped command", []string{"chekc", "--config", exampleConfig}, "d1lint: unknown command \"chekc\" for d1lint; did you mean 'd1lint check'?\n"},
		{"mistyped subcommand", []string{"policy", "tset"}, "did you mean 'd1lint policy test'?"},
		{"mistyped cluster", []string{"build", "--cluster", "stagin", "--config", exampleConfig}, "; did you mean --cluster staging?\n"},
		{"missing fleet folder", []string{"check", "--fleet", "no-such-fleet"}, "d1lint: the fleet folder no-such-fleet does not exist; pass --fleet with the folder of the fleet repository's checkout\n"},
		{"fleet folder that is a file", []string{"check", "--fleet", exampleConfig}, "is a file; pass --fleet with the folder of the fleet repository's checkout (a .d1lint.yaml goes to --config)\n"},
		{"malformed source", []string{"check", "--source", "x", "--config", exampleConfig}, `d1lint: --source: invalid source mapping "x": no '='`},
		{"missing configuration", []string{"check", "--config", "no-such.yaml"}, "d1lint: --config no-such.yaml: no such file; pass the path of a .d1lint.yaml"},
		{"mistyped format", []string{"check", "--format", "sarfi", "--config", exampleConfig}, `d1lint: --format: unknown format "sarfi"; did you mean sarif?`},
		{"bad fail-on", []string{"check", "--fail-on", "fatal", "--config", exampleConfig}, `d1lint: --fail-on: unknown severity "fatal" (want error, warning or info)`},
		{"bad graph format", []string{"graph", "--format", "svg", "--config", exampleConfig}, `d1lint: --format "svg": want dot or mermaid`},
		{"graph without --cluster", []string{"graph", "--config", exampleConfig}, "pick one cluster with --cluster (have: prod-eu, staging)"},
		{"unknown command", []string{"lint"}, `unknown command "lint"`},
		{"unknown Kubernetes release", []string{"check", "--kube-version", "1.19", "--config", exampleConfig}, "Kubernetes 1.19 has no bundled schemas"},
		{"remote schema location", []string{"check", "--schema-location", "https://example.invalid/s", "--config", exampleConfig}, "never downloads schemas"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := d1lint(t, "", tt.args...)
			assert.Equal(t, exitUsage, p.code)
			assert.Contains(t, p.stderr, tt.msg)
			assert.NotContains(t, p.stderr, "usage error")
			assert.Empty(t, p.stdout)
		})
	}
}

// TestE2EGraphIncomplete: graph, like build, draws what rendered, says on
// standard error what did not, and exits with status 1.
func TestE2EGraphIncomplete(t *testing.T) {
	for _, cmd := range []string{"build", "graph"} {
		p := d1lint(t, "", cmd, "--cluster", "invalid-yaml", "--config", badConfig)
		assert.Equal(t, exitFindings, p.code, cmd)
		assert.Contains(t, p.stderr, "error: cluster invalid-yaml: ", cmd)
		assert.True(t, strings.HasSuffix(p.stderr, "d1lint: render incomplete: 1 problem\n"), "%s: %s", cmd, p.stderr)
		assert.NotEmpty(t, p.stdout, cmd)
	}
}

func TestE2EConfigInWorkingDirectory(t *testing.T) {
	dir, err := filepath.Abs(filepath.FromSlash("../../fixtures/example/fleet"))
	require.NoError(t, err)
	p := d1lint(t, dir, "clusters")
	require.Equal(t, 0, p.code, p.stderr)
	assert.Empty(t, p.stderr)
	assert.Contains(t, p.stdout, "prod-eu")
	assert.Contains(t, p.stdout, "staging")
	// The sources come from .d1lint.yaml: without it they would be unresolved.
	assert.Contains(t, p.stdout, "d1-infra@production")
	assert.Contains(t, p.stdout, "d1-apps@main")
	assert.NotContains(t, p.stdout, "unresolved")
}

func TestE2EVersion(t *testing.T) {
	p := d1lint(t, "", "version")
	require.Equal(t, 0, p.code, p.stderr)
	assert.Contains(t, p.stdout, "cluster model v1alpha1")
}

func TestE2ECheck(t *testing.T) {
	p := d1lint(t, "", "check", "--config", exampleConfig)
	require.Equal(t, exitOK, p.code, p.stderr)
	assert.Contains(t, p.stdout, "2 clusters, 148 objects")
	assert.Contains(t, p.stdout, "0 errors, 0 warnings, 0 info")

	p = d1lint(t, "", "check", "--config", badConfig, "--cluster", "undefined-var")
	assert.Equal(t, exitFindings, p.code)
	assert.Contains(t, p.stdout, "D1-0401")
	assert.Contains(t, p.stderr, "findings at or above error")

	p = d1lint(t, "", "check", "--fail-on", "nope", "--config", exampleConfig)
	assert.Equal(t, exitUsage, p.code)
}

func TestE2ESchemas(t *testing.T) {
	p := d1lint(t, "", "schemas", "--source", "flux", "GitRepository")
	require.Equal(t, exitOK, p.code, p.stderr)
	assert.Contains(t, p.stdout, "source.toolkit.fluxcd.io  GitRepository  v1, v1beta2 (deprecated)")

	// Schema findings from the built binary, with the field's line.
	p = d1lint(t, "", "check", "--config", badConfig, "--cluster", "schema-errors")
	assert.Equal(t, exitFindings, p.code)
	assert.Contains(t, p.stdout, "cases/schema-errors/workloads.yaml:17")
	assert.Contains(t, p.stdout, "spec.template.spec.serviceAcountName: unknown field")
	assert.Contains(t, p.stdout, "D1-0503")
}

// TestE2EFluxPlugin: named flux-d1lint, the binary runs as a Flux CLI
// plugin, and its help says so.
func TestE2EFluxPlugin(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(binary)
	require.NoError(t, err)
	plugin := filepath.Join(dir, "flux-d1lint")
	require.NoError(t, os.WriteFile(plugin, data, 0o755))
	cmd := exec.Command(plugin, "check", "--help")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Contains(t, string(out), "flux d1lint check [flags]")
	assert.Contains(t, string(out), "\n  flux d1lint check --fail-on warning\n", "examples too")
	assert.NotContains(t, strings.ReplaceAll(string(out), "flux d1lint", ""), "d1lint check")

	// Mistakes name the plugin as well, and are usage errors.
	for args, want := range map[string]string{
		"chekc":             "d1lint: unknown command \"chekc\" for flux d1lint; did you mean 'flux d1lint check'?\n",
		"lint":              "d1lint: unknown command \"lint\" for flux d1lint (see 'flux d1lint --help')\n",
		"check --clustr x":  "d1lint: unknown flag --clustr for flux d1lint check; did you mean --cluster?\n",
		"build --bogus":     "d1lint: unknown flag --bogus for flux d1lint build (see 'flux d1lint build --help')\n",
		"rules D1-9999":     "d1lint: no rule D1-9999 (see 'flux d1lint rules')\n",
		"hook instal":       "d1lint: unknown command \"instal\" for flux d1lint hook; did you mean 'flux d1lint hook install'?\n",
		"check --version":   "d1lint: unknown flag --version for flux d1lint check; did you mean 'flux d1lint version'?\n",
		"graph --format=x":  "d1lint: --format \"x\": want dot or mermaid\n",
		"check --format":    "d1lint: --format needs a value: ",
		"policy test --all": "d1lint: unknown flag --all for flux d1lint policy test (see 'flux d1lint policy test --help')\n",
	} {
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(plugin, strings.Fields(args)...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		require.True(t, errors.As(err, &exit), "%s: %v", args, err)
		assert.Equal(t, exitUsage, exit.ExitCode(), args)
		assert.True(t, strings.HasPrefix(stderr.String(), want), "%s: %s", args, stderr.String())
		assert.Empty(t, stdout.String(), args)
	}
}
