package d1lint.rules.dependency_ordering.ready_expression_test

import data.d1lint.rules.dependency_ordering.ready_expression

cluster(err) := {"cluster": {
	"objects": [{"apiVersion": "fluxcd.controlplane.io/v1", "kind": "ResourceSet", "namespace": "flux-system", "name": "apps", "location": {"path": "tenants/apps.yaml", "line": 1}}],
	"resourceSets": [{"namespace": "flux-system", "name": "apps", "dependsOn": [
		{"kind": "Kustomization", "name": "infra", "readyExpr": "status.ready ==", "exprError": err},
	]}],
}}

test_invalid_expression if {
	r := ready_expression.report with input as cluster("Syntax error: mismatched input '<EOF>'")
	count(r) == 1
	some f in r
	f.field == ["spec", "dependsOn", "0", "readyExpr"]
	contains(f.message, "not valid CEL")
}

test_valid_expression if {
	count(ready_expression.report) == 0 with input as cluster("")
}
