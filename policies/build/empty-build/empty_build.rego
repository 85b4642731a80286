# METADATA
# title: Kustomization applies no objects
# description: |
#   A Flux Kustomization whose build renders no objects (an empty
#   kustomization.yaml, a path with no manifests, a patch that deletes every
#   object) still reconciles and reports Ready, so nothing signals that it
#   applies nothing. With prune enabled, kustomize-controller also deletes
#   everything it applied before, from its inventory: an overlay that
#   suddenly renders nothing empties that part of the cluster.
# custom:
#   id: D1-0005
#   category: build
#   severity: warning
#   remediation: Point spec.path at the folder that holds the manifests, or check the overlay's resources and patches; remove the Kustomization if it is meant to apply nothing.
package d1lint.rules.build.empty_build

import data.d1lint.lib.result

# Only a rendered Kustomization is known to apply nothing: a failed or
# skipped one applies nothing because it never built (D1-0001, D1-0004).
# objects counts the applied objects only, so a build whose every object is
# excluded from Flux's apply (reconcile: disabled) also applies nothing.
report contains result.fail(rego.metadata.chain(), {
	"object": {
		"apiVersion": "kustomize.toolkit.fluxcd.io/v1",
		"kind": "Kustomization",
		"namespace": k.namespace,
		"name": k.name,
	},
	"location": object.get(k, "location", null),
	"chain": k.chain,
	"message": sprintf("Kustomization %s renders no objects from %s", [k.key, object.get(k, "path", "")]),
	"field": ["spec", "path"],
}) if {
	some k in input.cluster.kustomizations
	k.status == "rendered"
	object.get(k, "objects", 0) == 0
}
