# METADATA
# title: Custom resource is not ordered after its CRD
# description: |
#   kustomize-controller dry-runs every object before applying it: a custom
#   resource whose CustomResourceDefinition is not installed yet fails the
#   whole Kustomization (no matches for kind). A CRD is installed by the
#   Flux installation (Flux's own kinds, only for the components installed
#   when the cluster's folder lists them, and in the Flux Operator era the
#   operator's kinds), by a Kustomization that applies the
#   CustomResourceDefinition, or by a chart: the CRDs a HelmRelease's chart
#   ships, as d1lint renders it (its crds/ folder, under the install.crds
#   policy, and its templates). The Kustomization applying the custom
#   resource must come after it: the CRD's Kustomization is itself, a
#   parent or reached through dependsOn; a chart's HelmRelease is applied
#   by a Kustomization that is a dependsOn target with wait (or health
#   checks), below one, or Ready before one of those. A custom resource a
#   chart renders is ordered by its own HelmRelease (Helm installs crds/
#   first) or a HelmRelease it dependsOn. Kinds that nothing in the cluster
#   installs are reported too, as errors when every chart of the cluster was
#   rendered; a chart that was not (not in the chart cache) may install any
#   CRD, so the kind is then reported at info level as unknown, unless the
#   crdCharts setting declares what that chart installs. On a cluster that
#   was not fully rendered, installers and their ordering are not claimed
#   at all (D1-0003). A custom resource ordered too early is reported on
#   the Kustomization that applies it, at its dependsOn, which is what must
#   change; the message names the objects that fail.
# custom:
#   id: D1-0303
#   category: dependency-ordering
#   severity: error
#   remediation: Make the Kustomization that applies the custom resource depend on the one that installs its CRD (with wait true when a HelmRelease installs it), add the missing Flux component or installer, or, for a chart d1lint cannot render, pull it into the chart cache or declare its API groups in crdCharts.
#   profiles: [d1, generic]
package d1lint.rules.dependency_ordering.crd_ordering

import data.d1lint.lib.applied
import data.d1lint.lib.completeness
import data.d1lint.lib.index
import data.d1lint.lib.ordering
import data.d1lint.lib.result

# A Flux kind whose controller is not installed, with no other installer.
report contains result.fail(rego.metadata.chain(), result.object_details(o, msg)) if {
	some i in unchecked
	o := input.cluster.objects[i]
	g := ordering.group(o.apiVersion)
	component := ordering.flux_component(g, o.kind)
	not ordering.flux_installed(component)
	count(installers(g, o.kind)) == 0
	msg := sprintf("%s %s (%s) needs %s, which this cluster's Flux installation does not include, so there is no CRD for it: add %s to the Flux components (FluxInstance spec.components, or flux bootstrap --components-extra) or remove the object", [o.kind, name(o), g, component, component])
}

# A kind that nothing in the cluster installs.
report contains result.fail(rego.metadata.chain(), result.object_details(o, msg)) if {
	completeness.complete
	count(unknown_charts) == 0
	some i in unchecked
	o := input.cluster.objects[i]
	g := ordering.group(o.apiVersion)
	not ordering.flux_component(g, o.kind)
	not operator_kind(g)
	count(installers(g, o.kind)) == 0
	msg := sprintf("no CRD for %s/%s (%s %s): no Kustomization of this cluster applies its CustomResourceDefinition and no chart of its HelmReleases ships it. Add what installs it and make %s depend on it, or declare the chart in the crdCharts setting", [g, o.kind, o.kind, name(o), o.appliedBy])
}

# A kind with no known installer, on a cluster that installs charts whose
# CRDs d1lint does not know (not rendered: not in the chart cache): one of them may
# install it, so this is unknown, not an error; said at info level, with
# the way to make it known.
report contains result.fail(rego.metadata.chain(), object.union(result.object_details(o, msg), {"severity": "info"})) if {
	completeness.complete
	count(unknown_charts) > 0
	some i in unchecked
	o := input.cluster.objects[i]
	g := ordering.group(o.apiVersion)
	not ordering.flux_component(g, o.kind)
	not operator_kind(g)
	count(installers(g, o.kind)) == 0
	msg := sprintf("no known installer of the CRD for %s/%s (%s %s), but charts d1lint did not render may install it (%s): add them to the chart cache (d1lint charts pull), or declare the API groups of the chart that does in the crdCharts setting, so that d1lint checks the ordering", [g, o.kind, o.kind, name(o), concat(", ", sort(unknown_charts))])
}

