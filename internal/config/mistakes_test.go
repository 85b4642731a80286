// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package config

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/d1lint/d1lint/internal/finding"
)

// TestMistakes asserts the whole message of every kind of mistake a user
// makes in .d1lint.yaml: each at its file:line:column, saying the form
// expected, never a Go type or a decoder's own words.
func TestMistakes(t *testing.T) {
	const file = "fleet/.d1lint.yaml"
	for name, tc := range map[string]struct{ content, want string }{
		"unknown key": {"source:\n  - url: x\n    path: y\n",
			file + `:1:1: unknown key "source" at the top level; did you mean "sources"?`},
		"unknown nested key": {"sources:\n  - url: https://github.com/acme/x.git\n    path: ../x\n    brnach: main\n",
			file + `:4:5: unknown key "brnach" in sources[0]; did you mean "branch"?`},
		"key in the wrong case": {"outofband: []\n",
			file + `:1:1: unknown key "outofband" at the top level; did you mean "outOfBand"? (keys are case-sensitive)`},
		"unknown key, nothing close": {"colour: red\n",
			file + `:1:1: unknown key "colour" at the top level; expected one of fleet, fleetURL, fleetBranch, clusters, sources, artifacts, providerInputs, outOfBand, branches, ` +
				`privilegedNamespaces, tenantClusterRoles, tenantLabel, automationBranch, crdCharts, charts, requireCharts, kubeVersion, schemaLocations, ` +
				`acceptIncomplete, profile, policies, rules, waivers`},
		"rule turned off as a word": {"rules:\n  D1-0404: off\n",
			file + `:2:12: rules.D1-0404: expected a mapping such as {disabled: true} or {severity: warning}, got the string "off"; ` +
				`to turn the rule off, write D1-0404: {disabled: true}`},
		"rule re-graded as a word": {"rules:\n  D1-0404: warning\n",
			file + `:2:12: rules.D1-0404: expected a mapping such as {disabled: true} or {severity: warning}, got the string "warning"; ` +
				`to re-grade the rule, write D1-0404: {severity: warning}`},
		"wrong type: list for a list of mappings": {"sources: {url: x}\n",
			file + `:1:10: sources: expected a list of mappings with keys url, path, branch, got a mapping`},
		"wrong type: boolean": {"acceptIncomplete: yes\n",
			file + `:1:19: acceptIncomplete: expected true or false, got the string "yes"`},
		"wrong type: number for a string": {"kubeVersion: 1.36\n",
			file + `:1:14: kubeVersion: expected a string, got the number 1.36 (quote it: "1.36")`},
		"wrong type: map of lists": {"crdCharts: {kyverno: kyverno.io}\n",
			file + `:1:22: crdCharts.kyverno: expected a list of strings, got the string "kyverno.io"`},
		"wrong type: branches": {"branches: [main]\n",
			file + `:1:11: branches: expected a mapping of environments to branches, such as {staging: main, production: production}, got a list`},
		"wrong type: the file": {"- fleet: .\n",
			file + `:1:1: the file: expected a mapping of settings (fleet, sources, rules, ...; see the JSON Schema), got a list`},
		"bad value: severity": {"rules:\n  D1-0404: {severity: fatal}\n",
			file + `:2:23: rules.D1-0404.severity: "fatal" is not a severity: expected error, warning or info`},
		"bad value: disabled": {"rules:\n  D1-0404: {disabled: off}\n",
			file + `:2:23: rules.D1-0404.disabled: expected true or false, got the string "off"`},
		"bad value: profile": {"profile: d2\n",
			file + `:1:10: profile: unknown profile "d2": expected d1 or generic`},
		"bad value: date": {"waivers:\n  - rule: D1-0101\n    reason: r\n    owner: o\n    expires: 2026-13-01\n",
			file + `:5:14: waivers[0].expires: "2026-13-01" is not a date: expected YYYY-MM-DD`},
		"bad value: pattern": {"waivers:\n  - rule: D1-0101\n    reason: r\n    owner: o\n    expires: 2026-01-01\n    cluster: '['\n",
			file + `:6:14: waivers[0].cluster: bad pattern "[": expected a shell pattern (*, ?, [a-z])`},
		"missing keys": {"waivers:\n  - rule: D1-0101\n    expires: 2026-01-01\n",
			file + `:2:5: waivers[0] needs rule, reason, owner and expires (missing: reason, owner)`},
		"incomplete source": {"sources:\n  - url: https://github.com/acme/a.git\n",
			file + `:2:5: sources[0] needs both url and path`},
		"incomplete artifact": {"artifacts:\n  - url: oci://ghcr.io/acme/app\n",
			file + `:2:5: artifacts[0] needs both url and repository`},
		"artifact URL not OCI": {"artifacts:\n  - url: ghcr.io/acme/app\n    repository: https://github.com/acme/app\n",
			file + `:2:10: artifacts[0].url: "ghcr.io/acme/app" is not an OCI artifact URL: expected oci://<registry>/<path>`},
		"artifact tag with two refs": {"artifacts:\n  - url: oci://ghcr.io/acme/app\n    repository: ../app\n    tags:\n      stable: {branch: main, semver: '*'}\n",
			file + `:5:15: artifacts[0].tags.stable needs exactly one of branch, tag and semver`},
		"artifact local folder with a placeholder": {"artifacts:\n  - url: oci://ghcr.io/acme/{repo}\n    repository: ../{repo}\n",
			file + `:3:17: artifacts[0].repository: a local folder cannot have placeholders: map one folder per entry, or give the git URL`},
		"provider inputs not keyed by namespace/name": {"providerInputs:\n  previews: []\n",
			file + `:2:13: providerInputs: "previews" is not <namespace>/<name> of a ResourceSetInputProvider`},
		"incomplete out-of-band object": {"outOfBand:\n  - kind: Secret\n    name: x\n",
			file + `:2:5: outOfBand[0] needs kind, namespace and name`},
		"duplicate key": {"fleet: a\nfleet: b\n",
			file + `:2:1: fleet is set twice (first at line 1)`},
		"syntax": {"sources: [\n",
			file + `:1: not valid YAML: did not find expected node content`},
		"two documents": {"fleet: a\n---\nfleet: b\n",
			file + `:2:1: a second YAML document: the file holds one mapping of settings`},
		"alias to itself": {"branches: &b {staging: *b}\n",
			file + `:1:11: branches.staging: expected a string, got a mapping`},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := Parse([]byte(tc.content), file)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.ErrorIs(t, err, ErrInvalid)
			assert.Equal(t, "invalid configuration "+tc.want, err.Error())
		})
	}
}

