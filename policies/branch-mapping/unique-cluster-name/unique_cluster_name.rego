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
#   scope: fleet
package d1lint.rules.branch_mapping.unique_cluster_name

import data.d1lint.lib.result

# A fleet-scoped rule: it reads every cluster's digest, once per run.
report contains result.fail(rego.metadata.chain(), result.fleet_runtime_info_details(
	c,
	"CLUSTER_NAME",
	sprintf("cluster %s has CLUSTER_NAME %q, as does cluster %s", [c.name, name, other]),
)) if {
	some c in input.fleet.clusters
	name := c.runtimeInfo.CLUSTER_NAME
	some other in named[name]
	other != c.name
}

# named are the clusters' names by their CLUSTER_NAME, computed once per
# evaluation: comparing every pair of clusters would cost a thousand-cluster
# fleet a million comparisons.
named[name] contains c.name if {
	some c in input.fleet.clusters
	name := c.runtimeInfo.CLUSTER_NAME
}
