// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

//go:build e2e

package main

// The GitHub Action's script (scripts/action-run.sh), run locally: it runs
// the binary TestMain built in a simulated GitHub Actions environment.
// action_def_test.go checks the action's definition.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/testutil"
)

// actionResult is what one run of scripts/action-run.sh left behind.
type actionResult struct {
	proc
	outputs map[string]string // $GITHUB_OUTPUT
	summary string            // $GITHUB_STEP_SUMMARY
}

// runAction runs scripts/action-run.sh in dir (as working-directory) with d1
// as $D1LINT, in a simulated GitHub Actions environment plus env.
func runAction(t *testing.T, dir, d1 string, env map[string]string) actionResult {
	t.Helper()
	bash, err := exec.LookPath("bash")
	require.NoError(t, err, "the action's script needs bash")
	gh := t.TempDir()
	output, summary := filepath.Join(gh, "output"), filepath.Join(gh, "summary")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bash, filepath.Join(testutil.Root(t), "scripts", "action-run.sh"))
	cmd.Dir = dir
	// The test's own environment, minus anything a real CI run would add.
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "GITHUB_") || strings.HasPrefix(name, "INPUT_") ||
			strings.HasPrefix(name, "RUNNER_") || name == "D1LINT" || name == "CI" || name == "PWD" || name == "OLDPWD" {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env,
		"CI=true", "GITHUB_ACTIONS=true",
		"GITHUB_OUTPUT="+output, "GITHUB_STEP_SUMMARY="+summary,
		"GITHUB_WORKSPACE="+dir, "RUNNER_TEMP="+gh,
		"D1LINT="+d1)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	require.NoError(t, ctx.Err(), "the action timed out")
	r := actionResult{proc: proc{stdout: stdout.String(), stderr: stderr.String()}}
	if err != nil {
		var exit *exec.ExitError
		require.True(t, errors.As(err, &exit), "running the action: %v", err)
		r.code = exit.ExitCode()
	}
	r.outputs = actionOutputs(t, output)
	if b, err := os.ReadFile(summary); err == nil {
		r.summary = string(b)
	}
	return r
}

// actionOutputs parses a $GITHUB_OUTPUT file: NAME=VALUE lines and
// NAME<<DELIMITER blocks.
func actionOutputs(t *testing.T, path string) map[string]string {
	t.Helper()
	out := map[string]string{}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return out
	}
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if name, delim, ok := strings.Cut(line, "<<"); ok && !strings.Contains(name, "=") {
			var value []string
			for sc.Scan() && sc.Text() != delim {
				value = append(value, sc.Text())
			}
			out[name] = strings.Join(value, "\n")
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		require.True(t, ok, "malformed $GITHUB_OUTPUT line %q", line)
		out[name] = value
	}
	require.NoError(t, sc.Err())
	return out
}

// count returns an integer output, failing the test when it is not one.
func (r actionResult) count(t *testing.T, name string) int {
	t.Helper()
	v, ok := r.outputs[name]
	require.True(t, ok, "output %s is set (outputs: %v)\nstderr: %s", name, r.outputs, r.stderr)
	n, err := strconv.Atoi(v)
	require.NoError(t, err, "output %s", name)
	return n
}

// annotations returns the workflow commands among the lines of stdout.
func (r actionResult) annotations() []string {
	var out []string
	for _, line := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(line, "::error ") || strings.HasPrefix(line, "::warning ") || strings.HasPrefix(line, "::notice ") {
			out = append(out, line)
		}
	}
	return out
}

// annotated returns the annotations of that command that start with prefix
// (the properties after the command).
func (r actionResult) annotated(command, prefix string) []string {
	var out []string
	for _, a := range r.annotations() {
		if strings.HasPrefix(a, "::"+command+" "+prefix) {
			out = append(out, a)
		}
	}
	return out
}

// actionSARIFResult is the part of a SARIF result the tests look at.
type actionSARIFResult struct {
	RuleID        string `json:"ruleId"`
	Level         string `json:"level"`
	BaselineState string `json:"baselineState"`
	Message       struct {
		Text string `json:"text"`
	} `json:"message"`
	Locations []struct {
		PhysicalLocation struct {
			ArtifactLocation struct {
				URI string `json:"uri"`
			} `json:"artifactLocation"`
			Region struct {
				StartLine int `json:"startLine"`
			} `json:"region"`
		} `json:"physicalLocation"`
	} `json:"locations"`
}

