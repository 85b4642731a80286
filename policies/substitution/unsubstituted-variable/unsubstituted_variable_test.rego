package d1lint.rules.substitution.unsubstituted_variable_test

import data.d1lint.rules.substitution.unsubstituted_variable

cm := {"apiVersion": "v1", "kind": "ConfigMap", "namespace": "ingress-nginx", "name": "headers"}

loc := {"repo": "github.com/acme/infra", "branch": "main", "path": "components/ingress/base/headers.yaml", "line": 1}

chain := ["flux-system/flux-system", "flux-system/ingress"]

cluster(variables, postBuild, metadata) := {
	"name": "stg",
	"runtimeInfo": {"CLUSTER_NAME": "stg-1"},
	"kustomizations": [object.union({"key": "flux-system/ingress", "namespace": "flux-system", "chain": chain}, postBuild)],
	"objects": [
		object.union(cm, {"location": loc, "appliedBy": "flux-system/ingress", "object": {"metadata": metadata}}),
		{
			"apiVersion": "v1", "kind": "ConfigMap", "namespace": "flux-system", "name": "extra-vars",
			"object": {"data": {"REGION": "eu"}, "metadata": {}},
		},
	],
	"variables": variables,
}

ref(name, status) := {
	"name": name, "expression": sprintf("${%s}", [name]), "field": "data.x", "path": ["data", "x"], "status": status,
	"kustomization": "flux-system/ingress", "object": cm, "location": loc,
}

test_runtime_info_key_without_post_build if {
	r := unsubstituted_variable.report with input as {"cluster": cluster(
		[ref("CLUSTER_NAME", "not-substituted"), ref("DS_PROMETHEUS", "not-substituted")],
		{}, {},
	)}
	r == {{
		"rule": "D1-0402",
		"title": "Cluster variable is used where Flux does not substitute",
		"category": "substitution",
		"severity": "error",
		"object": cm,
		"location": loc,
		"chain": chain,
		"field": ["data", "x"],
		"message": "ConfigMap ingress-nginx/headers: ${CLUSTER_NAME} in data.x stays literal text on cluster stg, because Kustomization flux-system/ingress has no postBuild; CLUSTER_NAME is a variable of this cluster, so a value was expected",
	}}
}

# A postBuild whose every substituteFrom is optional and missing defines no
# variable: Flux substitutes nothing.
test_runtime_info_key_without_variables if {
	r := unsubstituted_variable.report with input as {"cluster": cluster(
		[ref("CLUSTER_NAME", "not-substituted")],
		{"postBuild": {"substituteFrom": [{"kind": "ConfigMap", "name": "missing-vars", "optional": true, "found": false}]}},
		{},
	)}
	r == {{
		"rule": "D1-0402",
		"title": "Cluster variable is used where Flux does not substitute",
		"category": "substitution",
		"severity": "error",
		"object": cm,
		"location": loc,
		"chain": chain,
		"field": ["data", "x"],
		"message": "ConfigMap ingress-nginx/headers: ${CLUSTER_NAME} in data.x stays literal text on cluster stg, because Kustomization flux-system/ingress defines no variable to substitute; CLUSTER_NAME is a variable of this cluster, so a value was expected",
	}}
}

test_foreign_placeholders_are_legitimate if {
	count(unsubstituted_variable.report) == 0 with input as {"cluster": cluster(
		[ref("DS_PROMETHEUS", "not-substituted"), ref("REGION", "not-substituted")],
		{}, {},
	)}
}

test_substituted_variables_are_fine if {
	count(unsubstituted_variable.report) == 0 with input as {"cluster": cluster(
		[ref("CLUSTER_NAME", "resolved")],
		{"postBuild": {"substituteFrom": [{"kind": "ConfigMap", "name": "flux-runtime-info", "found": true}]}}, {},
	)}
}

# The finding names the reference's field with its indices, for d1lint to
# locate.
test_field_with_index if {
	v := object.union(ref("CLUSTER_NAME", "not-substituted"), {"field": "spec.rules[0].host", "path": ["spec", "rules", "0", "host"]})
	r := unsubstituted_variable.report with input as {"cluster": cluster([v], {}, {})}
	[f.field | some f in r] == [["spec", "rules", "0", "host"]]
}

# A ConfigMap applied twice must not make the evaluation fail.
test_duplicate_sources_do_not_conflict if {
	cm := {"apiVersion": "v1", "kind": "ConfigMap", "namespace": "apps", "name": "vars", "object": {"data": {"A": "1"}}}
	r := unsubstituted_variable.report with input as {"cluster": {
		"name": "c",
		"runtimeInfo": {},
		"kustomizations": [{"key": "apps/k", "namespace": "apps", "postBuild": {"substituteFrom": [{"kind": "ConfigMap", "name": "vars"}]}, "chain": []}],
		"objects": [cm, object.union(cm, {"object": {"data": {"A": "2", "B": "3"}}})],
		"variables": [{"name": "B", "expression": "${B}", "field": "data.x", "status": "not-substituted", "kustomization": "apps/other", "object": {"kind": "ConfigMap", "name": "x"}, "location": {}}],
	}}
	count(r) == 1
}
