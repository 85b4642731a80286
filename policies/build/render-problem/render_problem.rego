# METADATA
# title: Part of the cluster cannot be rendered
# description: |
#   d1lint builds every cluster offline the way Flux would. A problem that
#   stops part of that build (invalid YAML, a missing or escaping path, a
#   remote base, a cycle, a source that cannot be resolved, a substitution
#   that fails) would stop Flux too, and leaves the objects behind it
#   unchecked.
# custom:
#   id: D1-0001
#   category: build
#   severity: error
#   remediation: Fix the file named in the message; Flux would fail to reconcile it as well.
package d1lint.rules.build.render_problem

import data.d1lint.lib.result

report contains result.fail(rego.metadata.chain(), {
	"location": object.get(p, "location", null),
	"message": p.reason,
}) if {
	some p in input.cluster.problems
	not p.warning
	not reported_elsewhere[p.kind]
}

# reported_elsewhere are the problem kinds a rule of their own reports:
# a missing substituteFrom object is D1-0403's.
reported_elsewhere contains "missing-substitute-from"
