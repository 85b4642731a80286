// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/guard"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/report"
	"github.com/d1lint/d1lint/internal/testutil"
)

var update = flag.Bool("update", false, "rewrite golden files")

// Configuration files of the fixtures, relative to this package's folder so
// that outputs name them the same way on every machine.
const (
	exampleFleet     = "../../fixtures/example/fleet/.d1lint.yaml"
	exampleBootstrap = "../../fixtures/example/fleet-bootstrap/.d1lint.yaml"
	badFleet         = "../../fixtures/bad/fleet/.d1lint.yaml"
)

type result struct {
	stdout, stderr string
	err            error
}

// run executes d1lint in-process with an empty environment.
func run(t *testing.T, args ...string) result {
	t.Helper()
	return runEnv(t, nil, args...)
}

// runEnv executes d1lint in-process with the given environment.
func runEnv(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := NewRootCommand(Streams{Out: &stdout, Err: &stderr, Getenv: func(k string) string { return env[k] }})
	if args == nil {
		args = []string{} // cobra falls back to os.Args on nil
	}
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return result{stdout: stdout.String(), stderr: stderr.String(), err: err}
}

// golden checks an output against its golden file (see testutil.Golden).
func golden(t *testing.T, name, got string) {
	t.Helper()
	assertPortable(t, got)
	testutil.Golden(t, *update, name, got)
}

// assertPortable fails when an output names a path of this machine.
func assertPortable(t *testing.T, out string) {
	t.Helper()
	root := testutil.Root(t)
	assert.NotContains(t, out, root, "output holds the absolute repository path")
	if tmp := os.TempDir(); tmp != "" && tmp != "/" {
		assert.NotContains(t, out, tmp, "output holds the temporary folder")
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" && home != "/" {
		assert.NotContains(t, out, home+string(filepath.Separator), "output holds the home folder")
	}
}

// errClass is the error a command is expected to return.
type errClass int

const (
	errNone errClass = iota
	errIncomplete
	errUsage
	errFindings
)

