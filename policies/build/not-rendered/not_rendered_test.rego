package d1lint.rules.build.not_rendered_test

import data.d1lint.rules.build.not_rendered

loc := {"repo": "github.com/acme/fleet", "path": "clusters/a/sources.yaml", "line": 3}

test_limitation_is_a_warning_about_its_kustomization if {
	ks := {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "flux-system", "name": "apps", "location": loc, "chain": ["flux-system/flux-system"]}
	r := not_rendered.report with input as {"cluster": {"objects": [ks], "problems": [
		{"kind": "not-rendered", "kustomization": "flux-system/apps", "location": loc, "reason": "flux-system/apps: not rendered: d1lint does not render OCIRepository sources yet"},
		{"kind": "unresolved-source", "kustomization": "flux-system/apps", "location": loc, "reason": "a user error"},
	]}}
	r == {{
		"rule": "D1-0004",
		"title": "Part of the cluster is beyond what d1lint renders",
		"category": "build",
		"severity": "warning",
		"object": {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "flux-system", "name": "apps"},
		"location": loc,
		"chain": ["flux-system/flux-system"],
		"message": "flux-system/apps: not rendered: d1lint does not render OCIRepository sources yet",
	}}
}
