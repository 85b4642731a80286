# METADATA
# title: Absence not verified on a partly rendered cluster
# description: |
#   Some rules conclude that something is missing: a Kustomization that
#   dependsOn names, the object a substituteFrom entry reads, what installs
#   a custom resource's CRD, a use of a runtime-info key, the Secret a
#   source authenticates with. When part of the cluster was not rendered,
#   the missing part could provide it, so d1lint does not claim it is
#   missing: those rules are not verified on that cluster, and this finding
#   says so once, naming what was not rendered.
#   The root cause is reported on its own (D1-0001).
# custom:
#   id: D1-0003
#   category: build
#   severity: info
#   remediation: Fix or map what was not rendered (the D1-0001 findings of the cluster); the rules that conclude absence then run on the whole cluster.
#   profiles: [d1, generic]
package d1lint.rules.build.unverified_absence

import data.d1lint.lib.completeness
import data.d1lint.lib.result

report contains result.fail(rego.metadata.chain(), {
	"location": object.get(first, "location", null),
	"message": sprintf("cluster %s was not fully rendered (%s), so the rules that conclude something is missing are not verified on it: %s", [
		input.cluster.name, what, concat(", ", sort([id | some id, _ in completeness.absence_rules])),
	]),
}) if {
	not completeness.complete
	parts := [part(g) | some g in completeness.gaps]
	first := completeness.gaps[0]
	what := summary(parts)
}

part(g) := sprintf("%s: %s", [g.kustomization, g.reason]) if g.kustomization != ""

part(g) := g.reason if object.get(g, "kustomization", "") == ""

# summary names the first part not rendered and how many more there are.
summary(parts) := parts[0] if count(parts) == 1

summary(parts) := sprintf("%s, and %d more", [parts[0], count(parts) - 1]) if count(parts) > 1
