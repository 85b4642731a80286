package d1lint.rules.branch_mapping.runtime_info_keys_test

import data.d1lint.rules.branch_mapping.runtime_info_keys

loc := {"repo": "github.com/acme/fleet", "branch": "main", "path": "clusters/prod-us/runtime-info.yaml", "line": 2}

fleet := {"clusters": [
	{"name": "staging", "runtimeInfo": {"ENVIRONMENT": "staging", "REGION": "eu", "TIER": "a"}},
	{"name": "prod-eu", "runtimeInfo": {"ENVIRONMENT": "production", "REGION": "eu"}},
	{"name": "prod-us", "runtimeInfo": {"ENVIRONMENT": "production"}},
	{"name": "sandbox"},
]}

test_missing_keys if {
	r := runtime_info_keys.report with input as {"fleet": fleet, "cluster": {
		"name": "prod-us", "runtimeInfoLocation": loc,
		"runtimeInfo": {"ENVIRONMENT": "production"},
	}}
	r == {
		{
			"rule": "D1-0203",
			"title": "Runtime-info lacks a key other clusters define",
			"category": "branch-mapping",
			"severity": "warning",
			"location": loc,
			"message": "runtime-info of cluster prod-us lacks REGION, which cluster(s) prod-eu, staging define; add it here so shared manifests get a value",
		},
		{
			"rule": "D1-0203",
			"title": "Runtime-info lacks a key other clusters define",
			"category": "branch-mapping",
			"severity": "warning",
			"location": loc,
			"message": "runtime-info of cluster prod-us lacks TIER, which cluster(s) staging define; add it here so shared manifests get a value",
		},
	}
}

test_superset_is_fine if {
	count(runtime_info_keys.report) == 0 with input as {"fleet": fleet, "cluster": {
		"name": "staging", "runtimeInfoLocation": loc,
		"runtimeInfo": {"ENVIRONMENT": "staging", "REGION": "eu", "TIER": "a"},
	}}
}

test_cluster_without_runtime_info_is_not_judged_here if {
	count(runtime_info_keys.report) == 0 with input as {"fleet": fleet, "cluster": {"name": "sandbox"}}
}

# With the runtime-info ConfigMap in the render, the finding is about it, at
# its data, where the key is to be added.
test_names_the_data if {
	l := {"repo": "r", "path": "clusters/b/runtime-info.yaml", "line": 1}
	cm := {"apiVersion": "v1", "kind": "ConfigMap", "namespace": "flux-system", "name": "flux-runtime-info", "location": l}
	r := runtime_info_keys.report with input as {
		"cluster": {"name": "b", "runtimeInfo": {"CLUSTER_NAME": "b"}, "runtimeInfoLocation": l, "objects": [cm]},
		"fleet": {"clusters": [{"name": "a", "runtimeInfo": {"CLUSTER_NAME": "a", "REPLICAS": "2"}}, {"name": "b", "runtimeInfo": {"CLUSTER_NAME": "b"}}]},
	}
	[[f.object.name, f.field] | some f in r] == [["flux-runtime-info", ["data"]]]
}
