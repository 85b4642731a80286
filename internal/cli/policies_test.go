// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/testutil"
	"github.com/d1lint/d1lint/rules"
)

// TestCheckConftestPolicies: conftest policies written for conftest test
// --combine run unchanged, their findings at the object's file and line.
func TestCheckConftestPolicies(t *testing.T) {
	r := run(t, "check", "--config", exampleFleet, "--policy", "testdata/conftest", "--policy-input", "conftest", "--format", "json")
	require.ErrorIs(t, r.err, ErrFindings, r.stderr)
	var doc struct {
		Findings []struct {
			Rule, Category, Severity, Cluster, Message, File string
			Line                                             int
			Object                                           *struct{ Kind, Namespace, Name string }
		}
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc))
	var got []string
	for _, f := range doc.Findings {
		if f.Category != "custom" {
			continue
		}
		assert.Equal(t, "conftest/main", f.Rule)
		assert.Equal(t, "error", f.Severity)
		assert.Equal(t, "components/ingress/controllers/base/ingress-nginx.yaml", f.File, "the HelmRelease that installs the chart's Deployment")
		assert.Positive(t, f.Line)
		require.NotNil(t, f.Object)
		assert.Equal(t, "ingress-nginx-controller", f.Object.Name)
		got = append(got, f.Cluster+": "+f.Message)
	}
	assert.Equal(t, []string{
		"prod-eu: Deployment ingress-nginx-controller: container controller has no resource limits",
		"staging: Deployment ingress-nginx-controller: container controller has no resource limits",
	}, got)

	// Read as d1lint's model, Rego v0 is refused, with the way out.
	model := run(t, "check", "--config", exampleFleet, "--policy", "testdata/conftest")
	assertErrClass(t, errUsage, model.err)
	assert.Contains(t, model.err.Error(), "limits.rego:5")
	assert.Contains(t, model.err.Error(), "conftest policies run with --policy-input conftest")

	bad := run(t, "check", "--config", exampleFleet, "--policy", "testdata/conftest", "--policy-input", "conftst")
	assertErrClass(t, errUsage, bad.err)
	assert.Contains(t, bad.err.Error(), `--policy-input "conftst": want model or conftest`)
	ns := run(t, "check", "--config", exampleFleet, "--policy", "testdata/conftest", "--policy-namespace", "k8s")
	assertErrClass(t, errUsage, ns.err)

	tests := run(t, "policy", "test", "testdata/conftest")
	require.NoError(t, tests.err)
	assert.Equal(t, "2 passed, 0 failed\n", tests.stdout)
}

// TestConfigPolicies: policies: in .d1lint.yaml add folders, each with its
// input, to the --policy folders.
func TestConfigPolicies(t *testing.T) {
	dir := t.TempDir()
	cfg, err := config.Parse([]byte("policies:\n  - {path: conftest, input: conftest, namespaces: [main, k8s]}\n  - policies\n"),
		filepath.Join(dir, config.FileName))
	require.NoError(t, err)
	for _, d := range []string{"conftest", "policies"} {
		testutil.CopyTree(t, filepath.Join("testdata", d), filepath.Join(dir, d))
	}
	var p policyInputFlags
	fsys, conftest, err := p.teamPolicies(nil, cfg, nil)
	require.NoError(t, err)
	assert.Len(t, fsys, 2)
	assert.Equal(t, map[string]rules.ConftestOptions{filepath.Join(dir, "conftest"): {Namespaces: []string{"main", "k8s"}}}, conftest)

	p.input = rules.InputModel
	_, _, err = p.teamPolicies([]string{filepath.Join(dir, "conftest")}, cfg, nil)
	require.ErrorIs(t, err, ErrUsage)
	assert.Contains(t, err.Error(), "given twice, with different inputs")
}
