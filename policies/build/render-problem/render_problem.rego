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
#   profiles: [d1, generic]
package d1lint.rules.build.render_problem

import data.d1lint.lib.problem
import data.d1lint.lib.result
import data.d1lint.lib.tenancy

report contains result.fail(rego.metadata.chain(), problem.details(p)) if {
	some p in input.cluster.problems
	not p.warning
	not reported_elsewhere(p)
}

# reported_elsewhere are the problems a rule of their own reports: a
# missing substituteFrom object (D1-0403), a limitation of d1lint (D1-0004),
# and a tenant's sourceRef refused under lockdown (D1-0106, which names the
# reference).
reported_elsewhere(p) if p.kind in {"missing-substitute-from", "not-rendered", "chart-missing", "chart-values"}

reported_elsewhere(p) if {
	p.kind == "refused-reference"
	not tenancy.privileged(split(p.kustomization, "/")[0])
}
