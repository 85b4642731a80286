package d1lint.rules.multi_tenancy.tenant_oci_helm_repository_test

import data.d1lint.rules.multi_tenancy.tenant_oci_helm_repository

loc := {"repo": "github.com/acme/d1-apps", "branch": "main", "path": "components/shop/base/repository.yaml", "line": 2}

chain := ["flux-system/flux-system", "flux-system/flux-apps-tenant", "shop/flux-shop"]

repository(spec) := {
	"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "HelmRepository", "namespace": "shop", "name": "acme-charts",
	"location": loc, "appliedBy": "shop/flux-shop", "chain": chain,
	"object": {"spec": spec},
}

test_https_repository if {
	r := tenant_oci_helm_repository.report with input as {"cluster": {"objects": [repository({"url": "https://charts.acme.example"})]}}
	r == {{
		"rule": "D1-0109",
		"title": "Tenant HelmRepository is not OCI",
		"category": "multi-tenancy",
		"severity": "warning",
		"object": {"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "HelmRepository", "namespace": "shop", "name": "acme-charts"},
		"location": loc,
		"chain": chain,
		"field": ["spec"],
		"message": "HelmRepository shop/acme-charts, applied by tenant Kustomization shop/flux-shop, is not OCI (spec.type default, url https://charts.acme.example): tenant chart sources must be OCI; set spec.type: oci and an oci:// url",
	}}
}

test_explicit_default_type if {
	r := tenant_oci_helm_repository.report with input as {"cluster": {"objects": [repository({"type": "default", "url": "https://x"})]}}
	[f.field | some f in r] == [["spec", "type"]]
}

test_oci_repository if {
	count(tenant_oci_helm_repository.report) == 0 with input as {"cluster": {"objects": [repository({"type": "oci", "url": "oci://ghcr.io/acme/charts"})]}}
}

test_platform_is_not_judged if {
	platform := object.union(repository({"url": "https://kyverno.github.io/kyverno"}), {"namespace": "kyverno", "appliedBy": "flux-system/policy-controllers"})
	count(tenant_oci_helm_repository.report) == 0 with input as {"cluster": {"objects": [platform]}}
}
