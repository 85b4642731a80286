package d1lint.rules.dependency_ordering.crd_ordering_test

import data.d1lint.rules.dependency_ordering.crd_ordering

loc := {"repo": "r", "path": "components/x.yaml", "line": 1}

k(name, parent, deps, wait) := {
	"key": sprintf("flux-system/%s", [name]), "namespace": "flux-system", "name": name, "status": "rendered",
	"parent": parent, "wait": wait, "chain": [], "children": object.get(children, sprintf("flux-system/%s", [name]), []),
	"dependsOn": [{"kind": "Kustomization", "namespace": "flux-system", "name": d} | some d in deps],
}

obj(api, kind, ns, name, by) := {
	"apiVersion": api, "kind": kind, "namespace": ns, "name": name, "location": loc,
	"appliedBy": sprintf("flux-system/%s", [by]), "chain": ["flux-system/flux-system", sprintf("flux-system/%s", [by])],
	"object": {"apiVersion": api, "kind": kind, "metadata": {"name": name}},
}

crd(group, kind, by) := object.union(obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", "", sprintf("x.%s", [group]), by), {"object": {"spec": {"group": group, "names": {"kind": kind}}}})

children := {
	"flux-system/flux-system": ["flux-system/infra", "flux-system/apps"],
	"flux-system/infra": ["flux-system/ctrl", "flux-system/cfg", "flux-system/loose", "flux-system/nowait", "flux-system/cm"],
	"flux-system/apps": ["flux-system/app"],
}

hr(ns, name, chart, by) := {"namespace": ns, "name": name, "chart": chart, "appliedBy": sprintf("flux-system/%s", [by]), "status": "rendered"}

# unrendered is a HelmRelease whose chart is not in the chart cache.
unrendered(ns, name, chart, by) := object.union(hr(ns, name, chart, by), {"status": "chart-missing"})

# chart_crd is a CRD a rendered chart ships, under its HelmRelease.
chart_crd(group, kind, release, chart, by) := object.union(crd(group, kind, by), {"helmRelease": release, "chart": chart})

cluster := {
	"era": "operator",
	"flux": {"components": ["source-controller", "kustomize-controller", "helm-controller"]},
	"kustomizations": [
		k("flux-system", "", [], false),
		k("infra", "flux-system/flux-system", [], true),
		k("ctrl", "flux-system/infra", [], true),
		k("cfg", "flux-system/infra", ["ctrl"], false),
		k("loose", "flux-system/infra", [], false),
		k("nowait", "flux-system/infra", [], false),
		k("cm", "flux-system/infra", ["nowait"], false),
		k("apps", "flux-system/flux-system", ["infra"], false),
		k("app", "flux-system/apps", [], false),
	],
	"objects": [
		obj("fluxcd.controlplane.io/v1", "FluxInstance", "flux-system", "flux", "flux-system"),
		obj("kustomize.toolkit.fluxcd.io/v1", "Kustomization", "flux-system", "infra", "flux-system"),
		obj("helm.toolkit.fluxcd.io/v2", "HelmRelease", "kyverno", "kyverno", "ctrl"),
		chart_crd("kyverno.io", "ClusterPolicy", "kyverno/kyverno", "kyverno@3.5.2", "ctrl"),
		chart_crd("cert-manager.io", "Certificate", "cert-manager/cert-manager", "cert-manager@v1.18.2", "nowait"),
		crd("example.com", "Widget", "ctrl"),
		obj("example.com/v1", "Widget", "default", "same-build", "ctrl"),
		obj("kyverno.io/v1", "ClusterPolicy", "", "ordered", "cfg"),
		obj("example.com/v1", "Widget", "default", "ordered", "cfg"),
		obj("kyverno.io/v1", "ClusterPolicy", "", "early", "loose"),
		obj("example.com/v1", "Widget", "default", "early", "loose"),
		obj("monitoring.coreos.com/v1", "ServiceMonitor", "default", "orphan", "loose"),
		obj("image.toolkit.fluxcd.io/v1", "ImageUpdateAutomation", "flux-system", "auto", "loose"),
		obj("networking.k8s.io/v1", "Ingress", "default", "web", "loose"),
		obj("apps/v1", "Deployment", "default", "web", "loose"),
		obj("cert-manager.io/v1", "Certificate", "default", "unready", "cm"),
		obj("kyverno.io/v1", "ClusterPolicy", "", "tenant", "app"),
	],
	"helmReleases": [
		hr("kyverno", "kyverno", "kyverno", "ctrl"),
		hr("cert-manager", "cert-manager", "cert-manager", "nowait"),
	],
}

# The finding is about the Kustomization whose dependsOn must change, at
# its dependsOn (or spec when it has none), naming the objects that fail.
test_not_ordered_whole_finding if {
	ks_loc := {"repo": "fleet", "path": "clusters/one/loose.yaml", "line": 1}
	loose := object.union(obj("kustomize.toolkit.fluxcd.io/v1", "Kustomization", "flux-system", "loose", "infra"), {
		"location": ks_loc,
		"object": {"spec": {"path": "./loose"}},
	})
	c := object.union(cluster, {"objects": array.concat(cluster.objects, [loose])})
	r := crd_ordering.report with input as {"cluster": c, "config": {}}
	some f in r
	f.object.name == "loose"
	contains(f.message, "ClusterPolicy early")
	f == {
		"rule": "D1-0303",
		"title": "Custom resource is not ordered after its CRD",
		"category": "dependency-ordering",
		"severity": "error",
		"object": {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "flux-system", "name": "loose"},
		"location": ks_loc,
		"chain": ["flux-system/flux-system", "flux-system/infra"],
		"field": ["spec"],
		"message": "flux-system/loose applies ClusterPolicy early, which fails until its CRD is installed, but it is not ordered after what installs it (CustomResourceDefinition of chart kyverno@3.5.2, installed by HelmRelease kyverno/kyverno applied by flux-system/ctrl): make flux-system/loose depend on flux-system/ctrl",
	}
}

# Without the Kustomization among the objects (the Operator's root), the
# finding falls back to the first custom resource; many objects of one kind
# give one finding.
test_one_finding_per_kustomization_and_kind if {
	more := [obj("kyverno.io/v1", "ClusterPolicy", "", sprintf("p%d", [i]), "loose") | some i in numbers.range(1, 4)]
	c := object.union(cluster, {"objects": array.concat(cluster.objects, more)})
	r := crd_ordering.report with input as {"cluster": c, "config": {}}
	fs := [f | some f in r; contains(f.message, "ClusterPolicy early")]
	count(fs) == 1
	fs[0].object.name == "early"
	startswith(fs[0].message, "flux-system/loose applies ClusterPolicy early, p1 and 3 more, which fails")
}

test_every_finding if {
	r := crd_ordering.report with input as {"cluster": cluster, "config": {}}
	{[f.object.kind, f.object.name, f.message] | some f in r} == {
		["ClusterPolicy", "early", "flux-system/loose applies ClusterPolicy early, which fails until its CRD is installed, but it is not ordered after what installs it (CustomResourceDefinition of chart kyverno@3.5.2, installed by HelmRelease kyverno/kyverno applied by flux-system/ctrl): make flux-system/loose depend on flux-system/ctrl"],
		["Widget", "early", "flux-system/loose applies Widget default/early, which fails until its CRD is installed, but it is not ordered after what installs it (CustomResourceDefinition applied by flux-system/ctrl): make flux-system/loose depend on flux-system/ctrl"],
		["ServiceMonitor", "orphan", "no CRD for monitoring.coreos.com/ServiceMonitor (ServiceMonitor default/orphan): no Kustomization of this cluster applies its CustomResourceDefinition and no chart of its HelmReleases ships it. Add what installs it and make flux-system/loose depend on it, or declare the chart in the crdCharts setting"],
		["ImageUpdateAutomation", "auto", "ImageUpdateAutomation flux-system/auto (image.toolkit.fluxcd.io) needs image-automation-controller, which this cluster's Flux installation does not include, so there is no CRD for it: add image-automation-controller to the Flux components (FluxInstance spec.components, or flux bootstrap --components-extra) or remove the object"],
		["Certificate", "unready", "flux-system/cm applies Certificate default/unready, which fails until its CRD is installed, but it is not ordered after what installs it (CustomResourceDefinition of chart cert-manager@v1.18.2, installed by HelmRelease cert-manager/cert-manager applied by flux-system/nowait): make flux-system/cm depend on flux-system/nowait, and set wait: true on flux-system/nowait so that the chart is installed first"],
	}
}

# The crdCharts setting declares what a chart d1lint did not render
# installs.
test_crd_charts_setting_declares_unrendered_charts if {
	c := object.union(cluster, {"helmReleases": array.concat(cluster.helmReleases, [unrendered("monitoring", "prom", "my-prometheus", "ctrl")])})
	r := crd_ordering.report with input as {"cluster": c, "config": {"crdCharts": {"my-prometheus": ["monitoring.coreos.com"]}}}
	some f in r
	f.object.name == "orphan"
	startswith(f.message, "flux-system/loose applies ServiceMonitor default/orphan, which fails until its CRD is installed, but it is not ordered after")
}

test_operator_kinds_need_operator_era if {
	c := object.union(cluster, {"era": "bootstrap"})
	r := crd_ordering.report with input as {"cluster": c, "config": {}}
	some f in r
	f.object.kind == "FluxInstance"
	startswith(f.message, "no CRD for fluxcd.controlplane.io/FluxInstance")
}

test_unknown_components_assumed_installed if {
	c := object.union(object.remove(cluster, ["flux"]), {"flux": {}, "objects": [obj("image.toolkit.fluxcd.io/v1", "ImageUpdateAutomation", "flux-system", "a", "loose")]})
	count(crd_ordering.report) == 0 with input as {"cluster": c, "config": {}}
}

# With part of the cluster not rendered, an installer (and its ordering)
# may be in the missing part: neither is claimed.
test_installers_unknown_when_render_incomplete if {
	r := crd_ordering.report with input as {"cluster": cluster, "config": {}}
	"orphan" in {f.object.name | some f in r}
	"early" in {f.object.name | some f in r}
	gap := {"kustomization": "flux-system/broken", "reason": "kustomization path not found"}
	c := object.union(cluster, {"completeness": {"complete": false, "gaps": [gap]}})
	r2 := crd_ordering.report with input as {"cluster": c, "config": {}}
	not "orphan" in {f.object.name | some f in r2}
	not "early" in {f.object.name | some f in r2}
}

test_ordered_cluster_is_clean if {
	c := object.union(cluster, {"objects": [o |
		some o in cluster.objects
		not o.appliedBy in {"flux-system/loose", "flux-system/cm"}
	]})
	count(crd_ordering.report) == 0 with input as {"cluster": c, "config": {}}
}

# A chart d1lint did not render may install the CRD: unknown, said at info
# level; once the setting declares it, the ordering is checked. A rendered
# chart that ships no CRD of the group changes nothing.
test_unrendered_chart_makes_no_crd_unknown if {
	rendered := crd_ordering.report with input as {"cluster": object.union(cluster, {"helmReleases": array.concat(cluster.helmReleases, [hr("monitoring", "prom", "my-prometheus", "ctrl")])}), "config": {}}
	some e in rendered
	e.object.name == "orphan"
	e.severity == "error"
	c := object.union(cluster, {"helmReleases": array.concat(cluster.helmReleases, [unrendered("monitoring", "prom", "my-prometheus", "ctrl")])})
	r := crd_ordering.report with input as {"cluster": c, "config": {}}
	some f in r
	f.object.name == "orphan"
	f.severity == "info"
	f.message == "no known installer of the CRD for monitoring.coreos.com/ServiceMonitor (ServiceMonitor default/orphan), but charts d1lint did not render may install it (my-prometheus): add them to the chart cache (d1lint charts pull), or declare the API groups of the chart that does in the crdCharts setting, so that d1lint checks the ordering"
	count([g | some g in r; g.severity == "error"; g.object.name == "orphan"]) == 0
}

# A custom resource a chart renders is ordered by its own HelmRelease,
# which installs its crds/ first, or by a HelmRelease it depends on.
test_chart_custom_resource_ordered_by_its_release if {
	own := object.union(obj("kyverno.io/v1", "ClusterPolicy", "", "bundled", "loose"), {"helmRelease": "kyverno/kyverno"})
	c := object.union(cluster, {"objects": array.concat(cluster.objects, [own])})
	r := crd_ordering.report with input as {"cluster": c, "config": {}}
	not "bundled" in {n | some f in r; some n in [f.object.name]; contains(f.message, "bundled")}
	other := object.union(obj("kyverno.io/v1", "ClusterPolicy", "", "stray", "loose"), {"helmRelease": "default/other"})
	c2 := object.union(cluster, {"objects": array.concat(cluster.objects, [other])})
	r2 := crd_ordering.report with input as {"cluster": c2, "config": {}}
	some f in r2
	contains(f.message, "stray")
}

# A Kustomization a ResourceSet generates is ordered by the ResourceSet's
# ready dependencies (after): Flux Operator generates it only once they
# are Ready, as d2 generates its tenants after the monitoring configs.
test_ordered_by_the_resourceset_that_generates_it if {
	only_early := object.union(cluster, {"objects": [o |
		some o in cluster.objects
		o.appliedBy != "flux-system/cm"
		not o.name in {"orphan", "auto"}
	]})
	count(crd_ordering.report) > 0 with input as {"cluster": only_early, "config": {}}
	generated := [object.union(x, {"after": [{"kind": "Kustomization", "namespace": "flux-system", "name": "ctrl"}]}) |
		some x in only_early.kustomizations
		x.name == "loose"
	]
	others := [x | some x in only_early.kustomizations; x.name != "loose"]
	c := object.union(only_early, {"kustomizations": array.concat(others, generated)})
	count(crd_ordering.report) == 0 with input as {"cluster": c, "config": {}}
}
