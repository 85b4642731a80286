# METADATA
# title: API version is no longer served
# description: |
#   A CRD stops serving an API version some releases after deprecating it:
#   Flux 2.7, for instance, no longer serves helm.toolkit.fluxcd.io/v2beta1,
#   kustomize.toolkit.fluxcd.io/v1beta1 or source.toolkit.fluxcd.io/v1beta1,
#   and Kubernetes drops old versions of its built-in kinds the same way.
#   The API server then knows no such kind (no matches for kind), and the
#   Kustomization applying the object fails. The served versions come from
#   what the cluster runs: the CRDs of its Flux release (FluxInstance
#   spec.distribution.version, or the Flux version of gotk-components.yaml),
#   a CRD in its own render, or the Kubernetes release of the schemas.
# custom:
#   id: D1-0503
#   category: schema
#   severity: error
#   remediation: Migrate the object to the served API version the message names, following the release notes for the fields that changed between the two versions.
#   profiles: [d1, generic]
package d1lint.rules.schema.removed_api_version

import data.d1lint.lib.index
import data.d1lint.lib.result

report contains result.fail(rego.metadata.chain(), result.object_details(o, msg)) if {
	# Only the objects with a verdict (the index lists them) can be reported.
	some i in index.schema
	o := input.cluster.objects[i]
	o.schema.status == "removed"

	# The API of a remote cluster (an object applied through
	# spec.kubeConfig) is not this cluster's: which CRDs and versions it
	# serves is unknown.
	not o.remote
	msg := sprintf("%s %s: %s is no longer served by %s%s", [o.kind, name(o), o.apiVersion, source(o.schema), use(o.schema)])
}

name(o) := sprintf("%s/%s", [o.namespace, o.name]) if object.get(o, "namespace", "") != ""

name(o) := o.name if object.get(o, "namespace", "") == ""

# source names what no longer serves the version.
source(s) := "the cluster's own CustomResourceDefinition" if object.get(s, "source", "") == "render"

source(s) := "the cluster" if object.get(s, "source", "") == ""

source(s) := s.source if not object.get(s, "source", "") in {"", "render"}

use(s) := sprintf("; use %s", [s.replacement]) if object.get(s, "replacement", "") != ""

use(s) := "" if object.get(s, "replacement", "") == ""
