package d1lint.rules.build.empty_build_test

import data.d1lint.rules.build.empty_build

loc := {"repo": "r", "path": "tenants/apps/shop.yaml", "line": 3}

root := {"key": "flux-system/root", "namespace": "flux-system", "name": "root", "chain": ["flux-system/root"], "status": "rendered", "objects": 1}

shop := {
	"key": "apps/shop", "namespace": "apps", "name": "shop", "location": loc,
	"chain": ["flux-system/root", "apps/shop"], "status": "rendered", "objects": 0,
	"path": "./components/shop/staging", "spec": {"path": "./components/shop/${ENVIRONMENT}"},
}

# The Kustomization object as its parent applies it.
shop_object := {
	"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "apps", "name": "shop",
	"appliedBy": "flux-system/root", "chain": ["flux-system/root"], "location": loc,
}

test_rendered_with_no_objects if {
	r := empty_build.report with input as {"cluster": {"kustomizations": [root, shop], "objects": [shop_object]}}
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

# The finding names the Kustomization object the render holds, whatever its
# API version, so that d1lint locates spec.path in it.
test_names_the_applied_object if {
	beta := object.union(shop_object, {"apiVersion": "kustomize.toolkit.fluxcd.io/v1beta2"})
	r := empty_build.report with input as {"cluster": {"kustomizations": [root, shop], "objects": [beta]}}
	[f.object.apiVersion | some f in r] == ["kustomize.toolkit.fluxcd.io/v1beta2"]
}

# Without spec.path Flux builds the source's root; the finding names spec.
test_no_path if {
	k := object.union(object.remove(shop, ["spec"]), {"path": "", "spec": {"interval": "10m"}})
	r := empty_build.report with input as {"cluster": {"kustomizations": [root, k], "objects": [shop_object]}}
	[[f.field, f.message] | some f in r] == [[["spec"], "Kustomization apps/shop renders no objects from the source's root (no spec.path)"]]
}

# A root that no object defines (Flux Operator makes it) is named by hand.
test_root_without_object if {
	r := empty_build.report with input as {"cluster": {"kustomizations": [object.union(root, {"objects": 0, "location": loc})], "objects": []}}
	[[f.object, f.location] | some f in r] == [[
		{"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "flux-system", "name": "root"},
		loc,
	]]
}

# A failed or skipped build applies nothing too, but other rules say why.
test_not_rendered_is_not_empty if {
	count(empty_build.report) == 0 with input as {"cluster": {"kustomizations": [
		{"key": "a/x", "namespace": "a", "name": "x", "chain": [], "status": "failed", "objects": 0},
		{"key": "a/y", "namespace": "a", "name": "y", "chain": [], "status": "skipped", "objects": 0},
	]}}
}

# A rendered Kustomization whose build had a problem (an object kustomize-
# controller refuses) is D1-0001's; a warning (a dropped symlink) is not.
test_problem_is_reported_elsewhere if {
	cluster := {"kustomizations": [root, shop], "objects": [shop_object]}
	count(empty_build.report) == 0 with input as {"cluster": object.union(cluster, {"problems": [
		{"kind": "invalid-object", "kustomization": "apps/shop", "reason": "x"},
	]})}
	count(empty_build.report) == 1 with input as {"cluster": object.union(cluster, {"problems": [
		{"kind": "file-dropped", "kustomization": "apps/shop", "reason": "x", "warning": true},
	]})}
}

# Every object opting out of Flux's apply is deliberate, and the build did
# render objects: no finding, although "objects" counts none.
test_all_not_applied_is_not_empty if {
	disabled := {
		"apiVersion": "v1", "kind": "ConfigMap", "namespace": "apps", "name": "kept", "appliedBy": "apps/shop",
		"chain": ["flux-system/root", "apps/shop"], "location": loc,
		"notApplied": "annotation kustomize.toolkit.fluxcd.io/reconcile: disabled",
	}
	count(empty_build.report) == 0 with input as {"cluster": {"kustomizations": [root, shop], "objects": [shop_object, disabled]}}
}
