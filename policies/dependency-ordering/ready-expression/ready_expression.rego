# METADATA
# title: ResourceSet readiness expression does not parse
# description: |
#   A Flux Operator ResourceSet waits for each spec.dependsOn entry before
#   it generates anything; with ready: true and a readyExpr, the dependency
#   counts as ready only when the CEL expression holds on it. An expression
#   that does not parse never holds: the operator reports an error and the
#   ResourceSet, with every tenant it generates, never reconciles. d1lint
#   parses each readyExpr with cel-go, the CEL implementation the operator
#   uses.
# custom:
#   id: D1-0306
#   category: dependency-ordering
#   severity: error
#   remediation: Fix the CEL expression (for example status.conditions.filter(c, c.type == 'Ready').all(c, c.status == 'True')), or drop readyExpr to rely on the object's Ready condition.
#   profiles: [d1, generic]
package d1lint.rules.dependency_ordering.ready_expression

import data.d1lint.lib.applied
import data.d1lint.lib.result

report contains result.fail(rego.metadata.chain(), result.object_field_details(o, ["spec", "dependsOn", sprintf("%d", [i]), "readyExpr"], sprintf(
	"ResourceSet %s/%s waits for %s %s until %q holds, which is not valid CEL: %s; the ResourceSet never reconciles",
	[rs.namespace, rs.name, d.kind, d.name, d.readyExpr, d.exprError],
))) if {
	some rs in object.get(input.cluster, "resourceSets", [])
	some i, d in object.get(rs, "dependsOn", [])
	object.get(d, "exprError", "") != ""
	some o in applied.of_kind("ResourceSet")
	o.namespace == rs.namespace
	o.name == rs.name
}
