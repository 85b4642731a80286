# METADATA
# description: |
#   Builds every finding, so that its shape lives in one place. Rules pass
#   rego.metadata.chain() and the details of the violation; the rule's
#   identity (id, title, category, severity) comes from its METADATA.
#   A finding about one field of its object names that field, so that
#   d1lint can point at the line that sets it.
package d1lint.lib.result

import data.d1lint.lib.index

# fail returns the finding of the rule whose metadata chain is given.
# details holds "message" and, when known, "object" ({apiVersion, kind,
# namespace, name}), "location" ({repo, branch, commit, path, line}) and
# "chain" (the Kustomization keys that applied it), and "field" when the
# finding is about one field of that object: its keys and indices
# (["spec", "ref", "branch"], ["spec", "dependsOn", 0]; indices as numbers
# or strings), or the same path written as d1lint shows fields
# ("spec.dependsOn[0]", "metadata.labels[\"app.kubernetes.io/name\"]").
# Either way d1lint locates the field in the object's sources (in the patch
# that set it when a kustomize or Flux patch did, else in the object's own
# document) and moves the finding's location to that line.
fail(chain, details) := object.union(
	{
		"rule": meta.custom.id,
		"title": meta.title,
		"category": meta.custom.category,
		"severity": meta.custom.severity,
	},
	details,
) if {
	meta := package_annotations(chain)
}

# package_annotations is the package-scoped METADATA of the calling rule.
package_annotations(chain) := a if {
	some link in chain
	a := link.annotations
	a.scope == "package"
}

# object_details are the details of a finding about a rendered object.
object_details(obj, message) := {
	"object": {
		"apiVersion": obj.apiVersion,
		"kind": obj.kind,
		"namespace": object.get(obj, "namespace", ""),
		"name": obj.name,
	},
	"location": obj.location,
	"chain": object.get(obj, "chain", []),
	"message": message,
}

# object_field_details are the details of a finding about one field of a
# rendered object: object_details plus "field", the field's keys and
# indices. Point at a field the object has (for one that is missing, its
# nearest parent that exists, such as ["spec"]).
object_field_details(obj, field, message) := with_field(object_details(obj, message), field)

# with_field adds "field" to the details of a finding; an empty field
# (null, "", []) is left out.
with_field(details, field) := object.union(details, {"field": field}) if {
	not empty_field(field)
} else := details

empty_field(null)

empty_field("")

empty_field([])

# runtime_info_details are the details of a finding about one key of the
# cluster's runtime-info: its ConfigMap as the object and data.<key> as the
# field, so that the finding points at the key's line (in the patch that
# set it, when one did). Without the ConfigMap in the model, the
# runtime-info's location.
runtime_info_details(key, message) := runtime_info_field_details(["data", key], message)

# runtime_info_field_details are the details of a finding about a field of
# the cluster's runtime-info ConfigMap (["data"] for a key it lacks).
runtime_info_field_details(field, message) := object_field_details(objs[0], field, message) if {
	objs := [o |
		some o in index.objects("ConfigMap")
		object.get(o, "namespace", "") == "flux-system"
		o.name == "flux-runtime-info"
	]
	count(objs) > 0
} else := {"location": object.get(input.cluster, "runtimeInfoLocation", null), "message": message}

# fleet_runtime_info_details are runtime_info_details for a fleet-scoped
# rule (METADATA custom.scope: fleet): about one key of the runtime-info of
# cluster c, a digest of input.fleet.clusters. The digest holds the line
# that sets each key, located while the cluster's sources were at hand.
fleet_runtime_info_details(c, key, message) := fleet_runtime_info_field_details(c, ["data", key], message)

# fleet_runtime_info_field_details are runtime_info_field_details for a
# fleet-scoped rule: about a field of cluster c's runtime-info ConfigMap
# (["data"], or ["data", key]).
fleet_runtime_info_field_details(c, field, message) := object.union(
	with_field(object_details(c.runtimeInfoObject, message), field),
	{"cluster": c.name, "location": c.runtimeInfoFields[concat(".", field)]},
) if {
	c.runtimeInfoObject
	c.runtimeInfoFields[concat(".", field)]
} else := {"cluster": c.name, "location": object.get(c, "runtimeInfoLocation", null), "message": message}
