package d1lint.rules.multi_tenancy.tenant_namespace_test

import data.d1lint.rules.multi_tenancy.tenant_namespace

loc := {"repo": "github.com/acme/d1-apps", "branch": "main", "path": "components/shop/base/settings.yaml", "line": 1}

chain := ["flux-system/flux-system", "flux-system/flux-apps-tenant", "shop/flux-shop"]

config_map := {
	"apiVersion": "v1", "kind": "ConfigMap", "namespace": "shop", "name": "settings",
	"location": loc, "appliedBy": "shop/flux-shop", "chain": chain,
}

test_other_namespace if {
	r := tenant_namespace.report with input as {"cluster": {"objects": [object.union(config_map, {"namespace": "blog"})]}}
	r == {{
		"rule": "D1-0103",
		"title": "Tenant object outside the tenant's namespace",
		"category": "multi-tenancy",
		"severity": "error",
		"object": {"apiVersion": "v1", "kind": "ConfigMap", "namespace": "blog", "name": "settings"},
		"location": loc,
		"chain": chain,
		"field": ["metadata", "namespace"],
		"message": "ConfigMap blog/settings is applied by tenant Kustomization shop/flux-shop but lives in namespace blog: a tenant may only create objects in its namespace shop; move it to shop or have the platform create it",
	}}
}

test_no_namespace if {
	policy := {
		"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "name": "shop-policy",
		"location": loc, "appliedBy": "shop/flux-shop", "chain": chain,
	}
	r := tenant_namespace.report with input as {"cluster": {"objects": [policy]}}
	r == {{
		"rule": "D1-0103",
		"title": "Tenant object outside the tenant's namespace",
		"category": "multi-tenancy",
		"severity": "error",
		"object": {"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "namespace": "", "name": "shop-policy"},
		"location": loc,
		"chain": chain,
		"field": ["metadata"],
		"message": "ClusterPolicy shop-policy is applied by tenant Kustomization shop/flux-shop but has no namespace (it is cluster-scoped, or nothing sets its namespace): a tenant may only create objects in its namespace shop; set namespace shop or move it to the platform",
	}}
}

test_own_namespace if {
	count(tenant_namespace.report) == 0 with input as {"cluster": {"objects": [config_map]}}
}

test_platform_objects_are_not_judged if {
	platform := object.union(config_map, {"namespace": "ingress-nginx", "appliedBy": "flux-system/ingress-configs"})
	cluster_scoped := {"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "name": "p", "location": loc, "appliedBy": "flux-system/policy-configs", "chain": []}
	count(tenant_namespace.report) == 0 with input as {"cluster": {"objects": [platform, cluster_scoped]}}
}

test_kinds_of_d1_0102_are_left_to_it if {
	ns := {"apiVersion": "v1", "kind": "Namespace", "name": "other", "location": loc, "appliedBy": "shop/flux-shop", "chain": chain}
	count(tenant_namespace.report) == 0 with input as {"cluster": {"objects": [ns]}}
}