func assertErrClass(t *testing.T, want errClass, err error) {
	t.Helper()
	switch want {
	case errNone:
		assert.NoError(t, err)
	case errIncomplete:
		require.Error(t, err)
		assert.ErrorIs(t, err, ErrIncomplete)
		assert.NotErrorIs(t, err, ErrUsage)
	case errUsage:
		require.Error(t, err)
		assert.ErrorIs(t, err, ErrUsage)
		assert.NotErrorIs(t, err, ErrIncomplete)
	case errFindings:
		require.Error(t, err)
		assert.ErrorIs(t, err, ErrFindings)
		assert.NotErrorIs(t, err, ErrUsage)
	}
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
		err  errClass
		// stderrGolden: stderr is golden too; otherwise it must be empty.
		stderrGolden bool
		// contains and absent are checked on stdout besides the golden, so
		// that a wrong golden written with -update still fails.
		contains, absent []string
	}{
		{
			name:     "check-fleet",
			args:     []string{"check", "--config", exampleFleet},
			contains: []string{"prod-eu (production, 71 objects): no findings", "0 errors, 0 warnings, 0 info"},
		},
		{
			name:     "check-fleet-bootstrap-json",
			args:     []string{"check", "--format", "json", "--config", exampleBootstrap},
			contains: []string{`"version": 1`, `"findings": []`, `"clusters": 2`},
		},
		{
			name:         "check-bad",
			args:         []string{"check", "--config", badFleet, "--cluster", "invalid-yaml,undefined-var,good"},
			err:          errFindings,
			stderrGolden: false,
			contains: []string{"D1-0001  Part of the cluster cannot be rendered\n          github.com/acme/d1-fleet@main:cases/invalid-yaml/broken.yaml:6",
				"D1-0401", "${NOT_DEFINED_ANYWHERE}", "D1-0101", "(not rendered: 1 Kustomization; unresolved: 0 sources)"},
			absent: []string{"(s)", "sources:"},
		},
		{
			name:     "check-bad-json",
			args:     []string{"check", "--format", "json", "--config", badFleet, "--cluster", "undefined-var"},
			err:      errFindings,
			contains: []string{`"rule": "D1-0401"`, `"file": "cases/undefined-var/variables.yaml"`, `"line": 11`, `"cluster": "undefined-var"`},
		},
		{
			name: "check-schema-errors",
			args: []string{"check", "--config", badFleet, "--cluster", "schema-errors"},
			err:  errFindings,
			contains: []string{
				"cases/schema-errors/workloads.yaml:17\n          Deployment flux-system/web: spec.template.spec.serviceAcountName: unknown field",
				"cases/schema-errors/workloads.yaml:32\n          Service flux-system/web: spec.ports[0].port: got string, want integer",
				"cases/schema-errors/access.yaml:2\n          RoleBinding flux-system/web-readers: missing property 'roleRef'",
				"HelmRelease flux-system/web: helm.toolkit.fluxcd.io/v2beta1 is no longer served by flux 2.7.5; use helm.toolkit.fluxcd.io/v2",
			},
		},
		{
			name: "check-schema-errors-sarif",
			args: []string{"check", "--config", badFleet, "--cluster", "schema-errors", "--format", "sarif"},
			err:  errFindings,
			contains: []string{`"version": "2.1.0"`, `"name": "d1lint"`, `"version": "v0.0.0-golden"`, `"ruleId": "D1-0501"`,
				`"uri": "cases/schema-errors/workloads.yaml"`, `"uriBaseId": "%SRCROOT%"`, `"startLine": 17`,
				`"helpUri": "https://github.com/d1lint/d1lint/blob/main/docs/rules/D1-0501.md"`, `"d1lint/v1": "`},
			absent: []string{"https://github.com/acme"},
		},
		{
			name: "check-undefined-var-github",
			args: []string{"check", "--config", badFleet, "--cluster", "undefined-var", "--format", "github"},
			err:  errFindings,
			contains: []string{"::error file=cases/undefined-var/variables.yaml,line=11,title=D1-0401%3A ",
				"::notice file=clusters/undefined-var/runtime-info.yaml,line=10,title=D1-0404%3A Runtime-info key is never used::runtime-info key GIT_BRANCH "},
		},
		{
			name:     "check-undefined-var-markdown",
			args:     []string{"check", "--config", badFleet, "--cluster", "undefined-var", "--format", "markdown"},
			err:      errFindings,
			contains: []string{"## d1lint: 3 errors, 0 warnings, 3 info", "### undefined-var (staging, 9 objects)", "| error | [D1-0401](<https://github.com/d1lint/d1lint/blob/main/docs/rules/D1-0401.md>"},
		},
		{
			name:     "check-undefined-var-junit",
			args:     []string{"check", "--config", badFleet, "--cluster", "undefined-var", "--format", "junit"},
			err:      errFindings,
			contains: []string{`<testsuite name="undefined-var" tests="6" failures="3"`, `file="cases/undefined-var/variables.yaml" line="11"`},
		},
		{
			name:     "rules",
			args:     []string{"rules"},
			contains: []string{"D1-0001", "D1-0401", "multi-tenancy"},
		},
		{
			name:     "rules-one",
			args:     []string{"rules", "d1-0201"},
			contains: []string{"D1-0201: Cluster follows the wrong branch for its environment", "How to fix:"},
		},
		{
			name:     "schemas-helmrelease",
			args:     []string{"schemas", "helmrelease"},
			contains: []string{"helm.toolkit.fluxcd.io  HelmRelease  v2, v2beta2 (deprecated)", "2.7.5"},
		},
		{
			name:     "schemas-kyverno-json",
			args:     []string{"schemas", "--source", "kyverno", "--format", "json"},
			contains: []string{`"kind": "ClusterPolicy"`, `"module": "github.com/kyverno/kyverno@v1.19.1"`, `"provenance": {`},
		},
		{
			name:     "clusters-fleet",
			args:     []string{"clusters", "--config", exampleFleet},
			contains: []string{"CLUSTER", "prod-eu  operator  production", "staging  operator  staging", "d1-infra@production", "d1-apps@main"},
		},
		{
			name:     "clusters-fleet-bootstrap",
			args:     []string{"clusters", "--config", exampleBootstrap},
			contains: []string{"prod-eu  bootstrap  production", "staging  bootstrap  staging"},
			absent:   []string{"operator"},
		},
		{
			name:     "clusters-json",
			args:     []string{"clusters", "--format", "json", "--config", exampleFleet},
			contains: []string{`"name": "prod-eu"`, `"name": "staging"`, `"era": "operator"`, `"problems": 0`},
		},
		{
			name:     "build-staging",
			args:     []string{"build", "--cluster", "staging", "--config", exampleFleet},
			contains: []string{"---\n", "kind: ImageUpdateAutomation", "kind: HelmRelease", "kind: FluxInstance", "CLUSTER_NAME: staging-1"},
			absent:   []string{"# cluster:", "d1lint.io/origin"},
		},
		{
			name:     "build-prod-eu",
			args:     []string{"build", "--cluster", "prod-eu", "--config", exampleFleet},
			contains: []string{"kind: HelmRelease", "ENVIRONMENT: production"},
			absent:   []string{"ImageUpdateAutomation", "ImagePolicy", "ImageRepository", "# cluster:"},
		},
		{
			name: "build-staging-provenance",
			args: []string{"build", "--cluster", "staging", "--provenance", "--config", exampleFleet},
			contains: []string{
				AnnotationOrigin + ": github.com/acme/d1-fleet@main:clusters/staging/runtime-info.yaml:",
				AnnotationAppliedBy + ": flux-system/flux-system\n",
				"github.com/acme/d1-infra@main:",
				"github.com/acme/d1-apps@main:",
			},
			absent: []string{"@production:"},
		},
		{
			name:     "build-prod-eu-json",
			args:     []string{"build", "--format", "json", "--cluster", "prod-eu", "--config", exampleFleet},
			contains: []string{`"version": "v1alpha1"`, `"name": "prod-eu"`, `"root": "flux-system/flux-system"`, `"problems": []`},
			absent:   []string{"ImageUpdateAutomation", `"name": "staging"`},
		},
		{
			name:     "graph-staging-dot",
			args:     []string{"graph", "--cluster", "staging", "--format", "dot", "--config", exampleFleet},
			contains: []string{`digraph "staging" {`, `label="depends on"`, "flux-system/flux-system"},
			absent:   []string{"(missing)", "color=red"},
		},
		{
			name:     "graph-staging-mermaid",
			args:     []string{"graph", "--cluster", "staging", "--format", "mermaid", "--config", exampleFleet},
			contains: []string{"flowchart LR\n", "-. depends on .->", "flux-system/flux-system"},
			absent:   []string{"(missing)", "class k"},
		},
		{
			// clusters prints the table, then the problems, and like build
			// returns ErrIncomplete (exit status 1).
			name:         "bad-clusters",
			args:         []string{"clusters", "--config", badFleet},
			err:          errIncomplete,
			stderrGolden: true,
			contains:     []string{"good             operator", "unmapped-source"},
		},
		{
			name:     "bad-build-good",
			args:     []string{"build", "--cluster", "good", "--config", badFleet},
			contains: []string{"name: settings", "greeting: hello"},
		},
	}
	// SARIF names d1lint's version: pin it.
	prev := Version
	t.Cleanup(func() { Version = prev })
	Version = "v0.0.0-golden"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.args...)
			assertErrClass(t, tt.err, r.err)
			golden(t, tt.name+".stdout", r.stdout)
			if tt.stderrGolden {
				golden(t, tt.name+".stderr", r.stderr)
			} else {
				assert.Empty(t, r.stderr)
			}
			for _, s := range tt.contains {
				assert.Contains(t, r.stdout, s)
			}
			for _, s := range tt.absent {
				assert.NotContains(t, r.stdout, s)
			}
		})
	}
}

// TestBadFleetProblems checks the problems of the hazards fleet against
// fixtures/bad/README.md, independently of the golden files.
func TestBadFleetProblems(t *testing.T) {
	js := run(t, "clusters", "--format", "json", "--config", badFleet)
	require.ErrorIs(t, js.err, ErrIncomplete)
	assert.Contains(t, js.stderr, "error: cluster invalid-yaml", "problems go to stderr in JSON mode too")
	var rows []model.ClusterSummary
	require.NoError(t, json.Unmarshal([]byte(js.stdout), &rows))
	problems := map[string]int{}
	for _, s := range rows {
		problems[s.Name] = s.Problems
		assert.Equal(t, "operator", s.Era, s.Name)
		assert.Zero(t, s.Warnings, s.Name)
	}
	assert.Len(t, rows, 14)
	assert.Equal(t, 0, problems["good"])
	assert.Equal(t, 0, problems["undefined-var"], "undefined variables are model data, not render problems")
	assert.Equal(t, 0, problems["schema-errors"], "schema errors are findings, not render problems")
	for _, c := range []string{"invalid-yaml", "missing-path", "escaping-path", "absolute-path", "remote-base",
		"http-resource", "base-cycle", "self-apply", "missing-branch", "unmapped-source", "alias-bomb"} {
		assert.Positive(t, problems[c], "cluster %s must report a problem", c)
	}
	assert.Equal(t, 2, problems["escaping-path"])
	assert.Equal(t, 4, problems["http-resource"])
	assert.Equal(t, 2, problems["unmapped-source"])

	r := run(t, "clusters", "--config", badFleet)
	require.ErrorIs(t, r.err, ErrIncomplete)
	for _, want := range []string{
		"error: cluster invalid-yaml: github.com/acme/d1-fleet@main:cases/invalid-yaml/broken.yaml:6:",
		"broken.yaml",
		`"../../outside"`,
		`"../../../../etc/passwd"`,
		`"/etc/hosts"`,
		`"github.com/acme/evil//base?ref=main"`,
		`"https://github.com/acme/evil.git//base"`,
		"https://example.invalid/x.yaml",
		"https://example.invalid/patch.yaml",
		"https://example.invalid/settings.properties",
		"https://example.invalid/schema.json",
		"cases/base-cycle/a",
		"cases/base-cycle/b",
		"flux-system/loop-a",
		`branch "no-such-branch"`,
		"https://github.com/acme/unknown.git",
		"oci://ghcr.io/acme/manifests",
		"cases/alias-bomb/laughs.yaml",
		"./cases/does-not-exist",
	} {
		assert.Contains(t, r.stderr, want)
	}
	assert.NotContains(t, r.stderr, "cluster good:")
}

