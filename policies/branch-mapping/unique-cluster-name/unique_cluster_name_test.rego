package d1lint.rules.branch_mapping.unique_cluster_name_test

import data.d1lint.rules.branch_mapping.unique_cluster_name

loc := {"repo": "r", "path": "clusters/b/runtime-info.yaml", "line": 1}

test_duplicate_name if {
	r := unique_cluster_name.report with input as {"fleet": {"clusters": [
		{"name": "a", "runtimeInfo": {"CLUSTER_NAME": "eu"}},
		{"name": "b", "runtimeInfo": {"CLUSTER_NAME": "eu"}, "runtimeInfoLocation": loc},
	]}}
	r == {
		{
			"rule": "D1-0202",
			"title": "Two clusters share a CLUSTER_NAME",
			"category": "branch-mapping",
			"severity": "error",
			"cluster": "a",
			"location": null,
			"message": "cluster a has CLUSTER_NAME \"eu\", as does cluster b",
		},
		{
			"rule": "D1-0202",
			"title": "Two clusters share a CLUSTER_NAME",
			"category": "branch-mapping",
			"severity": "error",
			"cluster": "b",
			"location": loc,
			"message": "cluster b has CLUSTER_NAME \"eu\", as does cluster a",
		},
	}
}

test_unique_names if {
	count(unique_cluster_name.report) == 0 with input as {"fleet": {"clusters": [
		{"name": "a", "runtimeInfo": {"CLUSTER_NAME": "eu"}},
		{"name": "b", "runtimeInfo": {"CLUSTER_NAME": "us"}},
		{"name": "c"},
	]}}
}

# Three clusters with one name: each finding names one other cluster.
test_three_clusters if {
	r := unique_cluster_name.report with input as {"fleet": {"clusters": [
		{"name": "a", "runtimeInfo": {"CLUSTER_NAME": "eu"}},
		{"name": "b", "runtimeInfo": {"CLUSTER_NAME": "eu"}},
		{"name": "c", "runtimeInfo": {"CLUSTER_NAME": "eu"}},
	]}}
	count(r) == 6
}

# With the runtime-info ConfigMap in the digest, the finding is about it,
# at the line the digest located for the CLUSTER_NAME key.
test_names_the_key if {
	cm := {"apiVersion": "v1", "kind": "ConfigMap", "namespace": "flux-system", "name": "flux-runtime-info", "location": loc, "chain": ["flux-system/flux-system"]}
	key := {"repo": "r", "path": "clusters/b/patch.yaml", "line": 7}
	r := unique_cluster_name.report with input as {"fleet": {"clusters": [
		{"name": "a", "runtimeInfo": {"CLUSTER_NAME": "eu"}},
		{
			"name": "b", "runtimeInfo": {"CLUSTER_NAME": "eu"}, "runtimeInfoLocation": loc,
			"runtimeInfoObject": cm, "runtimeInfoFields": {"data": loc, "data.CLUSTER_NAME": key},
		},
	]}}
	[[f.cluster, f.object.name, f.field, f.location] | some f in r; f.cluster == "b"] == [["b", "flux-runtime-info", ["data", "CLUSTER_NAME"], key]]
}