// TestMistakesAliasBomb: aliases that would expand a small file into a
// huge one are refused once, not followed.
func TestMistakesAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("crdCharts:\n  a: &l [" + strings.Repeat("x, ", 999) + "x]\n")
	for i := range 200 {
		fmt.Fprintf(&b, "  c%d: *l\n", i)
	}
	_, err := Parse([]byte(b.String()), ".d1lint.yaml")
	require.ErrorIs(t, err, ErrInvalid)
	assert.Regexp(t, `^invalid configuration \.d1lint\.yaml:\d+:\d+: more than 100000 values once aliases are expanded: refused$`, err.Error())
}

// TestMistakesTogether: every mistake of a file is told at once, in the
// order of the file, each line starting with file:line:column.
func TestMistakesTogether(t *testing.T) {
	_, err := Parse([]byte("sourcess: []\nfleetUrl: x\nrules:\n  D1-0404: off\n"), ".d1lint.yaml")
	require.ErrorIs(t, err, ErrInvalid)
	assert.Equal(t, `invalid configuration .d1lint.yaml: 3 mistakes
.d1lint.yaml:1:1: unknown key "sourcess" at the top level; did you mean "sources"?
.d1lint.yaml:2:1: unknown key "fleetUrl" at the top level; did you mean "fleetURL"? (keys are case-sensitive)
.d1lint.yaml:4:12: rules.D1-0404: expected a mapping such as {disabled: true} or {severity: warning}, got the string "off"; to turn the rule off, write D1-0404: {disabled: true}`,
		err.Error())
}

