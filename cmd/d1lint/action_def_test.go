// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package main

// The GitHub Action's definition (action.yml, .pre-commit-hooks.yaml, the
// example workflows), checked without running anything. action_test.go
// (build tag e2e) runs its script.

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/d1lint/d1lint/internal/testutil"
)

// actionStep is a step of a composite action or of a workflow job.
type actionStep struct {
	ID               string            `yaml:"id"`
	Name             string            `yaml:"name"`
	If               string            `yaml:"if"`
	Uses             string            `yaml:"uses"`
	Shell            string            `yaml:"shell"`
	Run              string            `yaml:"run"`
	WorkingDirectory string            `yaml:"working-directory"`
	With             map[string]string `yaml:"with"`
	Env              map[string]string `yaml:"env"`
}

type actionDef struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	Inputs      map[string]struct {
		Description string  `yaml:"description"`
		Required    bool    `yaml:"required"`
		Default     *string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Description string `yaml:"description"`
		Value       string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

// The action's inputs and their defaults: the contract of docs/github-action.md.
var actionInputs = map[string]string{
	"fleet":             "",
	"config":            "",
	"sources":           "",
	"clusters":          "",
	"fail-on":           "error",
	"policies":          "",
	"sarif":             "d1lint.sarif",
	"new-since":         "",
	"trust-base-config": "true",
	"args":              "",
	"diff":              "false",
	"charts":            "",
	"pull-charts":       "true",
	"working-directory": ".",
	"go-version":        "1.26",
	"cache":             "true",
}

// Inputs the action's YAML consumes itself rather than the script.
var actionYAMLInputs = []string{"working-directory", "go-version", "cache"}

func readAction(t *testing.T) actionDef {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testutil.Root(t), "action.yml"))
	require.NoError(t, err)
	var a actionDef
	require.NoError(t, yaml.Unmarshal(data, &a))
	return a
}

// actionEnvName is the environment variable the run step passes an input in.
func actionEnvName(input string) string {
	return "INPUT_" + strings.ToUpper(strings.ReplaceAll(input, "-", "_"))
}