func actionReadSARIF(t *testing.T, path string) []actionSARIFResult {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err, "the SARIF report")
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name string `json:"name"`
				} `json:"driver"`
			} `json:"tool"`
			Results []actionSARIFResult `json:"results"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal(data, &log), "the SARIF report is JSON")
	assert.Equal(t, "2.1.0", log.Version)
	require.Len(t, log.Runs, 1)
	assert.Equal(t, "d1lint", log.Runs[0].Tool.Driver.Name)
	return log.Runs[0].Results
}

// actionSARIFAt returns the results of rule located at uri and line.
func actionSARIFAt(results []actionSARIFResult, rule, uri string, line int) []actionSARIFResult {
	var out []actionSARIFResult
	for _, r := range results {
		for _, l := range r.Locations {
			if r.RuleID == rule && l.PhysicalLocation.ArtifactLocation.URI == uri && l.PhysicalLocation.Region.StartLine == line {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// actionFakeD1lint writes a stand-in for d1lint that records its arguments, one a
// line, writes the SARIF file it is asked for and exits with $FAKE_STATUS.
func actionFakeD1lint(t *testing.T) (bin, argsFile string) {
	t.Helper()
	dir := t.TempDir()
	bin, argsFile = filepath.Join(dir, "d1lint"), filepath.Join(dir, "args")
	script := `#!/usr/bin/env bash
printf '%s\n' "$@" > ` + actionShQuote(argsFile) + `
printf '%s\n' "$*" >> ` + actionShQuote(argsFile+".calls") + `
for a in "$@"; do
  case "$a" in sarif=*) printf '{}' > "${a#sarif=}" ;; esac
