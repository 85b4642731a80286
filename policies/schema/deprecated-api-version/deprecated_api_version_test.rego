package d1lint.rules.schema.deprecated_api_version_test

import data.d1lint.rules.schema.deprecated_api_version

loc := {"repo": "github.com/acme/d1-apps", "branch": "main", "path": "components/shop/base/repository.yaml", "line": 2}

chain := ["flux-system/flux-system", "flux-system/flux-apps-tenant", "shop/flux-shop"]

id := {"apiVersion": "source.toolkit.fluxcd.io/v1beta2", "kind": "HelmRepository", "namespace": "shop", "name": "acme-charts"}

repository(schema) := object.union(id, {
	"location": loc, "appliedBy": "shop/flux-shop", "chain": chain,
	"object": {"apiVersion": "source.toolkit.fluxcd.io/v1beta2", "kind": "HelmRepository", "metadata": {"name": "acme-charts", "namespace": "shop"}},
	"schema": schema,
})

test_deprecated if {
	r := deprecated_api_version.report with input as {"cluster": {"objects": [repository({
		"status": "valid",
		"source": "flux v2.7.5",
		"deprecated": true,
		"replacement": "source.toolkit.fluxcd.io/v1",
		"warning": "v1beta2 HelmRepository is deprecated, upgrade to v1",
	})]}}
	r == {{
		"rule": "D1-0504",
		"title": "API version is deprecated",
		"category": "schema",
		"severity": "warning",
		"object": id,
		"location": loc,
		"chain": chain,
		"message": "HelmRepository shop/acme-charts: source.toolkit.fluxcd.io/v1beta2 is deprecated in flux v2.7.5; use source.toolkit.fluxcd.io/v1 (the API server warns: \"v1beta2 HelmRepository is deprecated, upgrade to v1\")",
	}}
}

test_deprecated_and_invalid if {
	r := deprecated_api_version.report with input as {"cluster": {"objects": [repository({
		"status": "invalid", "source": "flux v2.7.5", "deprecated": true, "replacement": "source.toolkit.fluxcd.io/v1",
		"errors": [{"path": "spec.url", "message": "missing property"}],
	})]}}
	[f.message | some f in r] == ["HelmRepository shop/acme-charts: source.toolkit.fluxcd.io/v1beta2 is deprecated in flux v2.7.5; use source.toolkit.fluxcd.io/v1"]
}

test_crd_of_the_render_without_replacement if {
	widget := {
		"apiVersion": "example.com/v1alpha1", "kind": "Widget", "name": "w", "location": loc, "chain": [],
		"schema": {"status": "valid", "source": "render", "deprecated": true, "warning": "example.com/v1alpha1 Widget is deprecated"},
	}
	r := deprecated_api_version.report with input as {"cluster": {"objects": [widget]}}
	[[f.object, f.message] | some f in r] == [[
		{"apiVersion": "example.com/v1alpha1", "kind": "Widget", "namespace": "", "name": "w"},
		"Widget w: example.com/v1alpha1 is deprecated in the cluster's own CustomResourceDefinition (the API server warns: \"example.com/v1alpha1 Widget is deprecated\")",
	]]
}

test_other_verdicts_are_not_reported if {
	objects := [
		object.remove(repository({}), ["schema"]),
		repository({"status": "valid", "source": "flux v2.7.5", "deprecated": false}),
		repository({"status": "invalid", "source": "flux v2.7.5", "errors": [{"path": "spec.url", "message": "missing property"}]}),
		repository({"status": "missing"}),
		repository({"status": "removed", "source": "flux v2.7.5", "replacement": "source.toolkit.fluxcd.io/v1"}),
	]
	count(deprecated_api_version.report) == 0 with input as {"cluster": {"objects": objects}}
}
