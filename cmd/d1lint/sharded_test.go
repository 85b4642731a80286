// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

//go:build e2e

package main

// docs/workflows/sharded-check.yml, run locally: the shell of its shard
// and merge steps, as GitHub Actions runs them, with the artifacts passed
// from the one to the other by hand.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/d1lint/d1lint/internal/testutil"
)

// shardedWorkflow is what the test reads of sharded-check.yml.
type shardedWorkflow struct {
	Env  map[string]string `yaml:"env"`
	Jobs map[string]struct {
		Needs    string `yaml:"needs"`
		Strategy struct {
			Matrix struct {
				Shard []int `yaml:"shard"`
			} `yaml:"matrix"`
		} `yaml:"strategy"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"jobs"`
}

// step returns the step of a job with that name.
func (w shardedWorkflow) step(t *testing.T, job, name string) actionStep {
	t.Helper()
	for _, s := range w.Jobs[job].Steps {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("job %s has no step %q", job, name)
	return actionStep{}
}

// runStep runs a step's shell in dir as GitHub Actions does (bash -e),
// with RUNNER_TEMP holding bin/d1lint, and returns its outcome with
// $GITHUB_OUTPUT's values; expr gives the ${{ }} expressions' values.
func runStep(t *testing.T, s actionStep, dir, runnerTemp string, env, expr map[string]string) (proc, map[string]string) {
	t.Helper()
	bash, err := exec.LookPath("bash")
	require.NoError(t, err)
	script := filepath.Join(t.TempDir(), "step.sh")
	require.NoError(t, os.WriteFile(script, []byte(s.Run), 0o644))
	output := filepath.Join(t.TempDir(), "output")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bash, "-e", script)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "GITHUB_") && !strings.HasPrefix(name, "RUNNER_") && name != "CI" {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "CI=true", "GITHUB_ACTIONS=true", "GITHUB_OUTPUT="+output, "RUNNER_TEMP="+runnerTemp)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	for k, v := range s.Env {
		if strings.Contains(v, "${{") {
			value, ok := expr[v]
			require.True(t, ok, "the test knows no value for %s", v)
			v = value
		}
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	require.NoError(t, ctx.Err(), "step %q timed out", s.Name)
	p := proc{stdout: stdout.String(), stderr: stderr.String()}
	if err != nil {
		var exit *exec.ExitError
		require.True(t, errors.As(err, &exit), "running step %q: %v", s.Name, err)
		p.code = exit.ExitCode()
	}
	return p, actionOutputs(t, output)
}

// runnerTemp is a fresh $RUNNER_TEMP with the built d1lint where the
// workflow's build step installs it.
func runnerTemp(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "bin"), 0o755))
	require.NoError(t, os.Symlink(binary, filepath.Join(dir, "bin", "d1lint")))
	return dir
}