func TestActionDefinition(t *testing.T) {
	a := readAction(t)
	assert.Equal(t, "d1lint", a.Name)
	assert.NotEmpty(t, a.Description)
	require.Equal(t, "composite", a.Runs.Using)

	// Inputs: exactly these, with these defaults, none required.
	var names []string
	for name, in := range a.Inputs {
		names = append(names, name)
		assert.NotEmpty(t, in.Description, "input %s", name)
		assert.False(t, in.Required, "input %s", name)
		if assert.NotNil(t, in.Default, "input %s has a default", name) {
			assert.Equal(t, actionInputs[name], *in.Default, "default of input %s", name)
		}
	}
	var want []string
	for name := range actionInputs {
		want = append(want, name)
	}
	assert.ElementsMatch(t, want, names)

	// Outputs: from the step that runs d1lint.
	for _, out := range []string{"errors", "warnings", "infos", "new", "sarif"} {
		o, ok := a.Outputs[out]
		if assert.True(t, ok, "output %s", out) {
			assert.Equal(t, "${{ steps.d1lint.outputs."+out+" }}", o.Value, "output %s", out)
			assert.NotEmpty(t, o.Description, "output %s", out)
		}
	}
	assert.Len(t, a.Outputs, 5)

	// Steps: set up Go, build d1lint from the action's own checkout, keep
	// the chart cache and d1lint's persistent cache between runs, run it.
	steps := a.Runs.Steps
	require.Len(t, steps, 5)
	assert.Regexp(t, `^actions/setup-go@v\d+$`, steps[0].Uses, "setup-go pinned by major version")
	assert.Equal(t, "${{ inputs.go-version }}", steps[0].With["go-version"])

	build := steps[1]
	assert.Equal(t, "bash", build.Shell)
	assert.Contains(t, build.Run, `cd "$GITHUB_ACTION_PATH"`)
	assert.Regexp(t, `go build( -[a-z]+)* -o "\$RUNNER_TEMP/d1lint" \./cmd/d1lint`, build.Run)

	cache := steps[2]
	assert.Regexp(t, `^actions/cache@v\d+$`, cache.Uses, "the chart cache, kept by actions/cache")
	assert.Equal(t, "${{ inputs.working-directory }}/${{ inputs.charts }}", cache.With["path"])
	assert.Equal(t, "d1lint-charts-", cache.With["restore-keys"])

	persistent := steps[3]
	assert.Regexp(t, `^actions/cache@v\d+$`, persistent.Uses, "d1lint's persistent cache, kept by actions/cache")
	assert.Equal(t, "inputs.cache == 'true'", persistent.If)
	assert.Equal(t, "d1lint-cache-", persistent.With["restore-keys"])

	run := steps[4]
	assert.Equal(t, "d1lint", run.ID)
	// d1lint's persistent cache is $XDG_CACHE_HOME/d1lint: the folder the
	// step before restores.
	assert.Equal(t, persistent.With["path"], run.Env["XDG_CACHE_HOME"]+"/d1lint")
	assert.Equal(t, "bash", run.Shell)
	assert.Equal(t, `bash "$GITHUB_ACTION_PATH/scripts/action-run.sh"`, run.Run)
	assert.Equal(t, "${{ inputs.working-directory }}", run.WorkingDirectory)
	assert.Equal(t, "${{ runner.temp }}/d1lint", run.Env["D1LINT"], "the script runs the binary the build step made")

	// Every input the script needs reaches it as INPUT_*, straight from the
	// inputs; nothing is interpolated into a script (no injection).
	script, err := os.ReadFile(filepath.Join(testutil.Root(t), "scripts", "action-run.sh"))
	require.NoError(t, err)
	declared := map[string]bool{}
	for name := range actionInputs {
		if slices.Contains(actionYAMLInputs, name) {
			assert.NotContains(t, run.Env, actionEnvName(name))
			continue
		}
		assert.Equal(t, "${{ inputs."+name+" }}", run.Env[actionEnvName(name)], "env of input %s", name)
		declared[actionEnvName(name)] = true
	}
	for k := range run.Env {
		if strings.HasPrefix(k, "INPUT_") {
			assert.True(t, declared[k], "%s is not an input", k)
		}
	}
	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`\bINPUT_[A-Z_]+\b`).FindAllString(string(script), -1) {
		used[m] = true
	}
	for k := range declared {
		assert.True(t, used[k], "scripts/action-run.sh ignores %s", k)
	}
	for k := range used {
		assert.True(t, declared[k], "scripts/action-run.sh reads %s, which action.yml does not pass", k)
	}
	for _, s := range steps {
		assert.NotContains(t, s.Run, "${{", "step %q: expressions belong in env, not in the script", s.Name)
	}
	assert.True(t, strings.HasPrefix(string(script), "#!/usr/bin/env bash\n"))
	assert.Contains(t, string(script), "\nset -euo pipefail\n")
}

func TestActionPreCommitHooks(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(testutil.Root(t), ".pre-commit-hooks.yaml"))
	require.NoError(t, err)
	var hooks []map[string]any
	require.NoError(t, yaml.Unmarshal(data, &hooks))
	byID := map[string]map[string]any{}
	for _, h := range hooks {
		for _, key := range []string{"id", "name", "entry", "language"} { // required by pre-commit
			assert.NotEmpty(t, h[key], "hook %v: %s", h["id"], key)
		}
		for key := range h {
			assert.Contains(t, []string{"id", "name", "entry", "language", "description", "pass_filenames",
				"always_run", "require_serial", "stages", "minimum_pre_commit_version", "args", "files",
				"exclude", "types", "types_or", "exclude_types", "language_version", "verbose", "log_file",
				"fail_fast", "alias"}, key, "hook %v: a key pre-commit does not know", h["id"])
		}
		assert.Equal(t, "d1lint check", h["entry"])
		assert.Equal(t, false, h["pass_filenames"], "d1lint checks fleets, not files")
		assert.Equal(t, true, h["always_run"])
		byID[h["id"].(string)] = h
	}
	require.Contains(t, byID, "d1lint")
	assert.Equal(t, "golang", byID["d1lint"]["language"])
	assert.Equal(t, []any{"pre-push"}, byID["d1lint"]["stages"])
	require.Contains(t, byID, "d1lint-all-stages")
	assert.NotContains(t, byID["d1lint-all-stages"], "stages")

	// language golang runs `go install ./...` in this repository: it must
	// install a command named after the entry.
	st, err := os.Stat(filepath.Join(testutil.Root(t), "cmd", "d1lint", "main.go"))
	require.NoError(t, err)
	assert.True(t, st.Mode().IsRegular())
}