func TestBuildIncomplete(t *testing.T) {
	r := run(t, "build", "--cluster", "invalid-yaml,good", "--config", badFleet)
	assertErrClass(t, errIncomplete, r.err)
	assert.Contains(t, r.err.Error(), "1 problem")
	assert.Contains(t, r.stderr, "error: cluster invalid-yaml: ")
	assert.NotContains(t, r.stderr, "cluster good")
	// The good cluster still renders next to the broken one.
	assert.Contains(t, r.stdout, "# cluster: good\n")
	assert.Contains(t, r.stdout, "# cluster: invalid-yaml\n")
	assert.Contains(t, r.stdout, "greeting: hello")
}

func TestBuildSeveralClustersHasHeaders(t *testing.T) {
	r := run(t, "build", "--config", exampleFleet)
	require.NoError(t, r.err)
	assert.Empty(t, r.stderr)
	i, j := strings.Index(r.stdout, "# cluster: prod-eu\n"), strings.Index(r.stdout, "# cluster: staging\n")
	require.GreaterOrEqual(t, i, 0)
	require.Greater(t, j, i, "clusters come sorted by name")
	assert.Equal(t, 0, i, "the first line names the first cluster")
	assert.Contains(t, r.stdout[j:], "kind: ImageUpdateAutomation")
	assert.NotContains(t, r.stdout[:j], "kind: ImageUpdateAutomation")
}

func TestBuildJSONIsTheModel(t *testing.T) {
	r := run(t, "build", "--format", "json", "--cluster", "staging", "--config", exampleFleet)
	require.NoError(t, r.err)
	var fl model.Fleet
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &fl))
	assert.Equal(t, model.Version, fl.Version)
	require.Len(t, fl.Clusters, 1)
	c := fl.Clusters[0]
	assert.Equal(t, "staging", c.Name)
	assert.Equal(t, "clusters/staging", c.Path)
	assert.Equal(t, "operator", c.Era)
	assert.Equal(t, "staging", c.Environment)
	assert.Empty(t, c.Problems)
	require.NotEmpty(t, c.Kustomizations)
	assert.Equal(t, c.Root, c.Kustomizations[0].Key, "the root comes first in apply order")
	for _, k := range c.Kustomizations {
		assert.Equal(t, model.StatusRendered, k.Status, k.Key)
	}
	for _, s := range c.Sources {
		assert.True(t, s.Resolved, s.Key)
		assert.False(t, filepath.IsAbs(s.LocalPath), "%s: local path %q is absolute", s.Key, s.LocalPath)
	}
	kinds := map[string]int{}
	for _, o := range c.Objects {
		kinds[o.Kind]++
		assert.NotEmpty(t, o.Location.Path, "%s %s/%s has no location", o.Kind, o.Namespace, o.Name)
		assert.NotEmpty(t, o.Chain, "%s %s/%s has no chain", o.Kind, o.Namespace, o.Name)
	}
	assert.Positive(t, kinds["ImageUpdateAutomation"])
	assert.Positive(t, kinds["HelmRelease"])
	assert.Len(t, c.HelmReleases, kinds["HelmRelease"])
}

func TestBuildJSONIsDeterministic(t *testing.T) {
	for _, cfg := range []string{exampleFleet, exampleBootstrap, badFleet} {
		t.Run(filepath.Base(filepath.Dir(cfg)), func(t *testing.T) {
			first := run(t, "build", "--format", "json", "--config", cfg)
			second := run(t, "build", "--format", "json", "--config", cfg)
			require.NotEmpty(t, first.stdout)
			assert.Equal(t, errors.Is(first.err, ErrIncomplete), errors.Is(second.err, ErrIncomplete))
			assert.True(t, first.stdout == second.stdout, "two renders of %s differ", cfg)
			assert.Equal(t, first.stderr, second.stderr)
		})
	}
}