# unknown_charts are the charts of the cluster's HelmReleases that are not
# in the table of charts and the API groups their CRDs define.
unknown_charts contains chart if {
	some h in unrendered_releases
	chart := object.get(h, "chart", "")
	chart != ""
	not charts[chart]
}

# Installers exist, none is ordered before the custom resources. The fix
# (and the change that broke it) is the dependsOn of the Kustomization that
# applies them, so the finding is about that Kustomization, at its
# dependsOn: one per Kustomization and kind, naming the objects that fail.
report contains result.fail(rego.metadata.chain(), unordered_details(key, objs, msg)) if {
	completeness.complete
	some [key, g, kind], objs in unordered
	found := installers(g, kind)
	msg := sprintf("%s applies %s, which fails until its CRD is installed, but it is not ordered after what installs it (%s): make %s depend on %s%s", [key, objects_named(kind, objs), concat(", ", sort({x.description | some x in found})), key, concat(" or ", sort({x.kustomization | some x in found})), wait_hint(found)])
}

# unordered maps [Kustomization key, API group, kind] to the custom
# resources of that kind the Kustomization applies before any installer of
# their CRD.
unordered[[o.appliedBy, g, o.kind]] contains o if {
	completeness.complete
	some i in unchecked
	o := input.cluster.objects[i]
	g := ordering.group(o.apiVersion)
	found := installers(g, o.kind)
	count(found) > 0
	not ordered_object(o, found)
}

# unordered_details are about the applying Kustomization when it is an
# object of the render (the Flux Operator's root is not), else about the
# first custom resource.
unordered_details(key, objs, msg) := result.object_field_details(ks, depends_on_field(ks), msg) if {
	some ks in applied.of_kind("Kustomization")
	startswith(ks.apiVersion, "kustomize.toolkit.fluxcd.io/")
	sprintf("%s/%s", [object.get(ks, "namespace", ""), ks.name]) == key
} else := result.object_details(first, msg) if {
	first := sort_by_name(objs)[0]
}

depends_on_field(ks) := ["spec", "dependsOn"] if {
	object.get(ks.object, ["spec", "dependsOn"], null) != null
} else := ["spec"]

# objects_named names the objects of one kind: "Widget default/a", "Widget
# default/a, default/b and 3 more".
objects_named(kind, objs) := sprintf("%s %s", [kind, names]) if {
	sorted := [name(o) | some o in sort_by_name(objs)]
	count(sorted) <= 3
	names := concat(", ", sorted)
} else := sprintf("%s %s and %d more", [kind, concat(", ", array.slice(sorted, 0, 2)), count(sorted) - 2]) if {
	sorted := [name(o) | some o in sort_by_name(objs)]
}

sort_by_name(objs) := [o |
	some n in sort({name(x) | some x in objs})
	some o in objs
	name(o) == n
]

# wait_hint asks for wait: true where only a HelmRelease installs the CRD
# and its Kustomization does not wait for it.
wait_hint(found) := sprintf(", and set wait: true on %s so that the chart is installed first", [concat(" or ", sort(unwaited))]) if {
	unwaited := {x.kustomization | some x in found; x.ready; not ordering.waiting[x.kustomization]}
	count(unwaited) > 0
} else := ""

# unchecked are the indices in input.cluster.objects of the applied custom
# resources that neither Kubernetes nor the Flux installation defines,
# computed once for all four checks. The index groups the objects by API
# version and kind, and whether they need a CRD of their own depends on
# those alone: the objects of the other API versions and kinds (most of a
# cluster) are never visited.
unchecked contains i if {
	some v, kinds in index.api_versions
	g := custom_groups[v]
	some kind, is in kinds
	not flux_installed(g, kind)
	some i in is
	o := input.cluster.objects[i]
	not o.notApplied
	not o.remote
}

# custom_groups maps the apiVersions of the cluster's custom resources to
# their group.
custom_groups := {v: g |
	some v, _ in index.api_versions
	g := ordering.group(v)
	not ordering.builtin(g)
}

name(o) := sprintf("%s/%s", [o.namespace, o.name]) if object.get(o, "namespace", "") != ""

name(o) := o.name if object.get(o, "namespace", "") == ""

flux_installed(g, kind) if ordering.flux_installed(ordering.flux_component(g, kind))

