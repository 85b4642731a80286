package d1lint.rules.build.chart_missing_test

import data.d1lint.rules.build.chart_missing

loc := {"repo": "github.com/acme/d1-apps", "path": "components/shop/base/storefront.yaml", "line": 12}

hr := {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "namespace": "shop", "name": "storefront", "location": loc, "chain": ["flux-system/flux-system", "shop/apps"]}

missing := {"kind": "chart-missing", "kustomization": "shop/apps", "helmRelease": "shop/storefront", "location": loc, "reason": "HelmRelease shop/storefront: chart storefront 1.2.0 is not in the chart cache"}

test_missing_chart_is_a_warning_about_its_helm_release if {
	r := chart_missing.report with input as {"cluster": {"objects": [hr], "problems": [missing, {"kind": "chart-error", "helmRelease": "shop/storefront", "location": loc, "reason": "a user error"}]}}
	r == {{
		"rule": "D1-0007",
		"title": "HelmRelease chart is not available offline",
		"category": "build",
		"severity": "warning",
		"object": {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "namespace": "shop", "name": "storefront"},
		"location": loc,
		"chain": ["flux-system/flux-system", "shop/apps"],
		"message": "HelmRelease shop/storefront: chart storefront 1.2.0 is not in the chart cache",
	}}
}

test_required_charts_make_it_an_error if {
	r := chart_missing.report with input as {"cluster": {"objects": [hr], "problems": [missing]}, "config": {"requireCharts": true}}
	[f.severity | some f in r] == ["error"]
}

test_other_problems_are_not_reported if {
	count(chart_missing.report) == 0 with input as {"cluster": {"objects": [hr], "problems": [{"kind": "not-rendered", "location": loc, "reason": "x"}]}}
}