func TestUsageErrors(t *testing.T) {
	unknownField := filepath.Join(t.TempDir(), ".d1lint.yaml")
	require.NoError(t, os.WriteFile(unknownField, []byte("sources: []\nsourcez:\n  - url: x\n"), 0o644))
	missingPath := filepath.Join(t.TempDir(), ".d1lint.yaml")
	require.NoError(t, os.WriteFile(missingPath, []byte("sources:\n  - url: https://github.com/acme/x.git\n"), 0o644))
	ruleOff := filepath.Join(t.TempDir(), ".d1lint.yaml")
	require.NoError(t, os.WriteFile(ruleOff, []byte("rules:\n  D1-0404: off\n"), 0o644))
	unknownRule := filepath.Join(t.TempDir(), ".d1lint.yaml")
	require.NoError(t, os.WriteFile(unknownRule, []byte("rules:\n  d1-0101: {disabled: true}\n"), 0o644))
	badProfile := filepath.Join(t.TempDir(), ".d1lint.yaml")
	require.NoError(t, os.WriteFile(badProfile, []byte("profile: D1\n"), 0o644))
	remoteLocation := configWithSchemaLocation(t, "http://127.0.0.1:1/schemas")
	missingLocation := filepath.Join(t.TempDir(), "no-such-schemas")
	missingLocationConfig := configWithSchemaLocation(t, "no-such-schemas/{{ .ResourceKind }}.json")

	tests := []struct {
		name string
		args []string
		// msg must all appear in the error message.
		msg []string
	}{
		{"unknown subcommand", []string{"bogus"}, []string{`unknown command "bogus"`, "d1lint --help"}},
		{"positional arg to build", []string{"build", "staging", "--config", exampleFleet}, []string{"d1lint build takes no arguments", `"staging"`}},
		{"positional arg to version", []string{"version", "now"}, []string{"d1lint version takes no arguments"}},
		{"unknown flag", []string{"build", "--bogus"}, []string{"unknown flag --bogus for d1lint build (see 'd1lint build --help')"}},
		{"build format", []string{"build", "--format", "bogus", "--config", exampleFleet}, []string{`--format "bogus": want yaml or json`}},
		{"clusters format", []string{"clusters", "--format", "bogus", "--config", exampleFleet}, []string{`--format "bogus": want table or json`}},
		{"graph format", []string{"graph", "--format", "bogus", "--cluster", "staging", "--config", exampleFleet}, []string{`--format "bogus": want dot or mermaid`}},
		{"graph of two clusters", []string{"graph", "--config", exampleFleet}, []string{"pick one cluster with --cluster", "prod-eu, staging"}},
		{"graph of two named clusters", []string{"graph", "--cluster", "staging,prod-eu", "--config", exampleFleet}, []string{"--cluster: graph draws exactly one cluster, got 2 (staging, prod-eu); pick one with --cluster NAME"}},
		{"graph of two repeated clusters", []string{"graph", "--cluster", "staging", "--cluster", "prod-eu", "--config", exampleFleet}, []string{"graph draws exactly one cluster, got 2"}},
		{"unknown cluster", []string{"build", "--cluster", "nope", "--config", exampleFleet}, []string{"no cluster nope"}},
		{"unknown clusters", []string{"clusters", "--cluster", "staging,nope,zilch", "--config", exampleFleet}, []string{"no cluster nope, zilch"}},
		{"bad source mapping", []string{"build", "--source", "not-a-mapping", "--config", exampleFleet}, []string{`--source: invalid source mapping "not-a-mapping"`, "URL=PATH"}},
		{"missing fleet", []string{"build", "--fleet", "/does/not/exist"}, []string{"the fleet folder /does/not/exist does not exist; pass --fleet"}},
		{"missing config", []string{"clusters", "--config", "testdata/no-such-file.yaml"}, []string{"--config testdata/no-such-file.yaml: no such file; pass the path of a .d1lint.yaml"}},
		{"config with unknown field", []string{"clusters", "--config", unknownField}, []string{"invalid configuration " + unknownField + `:2:1: unknown key "sourcez" at the top level; did you mean "sources"?`}},
		{"config with a rule turned off as a word", []string{"clusters", "--config", ruleOff}, []string{ruleOff + `:2:12: rules.D1-0404: expected a mapping such as {disabled: true} or {severity: warning}, got the string "off"; to turn the rule off, write D1-0404: {disabled: true}`}},
		{"config with an unknown rule", []string{"clusters", "--config", unknownRule}, []string{unknownRule + `:2:3: rules: unknown rule "d1-0101"; did you mean "D1-0101"? (ids are upper case)`}},
		{"config with an unknown profile", []string{"check", "--config", badProfile}, []string{badProfile + `:1:10: profile: unknown profile "D1": expected d1 or generic`}},
		{"unknown profile", []string{"check", "--profile", "d2", "--config", exampleFleet}, []string{`unknown profile "d2": expected d1 or generic`}},
		{"config source without path", []string{"clusters", "--config", missingPath}, []string{"sources[0] needs both url and path"}},
		{"check format", []string{"check", "--format", "bogus", "--config", exampleFleet}, []string{`unknown format "bogus"`, "github, json, junit, markdown, sarif, text"}},
		{"check unknown format to a file", []string{"check", "--format", "yaml=" + filepath.Join(t.TempDir(), "out.yaml"), "--config", exampleFleet}, []string{`unknown format "yaml"`}},
		{"check two formats to stdout", []string{"check", "--format", "json", "--format", "github", "--config", exampleFleet}, []string{"at most one --format may write to standard output, got json, github", "NAME=FILE"}},
		{"check format to a missing folder", []string{"check", "--format", "sarif=" + filepath.Join(t.TempDir(), "missing", "out.sarif"), "--config", exampleFleet}, []string{`--format "sarif=`, "does not exist"}},
		{"check format to no file", []string{"check", "--format", "sarif=", "--config", exampleFleet}, []string{"want NAME=FILE"}},
		{"check format to a folder", []string{"check", "--format", "sarif=" + t.TempDir(), "--config", exampleFleet}, []string{"is a folder"}},
		{"check two formats to one file", []string{"check", "--format", "sarif=out.sarif", "--format", "json=./out.sarif", "--config", exampleFleet}, []string{"two formats write to ./out.sarif"}},
		{"check fail-on", []string{"check", "--fail-on", "fatal", "--config", exampleFleet}, []string{`unknown severity "fatal"`}},
		{"unknown rule", []string{"rules", "D1-9999"}, []string{"no rule D1-9999"}},
		{"unknown kube version", []string{"check", "--kube-version", "1.20", "--config", exampleFleet}, []string{"Kubernetes version", "Kubernetes 1.20 has no bundled schemas", "1.37.2"}},
		{"remote schema location", []string{"build", "--schema-location", "https://example.invalid/schemas", "--config", exampleFleet}, []string{"never downloads schemas", "https://example.invalid/schemas"}},
		{"remote schema location in the config", []string{"build", "--config", remoteLocation}, []string{"never downloads schemas", `"http://127.0.0.1:1/schemas"`}},
		{"missing schema location", []string{"build", "--schema-location", missingLocation, "--config", exampleFleet}, []string{"schema location", "does not exist"}},
		{"missing schema location in the config", []string{"build", "--config", missingLocationConfig}, []string{"schema location", "no-such-schemas", "does not exist"}},
		{"schemas format", []string{"schemas", "--format", "bogus"}, []string{`--format "bogus": want table or json`}},
		{"schemas of an unknown kind", []string{"schemas", "Gizmo"}, []string{"no bundled schema matches"}},

		{"two rules", []string{"rules", "D1-0001", "D1-0002"}, []string{"at most one rule id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.args...)
			assertErrClass(t, errUsage, r.err)
			for _, m := range tt.msg {
				assert.Contains(t, r.err.Error(), m)
			}
			assert.Empty(t, r.stdout, "nothing is printed on a usage error")
		})
	}
}

func TestConfigErrorsKeepTheirCause(t *testing.T) {
	r := run(t, "clusters", "--config", "testdata/no-such-file.yaml")
	assert.ErrorIs(t, r.err, ErrUsage)
	assert.ErrorIs(t, r.err, config.ErrInvalid)
	assert.ErrorIs(t, r.err, os.ErrNotExist)
}

func TestConfigFoundInFleetFolder(t *testing.T) {
	// Without --config the .d1lint.yaml of --fleet maps the other repositories.
	r := run(t, "clusters", "--format", "json", "--fleet", "../../fixtures/example/fleet")
	require.NoError(t, r.err)
	var rows []model.ClusterSummary
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rows))
	require.Len(t, rows, 2)
	for _, s := range rows {
		assert.Zero(t, s.Problems, s.Name)
		assert.NotContains(t, strings.Join(s.Sources, " "), "unresolved", s.Name)
	}
}