flux_installed(g, _) if operator_kind(g)

operator_kind(g) if {
	input.cluster.era == "operator"
	g == ordering.operator_group
}

# installers are the CRD's installers: {kustomization, description, ready},
# ready when the Kustomization must be Ready (its HelmReleases installed)
# rather than merely applied.
installers(g, kind) := crd_installers_of(sprintf("%s/%s", [g, kind])) | chart_installers_of(g)

crd_installers_of(id) := s if {
	s := crd_installers[id]
} else := set()

chart_installers_of(g) := s if {
	s := chart_installers[g]
} else := set()

ordered(key, found) if {
	some i in found
	not i.ready
	i.kustomization in ordering.before[key]
}

# A chart's custom resource whose CRD the same HelmRelease installs (Helm
# installs crds/ first), or a HelmRelease it dependsOn.
ordered_object(o, found) if {
	hr := object.get(o, "helmRelease", "")
	hr != ""
	some i in found
	i.helmRelease in ({hr} | release_depends_on[hr])
}

ordered_object(o, found) if ordered(o.appliedBy, found)

# release_depends_on maps a HelmRelease key to the keys its dependsOn names.
release_depends_on[key] := {sprintf("%s/%s", [object.get(d, "namespace", ns), d.name]) |
	some d in object.get(h.object, ["spec", "dependsOn"], [])
} if {
	some h in applied.of_kind("HelmRelease")
	ns := object.get(h, "namespace", "default")
	key := sprintf("%s/%s", [ns, h.name])
}

ordered(key, found) if {
	some i in found
	i.ready
	i.kustomization in ordering.ready[key]
}

# crds are the CustomResourceDefinitions of the cluster: [group/Kind, the
# Kustomization that applies it (or its HelmRelease), the HelmRelease that
# installs it ("" for a Kustomization's own)].
crds := [[sprintf("%s/%s", [spec.group, spec.names.kind]), o.appliedBy, object.get(o, "helmRelease", ""), object.get(o, "chart", "")] |
	some o in applied.of_kind("CustomResourceDefinition")
	ordering.group(o.apiVersion) == "apiextensions.k8s.io"
	spec := object.get(o.object, "spec", {})
	is_string(object.get(spec, "group", null))
	is_string(object.get(spec, ["names", "kind"], null))
]

# crd_installers: a CRD a Kustomization applies is there once that
# Kustomization is applied; one a chart ships is there once its
# HelmRelease is installed, so the Kustomization applying the HelmRelease
# must be Ready (wait) first.
crd_installers := {id: {crd_installer(c) |
	some c in crds
	c[0] == id
} |
	some [id, _, _, _] in crds
}

crd_installer(c) := {"kustomization": c[1], "description": sprintf("CustomResourceDefinition applied by %s", [c[1]]), "ready": false, "helmRelease": ""} if {
	c[2] == ""
} else := {
	"kustomization": c[1],
	"description": sprintf("CustomResourceDefinition of chart %s, installed by HelmRelease %s applied by %s", [c[3], c[2], c[1]]),
	"ready": true,
	"helmRelease": c[2],
}

# chart_installers: a HelmRelease whose chart was not rendered (not in the
# chart cache) installs the API groups the crdCharts setting declares for
# its chart.
chart_installers := {g: {{
	"kustomization": h.appliedBy,
	"description": sprintf("HelmRelease %s/%s (chart %s, not rendered; crdCharts) applied by %s", [h.namespace, h.name, h.chart, h.appliedBy]),
	"ready": true,
	"helmRelease": sprintf("%s/%s", [h.namespace, h.name]),
} |
	some h in unrendered_releases
	g in object.get(charts, object.get(h, "chart", ""), [])
} |
	some g in chart_groups
}

chart_groups contains g if {
	some h in unrendered_releases
	some g in object.get(charts, object.get(h, "chart", ""), [])
}

# unrendered_releases are the HelmReleases whose chart d1lint did not
# render: what their charts install is known only from crdCharts.
unrendered_releases contains h if {
	some h in input.cluster.helmReleases
	object.get(h, "status", "") != "rendered"
}

# charts maps a Helm chart name to the API groups whose CRDs it installs,
# for charts that are not rendered (the crdCharts setting). A rendered
# chart's CRDs are the ones it ships.
charts := c if {
	c := input.config.crdCharts
	is_object(c)
} else := {}