done
exit "${FAKE_STATUS:-0}"
`
	require.NoError(t, os.WriteFile(bin, []byte(script), 0o755))
	return bin, argsFile
}

// actionShQuote quotes s for bash.
func actionShQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func TestActionArguments(t *testing.T) {
	bin, argsFile := actionFakeD1lint(t)
	work := t.TempDir()
	args := func(t *testing.T) []string {
		t.Helper()
		data, err := os.ReadFile(argsFile)
		require.NoError(t, err)
		return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	}

	t.Run("multiline inputs", func(t *testing.T) {
		r := runAction(t, work, bin, map[string]string{
			"INPUT_FLEET":    " d1-fleet ",
			"INPUT_CONFIG":   "",
			"INPUT_SOURCES":  "\n  https://github.com/acme/d1-infra.git=../d1 infra  \r\n\n\thttps://github.com/acme/d1-apps.git@production=apps-prod\n",
			"INPUT_CLUSTERS": "staging, prod-eu\n\n prod-us ,",
			"INPUT_FAIL_ON":  "warning",
			"INPUT_POLICIES": "policies/team\n  policies/security it  \n",
			"INPUT_SARIF":    "out/d1lint.sarif",
			"INPUT_ARGS":     "--kube-version\n1.36\n  --format=json=report.json \n",
			// Not a pull request: the checkout's configuration is used.
			"GITHUB_EVENT_NAME": "push",
			"GITHUB_BASE_REF":   "",
		})
		require.Equal(t, 0, r.code, r.stderr)
		sarif := filepath.Join(work, "out", "d1lint.sarif")
		assert.Equal(t, []string{"check",
			"--fleet", "d1-fleet",
			"--source", "https://github.com/acme/d1-infra.git=../d1 infra",
			"--source", "https://github.com/acme/d1-apps.git@production=apps-prod",
			"--cluster", "staging", "--cluster", "prod-eu", "--cluster", "prod-us",
			"--fail-on", "warning",
			"--policy", "policies/team", "--policy", "policies/security it",
			"--format", "github", "--format", "sarif=" + sarif,
			"--kube-version", "1.36", "--format=json=report.json",
		}, args(t))
		assert.Equal(t, sarif, r.outputs["sarif"], "the SARIF path, absolute")
		assert.FileExists(t, sarif)
		assert.Contains(t, r.stderr, "+ d1lint check --fleet d1-fleet")
	})

	t.Run("pull request", func(t *testing.T) {
		env := map[string]string{
			"INPUT_SARIF":       "d1lint.sarif",
			"INPUT_NEW_SINCE":   "origin/main",
			"GITHUB_EVENT_NAME": "pull_request",
			"GITHUB_BASE_REF":   "main",
		}
		r := runAction(t, work, bin, env)
		require.Equal(t, 0, r.code, r.stderr)
		sarif := filepath.Join(work, "d1lint.sarif")
		assert.Equal(t, []string{"check", "--new-since", "origin/main", "--config-ref", "origin/main",
			"--format", "github", "--format", "sarif=" + sarif}, args(t),
			"trust-base-config defaults to true")

		env["INPUT_TRUST_BASE_CONFIG"] = "false"
		r = runAction(t, work, bin, env)
		require.Equal(t, 0, r.code, r.stderr)
		assert.Equal(t, []string{"check", "--new-since", "origin/main",
			"--format", "github", "--format", "sarif=" + sarif}, args(t))

		env["INPUT_TRUST_BASE_CONFIG"] = " true "
		env["GITHUB_EVENT_NAME"] = "pull_request_target"
		r = runAction(t, work, bin, env)
		require.Equal(t, 0, r.code, r.stderr)
		assert.Contains(t, args(t), "--config-ref")
	})

	t.Run("charts", func(t *testing.T) {
		calls := argsFile + ".calls"
		require.NoError(t, os.WriteFile(calls, nil, 0o644))
		r := runAction(t, work, bin, map[string]string{"INPUT_SARIF": "", "INPUT_FLEET": "fleet", "INPUT_CLUSTERS": "staging",
			"INPUT_CHARTS": " .d1lint-charts "})
		require.Equal(t, 0, r.code, r.stderr)
		data, err := os.ReadFile(calls)
		require.NoError(t, err)
		assert.Equal(t, "charts pull --fleet fleet --cluster staging --charts .d1lint-charts\n"+
			"check --fleet fleet --cluster staging --charts .d1lint-charts --format github\n", string(data),
			"the cache is filled first, then checked")
		assert.DirExists(t, filepath.Join(work, ".d1lint-charts"))

		require.NoError(t, os.WriteFile(calls, nil, 0o644))
		r = runAction(t, work, bin, map[string]string{"INPUT_SARIF": "", "INPUT_CHARTS": ".d1lint-charts", "INPUT_PULL_CHARTS": "false"})
		require.Equal(t, 0, r.code, r.stderr)
		data, err = os.ReadFile(calls)
		require.NoError(t, err)
		assert.Equal(t, "check --charts .d1lint-charts --format github\n", string(data), "no pull")
	})

	t.Run("no SARIF", func(t *testing.T) {
		r := runAction(t, work, bin, map[string]string{"INPUT_SARIF": ""})
		require.Equal(t, 0, r.code, r.stderr)
		assert.Equal(t, []string{"check", "--format", "github"}, args(t))
		assert.Equal(t, map[string]string{"sarif": ""}, r.outputs)
	})

	t.Run("findings", func(t *testing.T) {
		r := runAction(t, work, bin, map[string]string{"INPUT_SARIF": "d1lint.sarif", "FAKE_STATUS": "1"})
		assert.Equal(t, 1, r.code, "d1lint's status")
		assert.Equal(t, filepath.Join(work, "d1lint.sarif"), r.outputs["sarif"], "outputs are set when findings fail the check")
		r = runAction(t, work, bin, map[string]string{"FAKE_STATUS": "3"})
		assert.Equal(t, 3, r.code)
		r = runAction(t, work, bin, map[string]string{"FAKE_STATUS": "143"})
		assert.Equal(t, 143, r.code, "a cancelled job's status passes through")
		assert.Contains(t, r.stderr, "d1lint was stopped by a signal (exit status 143)")
	})

	t.Run("bad input", func(t *testing.T) {
		require.NoError(t, os.Remove(argsFile))
		r := runAction(t, work, bin, map[string]string{"INPUT_TRUST_BASE_CONFIG": "yes"})
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, "trust-base-config must be true or false")
		r = runAction(t, work, bin, map[string]string{"INPUT_SOURCES": "https://github.com/acme/d1-infra.git"})
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, "is not URL=PATH")
		assert.NoFileExists(t, argsFile, "d1lint did not run")
	})
}

// TestActionHazards runs the action on the hazards fleet's schema-errors
// cluster (fixtures/bad): annotations at the fields' lines, the summary,
// the outputs and the SARIF report.
func TestActionHazards(t *testing.T) {
	config, err := filepath.Abs(filepath.FromSlash(badConfig))
	require.NoError(t, err)
	work := t.TempDir()
	r := runAction(t, work, binary, map[string]string{
		"INPUT_CONFIG":            config,
		"INPUT_CLUSTERS":          " schema-errors \n",
		"INPUT_FAIL_ON":           "error",
		"INPUT_SARIF":             "reports/d1lint.sarif",
		"INPUT_TRUST_BASE_CONFIG": "true",
		"GITHUB_EVENT_NAME":       "push",
		"GITHUB_REPOSITORY":       "acme/d1-fleet", // the fleet's URL: https://github.com/acme/d1-fleet.git
	})
	require.Equal(t, exitFindings, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	assert.NotContains(t, r.stderr, "--config-ref", "not a pull request")

	for _, want := range []struct{ command, props, message string }{
		{"error", "file=cases/schema-errors/workloads.yaml,line=17,title=D1-0501%3A ", "Deployment flux-system/web: spec.template.spec.serviceAcountName: unknown field"},
		{"error", "file=cases/schema-errors/workloads.yaml,line=32,title=D1-0501%3A ", "Service flux-system/web: spec.ports[0].port: got string, want integer"},
		{"error", "file=cases/schema-errors/access.yaml,line=2,title=D1-0501%3A ", "RoleBinding flux-system/web-readers: missing property 'roleRef'"},
		{"error", "file=cases/schema-errors/release.yaml,line=2,title=D1-0503%3A ", "HelmRelease flux-system/web: helm.toolkit.fluxcd.io/v2beta1 is no longer served"},
	} {
		got := r.annotated(want.command, want.props)
		if assert.Len(t, got, 1, "::%s %s\nannotations:\n%s", want.command, want.props, strings.Join(r.annotations(), "\n")) {
			_, msg, _ := strings.Cut(strings.TrimPrefix(got[0], "::"), "::")
			assert.Contains(t, msg, want.message)
		}
	}

	errs := r.count(t, "errors")
	assert.GreaterOrEqual(t, errs, 4)
	assert.Len(t, r.annotated("error", ""), errs, "one annotation per error")
	r.count(t, "warnings")
	r.count(t, "infos")
	r.count(t, "new")
	sarif := filepath.Join(work, "reports", "d1lint.sarif")
	assert.Equal(t, sarif, r.outputs["sarif"])

	assert.Contains(t, r.summary, "## d1lint")
	assert.Contains(t, r.summary, "| Severity | Rule | Location | Message |")
	assert.Contains(t, r.summary, "| --- | --- | --- | --- |")
	assert.Contains(t, r.summary, "cases/schema-errors/workloads.yaml:17")

	results := actionReadSARIF(t, sarif)
	for _, want := range []struct {
		rule, uri string
		line      int
	}{
		{"D1-0501", "cases/schema-errors/workloads.yaml", 17},
		{"D1-0501", "cases/schema-errors/workloads.yaml", 32},
		{"D1-0501", "cases/schema-errors/access.yaml", 2},
		{"D1-0503", "cases/schema-errors/release.yaml", 2},
	} {
		got := actionSARIFAt(results, want.rule, want.uri, want.line)
		if assert.Len(t, got, 1, "%s at %s:%d", want.rule, want.uri, want.line) {
			assert.Equal(t, "error", got[0].Level)
		}
	}
}

// actionD1Copy copies the d1 corpus trio into a fresh folder (the corpus itself
// is shared by the tests) and returns it: d1-fleet, d1-infra and d1-apps side
// by side, as the workflows in docs/workflows check them out. Each repository
// gets the remote-tracking branches a CI checkout with fetch-depth 0 has.
func actionD1Copy(t *testing.T) string {
	t.Helper()
	d1 := testutil.D1Corpus(t, false)
	work := t.TempDir()
	for _, src := range []string{d1.Fleet, d1.Infra, d1.Apps} {
		out, err := exec.Command("cp", "-a", src, filepath.Join(work, filepath.Base(src))).CombinedOutput()
		require.NoError(t, err, "copying %s: %s", src, out)
	}
	for _, repo := range []string{"d1-fleet", "d1-infra", "d1-apps"} {
		for _, branch := range []string{"main", "production"} {
			if actionGit(t, filepath.Join(work, repo), true, "rev-parse", "--verify", "-q", "refs/heads/"+branch) != "" {
				actionGit(t, filepath.Join(work, repo), false, "update-ref", "refs/remotes/origin/"+branch, "refs/heads/"+branch)
			}
		}
	}
	return work
}

// actionGit runs git in dir and returns its output; mayFail lets it fail
// (returning "").
func actionGit(t *testing.T, dir string, mayFail bool, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=d1lint test", "-c", "user.email=test@example.invalid",
		"-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		if mayFail {
			return ""
		}
		var stderr []byte
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			stderr = exit.Stderr
		}
		require.NoError(t, err, "git %v: %s", args, stderr)
	}
	return strings.TrimSpace(string(out))
}

// actionInject replaces old (which must occur once) with new in file and returns
// the line number it is on.
func actionInject(t *testing.T, file, old, new string) int {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	s := string(data)
	require.Equal(t, 1, strings.Count(s, old), "%q in %s", old, file)
	i := strings.Index(s, old)
	require.NoError(t, os.WriteFile(file, []byte(s[:i]+new+s[i+len(old):]), 0o644))
	return strings.Count(s[:i+strings.IndexFunc(old, func(r rune) bool { return r != '\n' })], "\n") + 1
}

// actionFleetSources maps the d1 URLs to the copies beside the fleet, as
// docs/workflows/d1-fleet.yml does (d1lint runs in d1-fleet), with the
// untidiness multiline inputs get in workflow files.
const actionFleetSources = `
  ` + testutil.D1InfraURL + `=../d1-infra

  ` + testutil.D1AppsURL + `=../d1-apps   