// TestConfigFoundAbove: run from a folder inside the fleet, d1lint finds
// the fleet's .d1lint.yaml above it, as git finds its repository, and the
// fleet is the file's folder.
func TestConfigFoundAbove(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS("../../fixtures/example")))
	t.Chdir(filepath.Join(dir, "fleet", "clusters", "staging"))
	r := run(t, "clusters", "--format", "json")
	require.NoError(t, r.err)
	var rows []model.ClusterSummary
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rows))
	require.Len(t, rows, 2, "the whole fleet, not the folder d1lint ran in")
	for _, s := range rows {
		assert.NotContains(t, strings.Join(s.Sources, " "), "unresolved", "%s: the configuration's mappings apply", s.Name)
	}
}

// TestProfileFlag: --profile overrides the detected profile, and the
// summary line says which profile ran and why.
func TestProfileFlag(t *testing.T) {
	r := run(t, "check", "--config", badFleet, "--cluster", "undefined-var")
	require.ErrorIs(t, r.err, ErrFindings)
	assert.Contains(t, r.stdout, "D1-0101")
	assert.Contains(t, r.stdout, "; profile d1 (detected: cluster undefined-var has runtime-info)\n")
	r = run(t, "check", "--config", badFleet, "--cluster", "undefined-var", "--profile", "generic")
	require.ErrorIs(t, r.err, ErrFindings)
	assert.NotContains(t, r.stdout, "D1-0101", "lockdown is d1's convention")
	assert.NotContains(t, r.stdout, "D1-0404", "runtime-info is d1's convention")
	assert.Contains(t, r.stdout, "D1-0401")
	assert.Contains(t, r.stdout, "; profile generic (configured)\n")
}

func TestSourceFlagAddsToConfig(t *testing.T) {
	// The bad fleet maps bad-tenant at main only; a second mapping on the
	// command line makes branch no-such-branch resolvable too.
	r := run(t, "clusters", "--format", "json", "--cluster", "missing-branch", "--config", badFleet,
		"--source", "https://github.com/acme/bad-tenant.git@no-such-branch=../../fixtures/bad/bad-tenant")
	require.NoError(t, r.err)
	var rows []model.ClusterSummary
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rows))
	require.Len(t, rows, 1)
	assert.Equal(t, 0, rows[0].Problems)
	assert.Equal(t, []string{"bad-tenant@main", "bad-tenant@no-such-branch", "d1-fleet@main"}, rows[0].Sources)
}

func TestVersion(t *testing.T) {
	r := run(t, "version")
	require.NoError(t, r.err)
	assert.Contains(t, r.stdout, "cluster model "+model.Version)
	assert.Contains(t, r.stdout, "cluster model v1alpha1")
	assert.True(t, strings.HasPrefix(r.stdout, "d1lint "), r.stdout)
	assert.Empty(t, r.stderr)
}

func TestVersionFromLinkerFlag(t *testing.T) {
	prev := Version
	t.Cleanup(func() { Version = prev })
	Version = "v9.8.7"
	r := run(t, "version")
	require.NoError(t, r.err)
	assert.Equal(t, "d1lint v9.8.7 (cluster model v1alpha1)\n", r.stdout)
}

func TestRootWithoutArgumentsPrintsHelp(t *testing.T) {
	r := run(t)
	require.NoError(t, r.err)
	for _, sub := range []string{"clusters", "build", "graph", "version"} {
		assert.Contains(t, r.stdout, sub)
	}
}

