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
#   scope: fleet
package d1lint.rules.branch_mapping.runtime_info_keys

import data.d1lint.lib.result

# A fleet-scoped rule: it reads every cluster's digest, once per run. The
# finding is about the runtime-info ConfigMap, at its data, where the key
# is to be added.
report contains result.fail(rego.metadata.chain(), result.fleet_runtime_info_field_details(
	c,
	["data"],
	sprintf("runtime-info of cluster %s lacks %s, which cluster(s) %s define; add it here so shared manifests get a value", [
		c.name, key, concat(", ", sort(others)),
	]),
)) if {
	some c in input.fleet.clusters
	count(object.get(c, "runtimeInfo", {})) > 0
	some key, names in holders
	not has_key(c.runtimeInfo, key)
	others := names - {c.name}
	count(others) > 0
}

has_key(info, key) if _ = info[key]

# holders are the names of the clusters whose runtime-info defines each
# key, computed once per evaluation.
holders[key] contains c.name if {
	some c in input.fleet.clusters
	some key, _ in object.get(c, "runtimeInfo", {})
}
