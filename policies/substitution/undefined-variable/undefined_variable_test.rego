package d1lint.rules.substitution.undefined_variable_test

import data.d1lint.rules.substitution.undefined_variable

obj := {"apiVersion": "v1", "kind": "ConfigMap", "namespace": "shop", "name": "settings"}

loc := {"repo": "github.com/acme/apps", "branch": "main", "path": "components/shop/base/settings.yaml", "line": 1}

test_undefined if {
	r := undefined_variable.report with input as {"cluster": {"name": "stg", "variables": [
		{"name": "HOST", "expression": "${HOST}", "field": "data.host", "status": "undefined", "kustomization": "shop/flux-shop", "object": obj, "location": loc},
		{"name": "ENV", "expression": "${ENV}", "field": "data.env", "status": "resolved", "kustomization": "shop/flux-shop", "object": obj, "location": loc},
		{"name": "N", "expression": "${N:=2}", "field": "data.n", "status": "defaulted", "kustomization": "shop/flux-shop", "object": obj, "location": loc},
		{"name": "DS", "expression": "${DS}", "field": "data.ds", "status": "not-substituted", "kustomization": "shop/flux-shop", "object": obj, "location": loc},
	]}}
	r == {{
		"rule": "D1-0401",
		"title": "Variable is not defined for this cluster",
		"category": "substitution",
		"severity": "error",
		"object": obj,
		"location": loc,
		"message": "ConfigMap shop/settings: ${HOST} in data.host is not defined for cluster stg (Kustomization shop/flux-shop) and becomes an empty string",
	}}
}