// TestCheckWaivers checks waivers end to end: an active waiver removes its
// findings, an expired one stops waiving and is reported, a stale one is
// reported, and re-grading and disabling rules apply.
func TestCheckWaivers(t *testing.T) {
	bad, err := filepath.Abs("../../fixtures/bad/fleet")
	require.NoError(t, err)
	cfg := filepath.Join(t.TempDir(), ".d1lint.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(`fleet: `+bad+`
rules:
  D1-0101:
    disabled: true
waivers:
  - rule: D1-0401
    cluster: undefined-var
    name: variables
    reason: the ConfigMap is filled by an operator
    owner: platform-team
    expires: 2027-01-31
  - rule: D1-0401
    name: mailer
    reason: old exception
    owner: mail-team
    expires: 2026-01-31
  - rule: D1-0001
    cluster: nowhere
    reason: nothing matches this
    owner: nobody
    expires: 2027-01-31
`), 0o644))
	r := run(t, "check", "--config", cfg, "--cluster", "undefined-var", "--format", "json", "--today", "2026-11-23")
	require.ErrorIs(t, r.err, ErrFindings)
	var doc struct {
		Findings []struct{ Rule, Message string }
		Waivers  []struct {
			Rule, Status string
			Waived       int
		}
		Summary struct{ Waived int }
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc))
	var left []string
	for _, f := range doc.Findings {
		if f.Rule == "D1-0401" {
			left = append(left, f.Message)
		}
	}
	require.Len(t, left, 1, "only the D1-0401 finding of the expired waiver remains")
	assert.Contains(t, left[0], "MAILER_TIER")
	assert.Equal(t, 1, doc.Summary.Waived)
	require.Len(t, doc.Waivers, 3)
	assert.Equal(t, "expired", doc.Waivers[0].Status)
	assert.Equal(t, "stale", doc.Waivers[1].Status)
	assert.Equal(t, "active", doc.Waivers[2].Status)
	assert.Equal(t, 1, doc.Waivers[2].Waived)

	text := run(t, "check", "--config", cfg, "--cluster", "undefined-var", "--today", "2026-11-23")
	assert.Contains(t, text.stdout, "waiver D1-0401 (name mailer) expired on 2026-01-31 (owner mail-team): it no longer waives anything")
	assert.Contains(t, text.stdout, "waiver D1-0001 (cluster nowhere) is stale")
	assert.Contains(t, text.stdout, "(1 waived)")
}

func TestCheckTeamPolicies(t *testing.T) {
	r := run(t, "check", "--config", exampleFleet, "--policy", "testdata/policies", "--format", "json")
	require.NoError(t, r.err, "warnings alone do not fail the check")
	var doc struct {
		Findings []struct{ Rule, Category, Severity, Cluster, Message, File string }
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc))
	rules := map[string]int{}
	for _, f := range doc.Findings {
		rules[f.Rule]++
		switch f.Rule {
		case "ACME-001":
			assert.Equal(t, "warning", f.Severity)
			assert.NotEmpty(t, f.File, "a result.fail finding keeps its location")
		case "acme.conftest":
			assert.Equal(t, "custom", f.Category)
			assert.Equal(t, "warning", f.Severity, "warn gives warnings")
			assert.Contains(t, f.Message, "objects")
		}
	}
	assert.Positive(t, rules["ACME-001"])
	assert.Equal(t, 2, rules["acme.conftest"], "both clusters have more than 50 objects, their charts' included")

	failing := run(t, "check", "--config", exampleFleet, "--policy", "testdata/policies", "--fail-on", "warning")
	assert.ErrorIs(t, failing.err, ErrFindings)

	sneaky := run(t, "check", "--config", exampleFleet, "--policy", "testdata/bad-policies")
	assert.ErrorIs(t, sneaky.err, ErrUsage)
	assert.Contains(t, sneaky.err.Error(), "d1lint's namespace")

	missing := run(t, "check", "--config", exampleFleet, "--policy", "testdata/nope")
	assert.ErrorIs(t, missing.err, ErrUsage)
}

func TestPolicyTest(t *testing.T) {
	r := run(t, "policy", "test", "testdata/policies")
	require.NoError(t, r.err)
	assert.Equal(t, "2 passed, 0 failed\n", r.stdout)

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "x_test.rego"), []byte("package x_test\n\ntest_fails if {\n\t1 == 2\n}\n"), 0o644))
	f := run(t, "policy", "test", dir)
	assert.ErrorIs(t, f.err, ErrTestsFailed)
	assert.Contains(t, f.stdout, "FAIL x_test.test_fails")
	assert.Contains(t, f.stdout, "0 passed, 1 failed")

	empty := run(t, "policy", "test", t.TempDir())
	assert.ErrorIs(t, empty.err, ErrUsage)
}

func TestCheckNothingFails(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "clusters"), 0o755))
	r := run(t, "check", "--fleet", dir)
	require.ErrorIs(t, r.err, ErrUsage)
	assert.Contains(t, r.err.Error(), "no cluster found under "+dir+"; d1lint looks for")
	assert.Contains(t, r.err.Error(), "pass --fleet with the fleet repository's folder, or list the clusters under clusters: in .d1lint.yaml")
}

// configWithSchemaLocation writes a copy of the example fleet's
// configuration, with absolute paths, that names one schema location.
func configWithSchemaLocation(t *testing.T, loc string) string {
	t.Helper()
	abs, err := filepath.Abs(filepath.Dir(exampleFleet))
	require.NoError(t, err)
	data, err := os.ReadFile(exampleFleet)
	require.NoError(t, err)
	cfg := "fleet: " + abs + "\n" + strings.ReplaceAll(string(data), "path: ../", "path: "+filepath.Dir(abs)+"/") +
		"schemaLocations:\n  - " + strconv.Quote(loc) + "\n"
	path := filepath.Join(t.TempDir(), ".d1lint.yaml")
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o644))
	return path
}

// TestSchemaFlags checks that --kube-version and --schema-location reach the
// validator.
func TestSchemaFlags(t *testing.T) {
	r := run(t, "build", "--format", "json", "--cluster", "staging", "--kube-version", "v1.36", "--config", exampleFleet)
	require.NoError(t, r.err, r.stderr)
	assert.Contains(t, r.stdout, `"kubernetesVersion": "1.36.3"`)

	// A location that holds a stricter Namespace schema comes before the bundle.
	dir := t.TempDir()
	loc := filepath.Join(dir, "v1.37.2-standalone-strict")
	require.NoError(t, os.MkdirAll(loc, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(loc, "namespace-v1.json"),
		[]byte(`{"type": "object", "required": ["spec"]}`), 0o644))
	r = run(t, "check", "--cluster", "staging", "--schema-location", dir, "--config", exampleFleet)
	require.ErrorIs(t, r.err, ErrFindings)
	assert.Contains(t, r.stdout, "D1-0501")
	assert.Contains(t, r.stdout, "missing property 'spec' (schema: schema location)")
}

// TestSchemaLocationRefsStayInside runs a check whose schema location holds
// a schema with a $ref to a server on loopback and one with a file:// $ref
// to a schema outside the location, which would fail every ConfigMap: no
// request reaches the server, no dial is even tried, nothing outside is
// read, and the findings name the two schema files.
func TestSchemaLocationRefsStayInside(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		_, _ = w.Write([]byte(`{"type": "object"}`))
	}))
	defer srv.Close()

	parent := t.TempDir()
	outside := filepath.Join(parent, "outside.json")
	require.NoError(t, os.WriteFile(outside, []byte(`{"required": ["read-from-outside"]}`), 0o644))
	dir := filepath.Join(parent, "schemas")
	loc := filepath.Join(dir, "v1.37.2-standalone-strict")
	require.NoError(t, os.MkdirAll(loc, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(loc, "namespace-v1.json"),
		[]byte(`{"$ref": "`+srv.URL+`/namespace.json"}`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(loc, "configmap-v1.json"),
		[]byte(`{"$ref": "file://`+filepath.ToSlash(outside)+`"}`), 0o644))

	dials := guard.Dials()
	r := run(t, "check", "--cluster", "staging", "--schema-location", dir, "--config", exampleFleet)
	assert.Zero(t, requests.Load(), "no request reaches the server")
	assert.Equal(t, dials, guard.Dials(), "the $ref is refused before any dial")
	require.NoError(t, r.err, "D1-0502 is a warning: %s", r.stderr)
	assert.NotContains(t, r.stdout, "read-from-outside", "the schema outside was not read")
	assert.NotContains(t, r.stdout, "D1-0501", "nothing was validated against a schema from outside")
	assert.Contains(t, r.stdout, "D1-0502")
	ns, cm := filepath.Join(loc, "namespace-v1.json"), filepath.Join(loc, "configmap-v1.json")
	assert.Contains(t, r.stdout, "Namespace kyverno: no schema is known for kind Namespace of v1 (schema source: schema location: schema "+ns+": ")
	assert.Contains(t, r.stdout, `failing loading "`+srv.URL+`/namespace.json": the $ref is remote; d1lint never downloads schemas`)
	assert.Contains(t, r.stdout, "ConfigMap ingress-nginx/cluster-headers: no schema is known for kind ConfigMap of v1 (schema source: schema location: schema "+cm+": ")
	assert.Contains(t, r.stdout, "the $ref leads outside the schema locations; d1lint reads nothing else")
}

// TestCheckOutputs writes SARIF to a file and GitHub annotations to
// standard output in one run, with the GitHub files of the environment.
func TestCheckOutputs(t *testing.T) {
	dir := t.TempDir()
	sarifPath := filepath.Join(dir, "results.sarif")
	require.NoError(t, os.WriteFile(sarifPath, []byte("stale content that must go"), 0o644))
	summary, outputs := filepath.Join(dir, "summary.md"), filepath.Join(dir, "outputs")
	env := map[string]string{"GITHUB_STEP_SUMMARY": summary, "GITHUB_OUTPUT": outputs}
	r := runEnv(t, env, "check", "--config", badFleet, "--cluster", "undefined-var",
		"--format", "sarif="+sarifPath, "--format", "github")
	assertErrClass(t, errFindings, r.err)
	assert.Empty(t, r.stderr)

	assert.Contains(t, r.stdout, "::error file=cases/undefined-var/variables.yaml,line=11,title=D1-0401%3A ")
	assert.NotContains(t, r.stdout, `"runs"`, "SARIF goes to its file only")
	assert.Equal(t, 6, strings.Count(r.stdout, "\n"), "one annotation per finding")

	data, err := os.ReadFile(sarifPath)
	require.NoError(t, err)
	assertPortable(t, string(data))
	doc, err := sarif.FromBytes(data)
	require.NoError(t, err, "the file was truncated and rewritten")
	require.NoError(t, doc.Validate())
	require.Len(t, doc.Runs, 1)
	assert.Len(t, doc.Runs[0].Results, 6)
	for _, res := range doc.Runs[0].Results {
		require.Len(t, res.Locations, 1, "every finding is in the fleet repository")
		assert.NotEmpty(t, res.PartialFingerprints["d1lint/v1"])
	}

	md, err := os.ReadFile(summary)
	require.NoError(t, err)
	assert.Contains(t, string(md), "## d1lint: 3 errors, 0 warnings, 3 info")
	out, err := os.ReadFile(outputs)
	require.NoError(t, err)
	assert.Equal(t, "errors=3\nwarnings=0\ninfos=3\nnew=0\n", string(out))

	// The same run gives the same bytes.
	again := filepath.Join(dir, "again.sarif")
	r = run(t, "check", "--config", badFleet, "--cluster", "undefined-var", "--format", "sarif="+again, "--format", "text")
	assertErrClass(t, errFindings, r.err)
	assert.Contains(t, r.stdout, "undefined-var (staging, 9 objects)")
	data2, err := os.ReadFile(again)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(data, data2), "two runs differ")
}

// TestCheckRepository: findings outside the repository being checked are
// not located in its files.
func TestCheckRepository(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"flag": nil,
		"env":  {"GITHUB_REPOSITORY": "acme/other"},
	} {
		t.Run(name, func(t *testing.T) {
			with := func(format string) []string {
				args := []string{"check", "--config", badFleet, "--cluster", "undefined-var", "--format", format}
				if env == nil {
					args = append(args, "--repository", "https://github.com/acme/other.git")
				}
				return args
			}
			r := runEnv(t, env, with("sarif")...)
			assertErrClass(t, errFindings, r.err)
			doc, err := sarif.FromString(r.stdout)
			require.NoError(t, err)
			require.NoError(t, doc.Validate())
			// GitHub rejects results without a file of the repository, and
			// the clusters have none in acme/other.
			assert.Empty(t, doc.Runs[0].Results)
			assert.Contains(t, *doc.Runs[0].Invocations[0].ToolExecutionNotifications[0].Message.Text,
				"6 findings left out: neither they nor their clusters have a file in github.com/acme/other")
			g := runEnv(t, env, with("github")...)
			assertErrClass(t, errFindings, g.err)
			assert.NotContains(t, g.stdout, "file=")
			assert.Contains(t, g.stdout, "::github.com/acme/d1-fleet@main:cases/undefined-var/variables.yaml:11: ")
		})
	}
}

// TestCheckSARIFOtherRepositories: findings in the infra repository are
// shown at the fleet's Kustomization that applies them.
func TestCheckSARIFOtherRepositories(t *testing.T) {
	r := run(t, "check", "--config", exampleFleet, "--policy", "testdata/policies", "--format", "sarif")
	require.NoError(t, r.err)
	doc, err := sarif.FromString(r.stdout)
	require.NoError(t, err)
	require.NoError(t, doc.Validate())
	require.NotEmpty(t, doc.Runs[0].Results)
	assert.Empty(t, doc.Runs[0].Invocations, "every finding has a place in the fleet repository")
	shown := map[string]bool{}
	for _, res := range doc.Runs[0].Results {
		require.Len(t, res.Locations, 1)
		uri := *res.Locations[0].PhysicalLocation.ArtifactLocation.URI
		assert.False(t, strings.Contains(uri, ":"), uri)
		if *res.RuleID == "ACME-001" {
			assert.True(t, strings.HasPrefix(*res.Message.Text, "github.com/acme/d1-infra@"), *res.Message.Text)
			shown[res.Properties.Properties["shownAt"].(string)+" "+uri] = true
		}
	}
	assert.True(t, shown["Kustomization flux-system/ingress-controllers tenants/infra/components/ingress.yaml"], "%v", shown)
}

// TestCheckColor: text is coloured on a terminal (a character device)
// as --color, NO_COLOR, FORCE_COLOR and TERM decide, and never in a file
// unless --color=always.
func TestCheckColor(t *testing.T) {
	dev, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	require.NoError(t, err)
	defer dev.Close()
	require.True(t, report.IsTerminal(dev), "%s is a character device", os.DevNull)
	var buf bytes.Buffer
	assert.False(t, report.IsTerminal(&buf))

	color := func(env map[string]string, mode string, terminal bool, formats ...string) bool {
		outs, err := parseOutputs(formats, report.Env{Color: mode, Getenv: func(k string) string { return env[k] }}, terminal)
		require.NoError(t, err)
		return outs[0].rep.(report.Text).Color
	}
	assert.True(t, color(nil, "", true))
	assert.True(t, color(nil, "auto", true, "text"))
	assert.False(t, color(map[string]string{"NO_COLOR": "1"}, "", true))
	assert.False(t, color(map[string]string{"TERM": "dumb"}, "", true))
	assert.True(t, color(map[string]string{"FORCE_COLOR": "1"}, "", false))
	assert.True(t, color(map[string]string{"NO_COLOR": "1"}, "always", false))
	assert.False(t, color(nil, "", false))
	assert.False(t, color(nil, "never", true))
	assert.False(t, color(nil, "", true, "text="+filepath.Join(t.TempDir(), "out.txt")))

	r := run(t, "check", "--config", badFleet, "--cluster", "undefined-var")
	assert.NotContains(t, r.stdout, "\x1b[", "no colour off a terminal")
	r = run(t, "check", "--config", badFleet, "--cluster", "undefined-var", "--color=always")
	assert.Contains(t, r.stdout, "\x1b[1;31merror\x1b[0m", "--color=always colours a pipe")
	assert.NotContains(t, r.stdout, "\x1b]8;;", "but links only a terminal")
	r = runEnv(t, map[string]string{"FORCE_COLOR": "1"}, "check", "--config", badFleet, "--cluster", "undefined-var")
	assert.Contains(t, r.stdout, "\x1b[1;31merror\x1b[0m", "FORCE_COLOR colours a pipe")
	r = runEnv(t, map[string]string{"FORCE_COLOR": "1"}, "check", "--config", badFleet, "--cluster", "undefined-var", "--color", "never")
	assert.NotContains(t, r.stdout, "\x1b[", "the flag wins")
	r = run(t, "check", "--config", badFleet, "--color", "allways")
	assertErrClass(t, errUsage, r.err)
	assert.EqualError(t, r.err, `--color "allways": did you mean always? (want auto, always or never)`)
}

// TestCheckFailureSARIF: when the check cannot run, a sarif file still says
// so, with a tool execution notification.
func TestCheckFailureSARIF(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "boom.rego"), []byte(`package acme.boom

import rego.v1

deny contains msg if {
	x := input.nothing_here
	msg := sprintf("%d", [1 / count([])])
}

deny contains msg if {
	msg := sprintf("%d", [to_number("not a number")])
}
`), 0o644))
	out := filepath.Join(t.TempDir(), "results.sarif")
	jsonOut, mdOut := filepath.Join(t.TempDir(), "report.json"), filepath.Join(t.TempDir(), "report.md")
	r := run(t, "check", "--config", exampleFleet, "--cluster", "staging", "--policy", dir, "--format", "sarif="+out,
		"--format", "json="+jsonOut, "--format", "markdown="+mdOut)
	require.Error(t, r.err)
	require.False(t, errors.Is(r.err, ErrUsage) || errors.Is(r.err, ErrFindings), "an internal error: %v", r.err)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	doc, err := sarif.FromBytes(data)
	require.NoError(t, err)
	require.NoError(t, doc.Validate())
	inv := doc.Runs[0].Invocations[0]
	assert.False(t, *inv.ExecutionSuccessful)
	assert.Contains(t, *inv.ToolExecutionNotifications[0].Message.Text, "to_number")
	// JSON says so too (report.FailureWriter); markdown cannot.
	data, err = os.ReadFile(jsonOut)
	require.NoError(t, err)
	var failed struct {
		Version  int
		Error    string
		Findings []any
	}
	require.NoError(t, json.Unmarshal(data, &failed))
	assert.Equal(t, 1, failed.Version)
	assert.Contains(t, failed.Error, "to_number")
	assert.Empty(t, failed.Findings)
	assert.NoFileExists(t, mdOut)

	// A usage error writes nothing.
	missing := filepath.Join(t.TempDir(), "usage.sarif")
	r = run(t, "check", "--config", "testdata/no-such-file.yaml", "--format", "sarif="+missing)
	assertErrClass(t, errUsage, r.err)
	assert.NoFileExists(t, missing)
}

// TestFindingInProductionPatch: a value a production overlay's patch sets
// is reported at the patch's line, on the production branch.
func TestFindingInProductionPatch(t *testing.T) {
	dir := t.TempDir()
	src, err := filepath.Abs("../../fixtures/example")
	require.NoError(t, err)
	require.NoError(t, os.CopyFS(dir, os.DirFS(src)))
	values := filepath.Join(dir, "apps-production/components/shop/production/storefront-values.yaml")
	data, err := os.ReadFile(values)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(values, []byte(strings.Replace(string(data), "logLevel: info", "logLevel: ${LOG_LEVEL}", 1)), 0o644))

	r := run(t, "check", "--cluster", "prod-eu", "--format", "json", "--config", filepath.Join(dir, "fleet", ".d1lint.yaml"))
	require.ErrorIs(t, r.err, ErrFindings, r.stderr)
	var rep struct {
		Findings []finding.Finding `json:"findings"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep))
	require.Len(t, rep.Findings, 1)
	f := rep.Findings[0]
	assert.Equal(t, "D1-0401", f.Rule)
	assert.Equal(t, model.Location{Repo: "github.com/acme/d1-apps", Branch: "production",
		Path: "components/shop/production/storefront-values.yaml", Line: 9}, f.Location)
	assert.Equal(t, "spec.values.logLevel", f.Field)
}

