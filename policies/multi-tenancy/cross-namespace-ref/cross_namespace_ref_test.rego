package d1lint.rules.multi_tenancy.cross_namespace_ref_test

import data.d1lint.rules.multi_tenancy.cross_namespace_ref

fleet_loc := {"repo": "github.com/acme/d1-fleet", "branch": "main", "path": "tenants/apps/components/shop/sync.yaml", "line": 15}

apps_loc := {"repo": "github.com/acme/d1-apps", "branch": "main", "path": "components/shop/base/storefront.yaml", "line": 1}

tenant_chain := ["flux-system/flux-system", "flux-system/flux-apps-tenant"]

shop := {
	"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "shop", "name": "flux-shop",
	"location": fleet_loc, "appliedBy": "flux-system/flux-apps-tenant", "chain": tenant_chain,
	"object": {"spec": {"sourceRef": {"kind": "GitRepository", "name": "flux-apps"}, "dependsOn": [{"name": "flux-blog"}]}},
}

storefront := {
	"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "namespace": "shop", "name": "storefront",
	"location": apps_loc, "appliedBy": "shop/flux-shop", "chain": array.concat(tenant_chain, ["shop/flux-shop"]),
	"object": {"spec": {"chart": {"spec": {"chart": "storefront", "sourceRef": {"kind": "HelmRepository", "name": "acme-charts"}}}}},
}

test_kustomization_source_in_flux_system if {
	k := object.union(shop, {"object": {"spec": {"sourceRef": {"namespace": "flux-system", "name": "flux-system"}}}})
	r := cross_namespace_ref.report with input as {"cluster": {"objects": [k]}}
	r == {{
		"rule": "D1-0106",
		"title": "Tenant refers to another namespace",
		"category": "multi-tenancy",
		"severity": "error",
		"object": {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "shop", "name": "flux-shop"},
		"location": fleet_loc,
		"chain": tenant_chain,
		"field": ["spec", "sourceRef", "namespace"],
		"message": "Kustomization shop/flux-shop (a tenant Kustomization) refers to GitRepository flux-system in namespace flux-system through spec.sourceRef: under lockdown Flux refuses references across namespaces; use an object in shop instead",
	}}
}

test_helm_release_references if {
	hr := object.union(storefront, {"object": {"spec": {
		"chart": {"spec": {"sourceRef": {"namespace": "flux-system"}}},
		"dependsOn": [{"name": "redis"}, {"name": "postgres", "namespace": "db"}],
	}}})
	r := cross_namespace_ref.report with input as {"cluster": {"objects": [hr]}}
	{f.message | some f in r} == {
		"HelmRelease shop/storefront (applied by tenant Kustomization shop/flux-shop) refers to HelmRepository acme-charts in namespace flux-system through spec.chart.spec.sourceRef: under lockdown Flux refuses references across namespaces; use an object in shop instead",
		"HelmRelease shop/storefront (applied by tenant Kustomization shop/flux-shop) refers to HelmRelease postgres in namespace db through spec.dependsOn[1]: under lockdown Flux refuses references across namespaces; use an object in shop instead",
	}
	{f.field | some f in r} == {["spec", "chart", "spec", "sourceRef", "namespace"], ["spec", "dependsOn", 1, "namespace"]}
	some f in r
	f.object == {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "namespace": "shop", "name": "storefront"}
	f.location == apps_loc
	f.chain == ["flux-system/flux-system", "flux-system/flux-apps-tenant", "shop/flux-shop"]
}

test_chart_ref if {
	hr := object.union(object.remove(storefront, ["object"]), {"object": {"spec": {"chartRef": {"kind": "OCIRepository", "name": "storefront", "namespace": "blog"}}}})
	r := cross_namespace_ref.report with input as {"cluster": {"objects": [hr]}}
	{f.message | some f in r} == {"HelmRelease shop/storefront (applied by tenant Kustomization shop/flux-shop) refers to OCIRepository storefront in namespace blog through spec.chartRef: under lockdown Flux refuses references across namespaces; use an object in shop instead"}
	{f.field | some f in r} == {["spec", "chartRef", "namespace"]}
}

test_kustomization_depends_on_another_namespace if {
	k := object.union(shop, {"object": {"spec": {"dependsOn": [{"name": "flux-blog", "namespace": "blog"}]}}})
	r := cross_namespace_ref.report with input as {"cluster": {"objects": [k]}}
	[f.field | some f in r] == [["spec", "dependsOn", 0, "namespace"]]
}

test_same_namespace if {
	explicit := object.union(storefront, {"object": {"spec": {"chart": {"spec": {"sourceRef": {"namespace": "shop"}}}}}})
	count(cross_namespace_ref.report) == 0 with input as {"cluster": {"objects": [shop, storefront, explicit]}}
}

test_platform_is_not_judged if {
	infra := object.union(shop, {"namespace": "flux-system", "object": {"spec": {"sourceRef": {"namespace": "other"}}}})
	kyverno := object.union(storefront, {"namespace": "kyverno", "appliedBy": "flux-system/policy-controllers", "object": {"spec": {"chart": {"spec": {"sourceRef": {"namespace": "flux-system"}}}}}})
	count(cross_namespace_ref.report) == 0 with input as {"cluster": {"objects": [infra, kyverno]}}
}
