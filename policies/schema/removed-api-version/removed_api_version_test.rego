package d1lint.rules.schema.removed_api_version_test

import data.d1lint.rules.schema.removed_api_version

loc := {"repo": "github.com/acme/d1-apps", "branch": "main", "path": "components/podinfo/base/release.yaml", "line": 1}

chain := ["flux-system/flux-system", "flux-system/flux-apps-tenant", "podinfo/flux-podinfo"]

release(schema) := {
	"apiVersion": "helm.toolkit.fluxcd.io/v2beta1", "kind": "HelmRelease", "namespace": "podinfo", "name": "podinfo",
	"location": loc, "appliedBy": "podinfo/flux-podinfo", "chain": chain,
	"object": {"apiVersion": "helm.toolkit.fluxcd.io/v2beta1", "kind": "HelmRelease", "metadata": {"name": "podinfo", "namespace": "podinfo"}},
	"schema": schema,
}

test_removed if {
	r := removed_api_version.report with input as {"cluster": {"objects": [release({"status": "removed", "source": "flux v2.7.5", "replacement": "helm.toolkit.fluxcd.io/v2"})]}}
	r == {{
		"rule": "D1-0503",
		"title": "API version is no longer served",
		"category": "schema",
		"severity": "error",
		"object": {"apiVersion": "helm.toolkit.fluxcd.io/v2beta1", "kind": "HelmRelease", "namespace": "podinfo", "name": "podinfo"},
		"location": loc,
		"chain": chain,
		"message": "HelmRelease podinfo/podinfo: helm.toolkit.fluxcd.io/v2beta1 is no longer served by flux v2.7.5; use helm.toolkit.fluxcd.io/v2",
	}}
}

test_no_replacement if {
	r := removed_api_version.report with input as {"cluster": {"objects": [release({"status": "removed", "source": "flux v2.7.5"})]}}
	[f.message | some f in r] == ["HelmRelease podinfo/podinfo: helm.toolkit.fluxcd.io/v2beta1 is no longer served by flux v2.7.5"]
}

test_crd_of_the_render if {
	widget := {
		"apiVersion": "example.com/v1alpha1", "kind": "Widget", "name": "w", "location": loc, "chain": [],
		"schema": {"status": "removed", "source": "render", "replacement": "example.com/v1"},
	}
	r := removed_api_version.report with input as {"cluster": {"objects": [widget]}}
	[[f.object, f.message] | some f in r] == [[
		{"apiVersion": "example.com/v1alpha1", "kind": "Widget", "namespace": "", "name": "w"},
		"Widget w: example.com/v1alpha1 is no longer served by the cluster's own CustomResourceDefinition; use example.com/v1",
	]]
}

test_no_source if {
	r := removed_api_version.report with input as {"cluster": {"objects": [release({"status": "removed"})]}}
	[f.message | some f in r] == ["HelmRelease podinfo/podinfo: helm.toolkit.fluxcd.io/v2beta1 is no longer served by the cluster"]
}

test_other_verdicts_are_not_reported if {
	objects := [
		object.remove(release({}), ["schema"]),
		release({"status": "valid", "source": "flux v2.7.5", "deprecated": true, "replacement": "helm.toolkit.fluxcd.io/v2", "warning": "v2beta1 HelmRelease is deprecated, upgrade to v2"}),
		release({"status": "invalid", "source": "flux v2.7.5", "errors": [{"path": "spec.interval", "message": "got integer, want string"}]}),
		release({"status": "missing"}),
	]
	count(removed_api_version.report) == 0 with input as {"cluster": {"objects": objects}}
}
