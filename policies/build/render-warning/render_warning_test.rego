package d1lint.rules.build.render_warning_test

import data.d1lint.rules.build.render_warning

test_dropped_symlink_is_a_warning if {
	r := render_warning.report with input as {"cluster": {"problems": [
		{"kind": "file-dropped", "warning": true, "reason": "a.yaml: symlink dropped", "location": {"repo": "r", "path": "a.yaml"}},
		{"kind": "missing-path", "reason": "hard problem"},
	]}}
	r == {{
		"rule": "D1-0002",
		"title": "The render dropped a file or assumed a default",
		"category": "build",
		"severity": "warning",
		"location": {"repo": "r", "path": "a.yaml"},
		"message": "a.yaml: symlink dropped",
	}}
}

# A clamped spec.path is a warning about its Kustomization, at spec.path.
test_clamped_path_names_its_field if {
	loc := {"repo": "r", "path": "clusters/a/app.yaml", "line": 3}
	ks := {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "flux-system", "name": "app", "location": loc}
	r := render_warning.report with input as {"cluster": {"objects": [ks], "problems": [{
		"kind": "path-escape", "warning": true, "kustomization": "flux-system/app", "location": loc,
		"field": ["spec", "path"], "reason": "spec.path \"../apps\" leaves the root",
	}]}}
	[[f.object.name, f.field, f.location.path] | some f in r] == [["app", ["spec", "path"], "clusters/a/app.yaml"]]
}
