package d1lint.rules.build.render_problem_test

import data.d1lint.rules.build.render_problem

test_problem_is_reported if {
	r := render_problem.report with input as {"cluster": {"problems": [{
		"kind": "missing-path",
		"location": {"repo": "github.com/acme/fleet", "path": "clusters/a/app.yaml", "line": 2},
		"reason": "spec.path \"./nope\" not found",
	}]}}
	r == {{
		"rule": "D1-0001",
		"title": "Part of the cluster cannot be rendered",
		"category": "build",
		"severity": "error",
		"location": {"repo": "github.com/acme/fleet", "path": "clusters/a/app.yaml", "line": 2},
		"message": "spec.path \"./nope\" not found",
	}}
}

test_warnings_are_not_problems if {
	count(render_problem.report) == 0 with input as {"cluster": {"problems": [{"kind": "file-dropped", "reason": "x", "warning": true}]}}
}

test_missing_substitute_from_is_left_to_its_rule if {
	count(render_problem.report) == 0 with input as {"cluster": {"problems": [{
		"kind": "missing-substitute-from",
		"kustomization": "shop/flux-shop",
		"reason": "shop/flux-shop: substituteFrom ConfigMap shop/x not found",
	}]}}
}

# A problem of a Kustomization in the model is about that object; a missing
# spec.path or component is located at its field.
test_problem_names_its_kustomization if {
	loc := {"repo": "github.com/acme/fleet", "path": "clusters/a/app.yaml", "line": 2}
	ks := {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "flux-system", "name": "app", "location": loc, "chain": ["flux-system/flux-system"]}
	r := render_problem.report with input as {"cluster": {"objects": [ks], "problems": [
		{"kind": "missing-path", "kustomization": "flux-system/app", "location": loc, "field": ["spec", "path"], "reason": "spec.path \"./nope\" not found"},
		{"kind": "missing-path", "kustomization": "flux-system/app", "location": loc, "field": ["spec", "components", "1"], "reason": "spec.components[1] \"../x\" does not exist"},
		{"kind": "invalid-yaml", "kustomization": "flux-system/app", "location": {"repo": "github.com/acme/fleet", "path": "apps/x.yaml"}, "reason": "apps/x.yaml: bad"},
	]}}
	{[f.object.name, object.get(f, "field", null), f.location.path] | some f in r} == {
		["app", ["spec", "path"], "clusters/a/app.yaml"],
		["app", ["spec", "components", "1"], "clusters/a/app.yaml"],
		["app", null, "apps/x.yaml"],
	}
}

# A refused sourceRef of a tenant is D1-0106's; a platform Kustomization's is
# reported here.
test_refused_reference_of_a_tenant_is_left_to_its_rule if {
	r := render_problem.report with input as {"cluster": {"problems": [
		{"kind": "refused-reference", "kustomization": "shop/flux-shop", "reason": "shop/flux-shop: sourceRef refused"},
		{"kind": "refused-reference", "kustomization": "flux-system/apps", "reason": "flux-system/apps: sourceRef refused"},
		{"kind": "not-rendered", "kustomization": "flux-system/oci", "reason": "flux-system/oci: not rendered"},
	]}}
	[f.message | some f in r] == ["flux-system/apps: sourceRef refused"]
}
