package d1lint.rules.multi_tenancy.tenant_target_namespace_test

import data.d1lint.rules.multi_tenancy.tenant_target_namespace

fleet_loc := {"repo": "github.com/acme/d1-fleet", "branch": "main", "path": "tenants/apps/components/shop/sync.yaml", "line": 15}

apps_loc := {"repo": "github.com/acme/d1-apps", "branch": "main", "path": "components/shop/base/storefront.yaml", "line": 1}

tenant_chain := ["flux-system/flux-system", "flux-system/flux-apps-tenant"]

shop := {
	"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "shop", "name": "flux-shop",
	"location": fleet_loc, "appliedBy": "flux-system/flux-apps-tenant", "chain": tenant_chain,
	"object": {"spec": {"path": "./components/shop/staging"}},
}

storefront := {
	"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "namespace": "shop", "name": "storefront",
	"location": apps_loc, "appliedBy": "shop/flux-shop", "chain": array.concat(tenant_chain, ["shop/flux-shop"]),
	"object": {"spec": {"releaseName": "storefront"}},
}

test_kustomization_target_namespace if {
	r := tenant_target_namespace.report with input as {"cluster": {"objects": [object.union(shop, {"object": {"spec": {"targetNamespace": "blog"}}})]}}
	r == {{
		"rule": "D1-0107",
		"title": "Tenant targets another namespace",
		"category": "multi-tenancy",
		"severity": "error",
		"object": {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "shop", "name": "flux-shop"},
		"location": fleet_loc,
		"chain": tenant_chain,
		"field": ["spec", "targetNamespace"],
		"message": "Kustomization shop/flux-shop (a tenant Kustomization) sets spec.targetNamespace to blog, outside the tenant's namespace shop: remove it or set it to shop",
	}}
}

test_helm_release_namespaces if {
	hr := object.union(storefront, {"object": {"spec": {"targetNamespace": "blog", "storageNamespace": "kube-system"}}})
	r := tenant_target_namespace.report with input as {"cluster": {"objects": [hr]}}
	r == {
		{
			"rule": "D1-0107",
			"title": "Tenant targets another namespace",
			"category": "multi-tenancy",
			"severity": "error",
			"object": {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "namespace": "shop", "name": "storefront"},
			"location": apps_loc,
			"chain": ["flux-system/flux-system", "flux-system/flux-apps-tenant", "shop/flux-shop"],
			"field": ["spec", "targetNamespace"],
			"message": "HelmRelease shop/storefront (applied by tenant Kustomization shop/flux-shop) sets spec.targetNamespace to blog, outside the tenant's namespace shop: remove it or set it to shop",
		},
		{
			"rule": "D1-0107",
			"title": "Tenant targets another namespace",
			"category": "multi-tenancy",
			"severity": "error",
			"object": {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "namespace": "shop", "name": "storefront"},
			"location": apps_loc,
			"chain": ["flux-system/flux-system", "flux-system/flux-apps-tenant", "shop/flux-shop"],
			"field": ["spec", "storageNamespace"],
			"message": "HelmRelease shop/storefront (applied by tenant Kustomization shop/flux-shop) sets spec.storageNamespace to kube-system, outside the tenant's namespace shop: remove it or set it to shop",
		},
	}
}

test_own_namespace if {
	k := object.union(shop, {"object": {"spec": {"targetNamespace": "shop"}}})
	hr := object.union(storefront, {"object": {"spec": {"targetNamespace": "shop", "storageNamespace": "shop"}}})
	count(tenant_target_namespace.report) == 0 with input as {"cluster": {"objects": [k, hr, shop, storefront]}}
}

test_platform_is_not_judged if {
	infra := object.union(shop, {"namespace": "flux-system", "object": {"spec": {"targetNamespace": "ingress-nginx"}}})
	kyverno := object.union(storefront, {"namespace": "flux-system", "appliedBy": "flux-system/policy-controllers", "object": {"spec": {"targetNamespace": "kyverno"}}})
	count(tenant_target_namespace.report) == 0 with input as {"cluster": {"objects": [infra, kyverno]}}
}
