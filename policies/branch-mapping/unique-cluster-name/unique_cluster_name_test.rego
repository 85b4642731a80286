package d1lint.rules.branch_mapping.unique_cluster_name_test

import data.d1lint.rules.branch_mapping.unique_cluster_name

loc := {"repo": "r", "path": "clusters/b/runtime-info.yaml", "line": 1}

test_duplicate_name if {
	r := unique_cluster_name.report with input as {
		"cluster": {"name": "b", "runtimeInfo": {"CLUSTER_NAME": "eu"}, "runtimeInfoLocation": loc},
		"fleet": {"clusters": [
			{"name": "a", "runtimeInfo": {"CLUSTER_NAME": "eu"}},
			{"name": "b", "runtimeInfo": {"CLUSTER_NAME": "eu"}},
		]},
	}
	r == {{
		"rule": "D1-0202",
		"title": "Two clusters share a CLUSTER_NAME",
		"category": "branch-mapping",
		"severity": "error",
		"location": loc,
		"message": "cluster b has CLUSTER_NAME \"eu\", as does cluster a",
	}}
}

test_unique_names if {
	count(unique_cluster_name.report) == 0 with input as {
		"cluster": {"name": "b", "runtimeInfo": {"CLUSTER_NAME": "us"}, "runtimeInfoLocation": loc},
		"fleet": {"clusters": [{"name": "a", "runtimeInfo": {"CLUSTER_NAME": "eu"}}, {"name": "b", "runtimeInfo": {"CLUSTER_NAME": "us"}}]},
	}
}

# With the runtime-info ConfigMap in the render, the finding is about it, at
# the CLUSTER_NAME key.
test_names_the_key if {
	cm := {"apiVersion": "v1", "kind": "ConfigMap", "namespace": "flux-system", "name": "flux-runtime-info", "location": loc, "chain": ["flux-system/flux-system"]}
	r := unique_cluster_name.report with input as {
		"cluster": {"name": "b", "runtimeInfo": {"CLUSTER_NAME": "eu"}, "runtimeInfoLocation": loc, "objects": [cm]},
		"fleet": {"clusters": [{"name": "a", "runtimeInfo": {"CLUSTER_NAME": "eu"}}, {"name": "b", "runtimeInfo": {"CLUSTER_NAME": "eu"}}]},
	}
	[[f.object.name, f.field] | some f in r] == [["flux-runtime-info", ["data", "CLUSTER_NAME"]]]
}
