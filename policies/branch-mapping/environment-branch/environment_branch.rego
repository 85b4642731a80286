# METADATA
# title: Cluster follows the wrong branch for its environment
# description: |
#   A cluster reads d1-infra and d1-apps at the GIT_BRANCH of its
#   runtime-info, and picks overlays with ENVIRONMENT. The two must agree
#   through the environment-to-branch mapping (d1: staging follows main,
#   production follows production); a production cluster following main
#   ships unreleased changes to production.
# custom:
#   id: D1-0201
#   category: branch-mapping
#   severity: error
#   remediation: Set GIT_BRANCH in the cluster's runtime-info to the branch its ENVIRONMENT maps to (see .d1lint.yaml branches).
#   profiles: [d1]
package d1lint.rules.branch_mapping.environment_branch

import data.d1lint.lib.result

# The finding is at the GIT_BRANCH line of the cluster's runtime-info.
report contains result.fail(rego.metadata.chain(), result.runtime_info_details("GIT_BRANCH", sprintf(
	"cluster %s is a %s cluster but follows branch %q; %s clusters follow %q",
	[input.cluster.name, env, branch, env, want],
))) if {
	env := input.cluster.runtimeInfo.ENVIRONMENT
	branch := input.cluster.runtimeInfo.GIT_BRANCH
	want := input.config.branches[env]
	branch != want
}
