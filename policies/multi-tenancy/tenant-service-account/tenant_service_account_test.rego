package d1lint.rules.multi_tenancy.tenant_service_account_test

import data.d1lint.rules.multi_tenancy.tenant_service_account

fleet_loc := {"repo": "github.com/acme/d1-fleet", "branch": "main", "path": "tenants/apps/components/shop/sync.yaml", "line": 15}

apps_loc := {"repo": "github.com/acme/d1-apps", "branch": "main", "path": "components/shop/base/storefront.yaml", "line": 1}

tenant_chain := ["flux-system/flux-system", "flux-system/flux-apps-tenant"]

shop := {
	"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "shop", "name": "flux-shop",
	"location": fleet_loc, "appliedBy": "flux-system/flux-apps-tenant", "chain": tenant_chain,
	"object": {"spec": {"serviceAccountName": "flux-apps"}},
}

storefront := {
	"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "namespace": "shop", "name": "storefront",
	"location": apps_loc, "appliedBy": "shop/flux-shop", "chain": array.concat(tenant_chain, ["shop/flux-shop"]),
	"object": {"spec": {"serviceAccountName": "flux-apps"}},
}

cluster_admin_binding := {
	"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "name": "shop-admin",
	"location": fleet_loc, "appliedBy": "flux-system/flux-apps-tenant", "chain": tenant_chain,
	"object": {
		"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
		"subjects": [{"kind": "ServiceAccount", "name": "flux-apps", "namespace": "shop"}],
	},
}

test_kustomization_without_service_account if {
	r := tenant_service_account.report with input as {"cluster": {"objects": [object.union(object.remove(shop, ["object"]), {"object": {"spec": {}}})]}}
	r == {{
		"rule": "D1-0104",
		"title": "Tenant reconciles without its own service account",
		"category": "multi-tenancy",
		"severity": "error",
		"object": {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "shop", "name": "flux-shop"},
		"location": fleet_loc,
		"chain": tenant_chain,
		"field": ["spec"],
		"message": "Kustomization shop/flux-shop (a tenant Kustomization) runs without a service account (spec.serviceAccountName is not set), so it gets the default's rights, or the controller's without lockdown; set it to the tenant's service account",
	}}
}

test_helm_release_without_service_account if {
	r := tenant_service_account.report with input as {"cluster": {"objects": [shop, object.union(storefront, {"object": {"spec": {"serviceAccountName": ""}}})]}}
	r == {{
		"rule": "D1-0104",
		"title": "Tenant reconciles without its own service account",
		"category": "multi-tenancy",
		"severity": "error",
		"object": {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "namespace": "shop", "name": "storefront"},
		"location": apps_loc,
		"chain": ["flux-system/flux-system", "flux-system/flux-apps-tenant", "shop/flux-shop"],
		"field": ["spec", "serviceAccountName"],
		"message": "HelmRelease shop/storefront (applied by tenant Kustomization shop/flux-shop) runs without a service account (spec.serviceAccountName is not set), so it gets the default's rights, or the controller's without lockdown; set it to the tenant's service account (a patch on shop/flux-shop can set it on every HelmRelease)",
	}}
}

test_controller_service_account if {
	r := tenant_service_account.report with input as {"cluster": {"objects": [object.union(shop, {"object": {"spec": {"serviceAccountName": "kustomize-controller"}}})]}}
	r == {{
		"rule": "D1-0104",
		"title": "Tenant reconciles without its own service account",
		"category": "multi-tenancy",
		"severity": "error",
		"object": {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "shop", "name": "flux-shop"},
		"location": fleet_loc,
		"chain": tenant_chain,
		"field": ["spec", "serviceAccountName"],
		"message": "Kustomization shop/flux-shop (a tenant Kustomization) runs as service account kustomize-controller, a Flux controller's own service account; give it the tenant's own service account",
	}}
}

test_cluster_admin_service_account if {
	r := tenant_service_account.report with input as {"cluster": {"objects": [shop, storefront, cluster_admin_binding]}}
	count(r) == 2
	some f in r
	f.object.kind == "HelmRelease"
	f.message == "HelmRelease shop/storefront (applied by tenant Kustomization shop/flux-shop) runs as service account flux-apps, which ClusterRoleBinding shop-admin binds to cluster-admin; give it the tenant's own service account"
	f.field == ["spec", "serviceAccountName"]
}

test_cluster_admin_in_another_namespace_is_not_this_one if {
	other := object.union(cluster_admin_binding, {"object": {"subjects": [{"kind": "ServiceAccount", "name": "flux-apps", "namespace": "blog"}]}})
	count(tenant_service_account.report) == 0 with input as {"cluster": {"objects": [shop, storefront, other]}}
}

test_tenant_service_account if {
	count(tenant_service_account.report) == 0 with input as {"cluster": {"objects": [shop, storefront]}}
}

test_platform_is_not_judged if {
	infra := object.union(object.remove(shop, ["object"]), {"namespace": "flux-system", "name": "ingress-controllers", "object": {"spec": {}}})
	kyverno := object.union(object.remove(storefront, ["object"]), {"namespace": "kyverno", "appliedBy": "flux-system/policy-controllers", "object": {"spec": {}}})
	count(tenant_service_account.report) == 0 with input as {"cluster": {"objects": [infra, kyverno]}}
}

# A tenant's ResourceSet without a service account: Flux Operator, which
# Flux's lockdown does not restrict, applies what it generates as itself.
test_tenant_resourceset_without_service_account if {
	rs := {
		"apiVersion": "fluxcd.controlplane.io/v1", "kind": "ResourceSet", "namespace": "shop", "name": "roles",
		"location": apps_loc, "appliedBy": "shop/flux-shop", "chain": array.concat(tenant_chain, ["shop/flux-shop"]),
		"object": {"spec": {}},
	}
	flux := {"multitenant": true, "defaultServiceAccount": "flux"}
	sa := {"apiVersion": "v1", "kind": "ServiceAccount", "namespace": "shop", "name": "flux", "location": apps_loc}
	r := tenant_service_account.report with input as {"cluster": {"flux": flux, "objects": [shop, sa, rs]}}
	count(r) == 1
	some f in r
	f.object.kind == "ResourceSet"
	contains(f.message, "the operator's own service account")
}

# Under lockdown, a tenant HelmRelease without a service account runs as the
# tenant default, which the platform created in the tenant's namespace (d2).
test_lockdown_default_is_the_tenants_own if {
	hr := object.union(object.remove(storefront, ["object"]), {"object": {"spec": {}}})
	sa := {"apiVersion": "v1", "kind": "ServiceAccount", "namespace": "shop", "name": "flux", "location": apps_loc}
	flux := {"multitenant": true, "defaultServiceAccount": "flux"}
	count(tenant_service_account.report) == 0 with input as {"cluster": {"flux": flux, "objects": [shop, sa, hr]}}
	count(tenant_service_account.report) == 1 with input as {"cluster": {"flux": object.union(flux, {"defaultServiceAccount": "default"}), "objects": [shop, sa, hr]}}
}
