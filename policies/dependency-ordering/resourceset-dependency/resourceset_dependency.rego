# METADATA
# title: ResourceSet dependsOn names an object that does not exist
# description: |
#   Flux Operator generates nothing from a ResourceSet until every
#   spec.dependsOn entry exists (and, with ready: true, is ready). An entry
#   naming an object the cluster never gets (a typo, a wrong namespace, a
#   component removed from the fleet) blocks the ResourceSet forever, and
#   with it every tenant it generates. The CRDs of Flux's own controllers
#   count as present when the cluster's Flux installs them; a ResourceSet
#   that waits for one the cluster's Flux leaves out generates nothing by
#   design (the model says so), and is not reported.
# custom:
#   id: D1-0307
#   category: dependency-ordering
#   severity: error
#   remediation: Point dependsOn at an object the cluster renders (apiVersion, kind, name and, for a namespaced kind, namespace), or remove the entry.
#   profiles: [d1, generic]
package d1lint.rules.dependency_ordering.resourceset_dependency

import data.d1lint.lib.applied
import data.d1lint.lib.completeness
import data.d1lint.lib.ordering
import data.d1lint.lib.result

report contains result.fail(rego.metadata.chain(), result.object_field_details(o, ["spec", "dependsOn", sprintf("%d", [i])], sprintf(
	"ResourceSet %s/%s depends on %s %s, which this cluster does not have: Flux Operator waits for it forever and generates nothing",
	[rs.namespace, rs.name, d.kind, ref(d)],
))) if {
	completeness.complete
	some rs in object.get(input.cluster, "resourceSets", [])
	rs.status == "rendered"
	some i, d in object.get(rs, "dependsOn", [])
	not present(rs, d)
	some o in applied.of_kind("ResourceSet")
	o.namespace == rs.namespace
	o.name == rs.name
}

ref(d) := sprintf("%s/%s", [d.namespace, d.name]) if object.get(d, "namespace", "") != ""

ref(d) := d.name if object.get(d, "namespace", "") == ""

# present: an object of the render, or one the Flux installation brings
# (its controllers' CRDs).
present(rs, d) if {
	some o in applied.of_kind(d.kind)
	ordering.group(o.apiVersion) == ordering.group(d.apiVersion)
	o.name == d.name
	object.get(o, "namespace", "") in namespaces(rs, d)
}

# The root Kustomization and source Flux Operator generates from a
# FluxInstance are in the model though no file defines them.
present(rs, d) if {
	d.kind == "Kustomization"
	some k in input.cluster.kustomizations
	k.name == d.name
	k.namespace in namespaces(rs, d)
}

present(rs, d) if {
	some s in input.cluster.sources
	s.kind == d.kind
	s.name == d.name
	s.namespace in namespaces(rs, d)
}

present(_, d) if {
	d.kind == "CustomResourceDefinition"
	group := substring(d.name, indexof(d.name, ".") + 1, -1)
	ordering.flux_groups[group]
}

present(_, d) if {
	d.kind == "CustomResourceDefinition"
	endswith(d.name, ".fluxcd.controlplane.io")
}

# namespaces a dependency may be in: its own, or, when it names none, none
# (a cluster-scoped object) or the ResourceSet's.
namespaces(_, d) := {d.namespace} if object.get(d, "namespace", "") != ""

namespaces(rs, d) := {"", rs.namespace} if object.get(d, "namespace", "") == ""
