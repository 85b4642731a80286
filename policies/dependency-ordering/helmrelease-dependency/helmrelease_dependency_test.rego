package d1lint.rules.dependency_ordering.helmrelease_dependency_test

import data.d1lint.rules.dependency_ordering.helmrelease_dependency

loc := {"repo": "r", "path": "components/ingress/controllers/base/ingress-nginx.yaml", "line": 10}

hr(ns, name, deps) := {
	"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "namespace": ns, "name": name,
	"location": loc, "appliedBy": "flux-system/ingress-controllers",
	"chain": ["flux-system/flux-system", "flux-system/ingress-controllers"],
	"object": {"spec": {"dependsOn": deps}},
}

releases := [{"namespace": "kyverno", "name": "kyverno"}, {"namespace": "kyverno", "name": "policies"}, {"namespace": "ingress-nginx", "name": "ingress-nginx"}]

test_missing_target_in_own_namespace if {
	r := helmrelease_dependency.report with input as {"cluster": {"helmReleases": releases, "objects": [
		hr("kyverno", "kyverno", []),
		hr("ingress-nginx", "ingress-nginx", [{"name": "kyverno"}]),
	]}}
	r == {{
		"rule": "D1-0305",
		"title": "HelmRelease dependsOn names a HelmRelease that does not exist",
		"category": "dependency-ordering",
		"severity": "error",
		"object": {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "namespace": "ingress-nginx", "name": "ingress-nginx"},
		"location": loc,
		"chain": ["flux-system/flux-system", "flux-system/ingress-controllers"],
		"field": ["spec", "dependsOn", 0],
		"message": "HelmRelease ingress-nginx/ingress-nginx depends on HelmRelease ingress-nginx/kyverno, which this cluster does not have, so it will never be installed: point dependsOn at an existing HelmRelease (namespace defaults to ingress-nginx) or remove the entry",
	}}
}

test_existing_targets if {
	count(helmrelease_dependency.report) == 0 with input as {"cluster": {"helmReleases": releases, "objects": [
		hr("kyverno", "kyverno", []),
		hr("kyverno", "policies", [{"name": "kyverno"}]),
		hr("ingress-nginx", "ingress-nginx", [{"name": "kyverno", "namespace": "kyverno"}]),
	]}}
}

test_other_kinds_are_not_checked if {
	r := helmrelease_dependency.report with input as {"cluster": {"helmReleases": [], "objects": [
		object.union(hr("kyverno", "kyverno", [{"name": "x"}]), {"apiVersion": "example.com/v1"}),
		hr("ingress-nginx", "ingress-nginx", [{"name": "kyverno", "namespace": "kyverno"}]),
	]}}
	count(r) == 1
}

test_field_names_the_entry if {
	r := helmrelease_dependency.report with input as {"cluster": {"helmReleases": releases, "objects": [
		hr("kyverno", "policies", [{"name": "kyverno"}, {"name": "cert-manager", "namespace": "cert-manager"}, {"name": "nope"}]),
	]}}
	{f.field | some f in r} == {["spec", "dependsOn", 1], ["spec", "dependsOn", 2]}
}

# A part not rendered may hold the target release: not claimed missing.
test_unknown_when_render_incomplete if {
	count(helmrelease_dependency.report) == 0 with input as {"cluster": {
		"helmReleases": releases,
		"objects": [hr("ingress-nginx", "ingress-nginx", [{"name": "kyverno"}])],
		"completeness": {"complete": false, "gaps": [{"kustomization": "flux-system/infra", "reason": "build failed"}]},
	}}
}