// TestShardedWorkflow runs sharded-check.yml's shards and merge on a pull
// request of the d1 corpus (a mistake already on main, one added): the
// merge writes the SARIF report, annotations, job summary and outputs one
// check of the whole fleet writes, and fails on the new mistake only.
func TestShardedWorkflow(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(testutil.Root(t), "docs", "workflows", "sharded-check.yml"))
	require.NoError(t, err)
	var wf shardedWorkflow
	require.NoError(t, yaml.Unmarshal(data, &wf))
	shards := wf.Jobs["shard"].Strategy.Matrix.Shard
	require.Equal(t, fmt.Sprint(len(shards)), wf.Env["SHARDS"], "SHARDS is the matrix's count")

	work := actionD1Copy(t)
	fleet := filepath.Join(work, "d1-fleet")
	const backend = "tenants/apps/components/backend/sync.yaml"
	const frontend = "tenants/apps/components/frontend/sync.yaml"
	actionInject(t, filepath.Join(fleet, filepath.FromSlash(backend)), "\n  retryInterval: 3m\n", "\n  retryIntervall: 3m\n")
	actionGit(t, fleet, false, "commit", "-q", "-am", "a mistake on main")
	actionGit(t, fleet, false, "update-ref", "refs/remotes/origin/main", "HEAD")
	newLine := actionInject(t, filepath.Join(fleet, filepath.FromSlash(frontend)), "\n  retryInterval: 3m\n", "\n  retryIntervall: 3m\n")
	// The chart cache the workflow's pull step fills (the corpus pins no
	// chart outside git).
	require.NoError(t, os.MkdirAll(filepath.Join(fleet, ".d1lint-charts"), 0o755))

	// A pull request into main.
	require.Contains(t, wf.Env["BASE"], "format('origin/{0}', github.base_ref)")
	env := map[string]string{"SHARDS": wf.Env["SHARDS"], "BASE": "origin/main", "GITHUB_EVENT_NAME": "pull_request",
		"GITHUB_BASE_REF": "main", "GITHUB_REPOSITORY": "controlplaneio-fluxcd/d1-fleet", "GITHUB_WORKSPACE": work}
	expr := map[string]string{"${{ github.repository_owner }}": "controlplaneio-fluxcd"}

	// The shards, each uploading its report; the merge job downloads them
	// into a folder each.
	mergeTemp := runnerTemp(t)
	check := wf.step(t, "shard", "Check the shard")
	assert.Equal(t, "d1-fleet", check.WorkingDirectory)
	for _, k := range shards {
		temp := runnerTemp(t)
		expr["${{ matrix.shard }}"] = fmt.Sprint(k)
		p, _ := runStep(t, check, fleet, temp, env, expr)
		require.LessOrEqual(t, p.code, 1, "shard %d: stdout:\n%s\nstderr:\n%s", k, p.stdout, p.stderr)
		assert.Contains(t, p.stdout, fmt.Sprintf("shard %d of %d: ", k, len(shards)))
		report, err := os.ReadFile(filepath.Join(temp, "d1lint-shard.json"))
		require.NoError(t, err, "shard %d wrote the report it uploads", k)
		upload := wf.step(t, "shard", "Keep the shard's report")
		assert.Equal(t, "${{ runner.temp }}/d1lint-shard.json", upload.With["path"])
		artifact := strings.ReplaceAll(upload.With["name"], "${{ matrix.shard }}", fmt.Sprint(k))
		require.NoError(t, os.MkdirAll(filepath.Join(mergeTemp, "shards", artifact), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(mergeTemp, "shards", artifact, "d1lint-shard.json"), report, 0o644))
	}
	download := wf.step(t, "merge", "Fetch the shards' reports")
	assert.Equal(t, "d1lint-shard-*", download.With["pattern"])
	assert.Equal(t, "${{ runner.temp }}/shards", download.With["path"])

	merge := wf.step(t, "merge", "d1lint")
	assert.Equal(t, "d1lint", merge.ID)
	summary := filepath.Join(t.TempDir(), "summary.md")
	mergeEnv := map[string]string{"GITHUB_STEP_SUMMARY": summary}
	for k, v := range env {
		mergeEnv[k] = v
	}
	// The merge job checks out d1-fleet alone.
	only := t.TempDir()
	require.NoError(t, os.Rename(fleet, filepath.Join(only, "d1-fleet")))
	mergeEnv["GITHUB_WORKSPACE"] = only
	merged, outputs := runStep(t, merge, filepath.Join(only, "d1-fleet"), mergeTemp, mergeEnv, expr)
	require.NoError(t, os.Rename(filepath.Join(only, "d1-fleet"), fleet))
	assert.Equal(t, exitFindings, merged.code, "the new mistake fails the run: stdout:\n%s\nstderr:\n%s", merged.stdout, merged.stderr)
	require.Equal(t, filepath.Join(only, "d1lint.sarif"), outputs["sarif"])
	mergedSARIF, err := os.ReadFile(outputs["sarif"])
	require.NoError(t, err)
	mergedSummary, err := os.ReadFile(summary)
	require.NoError(t, err)
	mergedMarkdown, err := os.ReadFile(filepath.Join(only, "d1lint.md"))
	require.NoError(t, err)

	// One check of the whole fleet, with the same flags.
	one := t.TempDir()
	cmd := exec.Command(binary, "check", "--charts", ".d1lint-charts",
		"--source", testutil.D1InfraURL+"=../d1-infra", "--source", testutil.D1AppsURL+"=../d1-apps",
		"--new-since", "origin/main", "--config-ref", "origin/main",
		"--format", "github", "--format", "sarif="+filepath.Join(one, "d1lint.sarif"), "--format", "markdown="+filepath.Join(one, "d1lint.md"))
	cmd.Dir = fleet
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); !strings.HasPrefix(name, "GITHUB_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	oneSummary := filepath.Join(one, "summary.md")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, "GITHUB_STEP_SUMMARY="+oneSummary, "GITHUB_OUTPUT="+filepath.Join(one, "output"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "the check fails on the new mistake: %v\n%s", err, stderr.String())
	assert.Equal(t, exitFindings, exit.ExitCode())

	for name, got := range map[string][]byte{"d1lint.sarif": mergedSARIF, "summary.md": mergedSummary, "d1lint.md": mergedMarkdown} {
		want, err := os.ReadFile(filepath.Join(one, name))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), "%s: the merged shards differ from one check", name)
	}
	assert.Equal(t, stdout.String(), merged.stdout, "the annotations")
	r := actionResult{proc: merged, outputs: outputs}
	assert.GreaterOrEqual(t, r.count(t, "new"), 1)
	errs := r.annotated("error", "")
	require.NotEmpty(t, errs)
	for _, e := range errs {
		assert.True(t, strings.HasPrefix(e, fmt.Sprintf("::error file=%s,line=%d,", frontend, newLine)), "only the new mistake is annotated: %s", e)
	}
}
