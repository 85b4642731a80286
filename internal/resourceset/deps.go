// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package resourceset

import (
	"sync"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/ext"
)

// celEnv is the CEL environment Flux Operator parses readyExpr in
// (fluxcd/pkg/runtime/cel NewExpression without options): homogeneous
// aggregate literals, UTC default time zone, cross-type numeric
// comparisons, optional types and the strings, sets and encoders
// extensions. The expression is only parsed, not type-checked, there: the
// referred object's fields (metadata, spec, status, data, ...) are its
// top-level variables (Flux Operator docs, ResourceSet, "CEL readiness
// expressions"), unknown until evaluation.
var celEnv = sync.OnceValues(func() (*cel.Env, error) {
	return cel.NewEnv(
		cel.HomogeneousAggregateLiterals(),
		cel.EagerlyValidateDeclarations(true),
		cel.DefaultUTCTimeZone(true),
		cel.CrossTypeNumericComparisons(true),
		cel.OptionalTypes(),
		ext.Strings(),
		ext.Sets(),
		ext.Encoders(),
	)
})

// dependencies reads spec.dependsOn (Flux Operator docs, ResourceSet,
// "Dependency management") and parses each readyExpr.
func dependencies(v any) []Dependency {
	list, _ := v.([]any)
	var deps []Dependency
	for _, e := range list {
		m, _ := e.(map[string]any)
		var d Dependency
		d.APIVersion, _ = m["apiVersion"].(string)
		d.Kind, _ = m["kind"].(string)
		d.Name, _ = m["name"].(string)
		d.Namespace, _ = m["namespace"].(string)
		d.Ready, _ = m["ready"].(bool)
		d.ReadyExpr, _ = m["readyExpr"].(string)
		// The operator parses readyExpr only with ready: true (it "requires
		// ready: true" and is otherwise ignored); a syntax error is worth
		// reporting either way, so every non-empty expression is parsed.
		if d.ReadyExpr != "" {
			d.ExprError = parseCEL(d.ReadyExpr)
		}
		deps = append(deps, d)
	}
	return deps
}

// parseCEL returns the CEL parse error of expr, "" when it parses.
func parseCEL(expr string) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = "CEL parser failed"
		}
	}()
	env, err := celEnv()
	if err != nil {
		return "CEL environment: " + err.Error()
	}
	if _, issues := env.Parse(expr); issues != nil && issues.Err() != nil {
		return issues.String()
	}
	return ""
}
