# METADATA
# title: No schema for the object's kind
# description: |
#   d1lint validates every rendered object against the schema of its kind
#   and API version: the --schema-location sources, CRDs in the cluster's
#   own render, the CRDs of the cluster's Flux release, other bundled CRDs
#   and the Kubernetes schemas. An object none of them covers was not
#   validated at all: a misspelt field or a wrong type in it reaches the
#   cluster unseen, and an apiVersion or kind that no CRD on the cluster
#   defines fails the Kustomization (no matches for kind).
# custom:
#   id: D1-0502
#   category: schema
#   severity: warning
#   remediation: Add the kind's JSON schema with --schema-location (for instance a CRD catalogue), or apply its CustomResourceDefinition in the fleet; if the apiVersion or kind is misspelt, correct it.
#   profiles: [d1, generic]
package d1lint.rules.schema.missing_schema

import data.d1lint.lib.index
import data.d1lint.lib.result

report contains result.fail(rego.metadata.chain(), result.object_details(o, msg)) if {
	# Only the objects with a verdict (the index lists them) can be reported.
	some i in index.schema
	o := input.cluster.objects[i]
	o.schema.status == "missing"

	# The API of a remote cluster (an object applied through
	# spec.kubeConfig) is not this cluster's: which CRDs and versions it
	# serves is unknown.
	not o.remote
	msg := sprintf("%s %s: no schema is known for kind %s of %s%s, so it was not validated; add one with --schema-location or apply its CustomResourceDefinition in the fleet", [o.kind, name(o), o.kind, o.apiVersion, consulted(o.schema)])
}

name(o) := sprintf("%s/%s", [o.namespace, o.name]) if object.get(o, "namespace", "") != ""

name(o) := o.name if object.get(o, "namespace", "") == ""

# consulted names the schema source that knows the kind but not this
# version, or that failed to load, if any.
consulted(s) := sprintf(" (schema source: %s)", [s.source]) if object.get(s, "source", "") != ""

consulted(s) := "" if object.get(s, "source", "") == ""
