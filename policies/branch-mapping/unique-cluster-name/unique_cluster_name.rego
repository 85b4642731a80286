# METADATA
# title: Two clusters share a CLUSTER_NAME
# description: |
#   CLUSTER_NAME in runtime-info names the cluster in every manifest that
#   substitutes it (metrics labels, DNS names, alert routing). Two clusters
#   with the same name report as one and overwrite each other's records.
# custom:
#   id: D1-0202
#   category: branch-mapping
#   severity: error
#   remediation: Give every cluster's runtime-info a CLUSTER_NAME of its own.
#   profiles: [d1]
package d1lint.rules.branch_mapping.unique_cluster_name

import data.d1lint.lib.result

report contains result.fail(rego.metadata.chain(), result.runtime_info_details(
	"CLUSTER_NAME",
	sprintf("cluster %s has CLUSTER_NAME %q, as does cluster %s", [input.cluster.name, name, other.name]),
)) if {
	name := input.cluster.runtimeInfo.CLUSTER_NAME
	some other in input.fleet.clusters
	other.name != input.cluster.name
	other.runtimeInfo.CLUSTER_NAME == name
}
