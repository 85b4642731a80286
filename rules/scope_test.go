// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules

import (
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/policies"
)

// reads reports whether a module reads input.<key>.
func reads(m *ast.Module, key string) bool {
	found := false
	ast.WalkRefs(m, func(r ast.Ref) bool {
		if len(r) > 1 && r[0].Equal(ast.InputRootDocument) && r[1].Equal(ast.StringTerm(key)) {
			found = true
		}
		return found
	})
	return found
}

// TestScopes: a built-in rule reads what its scope gives it, and nothing
// else: a fleet-scoped rule (METADATA custom.scope: fleet) the digests of
// input.fleet, never a cluster's model; a cluster-scoped rule one
// cluster's model, never input.fleet, which a streamed check does not
// have. Both scopes have rules.
func TestScopes(t *testing.T) {
	modules, err := parseFS(policies.FS, ".")
	require.NoError(t, err)
	rules, err := readMetadata(modules)
	require.NoError(t, err)
	byPackage := map[string]*ast.Module{}
	for _, m := range modules {
		byPackage[m.Package.Path.String()] = m
	}
	scopes := map[string]int{}
	for _, r := range rules {
		m := byPackage["data."+r.Package]
		require.NotNil(t, m, r.ID)
		scopes[r.Scope]++
		switch r.Scope {
		case finding.ScopeFleet:
			assert.False(t, reads(m, "cluster"), "%s is fleet-scoped: it reads input.fleet, not input.cluster", r.ID)
			assert.True(t, reads(m, "fleet"), "%s is fleet-scoped but does not read input.fleet", r.ID)
		default:
			assert.False(t, readsFleet(m), "%s reads input.fleet: give it custom.scope: fleet", r.ID)
		}
	}
	assert.Positive(t, scopes[finding.ScopeFleet])
	assert.Positive(t, scopes[finding.ScopeCluster])
	// The library serves both; only its fleet helpers read a digest, and
	// none reads input.fleet itself.
	for _, m := range modules {
		if m.Package.Path.HasPrefix(ast.MustParseRef("data.d1lint.lib")) {
			assert.False(t, readsFleet(m), "%s reads input.fleet", m.Package.Path)
		}
	}
}

// TestReadsFleet: a team's module that reads input.fleet, or the whole
// input, is told from one that reads the cluster only.
func TestReadsFleet(t *testing.T) {
	for src, want := range map[string]bool{
		"package a\nx if input.cluster.name == \"a\"":            false,
		"package a\nx if count(input.fleet.clusters) > 1":        true,
		"package a\nx if input[\"fleet\"]":                       true,
		"package a\nx := input":                                  true,
		"package a\nx if { k := \"fleet\"; input[k] }":           true,
		"package a\nx if { some o in input.cluster.objects; o }": false,
	} {
		m, err := ast.ParseModuleWithOpts("a.rego", src, ast.ParserOptions{RegoVersion: ast.RegoV1})
		require.NoError(t, err, src)
		assert.Equal(t, want, readsFleet(m), src)
	}
}

// TestScopeMetadata: custom.scope is cluster (the default) or fleet.
func TestScopeMetadata(t *testing.T) {
	m, err := ast.ParseModuleWithOpts("branch-mapping/x/x.rego", `# METADATA
# title: X
# description: X.
# custom:
#   id: D1-9999
#   category: branch-mapping
#   severity: error
#   remediation: X.
#   profiles: [d1]
#   scope: galaxy
package d1lint.rules.branch_mapping.x
`, ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
	require.NoError(t, err)
	_, err = readMetadata(map[string]*ast.Module{"branch-mapping/x/x.rego": m})
	require.ErrorIs(t, err, ErrPolicy)
	assert.Contains(t, err.Error(), `custom.scope "galaxy"`)
}