// TestIncompleteRenderNeverPassesSilently: with D1-0001 turned off, a
// cluster part of which cannot be rendered still fails the check (exit 1),
// unless incomplete renders are accepted by flag or configuration; the
// JSON report says which clusters are complete.
func TestIncompleteRenderNeverPassesSilently(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS(testutil.Fixture(t, "example"))))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "fleet", "clusters", "staging", "broken.yaml"), []byte(`apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: broken
  namespace: flux-system
spec:
  interval: 10m
  path: ./tenants/does-not-exist
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`), 0o644))
	cfgPath := filepath.Join(dir, "fleet", ".d1lint.yaml")
	base, err := os.ReadFile(cfgPath)
	require.NoError(t, err)
	writeCfg := func(extra string) {
		require.NoError(t, os.WriteFile(cfgPath, append(append([]byte{}, base...), extra...), 0o644))
	}

	writeCfg("")
	r := run(t, "check", "--config", cfgPath, "--format", "json")
	assertErrClass(t, errFindings, r.err)
	var rep struct {
		Clusters []struct {
			Name     string `json:"name"`
			Complete bool   `json:"complete"`
		} `json:"clusters"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep))
	complete := map[string]bool{}
	for _, c := range rep.Clusters {
		complete[c.Name] = c.Complete
	}
	assert.Equal(t, map[string]bool{"prod-eu": true, "staging": false}, complete)

	writeCfg("rules:\n  D1-0001: {disabled: true}\n")
	r = run(t, "check", "--config", cfgPath)
	assertErrClass(t, errIncomplete, r.err)
	assert.Contains(t, r.err.Error(), "part of cluster staging could not be rendered")
	assert.Contains(t, r.stdout, "D1-0003", "the cluster still says its absence rules were not verified")

	r = run(t, "check", "--config", cfgPath, "--accept-incomplete")
	assertErrClass(t, errNone, r.err)

	writeCfg("rules:\n  D1-0001: {disabled: true}\nacceptIncomplete: true\n")
	r = run(t, "check", "--config", cfgPath)
	assertErrClass(t, errNone, r.err)
}

// TestBuildMarksNotApplied: build prints an object Flux's apply skips as
// the build produced it, after a comment that says so.
func TestBuildMarksNotApplied(t *testing.T) {
	cm := func(name, notApplied string) *model.Object {
		return &model.Object{ObjectID: model.ObjectID{APIVersion: "v1", Kind: "ConfigMap", Namespace: "ns", Name: name}, NotApplied: notApplied,
			Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": name, "namespace": "ns"}}}
	}
	fl := &model.Fleet{Clusters: []*model.Cluster{{Name: "c", Objects: []*model.Object{
		cm("on", ""), cm("off", "annotation kustomize.toolkit.fluxcd.io/reconcile: disabled"),
	}}}}
	var b bytes.Buffer
	require.NoError(t, writeYAML(&b, fl, false))
	assert.Equal(t, `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: "on"
  namespace: ns
---
# d1lint: not applied by Flux (annotation kustomize.toolkit.fluxcd.io/reconcile: disabled)
apiVersion: v1
kind: ConfigMap
metadata:
  name: "off"
  namespace: ns
`, b.String())
}
