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
