# METADATA
# title: Substitution operator that Flux reads otherwise than the shell
# description: |
#   Flux's postBuild substitution (github.com/fluxcd/pkg/envsubst) parses
#   ${VAR:+word} and ${VAR:?word} but evaluates both as ${VAR:-word}: the
#   value of VAR, or word when VAR is unset or empty. So ${VAR:+word} is
#   not the shell's alternate value (word only when VAR is set), and
#   ${VAR:?message} never fails the build, not even with strict
#   substitution (the StrictPostBuildSubstitutions feature gate): where VAR
#   is missing the message itself becomes the field's value. Forms envsubst
#   cannot parse at all (${VAR-word}, ${VAR+word}, ${VAR?word}, ${!VAR},
#   arrays) fail the Kustomization and are reported by D1-0001.
# custom:
#   id: D1-0405
#   category: substitution
#   severity: warning
#   remediation: Write ${VAR:-default} (or ${VAR:=default}) when a default is meant; to require a variable, reference it as ${VAR} and define it for every cluster (D1-0401 reports one that lacks it).
#   profiles: [d1, generic]
package d1lint.rules.substitution.shell_operator

import data.d1lint.lib.result

# envsubst v1.8.0, funcs.go lookupFunc: ":?", ":+", "-" and "+" return
# toDefault, the value when it is not empty, else the arguments joined;
# template.go evalFunc: isDefaultOp exempts all of them from strict mode's
# "variable not set". ("-", "+" and "?" never reach it: parse.go parseFunc
# has no rule for them after a name, so they fail to parse.)
#
# Only references Flux substitutes: elsewhere the text stays literal
# (D1-0402 is about that).
report contains result.fail(rego.metadata.chain(), result.with_field(
	{
		"object": v.object,
		"location": v.location,
		"message": sprintf("%s %s: %s in %s: %s; %s", [
			v.object.kind, object_name(v.object), v.expression, v.field,
			reading[v.operator], consequence(v),
		]),
	},
	object.get(v, "path", null),
)) if {
	some v in input.cluster.variables
	v.substituted
	reading[object.get(v, "operator", "")]
}

reading := {
	":+": "Flux's envsubst reads :+ as :- (the value, or the word after :+ when the variable is unset or empty), not as the shell's alternate value",
	":?": "Flux's envsubst never fails on :?, not even with strict substitution: it substitutes the value, or the message after :? when the variable is unset or empty",
}

# consequence says what Flux makes of the reference on this cluster.
consequence(v) := sprintf("%s is defined for cluster %s (Kustomization %s), so Flux substitutes its value, not %q (the word only if the value is empty)", [
	v.name, input.cluster.name, v.kustomization, word(v),
]) if {
	v.operator == ":+"
	v.status == "resolved"
}

consequence(v) := sprintf("%s is not defined for cluster %s (Kustomization %s), so Flux substitutes %q, where the shell gives an empty string", [
	v.name, input.cluster.name, v.kustomization, word(v),
]) if {
	v.operator == ":+"
	v.status != "resolved"
}

consequence(v) := sprintf("%s is defined for cluster %s (Kustomization %s), but nothing stops a cluster without it (or with it empty)", [
	v.name, input.cluster.name, v.kustomization,
]) if {
	v.operator == ":?"
	v.status == "resolved"
}

consequence(v) := sprintf("%s is not defined for cluster %s (Kustomization %s), so Flux applies the text %q as the value", [
	v.name, input.cluster.name, v.kustomization, word(v),
]) if {
	v.operator == ":?"
	v.status != "resolved"
}

# word is the expression's argument (a nested reference shows as "…").
word(v) := trim_suffix(trim_prefix(v.expression, concat("", ["${", v.name, v.operator])), "}")

object_name(o) := concat("/", [o.namespace, o.name]) if o.namespace != ""

object_name(o) := o.name if object.get(o, "namespace", "") == ""
