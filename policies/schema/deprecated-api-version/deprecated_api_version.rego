# METADATA
# title: API version is deprecated
# description: |
#   The cluster's CRD still serves the object's API version but marks it
#   deprecated: the API server answers every apply with a deprecation
#   warning, and a later release stops serving the version, at which point
#   the Kustomization applying the object fails (Flux 2.7, for instance,
#   deprecates helm.toolkit.fluxcd.io/v2beta2, which Flux 2.8 no longer
#   serves). The deprecation comes from the CRD the cluster runs: the CRDs
#   of its Flux release or a CRD in its own render.
# custom:
#   id: D1-0504
#   category: schema
#   severity: warning
#   remediation: Move the object to the API version the message names (the CRD's storage version) before upgrading, following the release notes for fields that changed.
#   profiles: [d1, generic]
package d1lint.rules.schema.deprecated_api_version

import data.d1lint.lib.index
import data.d1lint.lib.result

report contains result.fail(rego.metadata.chain(), result.object_details(o, msg)) if {
	# Only the objects with a verdict (the index lists them) can be reported.
	some i in index.schema
	o := input.cluster.objects[i]
	o.schema.deprecated == true

	# The API of a remote cluster (an object applied through
	# spec.kubeConfig) is not this cluster's: which CRDs and versions it
	# serves is unknown.
	not o.remote
	msg := sprintf("%s %s: %s is deprecated in %s%s%s", [o.kind, name(o), o.apiVersion, source(o.schema), use(o.schema), warning(o.schema)])
}

name(o) := sprintf("%s/%s", [o.namespace, o.name]) if object.get(o, "namespace", "") != ""

name(o) := o.name if object.get(o, "namespace", "") == ""

# source names the CRD that deprecates the version.
source(s) := "the cluster's own CustomResourceDefinition" if object.get(s, "source", "") == "render"

source(s) := "the cluster's CustomResourceDefinition" if object.get(s, "source", "") == ""

source(s) := s.source if not object.get(s, "source", "") in {"", "render"}

use(s) := sprintf("; use %s", [s.replacement]) if object.get(s, "replacement", "") != ""

use(s) := "" if object.get(s, "replacement", "") == ""

# warning quotes the CRD's deprecationWarning.
warning(s) := sprintf(" (the API server warns: %q)", [s.warning]) if object.get(s, "warning", "") != ""

warning(s) := "" if object.get(s, "warning", "") == ""