func TestActionWorkflows(t *testing.T) {
	a := readAction(t)
	files, err := filepath.Glob(filepath.Join(testutil.Root(t), "docs", "workflows", "*.yml"))
	require.NoError(t, err)
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	assert.ElementsMatch(t, []string{"d1-fleet.yml", "d1-infra.yml", "d1-apps.yml", "nightly-audit.yml", "sharded-check.yml"}, names)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			var wf struct {
				Name        string            `yaml:"name"`
				On          yaml.Node         `yaml:"on"`
				Permissions map[string]string `yaml:"permissions"`
				Jobs        map[string]struct {
					RunsOn string       `yaml:"runs-on"`
					Steps  []actionStep `yaml:"steps"`
				} `yaml:"jobs"`
			}
			require.NoError(t, yaml.Unmarshal(data, &wf))
			assert.NotEmpty(t, wf.Name)
			assert.NotZero(t, wf.On.Kind, "on: is set")
			assert.Equal(t, map[string]string{"contents": "read", "security-events": "write"}, wf.Permissions)
			require.NotEmpty(t, wf.Jobs)
			if filepath.Base(f) == "sharded-check.yml" {
				// d1lint check --shard and d1lint merge, without the
				// action: TestShardedWorkflowDefinition.
				return
			}
			ran := false
			for _, job := range wf.Jobs {
				for _, s := range job.Steps {
					if s.Uses == "" {
						continue
					}
					assert.Regexp(t, `@v\d+$`, s.Uses, "actions are pinned by major version")
					if !strings.HasPrefix(s.Uses, "d1lint/d1lint@") {
						continue
					}
					ran = true
					assert.Equal(t, "d1lint", s.ID)
					for k := range s.With {
						assert.Contains(t, a.Inputs, k, "with: %s is not an input of the action", k)
					}
					assert.NotEmpty(t, s.With["fleet"])
					if s.With["new-since"] != "" {
						// --new-since names a revision of the working directory's repository.
						assert.NotEmpty(t, s.With["working-directory"], "new-since needs d1lint to run in the checked repository")
					}
				}
				var uploads int
				for _, s := range job.Steps {
					if strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@") {
						uploads++
						assert.Equal(t, "${{ steps.d1lint.outputs.sarif }}", s.With["sarif_file"])
						assert.Contains(t, s.If, "always()", "the report is uploaded when findings fail the check too")
					}
				}
				assert.Equal(t, 1, uploads, "SARIF upload")
			}
			assert.True(t, ran, "the workflow runs the action")
		})
	}
}

