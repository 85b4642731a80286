# METADATA
# title: Part of the cluster is beyond what d1lint renders
# description: |
#   Some of what Flux applies comes from sources d1lint does not read yet,
#   such as an OCIRepository or a Bucket, whose artifacts source-controller
#   downloads and d1lint, which never touches the network, cannot. That is
#   a limitation of d1lint, not a mistake in the fleet, so it is a warning
#   rather than an error. The part is not checked, and the rules that
#   conclude something is missing are not verified on the cluster (D1-0003).
#   The check still fails on an incomplete render unless incomplete renders
#   are accepted (--accept-incomplete, or acceptIncomplete in .d1lint.yaml).
# custom:
#   id: D1-0004
#   category: build
#   severity: warning
#   remediation: Nothing is wrong in the fleet. Accept incomplete renders for these clusters (--accept-incomplete or acceptIncomplete in .d1lint.yaml), or move the content to a git source d1lint can read.
#   profiles: [d1, generic]
package d1lint.rules.build.not_rendered

import data.d1lint.lib.problem
import data.d1lint.lib.result

report contains result.fail(rego.metadata.chain(), problem.details(p)) if {
	some p in input.cluster.problems
	p.kind == "not-rendered"
}
