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
