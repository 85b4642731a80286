// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/model"
)

// varsConfigMap defines DEFINED (and, when empty is set, EMPTY as "").
const varsConfigMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: vars
  namespace: flux-system
data:
  DEFINED: value
  EMPTY: ""
`

const substituteFromVars = `  postBuild:
    substituteFrom:
      - kind: ConfigMap
        name: vars
`

// TestVariableOperators: each reference carries its envsubst operator, and
// the substituted object shows what Flux's envsubst (v1.8.0, funcs.go
// lookupFunc) makes of the operators the shell reads otherwise: ":+" and
// ":?" are toDefault, like ":-" (the value, or the argument when the
// value is unset or empty), so ${X:+enabled} is not the shell's alternate value
// and ${X:?message} never fails.
func TestVariableOperators(t *testing.T) {
	dir := writeFleet(t, map[string]string{
		"clusters/one/vars.yaml": varsConfigMap,
		"clusters/one/app.yaml":  fluxKustomization("app", "./apps/app", substituteFromVars),
		"apps/app/settings.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: default
data:
  plain: ${DEFINED}
  assign: ${UNSET:=fallback}
  alternateSet: ${DEFINED:+enabled}
  alternateEmpty: ${EMPTY:+enabled}
  alternateUnset: ${UNSET:+enabled}
  requiredSet: ${DEFINED:?must be set}
  requiredUnset: ${UNSET:?must be set}
  length: ${#DEFINED}
  upper: ${DEFINED^^}
  trim: ${DEFINED#val}
`,
	})
	c := cluster(t, renderOpts(t, Options{FleetPath: dir}), "one")
	require.Empty(t, c.Problems)
	ops := map[string]string{}
	for _, v := range c.Variables {
		ops[v.Field] = v.Operator
	}
	assert.Equal(t, map[string]string{
		"data.plain": "", "data.assign": ":=", "data.alternateSet": ":+", "data.alternateEmpty": ":+", "data.alternateUnset": ":+",
		"data.requiredSet": ":?", "data.requiredUnset": ":?", "data.length": "#", "data.upper": "^^", "data.trim": "#",
	}, ops)

	settings := object(c, "ConfigMap", "default", "settings")
	require.NotNil(t, settings)
	got := map[string]string{}
	for k, v := range settings.Object["data"].(map[string]any) {
		got[k] = fmt.Sprint(v) // the length is a YAML number once substituted
	}
	assert.Equal(t, map[string]string{
		"plain": "value", "assign": "fallback",
		"alternateSet": "value", "alternateEmpty": "enabled", "alternateUnset": "enabled",
		"requiredSet": "value", "requiredUnset": "must be set",
		"length": "5", "upper": "VALUE", "trim": "ue",
	}, got)
}

// TestUnsupportedSyntaxAtItsField: a shell expansion Flux's envsubst parser
// has no rule for fails the Kustomization; the problem is at the line of
// the field that holds it, and says what to write instead.
func TestUnsupportedSyntaxAtItsField(t *testing.T) {
	for expr, want := range map[string]string{
		"${UNSET-fallback}": "${UNSET-...} (without a colon) is not supported by Flux's envsubst: write ${UNSET:-...} or ${UNSET:=...}",
		"${UNSET+on}":       "${UNSET+...} is not supported by Flux's envsubst (and it reads ${UNSET:+...} as ${UNSET:-...})",
		"${UNSET?message}":  "${UNSET?...} is not supported by Flux's envsubst (and ${UNSET:?...} never fails: it substitutes the message)",
		"a ${!DEFINED}":     "indirect references (${!VAR}) are not supported by Flux's envsubst",
		"${LIST[0]}":        "arrays (${LIST[...]}) are not supported by Flux's envsubst",
		"${DEFINED@Q}":      "${DEFINED@...} transformations are not supported by Flux's envsubst",
	} {
		t.Run(expr, func(t *testing.T) {
			dir := writeFleet(t, map[string]string{
				"clusters/one/vars.yaml": varsConfigMap,
				"clusters/one/app.yaml":  fluxKustomization("app", "./apps/app", substituteFromVars),
				"apps/app/settings.yaml": "# Settings.\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  fine: ${DEFINED}\n  broken: \"$${escaped-too} " + expr + "\"\n",
			})
			c := cluster(t, renderOpts(t, Options{FleetPath: dir}), "one")
			k := kustomization(c, "flux-system/app")
			require.NotNil(t, k)
			assert.Equal(t, model.StatusFailed, k.Status)
			probs := hardProblems(c)
			require.Len(t, probs, 1)
			p := probs[0]
			assert.Equal(t, model.ProblemSubstitution, p.Kind)
			assert.Equal(t, "flux-system/app", p.Kustomization)
			require.NotNil(t, p.Location)
			assert.Equal(t, "apps/app/settings.yaml", p.Location.Path)
			assert.Equal(t, 9, p.Location.Line, "the line of data.broken")
			assert.Contains(t, p.Reason, "apps/app/settings.yaml: ConfigMap settings: field data.broken: ")
			assert.Contains(t, p.Reason, want)
		})
	}
}

// TestUnparsableWithoutVariables: with no variable defined at all (an
// optional substituteFrom that does not exist, no substitute),
// SubstituteVariables never runs envsubst, so text it cannot parse stays
// as written and fails nothing.
func TestUnparsableWithoutVariables(t *testing.T) {
	dir := writeFleet(t, map[string]string{
		"clusters/one/app.yaml": fluxKustomization("app", "./apps/app", `  postBuild:
    substituteFrom:
      - kind: ConfigMap
        name: absent
        optional: true
`),
		"apps/app/script.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: script\n  namespace: default\ndata:\n  run.sh: for x in \"${a[@]}\"; do echo $x; done\n",
	})
	c := cluster(t, renderOpts(t, Options{FleetPath: dir}), "one")
	require.Empty(t, hardProblems(c))
	k := kustomization(c, "flux-system/app")
	require.NotNil(t, k)
	assert.Equal(t, model.StatusRendered, k.Status, k.Reason)
	script := object(c, "ConfigMap", "default", "script")
	require.NotNil(t, script)
	assert.Equal(t, "for x in \"${a[@]}\"; do echo $x; done", script.Object["data"].(map[string]any)["run.sh"])
}
