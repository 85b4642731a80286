package d1lint.rules.dependency_ordering.layer_ordering_test

import data.d1lint.rules.dependency_ordering.layer_ordering

loc := {"repo": "r", "path": "tenants/infra/components/ingress.yaml", "line": 20}

k(name, deps) := {
	"key": sprintf("flux-system/%s", [name]), "namespace": "flux-system", "name": name, "location": loc,
	"chain": ["flux-system/flux-system", sprintf("flux-system/%s", [name])],
	"dependsOn": [{"kind": "Kustomization", "namespace": "flux-system", "name": d} | some d in deps],
}

test_configs_without_controllers_dependency if {
	r := layer_ordering.report with input as {"cluster": {"kustomizations": [
		k("ingress-controllers", []),
		k("ingress-configs", ["policy-configs"]),
		k("policy-controllers", []),
		k("policy-configs", ["policy-controllers"]),
	]}}
	r == {{
		"rule": "D1-0304",
		"title": "Configs layer does not depend on its controllers layer",
		"category": "dependency-ordering",
		"severity": "warning",
		"object": {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "flux-system", "name": "ingress-configs"},
		"location": loc,
		"chain": ["flux-system/flux-system", "flux-system/ingress-configs"],
		"field": ["spec", "dependsOn"],
		"message": "Kustomization flux-system/ingress-configs does not depend on flux-system/ingress-controllers, so the configs are applied without waiting for their controllers: add `- name: ingress-controllers` to its dependsOn",
	}}
}

test_no_depends_on_names_spec if {
	r := layer_ordering.report with input as {"cluster": {"kustomizations": [
		k("ingress-controllers", []),
		k("ingress-configs", []),
	]}}
	[f.field | some f in r] == [["spec"]]
}

test_transitive_dependency_is_enough if {
	count(layer_ordering.report) == 0 with input as {"cluster": {"kustomizations": [
		k("ingress-controllers", []),
		k("ingress-crds", ["ingress-controllers"]),
		k("ingress-configs", ["ingress-crds"]),
	]}}
}

test_configs_without_controllers_layer if {
	count(layer_ordering.report) == 0 with input as {"cluster": {"kustomizations": [k("monitoring-configs", []), k("-configs", [])]}}
}

test_other_namespace_is_not_the_layer if {
	count(layer_ordering.report) == 0 with input as {"cluster": {"kustomizations": [
		object.union(k("ingress-controllers", []), {"key": "infra/ingress-controllers", "namespace": "infra"}),
		k("ingress-configs", []),
	]}}
}
