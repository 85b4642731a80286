package main_test

import rego.v1

import data.main

test_latest_warns if {
	count(main.warn_latest) == 1 with input as [{"path": "a.yaml", "contents": {
		"kind": "Deployment", "metadata": {"name": "a"},
		"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "nginx"}]}}},
	}}]
}

test_pinned_passes if {
	count(main.warn_latest) == 0 with input as [{"path": "a.yaml", "contents": {
		"kind": "Deployment", "metadata": {"name": "a"},
		"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "nginx:1.29"}]}}},
	}}]
}
