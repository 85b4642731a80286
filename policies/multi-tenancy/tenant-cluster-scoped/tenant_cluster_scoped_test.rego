package d1lint.rules.multi_tenancy.tenant_cluster_scoped_test

import data.d1lint.rules.multi_tenancy.tenant_cluster_scoped

loc := {"repo": "github.com/acme/d1-apps", "branch": "main", "path": "components/shop/base/reader.yaml", "line": 1}

chain := ["flux-system/flux-system", "flux-system/flux-apps-tenant", "shop/flux-shop"]

cluster_role := {
	"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "name": "shop-reader",
	"location": loc, "appliedBy": "shop/flux-shop", "chain": chain,
}

test_tenant_cluster_role if {
	r := tenant_cluster_scoped.report with input as {"cluster": {"objects": [cluster_role]}}
	r == {{
		"rule": "D1-0102",
		"title": "Tenant creates a cluster-scoped or privileged object",
		"category": "multi-tenancy",
		"severity": "error",
		"object": {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "namespace": "", "name": "shop-reader"},
		"location": loc,
		"chain": chain,
		"message": "ClusterRole shop-reader is applied by tenant Kustomization shop/flux-shop: a tenant may not create ClusterRole objects; move it to the platform (a Kustomization in flux-system) or remove it",
	}}
}

test_every_privileged_kind if {
	kinds := ["ClusterRoleBinding", "CustomResourceDefinition", "Namespace", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]
	objects := [object.union(cluster_role, {"kind": k}) | some k in kinds]
	count(tenant_cluster_scoped.report) == 5 with input as {"cluster": {"objects": objects}}
}

test_platform_may if {
	platform := object.union(cluster_role, {"appliedBy": "flux-system/flux-infra-tenant"})
	count(tenant_cluster_scoped.report) == 0 with input as {"cluster": {"objects": [platform]}}
}

test_tenant_namespaced_objects_are_not_judged if {
	role := object.union(cluster_role, {"kind": "Role", "namespace": "shop"})
	count(tenant_cluster_scoped.report) == 0 with input as {"cluster": {"objects": [role]}}
}

test_privileged_namespaces_from_config if {
	count(tenant_cluster_scoped.report) == 0 with input as {
		"cluster": {"objects": [cluster_role]},
		"config": {"privilegedNamespaces": ["flux-system", "shop"]},
	}
	count(tenant_cluster_scoped.report) == 1 with input as {
		"cluster": {"objects": [object.union(cluster_role, {"appliedBy": "flux-system/flux-apps-tenant"})]},
		"config": {"privilegedNamespaces": ["platform"]},
	}
}

# A tenant chart's cluster-scoped object is the tenant's: helm-controller
# impersonates the HelmRelease's service account.
test_tenant_chart_cluster_role if {
	from_chart := object.union(cluster_role, {"helmRelease": "shop/storefront", "chart": "storefront@1.9.0", "template": "storefront/templates/rbac.yaml"})
	r := tenant_cluster_scoped.report with input as {"cluster": {"objects": [from_chart]}}
	[f.message | some f in r] == ["ClusterRole shop-reader is rendered by chart storefront@1.9.0 (storefront/templates/rbac.yaml) of HelmRelease shop/storefront, which tenant Kustomization shop/flux-shop applies: a tenant may not create ClusterRole objects; move it to the platform (a Kustomization in flux-system) or remove it"]
	platform := object.union(from_chart, {"appliedBy": "flux-system/flux-infra-tenant"})
	count(tenant_cluster_scoped.report) == 0 with input as {"cluster": {"objects": [platform]}}
}

# A platform ResourceSet that binds a namespace's service account to
# cluster-admin makes the namespace the platform's (d2's infra components);
# a binding a Kustomization writes does not, nor one of a tenant's
# ResourceSet.
test_platform_resourceset_delegates_a_namespace if {
	binding := {
		"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "name": "flux-infra-shop",
		"location": loc, "appliedBy": "flux-system/tenants", "chain": ["flux-system/flux-system", "flux-system/tenants"],
		"resourceSet": "flux-system/infra",
		"object": {
			"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
			"subjects": [{"kind": "ServiceAccount", "name": "flux", "namespace": "shop"}],
		},
	}
	count(tenant_cluster_scoped.report) == 0 with input as {"cluster": {"objects": [binding, cluster_role]}}
	by_kustomization := object.remove(binding, ["resourceSet"])
	count(tenant_cluster_scoped.report) == 1 with input as {"cluster": {"objects": [by_kustomization, cluster_role]}}
	by_tenant := object.union(binding, {"resourceSet": "shop/infra"})
	count(tenant_cluster_scoped.report) == 2 with input as {"cluster": {"objects": [by_tenant, cluster_role]}}
}