`

// TestActionCorpus injects a mistake into d1-apps, as a pull request would,
// and runs the action the way docs/workflows/d1-apps.yml does.
func TestActionCorpus(t *testing.T) {
	work := actionD1Copy(t)
	const file = "components/backend/base/redis.yaml"
	line := actionInject(t, filepath.Join(work, "d1-apps", filepath.FromSlash(file)), "\n  driftDetection:\n", "\n  driftDetecton:\n")
	require.Equal(t, 15, line)

	// d1lint runs in d1-apps, the checked repository.
	r := runAction(t, filepath.Join(work, "d1-apps"), binary, map[string]string{
		"INPUT_FLEET":             "../d1-fleet",
		"INPUT_SOURCES":           testutil.D1InfraURL + "=../d1-infra\n" + testutil.D1AppsURL + "=.\n",
		"INPUT_FAIL_ON":           "error",
		"INPUT_SARIF":             "d1lint.sarif",
		"INPUT_TRUST_BASE_CONFIG": "false",
		"GITHUB_EVENT_NAME":       "pull_request",
		"GITHUB_BASE_REF":         "main",
		"GITHUB_REPOSITORY":       "controlplaneio-fluxcd/d1-apps",
	})
	require.Equal(t, exitFindings, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)

	// Staging follows main, whose working tree has the mistake; production
	// reads the production branch, which does not.
	errs := r.annotated("error", "")
	require.Len(t, errs, 1, "annotations:\n%s", strings.Join(r.annotations(), "\n"))
	assert.True(t, strings.HasPrefix(errs[0], fmt.Sprintf("::error file=%s,line=%d,title=D1-0501%%3A ", file, line)), errs[0])
	assert.Contains(t, errs[0], "::HelmRelease backend/redis: spec.driftDetecton: unknown field")
	assert.Equal(t, 1, r.count(t, "errors"), "the d1 reference itself has no errors")
	assert.Contains(t, r.summary, "components/backend/base/redis.yaml:15")

	results := actionReadSARIF(t, r.outputs["sarif"])
	got := actionSARIFAt(results, "D1-0501", file, line)
	if assert.Len(t, got, 1) {
		assert.Equal(t, "error", got[0].Level)
		assert.Contains(t, got[0].Message.Text, "spec.driftDetecton")
	}
	// Findings in the other repositories have no location in this one.
	for _, res := range results {
		for _, l := range res.Locations {
			assert.NotContains(t, l.PhysicalLocation.ArtifactLocation.URI, "clusters/", "a d1-fleet file located in d1-apps")
		}
	}
}

// TestActionNewSince runs the action the way docs/workflows/d1-fleet.yml
// does on a pull request: new-since origin/<base>, trust-base-config on.
// What the base branch already had does not fail the check.
func TestActionNewSince(t *testing.T) {
	work := actionD1Copy(t)
	fleet := filepath.Join(work, "d1-fleet")
	const backend = "tenants/apps/components/backend/sync.yaml"
	const frontend = "tenants/apps/components/frontend/sync.yaml"
	// The base branch has a mistake already.
	oldLine := actionInject(t, filepath.Join(fleet, filepath.FromSlash(backend)), "\n  retryInterval: 3m\n", "\n  retryIntervall: 3m\n")
	actionGit(t, fleet, false, "commit", "-q", "-am", "a mistake on main")
	actionGit(t, fleet, false, "update-ref", "refs/remotes/origin/main", "HEAD")
	// The pull request: the fleet's working tree stands for it.
	env := map[string]string{
		"INPUT_FLEET":       ".",
		"INPUT_SOURCES":     actionFleetSources,
		"INPUT_SARIF":       "d1lint.sarif",
		"INPUT_NEW_SINCE":   "origin/main",
		"GITHUB_EVENT_NAME": "pull_request",
		"GITHUB_BASE_REF":   "main",
		"GITHUB_REPOSITORY": "controlplaneio-fluxcd/d1-fleet",
	}

	t.Run("existing", func(t *testing.T) {
		r := runAction(t, fleet, binary, env)
		require.Equal(t, exitOK, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
		assert.Contains(t, r.stderr, "--config-ref origin/main", "trust-base-config is on by default")
		assert.Equal(t, 0, r.count(t, "new"))
		assert.GreaterOrEqual(t, r.count(t, "errors"), 1, "existing findings are still counted")
		assert.Empty(t, r.annotated("error", ""), "existing findings are not annotated")
		assert.Regexp(t, `existing findings? not annotated`, r.stdout)
		results := actionReadSARIF(t, r.outputs["sarif"])
		got := actionSARIFAt(results, "D1-0501", backend, oldLine)
		require.NotEmpty(t, got)
		for _, res := range got {
			assert.Equal(t, "unchanged", res.BaselineState)
		}
	})

	t.Run("added", func(t *testing.T) {
		newLine := actionInject(t, filepath.Join(fleet, filepath.FromSlash(frontend)), "\n  retryInterval: 3m\n", "\n  retryIntervall: 3m\n")
		r := runAction(t, fleet, binary, env)
		require.Equal(t, exitFindings, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
		assert.GreaterOrEqual(t, r.count(t, "new"), 1)
		errs := r.annotated("error", "")
		require.NotEmpty(t, errs)
		for _, e := range errs {
			assert.True(t, strings.HasPrefix(e, fmt.Sprintf("::error file=%s,line=%d,", frontend, newLine)), "only the new mistake is annotated: %s", e)
		}
		results := actionReadSARIF(t, r.outputs["sarif"])
		for _, res := range actionSARIFAt(results, "D1-0501", frontend, newLine) {
			assert.Equal(t, "new", res.BaselineState)
		}
		assert.NotEmpty(t, actionSARIFAt(results, "D1-0501", frontend, newLine))
	})
}

// TestActionTrustBaseConfig: a pull request on the fleet that disables the
// rule its mistake breaks does not get its way while trust-base-config is on.
func TestActionTrustBaseConfig(t *testing.T) {
	work := actionD1Copy(t)
	fleet := filepath.Join(work, "d1-fleet")
	base := "# d1lint configuration of the fleet\nbranches:\n  staging: main\n  production: production\n"
	require.NoError(t, os.WriteFile(filepath.Join(fleet, ".d1lint.yaml"), []byte(base), 0o644))
	actionGit(t, fleet, false, "add", ".d1lint.yaml")
	actionGit(t, fleet, false, "commit", "-q", "-m", "d1lint configuration")
	actionGit(t, fleet, false, "update-ref", "refs/remotes/origin/main", "HEAD")
	// The pull request: a mistake, and the rule it breaks turned off.
	const file = "tenants/apps/components/backend/sync.yaml"
	line := actionInject(t, filepath.Join(fleet, filepath.FromSlash(file)), "\n  retryInterval: 3m\n", "\n  retryIntervall: 3m\n")
	require.NoError(t, os.WriteFile(filepath.Join(fleet, ".d1lint.yaml"),
		[]byte(base+"rules:\n  D1-0501:\n    disabled: true\n"), 0o644))

	env := map[string]string{
		"INPUT_FLEET":       ".",
		"INPUT_SOURCES":     actionFleetSources,
		"INPUT_SARIF":       "d1lint.sarif",
		"GITHUB_EVENT_NAME": "pull_request",
		"GITHUB_BASE_REF":   "main",
		"GITHUB_REPOSITORY": "controlplaneio-fluxcd/d1-fleet",
	}
	r := runAction(t, fleet, binary, env)
	require.Equal(t, exitFindings, r.code, "the base branch's configuration: stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	assert.Contains(t, r.stderr, "--config-ref origin/main")
	errs := r.annotated("error", fmt.Sprintf("file=%s,line=%d,title=D1-0501%%3A ", file, line))
	assert.NotEmpty(t, errs, "annotations:\n%s", strings.Join(r.annotations(), "\n"))

	env["INPUT_TRUST_BASE_CONFIG"] = "false"
	r = runAction(t, fleet, binary, env)
	require.Equal(t, exitOK, r.code, "the pull request's configuration: stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	assert.NotContains(t, r.stderr, "--config-ref")
	assert.Empty(t, r.annotated("error", ""))
}

// TestActionAdoptingPullRequest: the pull request that adds .d1lint.yaml
// passes with trust-base-config on, although its base branch has no such
// file: the built-in defaults judge it, and the job summary says so. Its
// own file, which would relax the check, is not read.
func TestActionAdoptingPullRequest(t *testing.T) {
	work := actionD1Copy(t)
	fleet := filepath.Join(work, "d1-fleet")
	actionGit(t, fleet, false, "update-ref", "refs/remotes/origin/main", "HEAD")
	_, err := os.Stat(filepath.Join(fleet, ".d1lint.yaml"))
	require.ErrorIs(t, err, os.ErrNotExist, "the base branch has no configuration")
	const file = "tenants/apps/components/backend/sync.yaml"
	actionInject(t, filepath.Join(fleet, filepath.FromSlash(file)), "\n  retryInterval: 3m\n", "\n  retryIntervall: 3m\n")
	require.NoError(t, os.WriteFile(filepath.Join(fleet, ".d1lint.yaml"), []byte("rules:\n  D1-0501:\n    disabled: true\n"), 0o644))

	env := map[string]string{
		"INPUT_FLEET":       ".",
		"INPUT_SOURCES":     actionFleetSources,
		"INPUT_SARIF":       "",
		"GITHUB_EVENT_NAME": "pull_request",
		"GITHUB_BASE_REF":   "main",
		"GITHUB_REPOSITORY": "controlplaneio-fluxcd/d1-fleet",
	}
	r := runAction(t, fleet, binary, env)
	require.Equal(t, exitFindings, r.code, "the defaults, not the pull request's file: stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	assert.Contains(t, r.stderr, "--config-ref origin/main")
	assert.NotContains(t, r.stderr, "does not exist at revision")
	assert.Contains(t, r.summary, " Configuration: built-in defaults (origin/main has no .d1lint.yaml).")
	assert.NotEmpty(t, r.annotated("error", "file="+file+","))

	// Without the mistake, the adopting pull request passes.
	actionInject(t, filepath.Join(fleet, filepath.FromSlash(file)), "\n  retryIntervall: 3m\n", "\n  retryInterval: 3m\n")
	r = runAction(t, fleet, binary, env)
	require.Equal(t, exitOK, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	assert.Contains(t, r.summary, "built-in defaults (origin/main has no .d1lint.yaml)")
}

// TestActionDiff runs the action with diff on a d1-apps pull request, the
// way docs/workflows/d1-apps.yml checks one: the job summary gets, after
// the check's report, what the pull request does to each cluster.
func TestActionDiff(t *testing.T) {
	work := actionD1Copy(t)
	apps := filepath.Join(work, "d1-apps")
	actionInject(t, filepath.Join(apps, "components", "backend", "staging", "redis-values.yaml"), `memory: "128Mi"`, `memory: "256Mi"`)
	actionGit(t, apps, false, "checkout", "-q", "-b", "more-memory")
	actionGit(t, apps, false, "commit", "-q", "-am", "more memory for redis on staging")
	actionGit(t, apps, false, "checkout", "-q", "--detach") // as actions/checkout leaves a pull request
	env := map[string]string{
		"INPUT_FLEET":             "../d1-fleet",
		"INPUT_SOURCES":           testutil.D1InfraURL + "=../d1-infra\n" + testutil.D1AppsURL + "=.\n",
		"INPUT_SARIF":             "",
		"INPUT_TRUST_BASE_CONFIG": "false",
		"INPUT_DIFF":              "true",
		"GITHUB_EVENT_NAME":       "pull_request",
		"GITHUB_BASE_REF":         "main",
		"GITHUB_REPOSITORY":       "controlplaneio-fluxcd/d1-apps",
	}
	r := runAction(t, apps, binary, env)
	require.Equal(t, exitOK, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	assert.Contains(t, r.stderr, "+ d1lint diff --format markdown --fleet ../d1-fleet --source")
	assert.Contains(t, r.stderr, "--base origin/main")
	check := strings.Index(r.summary, "## d1lint")
	section := strings.Index(r.summary, "## d1lint diff: 1 of 3 clusters change")
	require.GreaterOrEqual(t, section, 0, "summary:\n%s", r.summary)
	assert.Less(t, check, section, "the diff comes after the check's report")
	assert.Contains(t, r.summary, "<details><summary>staging: 0 added, 0 removed, 1 modified</summary>")
	assert.Contains(t, r.summary, "| modified | HelmRelease backend/redis | github.com/controlplaneio-fluxcd/d1-apps\\@main:components/backend/base/redis.yaml:1 | "+
		"spec.values.master.resources.limits.memory: \"128Mi\" -&gt; \"256Mi\" (components/backend/staging/redis-values.yaml:10) |")
	assert.Contains(t, r.summary, "Unchanged: prod-eu, prod-us.")

	// On a push, without new-since: what is not committed (nothing).
	r = runAction(t, apps, binary, map[string]string{
		"INPUT_FLEET": env["INPUT_FLEET"], "INPUT_SOURCES": env["INPUT_SOURCES"], "INPUT_SARIF": "", "INPUT_DIFF": "true",
		"GITHUB_EVENT_NAME": "push", "GITHUB_REPOSITORY": env["GITHUB_REPOSITORY"],
	})
	require.Equal(t, exitOK, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	assert.NotContains(t, r.stderr, "--base")
	assert.Contains(t, r.summary, "## d1lint diff: no change")
	assert.Contains(t, r.summary, "Base: the HEAD commit of d1-fleet, d1-infra.", "a detached HEAD with no branch to stand for is read from git objects only")
}

// TestActionDiffFails: a failing `d1lint diff` is reported in the summary
// and as a warning, and the step keeps the check's status.
func TestActionDiffFails(t *testing.T) {
	dir := t.TempDir()
	bin, log := filepath.Join(dir, "d1lint"), filepath.Join(dir, "log")
	script := `#!/usr/bin/env bash
