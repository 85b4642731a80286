package d1lint.rules.multi_tenancy.tenant_role_binding_test

import data.d1lint.rules.multi_tenancy.tenant_role_binding

loc := {"repo": "github.com/acme/d1-fleet", "branch": "main", "path": "tenants/apps/components/shop/rbac.yaml", "line": 8}

tenant_chain := ["flux-system/flux-system", "flux-system/flux-apps-tenant"]

shop := {
	"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "shop", "name": "flux-shop",
	"location": loc, "appliedBy": "flux-system/flux-apps-tenant", "chain": tenant_chain,
	"object": {"spec": {"serviceAccountName": "flux-apps"}},
}

storefront := {
	"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "namespace": "shop", "name": "storefront",
	"location": loc, "appliedBy": "shop/flux-shop", "chain": array.concat(tenant_chain, ["shop/flux-shop"]),
	"object": {"spec": {"serviceAccountName": "flux-apps"}},
}

binding(role, subjects) := {
	"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "namespace": "shop", "name": "flux-apps",
	"location": loc, "appliedBy": "flux-system/flux-apps-tenant", "chain": tenant_chain,
	"object": {"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role}, "subjects": subjects},
}

sa_subject := [{"kind": "ServiceAccount", "name": "flux-apps", "namespace": "shop"}]

test_role_binding_to_cluster_admin if {
	r := tenant_role_binding.report with input as {"cluster": {"objects": [shop, storefront, binding("cluster-admin", sa_subject)]}}
	r == {{
		"rule": "D1-0105",
		"title": "Tenant service account is bound beyond its namespace role",
		"category": "multi-tenancy",
		"severity": "error",
		"object": {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "namespace": "shop", "name": "flux-apps"},
		"location": loc,
		"chain": tenant_chain,
		"field": ["roleRef"],
		"message": "RoleBinding shop/flux-apps binds tenant service account shop/flux-apps (used by HelmRelease shop/storefront, Kustomization shop/flux-shop) to ClusterRole cluster-admin: a tenant's service account may only be bound to ClusterRole admin; point roleRef at it or remove the binding",
	}}
}

test_cluster_role_binding if {
	crb := object.union(object.remove(binding("admin", sa_subject), ["namespace"]), {"kind": "ClusterRoleBinding", "name": "shop-admin"})
	r := tenant_role_binding.report with input as {"cluster": {"objects": [shop, crb]}}
	r == {{
		"rule": "D1-0105",
		"title": "Tenant service account is bound beyond its namespace role",
		"category": "multi-tenancy",
		"severity": "error",
		"object": {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "namespace": "", "name": "shop-admin"},
		"location": loc,
		"chain": tenant_chain,
		"field": ["subjects", 0],
		"message": "ClusterRoleBinding shop-admin binds tenant service account shop/flux-apps (used by Kustomization shop/flux-shop) to ClusterRole admin cluster-wide: a tenant's service account may only be bound in its namespace; replace it with a RoleBinding to ClusterRole admin",
	}}
}

# A ClusterRoleBinding's finding names the subject binding the tenant's
# account, by its index.
test_cluster_role_binding_subject_index if {
	subjects := [{"kind": "ServiceAccount", "name": "storefront", "namespace": "shop"}, sa_subject[0]]
	crb := object.union(object.remove(binding("admin", subjects), ["namespace"]), {"kind": "ClusterRoleBinding", "name": "shop-admin"})
	r := tenant_role_binding.report with input as {"cluster": {"objects": [shop, crb]}}
	[f.field | some f in r] == [["subjects", 1]]
}

test_role_binding_to_a_role if {
	rb := object.union(binding("x", [{"kind": "ServiceAccount", "name": "flux-apps"}]), {"object": {"roleRef": {"kind": "Role", "name": "admin"}}})
	count(tenant_role_binding.report) == 1 with input as {"cluster": {"objects": [shop, rb]}}
}

test_user_subject if {
	rb := binding("edit", [{"kind": "User", "name": "system:serviceaccount:shop:flux-apps"}])
	count(tenant_role_binding.report) == 1 with input as {"cluster": {"objects": [shop, rb]}}
}

test_admin_role_binding if {
	count(tenant_role_binding.report) == 0 with input as {"cluster": {"objects": [shop, storefront, binding("admin", sa_subject)]}}
}

test_tenant_cluster_roles_from_config if {
	count(tenant_role_binding.report) == 0 with input as {
		"cluster": {"objects": [shop, binding("edit", sa_subject)]},
		"config": {"tenantClusterRoles": ["admin", "edit"]},
	}
}

test_other_accounts_are_not_judged if {
	app := binding("cluster-admin", [{"kind": "ServiceAccount", "name": "storefront", "namespace": "shop"}])
	other_ns := binding("cluster-admin", [{"kind": "ServiceAccount", "name": "flux-apps", "namespace": "blog"}])
	infra := object.union(object.remove(binding("cluster-admin", [{"kind": "ServiceAccount", "name": "flux-infra", "namespace": "flux-system"}]), ["namespace"]), {"kind": "ClusterRoleBinding"})
	infra_kustomization := object.union(shop, {"namespace": "flux-system", "name": "ingress-controllers", "object": {"spec": {"serviceAccountName": "flux-infra"}}})
	count(tenant_role_binding.report) == 0 with input as {"cluster": {"objects": [shop, app, other_ns, infra, infra_kustomization]}}
}
