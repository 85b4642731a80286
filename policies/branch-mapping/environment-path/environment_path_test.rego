package d1lint.rules.branch_mapping.environment_path_test

import data.d1lint.rules.branch_mapping.environment_path

config := {"branches": {"staging": "main", "production": "production"}}

loc := {"repo": "github.com/acme/fleet", "branch": "main", "path": "tenants/infra/components/ingress.yaml", "line": 2}

ks := {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "flux-system", "name": "ingress"}

chain := ["flux-system/flux-system", "flux-system/flux-infra-tenant"]

cluster(path, variables) := {
	"name": "prod-eu",
	"runtimeInfo": {"ENVIRONMENT": "production"},
	"root": "flux-system/flux-system",
	"kustomizations": [
		{"key": "flux-system/flux-system", "namespace": "flux-system", "name": "flux-system", "path": "clusters/staging"},
		{"key": "flux-system/ingress", "namespace": "flux-system", "name": "ingress", "path": path},
	],
	"objects": [object.union(ks, {"location": loc, "chain": chain})],
	"variables": variables,
}

env_ref := {"name": "ENVIRONMENT", "field": "spec.path", "object": ks}

test_literal_environment if {
	r := environment_path.report with input as {"config": config, "cluster": cluster("components/ingress/staging", [])}
	r == {{
		"rule": "D1-0207",
		"title": "Kustomization path names an environment literally",
		"category": "branch-mapping",
		"severity": "warning",
		"object": ks,
		"location": loc,
		"chain": chain,
		"field": ["spec", "path"],
		"message": "Kustomization flux-system/ingress applies \"components/ingress/staging\", naming environment \"staging\" literally, on cluster prod-eu (environment \"production\"); write that folder as ${ENVIRONMENT}",
	}}
}

test_substituted_environment_is_fine if {
	count(environment_path.report) == 0 with input as {"config": config, "cluster": cluster("components/ingress/production", [env_ref])}
}

test_other_paths_are_fine if {
	count(environment_path.report) == 0 with input as {"config": config, "cluster": cluster("./update", [])}
	count(environment_path.report) == 0 with input as {"config": config, "cluster": cluster("./components/staging-tools", [])}
}

test_cluster_without_environment_is_not_judged_here if {
	count(environment_path.report) == 0 with input as {"config": config, "cluster": object.remove(cluster("apps/staging", []), ["runtimeInfo"])}
}

# The same Kustomization applied twice (a render problem of its own) is
# reported for each object, without a conflict error.
test_duplicate_kustomization_objects if {
	c := cluster("components/ingress/staging", [])
	dup := object.union(c, {"objects": [
		object.union(ks, {"location": loc, "chain": chain}),
		object.union(ks, {"location": object.union(loc, {"line": 9}), "chain": ["flux-system/flux-system"]}),
	]})
	count(environment_path.report) == 2 with input as {"config": config, "cluster": dup}
}
