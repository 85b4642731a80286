package d1lint.rules.multi_tenancy.tenant_namespace_label_test

import data.d1lint.rules.multi_tenancy.tenant_namespace_label

loc := {"repo": "github.com/acme/d1-fleet", "branch": "main", "path": "tenants/apps/components/shop/namespace.yaml", "line": 1}

tenant_chain := ["flux-system/flux-system", "flux-system/flux-apps-tenant"]

namespace(name, labels) := {
	"apiVersion": "v1", "kind": "Namespace", "name": name,
	"location": loc, "appliedBy": "flux-system/flux-apps-tenant", "chain": tenant_chain,
	"object": {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}},
}

kustomization(ns, name) := {
	"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": ns, "name": name,
	"location": loc, "appliedBy": "flux-system/flux-apps-tenant", "chain": tenant_chain,
	"object": {"spec": {}},
}

test_unlabelled_tenant_namespace if {
	r := tenant_namespace_label.report with input as {"cluster": {"objects": [
		namespace("shop", {"team": "shop"}),
		kustomization("shop", "flux-shop"),
	]}}
	r == {{
		"rule": "D1-0108",
		"title": "Tenant namespace lacks the tenant label",
		"category": "multi-tenancy",
		"severity": "warning",
		"object": {"apiVersion": "v1", "kind": "Namespace", "namespace": "", "name": "shop"},
		"location": loc,
		"chain": tenant_chain,
		"field": ["metadata", "labels"],
		"message": "Namespace shop holds tenant Kustomization shop/flux-shop but has no label toolkit.fluxcd.io/tenant, which the policies that copy tenant secrets select on; add the label to the Namespace",
	}}
}

test_namespace_without_labels_names_metadata if {
	ns := object.union(object.remove(namespace("shop", {}), ["object"]), {"object": {"metadata": {"name": "shop"}}})
	r := tenant_namespace_label.report with input as {"cluster": {"objects": [ns, kustomization("shop", "flux-shop")]}}
	[f.field | some f in r] == [["metadata"]]
}

test_labelled_tenant_namespace if {
	count(tenant_namespace_label.report) == 0 with input as {"cluster": {"objects": [
		namespace("shop", {"toolkit.fluxcd.io/tenant": "apps"}),
		kustomization("shop", "flux-shop"),
	]}}
}

test_label_from_config if {
	count(tenant_namespace_label.report) == 1 with input as {
		"cluster": {"objects": [namespace("shop", {"toolkit.fluxcd.io/tenant": "apps"}), kustomization("shop", "flux-shop")]},
		"config": {"tenantLabel": "acme.io/tenant"},
	}
}

test_namespaces_without_tenant_kustomizations_are_not_judged if {
	count(tenant_namespace_label.report) == 0 with input as {"cluster": {"objects": [
		namespace("ingress-nginx", {}),
		namespace("flux-system", {}),
		kustomization("flux-system", "flux-apps-tenant"),
	]}}
}
