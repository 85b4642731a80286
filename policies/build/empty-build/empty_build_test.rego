package d1lint.rules.build.empty_build_test

import data.d1lint.rules.build.empty_build

loc := {"repo": "r", "path": "tenants/apps/shop.yaml", "line": 3}

test_rendered_with_no_objects if {
	r := empty_build.report with input as {"cluster": {"kustomizations": [
		{"key": "flux-system/root", "namespace": "flux-system", "name": "root", "chain": ["flux-system/root"], "status": "rendered", "objects": 4},
		{
			"key": "apps/shop", "namespace": "apps", "name": "shop", "location": loc,
			"chain": ["flux-system/root", "apps/shop"], "status": "rendered", "objects": 0,
			"path": "./components/shop/staging",
		},
	]}}
	r == {{
		"rule": "D1-0005",
		"title": "Kustomization applies no objects",
		"category": "build",
		"severity": "warning",
		"object": {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "apps", "name": "shop"},
		"location": loc,
		"chain": ["flux-system/root", "apps/shop"],
		"field": ["spec", "path"],
		"message": "Kustomization apps/shop renders no objects from ./components/shop/staging",
	}}
}

# A failed or skipped build applies nothing too, but other rules say why.
test_not_rendered_is_not_empty if {
	count(empty_build.report) == 0 with input as {"cluster": {"kustomizations": [
		{"key": "a/x", "namespace": "a", "name": "x", "chain": [], "status": "failed", "objects": 0},
		{"key": "a/y", "namespace": "a", "name": "y", "chain": [], "status": "skipped", "objects": 0},
	]}}
}
