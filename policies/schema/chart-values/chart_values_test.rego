package d1lint.rules.schema.chart_values_test

import data.d1lint.rules.schema.chart_values

loc := {"repo": "github.com/acme/d1-apps", "path": "components/shop/base/storefront.yaml", "line": 12}

hr := {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "namespace": "shop", "name": "storefront", "location": loc, "chain": ["flux-system/flux-system", "shop/apps"]}

test_violation_names_the_value_field if {
	r := chart_values.report with input as {"cluster": {"objects": [hr], "problems": [{
		"kind": "chart-values", "kustomization": "shop/apps", "helmRelease": "shop/storefront", "location": loc,
		"field": ["spec", "values", "replicaCount"],
		"reason": "HelmRelease shop/storefront: value replicaCount is rejected by the values.schema.json of chart storefront 1.2.0: got string, want integer",
	}]}}
	r == {{
		"rule": "D1-0505",
		"title": "HelmRelease values are rejected by the chart's schema",
		"category": "schema",
		"severity": "error",
		"object": {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "namespace": "shop", "name": "storefront"},
		"location": loc,
		"chain": ["flux-system/flux-system", "shop/apps"],
		"field": ["spec", "values", "replicaCount"],
		"message": "HelmRelease shop/storefront: value replicaCount is rejected by the values.schema.json of chart storefront 1.2.0: got string, want integer",
	}}
}

test_chart_errors_are_not_reported_here if {
	count(chart_values.report) == 0 with input as {"cluster": {"objects": [hr], "problems": [{"kind": "chart-error", "helmRelease": "shop/storefront", "location": loc, "reason": "x"}]}}
}
