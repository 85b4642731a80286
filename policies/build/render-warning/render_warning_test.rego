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
