package d1lint.rules.branch_mapping.runtime_info_keys_test

import data.d1lint.rules.branch_mapping.runtime_info_keys

loc := {"repo": "github.com/acme/fleet", "branch": "main", "path": "clusters/prod-us/runtime-info.yaml", "line": 2}

fleet := {"clusters": [
	{"name": "staging", "runtimeInfo": {"ENVIRONMENT": "staging", "REGION": "eu", "TIER": "a"}},
	{"name": "prod-eu", "runtimeInfo": {"ENVIRONMENT": "production", "REGION": "eu"}},
	{"name": "prod-us", "runtimeInfo": {"ENVIRONMENT": "production"}, "runtimeInfoLocation": loc},
	{"name": "sandbox"},
]}

test_missing_keys if {
	r := runtime_info_keys.report with input as {"fleet": fleet}
	r == {
		{
			"rule": "D1-0203",
			"title": "Runtime-info lacks a key other clusters define",
			"category": "branch-mapping",
			"severity": "warning",
			"cluster": "prod-us",
			"location": loc,
			"message": "runtime-info of cluster prod-us lacks REGION, which cluster(s) prod-eu, staging define; add it here so shared manifests get a value",
		},
		{
			"rule": "D1-0203",
			"title": "Runtime-info lacks a key other clusters define",
			"category": "branch-mapping",
			"severity": "warning",
			"cluster": "prod-us",
			"location": loc,
			"message": "runtime-info of cluster prod-us lacks TIER, which cluster(s) staging define; add it here so shared manifests get a value",
		},
		{
			"rule": "D1-0203",
			"title": "Runtime-info lacks a key other clusters define",
			"category": "branch-mapping",
			"severity": "warning",
			"cluster": "prod-eu",
			"location": null,
			"message": "runtime-info of cluster prod-eu lacks TIER, which cluster(s) staging define; add it here so shared manifests get a value",
		},
	}
}

# A cluster without runtime-info is not judged here (D1-0201's concern),
# and a cluster that holds every key is fine.
test_superset_and_absent_are_fine if {
	r := runtime_info_keys.report with input as {"fleet": fleet}
	every f in r {
		not f.cluster in {"staging", "sandbox"}
	}
}

# Clusters that share a name do not count as each other's holders.
test_same_name_is_not_another_cluster if {
	count(runtime_info_keys.report) == 0 with input as {"fleet": {"clusters": [
		{"name": "a", "runtimeInfo": {"ENVIRONMENT": "staging", "REGION": "eu"}},
		{"name": "a", "runtimeInfo": {"ENVIRONMENT": "staging"}},
	]}}
}

# With the runtime-info ConfigMap in the digest, the finding is about it,
# at its data, where the key is to be added.
test_names_the_data if {
	l := {"repo": "r", "path": "clusters/b/runtime-info.yaml", "line": 1}
	dl := {"repo": "r", "path": "clusters/b/runtime-info.yaml", "line": 8}
	cm := {"apiVersion": "v1", "kind": "ConfigMap", "namespace": "flux-system", "name": "flux-runtime-info", "location": l, "chain": []}
	r := runtime_info_keys.report with input as {"fleet": {"clusters": [
		{"name": "a", "runtimeInfo": {"CLUSTER_NAME": "a", "REPLICAS": "2"}},
		{"name": "b", "runtimeInfo": {"CLUSTER_NAME": "b"}, "runtimeInfoLocation": l, "runtimeInfoObject": cm, "runtimeInfoFields": {"data": dl}},
	]}}
	[[f.cluster, f.object.name, f.field, f.location] | some f in r] == [["b", "flux-runtime-info", ["data"], dl]]
}
