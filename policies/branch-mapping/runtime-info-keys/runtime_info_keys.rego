# METADATA
# title: Runtime-info lacks a key other clusters define
# description: |
#   Manifests shared by the whole fleet substitute runtime-info keys. A key
#   that some clusters define and this one lacks becomes an empty string (or
#   its default) here only, which is rarely intended. Every cluster's
#   runtime-info should define the same keys.
# custom:
#   id: D1-0203
#   category: branch-mapping
#   severity: warning
#   remediation: Add the key to this cluster's runtime-info, or remove it from the other clusters if it is no longer used.
#   profiles: [d1]
package d1lint.rules.branch_mapping.runtime_info_keys

import data.d1lint.lib.result

# The finding is about the runtime-info ConfigMap, at its data, where the
# key is to be added.
report contains result.fail(rego.metadata.chain(), result.runtime_info_field_details(
	["data"],
	sprintf("runtime-info of cluster %s lacks %s, which cluster(s) %s define; add it here so shared manifests get a value", [
		input.cluster.name, key, concat(", ", sort(holders(key))),
	]),
)) if {
	count(object.get(input.cluster, "runtimeInfo", {})) > 0
	some other in input.fleet.clusters
	other.name != input.cluster.name
	some key, _ in object.get(other, "runtimeInfo", {})
	not has_key(input.cluster.runtimeInfo, key)
}

has_key(info, key) if _ = info[key]

holders(key) := {c.name |
	some c in input.fleet.clusters
	c.name != input.cluster.name
	has_key(object.get(c, "runtimeInfo", {}), key)
}
