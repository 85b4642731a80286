# METADATA
# title: Runtime-info key is never used
# description: |
#   Every key of a cluster's runtime-info ConfigMap is a variable offered to
#   postBuild substitution. A key that no object of the cluster references
#   (no ${KEY} anywhere in what Flux applies) is dead configuration, or a
#   sign that a manifest spells the variable differently. Clusters where no
#   Kustomization substitutes from runtime-info are not judged.
# custom:
#   id: D1-0404
#   category: substitution
#   severity: info
#   remediation: Remove the key from runtime-info, or reference it as ${KEY} where it was meant to be used (check the spelling).
#   profiles: [d1]
package d1lint.rules.substitution.unused_runtime_info

import data.d1lint.lib.completeness
import data.d1lint.lib.result

# The finding is at the key's line of the cluster's runtime-info.
report contains result.fail(rego.metadata.chain(), result.runtime_info_details(key, sprintf(
	"runtime-info key %s of cluster %s is not referenced by any object of the cluster; remove it, or use it as ${%s}",
	[key, input.cluster.name, key],
))) if {
	completeness.complete
	substituted_from_runtime_info
	some key, _ in input.cluster.runtimeInfo
	not used[key]
}

# A cluster none of whose Kustomizations substitutes from runtime-info (a
# cluster folder without tenants yet) is not judged key by key.
substituted_from_runtime_info if {
	some k in input.cluster.kustomizations
	some ref in k.postBuild.substituteFrom
	ref.kind == "ConfigMap"
	ref.name == "flux-runtime-info"
}

# used is one set for the cluster (a comprehension is evaluated once, where
# a partial rule queried by key would walk the variables for each key).
used := {v.name | some v in input.cluster.variables}