printf '%s\n' "$*" >> ` + actionShQuote(log) + `
if [[ "$1" == diff ]]; then echo "diff: something broke" >&2; exit "${FAKE_DIFF_STATUS:-0}"; fi
exit "${FAKE_STATUS:-0}"
`
	require.NoError(t, os.WriteFile(bin, []byte(script), 0o755))
	work := t.TempDir()
	for _, tc := range []struct{ check, diff int }{{0, 3}, {1, 2}} {
		require.NoError(t, os.RemoveAll(log))
		r := runAction(t, work, bin, map[string]string{
			"INPUT_DIFF": "true", "INPUT_FLEET": "fleet", "INPUT_CLUSTERS": "staging", "INPUT_SARIF": "",
			"INPUT_NEW_SINCE": "origin/main", "INPUT_FAIL_ON": "warning", "INPUT_POLICIES": "policies",
			"FAKE_STATUS": strconv.Itoa(tc.check), "FAKE_DIFF_STATUS": strconv.Itoa(tc.diff),
		})
		assert.Equal(t, tc.check, r.code, "the check's status: %s", r.stderr)
		data, err := os.ReadFile(log)
		require.NoError(t, err)
		assert.Equal(t, "check --fleet fleet --cluster staging --fail-on warning --policy policies --new-since origin/main --format github\n"+
			"diff --format markdown --fleet fleet --cluster staging --base origin/main\n", string(data),
			"the diff renders what the check rendered, against new-since")
		assert.Contains(t, r.summary, fmt.Sprintf("## d1lint diff: failed\n\n`d1lint diff` failed (exit status %d)", tc.diff))
		assert.Contains(t, r.summary, "diff: something broke")
		assert.Contains(t, r.stdout, fmt.Sprintf("::warning title=d1lint diff::d1lint diff failed (exit status %d)", tc.diff))
	}

	// Off by default; a bad value is a usage error.
	require.NoError(t, os.RemoveAll(log))
	r := runAction(t, work, bin, map[string]string{"INPUT_SARIF": ""})
	require.Equal(t, 0, r.code, r.stderr)
	data, err := os.ReadFile(log)
	require.NoError(t, err)
	assert.Equal(t, "check --format github\n", string(data))
	r = runAction(t, work, bin, map[string]string{"INPUT_DIFF": "yes"})
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "diff must be true or false")
}