// TestShardedWorkflowDefinition: docs/workflows/sharded-check.yml checks
// one shard per job of its matrix and keeps each report as an artifact;
// the merge job, which runs whatever the shards' outcome, downloads them
// all, merges them with the same d1lint and uploads the SARIF report.
// sharded_test.go (build tag e2e) runs its steps.
func TestShardedWorkflowDefinition(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(testutil.Root(t), "docs", "workflows", "sharded-check.yml"))
	require.NoError(t, err)
	var wf struct {
		Env  map[string]string `yaml:"env"`
		Jobs map[string]struct {
			Needs    string `yaml:"needs"`
			If       string `yaml:"if"`
			Strategy struct {
				FailFast *bool `yaml:"fail-fast"`
				Matrix   struct {
					Shard []int `yaml:"shard"`
				} `yaml:"matrix"`
			} `yaml:"strategy"`
			Steps []actionStep `yaml:"steps"`
		} `yaml:"jobs"`
	}
	require.NoError(t, yaml.Unmarshal(data, &wf))
	require.Len(t, wf.Jobs, 2)
	shard, merge := wf.Jobs["shard"], wf.Jobs["merge"]

	matrix := shard.Strategy.Matrix.Shard
	require.NotEmpty(t, matrix)
	for i, k := range matrix {
		assert.Equal(t, i+1, k, "the matrix numbers the shards from 1")
	}
	assert.Equal(t, strconv.Itoa(len(matrix)), wf.Env["SHARDS"], "SHARDS is the matrix's count")
	require.NotNil(t, shard.Strategy.FailFast)
	assert.False(t, *shard.Strategy.FailFast, "a shard with findings does not cancel the others")
	assert.Equal(t, "shard", merge.Needs)
	assert.Equal(t, "${{ !cancelled() }}", merge.If, "merge runs when a shard fails, to say which")

	step := func(steps []actionStep, uses string) []actionStep {
		var out []actionStep
		for _, s := range steps {
			if strings.HasPrefix(s.Uses, uses) || uses == "run" && s.Run != "" {
				out = append(out, s)
			}
		}
		return out
	}
	builds := map[string]string{}
	for name, job := range map[string][]actionStep{"shard": shard.Steps, "merge": merge.Steps} {
		for _, s := range job {
			if s.Uses != "" {
				assert.Regexp(t, `@v\d+$`, s.Uses, "actions are pinned by major version")
			}
			if strings.Contains(s.Run, "go install github.com/d1lint/d1lint/cmd/d1lint@") {
				builds[name] = s.Run
			}
		}
	}
	require.Len(t, builds, 2)
	assert.Equal(t, builds["shard"], builds["merge"], "shards and merge run the same d1lint")

	// Each shard: d1lint's persistent cache, one per shard; the check;
	// its report kept.
	caches := step(shard.Steps, "actions/cache@")
	var persistent bool
	for _, c := range caches {
		if c.With["path"] == "~/.cache/d1lint" {
			persistent = true
			assert.Contains(t, c.With["key"], "${{ matrix.shard }}")
			assert.Contains(t, c.With["restore-keys"], "d1lint-cache-")
		}
	}
	assert.True(t, persistent, "the shards keep d1lint's cache (docs/cache.md)")
	var checks []string
	for _, s := range step(shard.Steps, "run") {
		if strings.Contains(s.Run, `d1lint" check`) {
			checks = append(checks, s.Run)
		}
	}
	require.Len(t, checks, 1)
	assert.Contains(t, checks[0], `--shard "$SHARD/$SHARDS"`)
	assert.Contains(t, checks[0], `--format json="$RUNNER_TEMP/d1lint-shard.json"`)
	uploads := step(shard.Steps, "actions/upload-artifact@")
	require.Len(t, uploads, 1)
	assert.Equal(t, "${{ runner.temp }}/d1lint-shard.json", uploads[0].With["path"])
	assert.Equal(t, "d1lint-shard-${{ matrix.shard }}", uploads[0].With["name"])
	assert.Equal(t, "error", uploads[0].With["if-no-files-found"])

	// The merge: every shard's report, one SARIF upload.
	downloads := step(merge.Steps, "actions/download-artifact@")
	require.Len(t, downloads, 1)
	assert.Equal(t, "d1lint-shard-*", downloads[0].With["pattern"])
	var merges []actionStep
	for _, s := range step(merge.Steps, "run") {
		if strings.Contains(s.Run, `d1lint" merge`) {
			merges = append(merges, s)
		}
	}
	require.Len(t, merges, 1)
	assert.Equal(t, "d1lint", merges[0].ID)
	assert.Contains(t, merges[0].Run, `"$RUNNER_TEMP"/shards/*/d1lint-shard.json`)
	assert.Contains(t, merges[0].Run, "--format sarif=")
	assert.Contains(t, merges[0].Run, "--format github")
	sarif := step(merge.Steps, "github/codeql-action/upload-sarif@")
	require.Len(t, sarif, 1)
	assert.Equal(t, "${{ steps.d1lint.outputs.sarif }}", sarif[0].With["sarif_file"])
	assert.Contains(t, sarif[0].If, "always()", "the report is uploaded when findings fail the run too")
	assert.Empty(t, step(shard.Steps, "github/codeql-action/upload-sarif@"), "only the merged report goes to code scanning")
}
