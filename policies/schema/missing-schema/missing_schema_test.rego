package d1lint.rules.schema.missing_schema_test

import data.d1lint.rules.schema.missing_schema

loc := {"repo": "github.com/acme/d1-apps", "branch": "main", "path": "components/shop/base/checkout.yaml", "line": 2}

chain := ["flux-system/flux-system", "flux-system/flux-apps-tenant", "shop/flux-shop"]

route(schema) := {
	"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "namespace": "shop", "name": "checkout",
	"location": loc, "appliedBy": "shop/flux-shop", "chain": chain,
	"object": {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "checkout", "namespace": "shop"}},
	"schema": schema,
}

test_missing if {
	r := missing_schema.report with input as {"cluster": {"objects": [route({"status": "missing"})]}}
	r == {{
		"rule": "D1-0502",
		"title": "No schema for the object's kind",
		"category": "schema",
		"severity": "warning",
		"object": {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "namespace": "shop", "name": "checkout"},
		"location": loc,
		"chain": chain,
		"message": "HTTPRoute shop/checkout: no schema is known for kind HTTPRoute of gateway.networking.k8s.io/v1, so it was not validated; add one with --schema-location or apply its CustomResourceDefinition in the fleet",
	}}
}

test_cluster_scoped if {
	widget := {
		"apiVersion": "example.com/v1", "kind": "Widget", "name": "w", "location": loc, "chain": [],
		"schema": {"status": "missing"},
	}
	r := missing_schema.report with input as {"cluster": {"objects": [widget]}}
	[[f.object, f.message] | some f in r] == [[
		{"apiVersion": "example.com/v1", "kind": "Widget", "namespace": "", "name": "w"},
		"Widget w: no schema is known for kind Widget of example.com/v1, so it was not validated; add one with --schema-location or apply its CustomResourceDefinition in the fleet",
	]]
}

test_version_unknown_to_the_bundled_crd if {
	policy := {
		"apiVersion": "kyverno.io/v3", "kind": "ClusterPolicy", "name": "require-team-label", "location": loc,
		"chain": ["flux-system/flux-system", "flux-system/flux-infra-tenant", "flux-system/policy-configs"],
		"schema": {"status": "missing", "source": "kyverno v1.19.1"},
	}
	r := missing_schema.report with input as {"cluster": {"objects": [policy]}}
	[f.message | some f in r] == ["ClusterPolicy require-team-label: no schema is known for kind ClusterPolicy of kyverno.io/v3 (schema source: kyverno v1.19.1), so it was not validated; add one with --schema-location or apply its CustomResourceDefinition in the fleet"]
}

test_other_verdicts_are_not_reported if {
	objects := [
		object.remove(route({}), ["schema"]),
		route({"status": "valid", "source": "render", "deprecated": true, "replacement": "gateway.networking.k8s.io/v1"}),
		route({"status": "invalid", "source": "render", "errors": [{"path": "spec.rules", "message": "got object, want array"}]}),
		route({"status": "removed", "source": "render", "replacement": "gateway.networking.k8s.io/v1"}),
	]
	count(missing_schema.report) == 0 with input as {"cluster": {"objects": objects}}
}
