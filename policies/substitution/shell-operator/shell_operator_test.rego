package d1lint.rules.substitution.shell_operator_test

import data.d1lint.rules.substitution.shell_operator

obj := {"apiVersion": "v1", "kind": "ConfigMap", "namespace": "ingress-nginx", "name": "cluster-headers"}

loc := {"repo": "github.com/acme/infra", "branch": "main", "path": "components/ingress/configs/base/cluster-headers.yaml", "line": 3}

ref(expr, name, op, status, field) := {
	"name": name, "expression": expr, "operator": op, "field": concat(".", ["data", field]), "path": ["data", field],
	"status": status, "substituted": true, "kustomization": "flux-system/ingress-configs", "object": obj, "location": loc,
}

finding(field, message) := {
	"rule": "D1-0405",
	"title": "Substitution operator that Flux reads otherwise than the shell",
	"category": "substitution",
	"severity": "warning",
	"object": obj,
	"location": loc,
	"field": ["data", field],
	"message": message,
}

test_alternate_value if {
	r := shell_operator.report with input as {"cluster": {"name": "stg", "variables": [
		ref("${CANARY:+canary}", "CANARY", ":+", "defaulted", "unset"),
		ref("${CLUSTER_NAME:+named}", "CLUSTER_NAME", ":+", "resolved", "set"),
	]}}
	r == {
		finding("unset", "ConfigMap ingress-nginx/cluster-headers: ${CANARY:+canary} in data.unset: Flux's envsubst reads :+ as :- (the value, or the word after :+ when the variable is unset or empty), not as the shell's alternate value; CANARY is not defined for cluster stg (Kustomization flux-system/ingress-configs), so Flux substitutes \"canary\", where the shell gives an empty string"),
		finding("set", "ConfigMap ingress-nginx/cluster-headers: ${CLUSTER_NAME:+named} in data.set: Flux's envsubst reads :+ as :- (the value, or the word after :+ when the variable is unset or empty), not as the shell's alternate value; CLUSTER_NAME is defined for cluster stg (Kustomization flux-system/ingress-configs), so Flux substitutes its value, not \"named\" (the word only if the value is empty)"),
	}
}

test_required if {
	r := shell_operator.report with input as {"cluster": {"name": "stg", "variables": [
		ref("${REGION:?REGION must be set}", "REGION", ":?", "defaulted", "unset"),
		ref("${CLUSTER_NAME:?required}", "CLUSTER_NAME", ":?", "resolved", "set"),
	]}}
	r == {
		finding("unset", "ConfigMap ingress-nginx/cluster-headers: ${REGION:?REGION must be set} in data.unset: Flux's envsubst never fails on :?, not even with strict substitution: it substitutes the value, or the message after :? when the variable is unset or empty; REGION is not defined for cluster stg (Kustomization flux-system/ingress-configs), so Flux applies the text \"REGION must be set\" as the value"),
		finding("set", "ConfigMap ingress-nginx/cluster-headers: ${CLUSTER_NAME:?required} in data.set: Flux's envsubst never fails on :?, not even with strict substitution: it substitutes the value, or the message after :? when the variable is unset or empty; CLUSTER_NAME is defined for cluster stg (Kustomization flux-system/ingress-configs), but nothing stops a cluster without it (or with it empty)"),
	}
}

# Operators Flux reads as the shell does, references without one, and text
# Flux does not substitute give nothing.
test_other_operators_and_literal_text if {
	count(shell_operator.report) == 0 with input as {"cluster": {"name": "stg", "variables": [
		ref("${A}", "A", "", "resolved", "a"),
		object.remove(ref("${A}", "A", "", "resolved", "b"), ["operator"]),
		ref("${B:-x}", "B", ":-", "defaulted", "c"),
		ref("${B:=x}", "B", ":=", "defaulted", "d"),
		ref("${#A}", "A", "#", "resolved", "e"),
		ref("${A^^}", "A", "^^", "resolved", "f"),
		object.union(ref("${C:+x}", "C", ":+", "not-substituted", "g"), {"substituted": false}),
	]}}
}
