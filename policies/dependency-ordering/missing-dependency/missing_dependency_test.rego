package d1lint.rules.dependency_ordering.missing_dependency_test

import data.d1lint.rules.dependency_ordering.missing_dependency

loc := {"repo": "r", "path": "tenants/infra/app.yaml", "line": 3}

test_missing_target if {
	r := missing_dependency.report with input as {"cluster": {"kustomizations": [
		{"key": "flux-system/root", "namespace": "flux-system", "name": "root", "chain": ["flux-system/root"]},
		{
			"key": "flux-system/app", "namespace": "flux-system", "name": "app", "location": loc,
			"chain": ["flux-system/root", "flux-system/app"],
			"dependsOn": [{"kind": "Kustomization", "namespace": "flux-system", "name": "root"}, {"kind": "Kustomization", "namespace": "flux-system", "name": "nope"}],
		},
	]}}
	r == {{
		"rule": "D1-0301",
		"title": "dependsOn names a Kustomization that does not exist",
		"category": "dependency-ordering",
		"severity": "error",
		"object": {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "flux-system", "name": "app"},
		"location": loc,
		"chain": ["flux-system/root", "flux-system/app"],
		"field": ["spec", "dependsOn", 1],
		"message": "Kustomization flux-system/app depends on flux-system/nope, which this cluster does not have",
	}}
}

test_wrong_namespace_is_missing if {
	count(missing_dependency.report) == 1 with input as {"cluster": {"kustomizations": [
		{"key": "a/x", "namespace": "a", "name": "x", "chain": []},
		{"key": "b/y", "namespace": "b", "name": "y", "chain": [], "dependsOn": [{"namespace": "b", "name": "x"}]},
	]}}
}

# A part not rendered may define the target: not claimed missing.
test_unknown_when_render_incomplete if {
	count(missing_dependency.report) == 0 with input as {"cluster": {
		"kustomizations": [{"key": "b/y", "namespace": "b", "name": "y", "chain": [], "dependsOn": [{"namespace": "b", "name": "x"}]}],
		"completeness": {"complete": false, "gaps": [{"kustomization": "flux-system/apps", "reason": "build failed"}]},
	}}
}
