# METADATA
# title: Object does not match its schema
# description: |
#   Flux applies every object with a server-side dry-run first: an object
#   that its API schema rejects (a field of the wrong type, an unknown or
#   misspelt field, a required field missing, a value out of its enum or
#   pattern) fails the whole Kustomization on the cluster, and nothing of
#   it is applied. d1lint validates every rendered object, after kustomize
#   and postBuild substitution, against the schema of its kind and API
#   version: the --schema-location sources, CRDs in the cluster's own
#   render, the CRDs of the cluster's Flux release, other bundled CRDs and
#   the Kubernetes schemas. Each violation is one finding, at the file that
#   sets the field when a patch or overlay does.
# custom:
#   id: D1-0501
#   category: schema
#   severity: error
#   remediation: Fix the field as the message says (type, spelling, required fields, allowed values), in the file the finding points at.
#   profiles: [d1, generic]
package d1lint.rules.schema.invalid_object

import data.d1lint.lib.index
import data.d1lint.lib.result

# The finding names the field the error is about (its path), which d1lint
# locates like any other: in the patch that set it, else in the object's
# own document. An error on the object itself names no field.
report contains result.fail(rego.metadata.chain(), details) if {
	# Only the objects with a verdict (the index lists them) can be reported.
	some i in index.schema
	o := input.cluster.objects[i]
	o.schema.status == "invalid"
	some e in o.schema.errors
	msg := sprintf("%s %s: %s%s%s", [o.kind, name(o), field(e), e.message, from(o.schema)])
	details := result.with_field(result.object_details(o, msg), object.get(e, "path", ""))
}

name(o) := sprintf("%s/%s", [o.namespace, o.name]) if object.get(o, "namespace", "") != ""

name(o) := o.name if object.get(o, "namespace", "") == ""

# field prefixes the message with the path of the field, if any.
field(e) := sprintf("%s: ", [e.path]) if object.get(e, "path", "") != ""

field(e) := "" if object.get(e, "path", "") == ""

# from names the schema that rejected the object.
from(s) := sprintf(" (schema: %s)", [source(s.source)]) if object.get(s, "source", "") != ""

from(s) := "" if object.get(s, "source", "") == ""

source("render") := "the cluster's own CustomResourceDefinition"

source(s) := s if s != "render"
