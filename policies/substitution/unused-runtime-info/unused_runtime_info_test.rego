package d1lint.rules.substitution.unused_runtime_info_test

import data.d1lint.rules.substitution.unused_runtime_info

loc := {"repo": "github.com/acme/fleet", "branch": "main", "path": "clusters/stg/runtime-info.yaml", "line": 2}

kustomizations := [{"key": "flux-system/apps", "postBuild": {"substituteFrom": [{"kind": "ConfigMap", "name": "flux-runtime-info"}]}}]

test_unused_key if {
	r := unused_runtime_info.report with input as {"cluster": {
		"name": "stg",
		"runtimeInfoLocation": loc,
		"runtimeInfo": {"ENVIRONMENT": "staging", "CLUSTER_REGION": "eu-west-1"},
		"kustomizations": kustomizations,
		"variables": [{"name": "ENVIRONMENT", "status": "resolved"}, {"name": "REGION", "status": "undefined"}],
	}}
	r == {{
		"rule": "D1-0404",
		"title": "Runtime-info key is never used",
		"category": "substitution",
		"severity": "info",
		"location": loc,
		"message": "runtime-info key CLUSTER_REGION of cluster stg is not referenced by any object of the cluster; remove it, or use it as ${CLUSTER_REGION}",
	}}
}

test_every_key_used if {
	count(unused_runtime_info.report) == 0 with input as {"cluster": {
		"name": "stg",
		"runtimeInfoLocation": loc,
		"runtimeInfo": {"ENVIRONMENT": "staging", "REPLICAS": "3"},
		"kustomizations": kustomizations,
		"variables": [{"name": "ENVIRONMENT", "status": "resolved"}, {"name": "REPLICAS", "status": "resolved"}],
	}}
}

test_no_runtime_info if {
	count(unused_runtime_info.report) == 0 with input as {"cluster": {"name": "stg", "variables": []}}
}

test_runtime_info_not_substituted_anywhere if {
	count(unused_runtime_info.report) == 0 with input as {"cluster": {
		"name": "sandbox",
		"runtimeInfoLocation": loc,
		"runtimeInfo": {"ENVIRONMENT": "staging"},
		"kustomizations": [{"key": "flux-system/flux-system"}],
		"variables": [],
	}}
}

# A part not rendered may use the key: not claimed unused.
test_unknown_when_render_incomplete if {
	count(unused_runtime_info.report) == 0 with input as {"cluster": {
		"name": "stg",
		"runtimeInfoLocation": loc,
		"runtimeInfo": {"ENVIRONMENT": "staging", "CLUSTER_REGION": "eu-west-1"},
		"kustomizations": kustomizations,
		"variables": [{"name": "ENVIRONMENT", "status": "resolved"}],
		"completeness": {"complete": false, "gaps": [{"kustomization": "flux-system/apps", "reason": "source not resolved"}]},
	}}
}