// catalogue stands for the rules package's METADATA.
var catalogue = []finding.Rule{
	{ID: "D1-0101", Dir: "multi-tenancy/lockdown"},
	{ID: "D1-0401", Dir: "substitution/undefined-variable"},
	{ID: "D1-0404", Dir: "substitution/unused-runtime-info"},
}

// TestCheckRules: an id under rules: or in a waiver that names no rule is
// told at its line, with the id likely meant.
func TestCheckRules(t *testing.T) {
	const file = "fleet/.d1lint.yaml"
	for name, tc := range map[string]struct{ content, want string }{
		"lower case": {"rules:\n  d1-0101: {disabled: true}\n",
			file + `:2:3: rules: unknown rule "d1-0101"; did you mean "D1-0101"? (ids are upper case)`},
		"typo": {"rules:\n  D1-0410: {severity: info}\n",
			file + `:2:3: rules: unknown rule "D1-0410"; did you mean "D1-0401"?`},
		"rule name": {"rules:\n  unused-runtime-info: {disabled: true}\n",
			file + `:2:3: rules: unknown rule "unused-runtime-info"; did you mean "D1-0404"? (rules are configured by id)`},
		"nothing close": {"rules:\n  D1-9999: {disabled: true}\n",
			file + `:2:3: rules: unknown rule "D1-9999"; expected a rule id such as D1-0401 (d1lint rules lists them)`},
		"waiver": {"waivers:\n  - rule: D1-0102\n    reason: r\n    owner: o\n    expires: 2026-01-01\n",
			file + `:2:11: waivers[0].rule: unknown rule "D1-0102"; did you mean "D1-0101"?`},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := Parse([]byte(tc.content), file)
			require.NoError(t, err)
			err = c.CheckRules(catalogue, false)
			require.ErrorIs(t, err, ErrInvalid)
			assert.Equal(t, "invalid configuration "+tc.want, err.Error())
		})
	}
	c, err := Parse([]byte("rules:\n  D1-0404: {disabled: true}\n  acme.deny: {severity: info}\n  d1-0999: {disabled: true}\n"), file)
	require.NoError(t, err)
	assert.ErrorContains(t, c.CheckRules(catalogue, false), `unknown rule "acme.deny"`, "without team policies every id must be a rule")
	assert.EqualError(t, c.CheckRules(catalogue, true), "invalid configuration "+file+`:4:3: rules: unknown rule "d1-0999"; expected a rule id such as D1-0401 (d1lint rules lists them)`,
		"with team policies, a team's ids are left alone but not d1lint's")
	var none *Config
	assert.NoError(t, none.CheckRules(catalogue, false))
}

// TestDecodeKinds: every kind of setting the decoder reads, so that a new
// key of any of them needs no decoder change.
func TestDecodeKinds(t *testing.T) {
	var v struct {
		N int    `json:"n"`
		S string `json:"s"`
	}
	d := &decoder{positions: positions{values: map[string]*yaml.Node{}, keys: map[string]*yaml.Node{}}, budget: maxNodes,
		active: map[*yaml.Node]bool{}}
	var doc yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte("n: 12\ns: x\n"), &doc))
	d.value(doc.Content[0], reflect.ValueOf(&v).Elem(), "")
	assert.Empty(t, d.list)
	assert.Equal(t, 12, v.N)
	require.NoError(t, yaml.Unmarshal([]byte("n: twelve\n"), &doc))
	d.value(doc.Content[0], reflect.ValueOf(&v).Elem(), "")
	require.Len(t, d.list, 1)
	assert.Equal(t, `n: expected a whole number, got the string "twelve"`, d.list[0].msg)
}

// TestCheckRulesOfAConfigMadeInCode: without a file, messages name the
// default file and no line.
func TestCheckRulesOfAConfigMadeInCode(t *testing.T) {
	c := &Config{Rules: map[string]RuleSetting{"D1-0102": {Disabled: true}}}
	assert.EqualError(t, c.CheckRules(catalogue, false), `invalid configuration .d1lint.yaml: rules: unknown rule "D1-0102"; did you mean "D1-0101"?`)
}
