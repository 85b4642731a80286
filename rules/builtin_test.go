// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules

import (
	"context"
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// team is a folder of team policies holding one file.
func team(src string) map[string]fs.FS {
	return map[string]fs.FS{"team": fstest.MapFS{"p.rego": {Data: []byte(src)}}}
}

const teamDeny = `package team

import data.d1lint.lib.result

deny contains msg if {
	input.cluster.name == "prod"
	msg := "no prod"
}
`

// TestBuiltinsCompiledOnce: loading the catalogue again, with or without a
// team's policies, reuses the built-in rules compiled the first time.
func TestBuiltinsCompiledOnce(t *testing.T) {
	first, err := Load()
	require.NoError(t, err)
	require.Equal(t, int64(1), builtinCompiles.Load(), "the built-in rules are compiled once")

	withTeam, err := LoadWithPolicies(team(teamDeny))
	require.NoError(t, err)
	again, err := Load()
	require.NoError(t, err)
	assert.Equal(t, int64(1), builtinCompiles.Load(), "a second load compiled the built-in rules again")

	assert.Equal(t, first.Rules(), withTeam.Rules())
	assert.Equal(t, first.Rules(), again.Rules())
	require.Len(t, withTeam.custom, 1)
	assert.Empty(t, again.custom, "a team's policies stay in the catalogue they were loaded into")
	// Catalogues share the compiled rules, not their settings.
	again.timeout = 1
	assert.Equal(t, DefaultTimeout, first.timeout)
}

// TestTeamPolicyErrors: a broken team policy is reported as it was when it
// was compiled together with every built-in rule.
func TestTeamPolicyErrors(t *testing.T) {
	cases := map[string]struct{ src, err string }{
		"parse": {"package team\n\ndeny contains msg if {\n",
			"team: invalid policy: 1 error occurred: p.rego:4: rego_parse_error: unexpected eof token\n\tdeny contains msg if {\n\t                     ^"},
		"unsafe": {"package team\n\ndeny contains msg if {\n  x == 1\n  msg := \"a\"\n}\n",
			"invalid policy: 1 error occurred: p.rego:4: rego_unsafe_var_error: var x is unsafe"},
		"undefined function": {"package team\n\ndeny contains msg if {\n  msg := foo(1)\n}\n",
			"invalid policy: 1 error occurred: p.rego:4: rego_type_error: undefined function foo"},
		"library arity": {"package team\nimport data.d1lint.lib.result\n\nreport contains f if {\n  f := result.fail(1)\n}\n",
			"invalid policy: 1 error occurred: p.rego:5: rego_type_error: function data.d1lint.lib.result.fail has arity 2, got 1 argument"},
		"d1lint namespace": {"package d1lint.team\n\ndeny contains \"x\" if { true }\n",
			"invalid policy: team/p.rego: package d1lint.team is d1lint's namespace; put team policies in a package of your own"},
		"types": {"package team\n\ndeny contains msg if {\n  msg := concat(1, 2)\n}\n",
			"invalid policy: 1 error occurred: p.rego:4: rego_type_error: concat: invalid argument(s)\n\thave: (number, number, ???)\n\twant: (delimiter: string, collection: any<array[string], set[string]>, output: string)"},
		"network": {"package team\n\ndeny contains msg if {\n  r := http.send({})\n  msg := \"x\"\n}\n",
			"invalid policy: team/p.rego:4: http.send is refused: it reaches the network"},
		"clock": {"package team\n\ndeny contains msg if {\n  time.now_ns() > 0\n  msg := \"x\"\n}\n",
			"invalid policy: team/p.rego:4: time.now_ns is refused: its result is not determined by its arguments (time, randomness or the network)"},
		"randomness in a nested call": {"package team\n\ndeny contains msg if {\n  input.x\n  msg := sprintf(\"%d\", [rand.intn(\"k\", 10)])\n}\n",
			"invalid policy: team/p.rego:5: rand.intn is refused: its result is not determined by its arguments (time, randomness or the network)"},
		"uuid": {"package team\n\nid := uuid.rfc4122(\"k\")\n",
			"invalid policy: team/p.rego:3: uuid.rfc4122 is refused: its result is not determined by its arguments (time, randomness or the network)"},
		"environment": {"package team\n\nenv := opa.runtime().env\n",
			"invalid policy: team/p.rego:3: opa.runtime is refused: it reads the environment"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := LoadWithPolicies(team(tc.src))
			require.ErrorIs(t, err, ErrPolicy)
			assert.Equal(t, tc.err, err.Error())
		})
	}
}

// TestTeamPolicyReadsBuiltinRule: a team policy that reads a built-in
// rule's findings still gets them.
func TestTeamPolicyReadsBuiltinRule(t *testing.T) {
	c, err := LoadWithPolicies(team(`package team

import data.d1lint.rules.build.render_problem as rp

deny contains msg if {
	some f in rp.report
	msg := concat("", ["built-in: ", f.message])
}
`))
	require.NoError(t, err)
	input, err := ast.InterfaceToValue(map[string]any{"cluster": map[string]any{"name": "prod",
		"problems": []any{map[string]any{"kind": "invalid-yaml", "reason": "broken.yaml: boom"}}}})
	require.NoError(t, err)
	fs, err := c.evalCustom(context.Background(), input, "prod")
	require.NoError(t, err)
	require.Len(t, fs, 1)
	assert.Equal(t, "built-in: broken.yaml: boom", fs[0].Message)
}

func TestReadsBuiltinRules(t *testing.T) {
	cases := map[string]bool{
		"package team\nx := data.team.y":                                false,
		"package team\nimport data.d1lint.lib.result\nx := result.fail": false,
		"package team\nx := data.d1lint.lib.tenancy":                    false,
		"package team\nx := data.d1lint.rules.build":                    true,
		"package team\nimport data.d1lint.rules.build.render_problem":   true,
		"package team\nx := data.d1lint":                                true,
		"package team\nx := data":                                       true,
		"package team\nx := data[\"d1lint\"].rules":                     true,
		"package team\nx := data.d1lint.lib[\"result\"]":                false,
		"package team\nx := y if { some k; y := data[k] }":              true,
		"package team\nx := y if { some k; y := data.d1lint[k] }":       true,
		"package team\nx := 1 if { input.d1lint.rules }":                false,
	}
	for src, want := range cases {
		m, err := ast.ParseModuleWithOpts("p.rego", src, ast.ParserOptions{RegoVersion: ast.RegoV1})
		require.NoError(t, err, src)
		assert.Equal(t, want, readsBuiltinRules(map[string]*ast.Module{"p.rego": m}), src)
	}
}

// TestRunTestsRefusesNondeterministic: `d1lint policy test` refuses what a
// check refuses, naming the builtin and the file.
func TestRunTestsRefusesNondeterministic(t *testing.T) {
	_, err := RunTests(context.Background(), fstest.MapFS{"p_test.rego": {Data: []byte("package team\n\ntest_now if {\n  time.now_ns() > 0\n}\n")}}, true)
	require.ErrorIs(t, err, ErrPolicy)
	assert.ErrorContains(t, err, "p_test.rego:4: time.now_ns is refused")
}
