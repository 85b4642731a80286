package d1lint.rules.substitution.undefined_variable_test

import data.d1lint.rules.substitution.undefined_variable

obj := {"apiVersion": "v1", "kind": "ConfigMap", "namespace": "shop", "name": "settings"}

loc := {"repo": "github.com/acme/apps", "branch": "main", "path": "components/shop/base/settings.yaml", "line": 1}

test_undefined if {
	r := undefined_variable.report with input as {"cluster": {"name": "stg", "variables": [
		{"name": "HOST", "expression": "${HOST}", "field": "data.host", "path": ["data", "host"], "status": "undefined", "kustomization": "shop/flux-shop", "object": obj, "location": loc},
		{"name": "ENV", "expression": "${ENV}", "field": "data.env", "path": ["data", "env"], "status": "resolved", "kustomization": "shop/flux-shop", "object": obj, "location": loc},
		{"name": "N", "expression": "${N:=2}", "field": "data.n", "path": ["data", "n"], "status": "defaulted", "kustomization": "shop/flux-shop", "object": obj, "location": loc},
		{"name": "DS", "expression": "${DS}", "field": "data.ds", "path": ["data", "ds"], "status": "not-substituted", "kustomization": "shop/flux-shop", "object": obj, "location": loc},
	]}}
	r == {{
		"rule": "D1-0401",
		"title": "Variable is not defined for this cluster",
		"category": "substitution",
		"severity": "error",
		"object": obj,
		"location": loc,
		"field": ["data", "host"],
		"message": "ConfigMap shop/settings: ${HOST} in data.host is not defined for cluster stg (Kustomization shop/flux-shop) and becomes an empty string",
	}}
}

# The finding names the reference's field with its indices, for d1lint to
# locate.
test_field_with_index if {
	ingress := {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "namespace": "shop", "name": "web"}
	r := undefined_variable.report with input as {"cluster": {"name": "stg", "variables": [{
		"name": "DOMAIN", "expression": "${DOMAIN}", "field": "spec.rules[0].host", "path": ["spec", "rules", "0", "host"],
		"status": "undefined", "kustomization": "shop/flux-shop", "object": ingress, "location": loc,
	}]}}
	[f.field | some f in r] == [["spec", "rules", "0", "host"]]
}

# A reference without a path gives a finding without a field.
test_no_path_no_field if {
	r := undefined_variable.report with input as {"cluster": {"name": "stg", "variables": [
		{"name": "HOST", "expression": "${HOST}", "field": "data.host", "status": "undefined", "kustomization": "shop/flux-shop", "object": obj, "location": loc},
	]}}
	count(r) == 1
	every f in r {
		not f.field
	}
}
