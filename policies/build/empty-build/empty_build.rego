# METADATA
# title: Kustomization applies no objects
# description: |
#   A Flux Kustomization whose build renders no objects (an empty
#   kustomization.yaml, a path with no manifests, a patch that deletes every
#   object) still reconciles and reports Ready, so nothing signals that it
#   applies nothing. With prune enabled, kustomize-controller also deletes
#   everything it applied before, from its inventory: an overlay that
#   suddenly renders nothing empties that part of the cluster. A build
#   whose every object opts out of Flux's apply
#   (kustomize.toolkit.fluxcd.io/reconcile: disabled) is not reported: each
#   object says so explicitly, and Flux's garbage collection keeps such
#   objects.
# custom:
#   id: D1-0005
#   category: build
#   severity: warning
#   remediation: Point spec.path at the folder that holds the manifests, or check the overlay's resources and patches; remove the Kustomization if it is meant to apply nothing.
#   profiles: [d1, generic]
package d1lint.rules.build.empty_build

import data.d1lint.lib.index
import data.d1lint.lib.result

# Only a rendered Kustomization is known to apply nothing: a failed or
# skipped one applies nothing because it never built, and a rendered one
# with a problem that stopped part of its build (an object kustomize-
# controller refuses) is reported by D1-0001 (and D1-0004 for what d1lint
# does not render). A warning problem (a dropped symlink) does not excuse
# it: the symlinked manifests are exactly what Flux never applies.
#
# "No objects" counts what the build produced, objects that Flux's apply
# skips (notApplied: reconcile: disabled, ssa: Ignore) included: marking
# every object so is a deliberate hand-over, not the silent mistake this
# rule is about, and the message would be false ("renders no objects").
report contains result.fail(rego.metadata.chain(), details(k)) if {
	some k in input.cluster.kustomizations
	k.status == "rendered"
	not produced[k.key]
	not stopped[k.key]
}

# produced are the keys of the Kustomizations whose build produced an
# object: the index lists every object by the Kustomization that applied it.
produced := object.keys(index.applied_by)

# stopped are the keys of the Kustomizations with a problem that is no warning.
stopped contains p.kustomization if {
	some p in object.get(input.cluster, "problems", [])
	not p.warning
}

details(k) := result.with_field(
	object.union(result.object_details(own[0], message(k)), {
		"location": object.get(k, "location", own[0].location),
		"chain": k.chain,
	}),
	path_field(k),
) if {
	# The Kustomization object as its parent applies it, so that d1lint
	# locates spec.path in its sources (whatever its API version).
	own := [o |
		some o in index.objects("Kustomization")
		startswith(o.apiVersion, "kustomize.toolkit.fluxcd.io/")
		object.get(o, "namespace", "") == k.namespace
		o.name == k.name
	]
	count(own) > 0
} else := {
	# A root Kustomization that no object defines (Flux Operator makes it
	# from the FluxInstance): at its definition.
	"object": {
		"apiVersion": "kustomize.toolkit.fluxcd.io/v1",
		"kind": "Kustomization",
		"namespace": k.namespace,
		"name": k.name,
	},
	"location": object.get(k, "location", null),
	"chain": k.chain,
	"message": message(k),
}

message(k) := sprintf("Kustomization %s renders no objects from %s", [k.key, shown_path(k)])

shown_path(k) := k.path if object.get(k, "path", "") != ""

shown_path(k) := "the source's root (no spec.path)" if object.get(k, "path", "") == ""

# spec.path, or spec when the Kustomization sets none.
path_field(k) := ["spec", "path"] if object.get(k, ["spec", "path"], "") != ""

path_field(k) := ["spec"] if object.get(k, ["spec", "path"], "") == ""
