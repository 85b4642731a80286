# METADATA
# title: Variable is not defined for this cluster
# description: |
#   Flux's postBuild substitution replaces a variable that no substituteFrom
#   source and no inline substitute defines with the empty string, silently:
#   the object reaches the cluster with an empty field. The variable must be
#   defined for every cluster that applies the object, or carry a default.
# custom:
#   id: D1-0401
#   category: substitution
#   severity: error
#   remediation: Define the variable in the cluster's runtime-info (or another substituteFrom source), or give it a default with ${VAR:=value}.
#   profiles: [d1, generic]
package d1lint.rules.substitution.undefined_variable

import data.d1lint.lib.result

# The finding names the field holding the reference (v.path), so that
# d1lint points at its line.
report contains result.fail(rego.metadata.chain(), result.with_field(
	{
		"object": v.object,
		"location": v.location,
		"message": sprintf("%s %s: %s in %s is not defined for cluster %s (Kustomization %s) and becomes an empty string", [
			v.object.kind, object_name(v.object), v.expression, v.field, input.cluster.name, v.kustomization,
		]),
	},
	object.get(v, "path", null),
)) if {
	some v in input.cluster.variables
	v.status == "undefined"
}

object_name(o) := concat("/", [o.namespace, o.name]) if o.namespace != ""

object_name(o) := o.name if object.get(o, "namespace", "") == ""
