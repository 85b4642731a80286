package d1lint.rules.branch_mapping.environment_branch_test

import data.d1lint.rules.branch_mapping.environment_branch

config := {"branches": {"staging": "main", "production": "production"}}

loc := {"repo": "r", "path": "clusters/prod/runtime-info.yaml", "line": 1}

test_production_following_main if {
	r := environment_branch.report with input as {"config": config, "cluster": {
		"name": "prod", "runtimeInfoLocation": loc,
		"runtimeInfo": {"ENVIRONMENT": "production", "GIT_BRANCH": "main"},
	}}
	r == {{
		"rule": "D1-0201",
		"title": "Cluster follows the wrong branch for its environment",
		"category": "branch-mapping",
		"severity": "error",
		"location": loc,
		"message": "cluster prod is a production cluster but follows branch \"main\"; production clusters follow \"production\"",
	}}
}

test_mapped_branch_is_fine if {
	count(environment_branch.report) == 0 with input as {"config": config, "cluster": {
		"name": "stg", "runtimeInfoLocation": loc,
		"runtimeInfo": {"ENVIRONMENT": "staging", "GIT_BRANCH": "main"},
	}}
}

test_unmapped_environment_is_not_judged_here if {
	count(environment_branch.report) == 0 with input as {"config": config, "cluster": {
		"name": "dev", "runtimeInfoLocation": loc,
		"runtimeInfo": {"ENVIRONMENT": "dev", "GIT_BRANCH": "dev"},
	}}
}

# With the runtime-info ConfigMap in the model, the finding is about it and
# names the GIT_BRANCH key, which d1lint locates at its line.
test_names_the_runtime_info_object_and_key if {
	cm := {
		"apiVersion": "v1", "kind": "ConfigMap", "namespace": "flux-system", "name": "flux-runtime-info",
		"location": loc, "chain": ["flux-system/flux-system"],
	}
	r := environment_branch.report with input as {"config": config, "cluster": {
		"name": "prod", "runtimeInfoLocation": loc, "objects": [cm],
		"runtimeInfo": {"ENVIRONMENT": "production", "GIT_BRANCH": "main"},
	}}
	[[f.object, f.field, f.chain] | some f in r] == [[
		{"apiVersion": "v1", "kind": "ConfigMap", "namespace": "flux-system", "name": "flux-runtime-info"},
		["data", "GIT_BRANCH"],
		["flux-system/flux-system"],
	]]
}
