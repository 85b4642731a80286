# METADATA
# title: Object applied by two Kustomizations
# description: |
#   Two Flux Kustomizations on one cluster apply the same object (same API
#   group, kind, namespace and name; the API version does not matter, the
#   API server stores one object). kustomize-controller labels everything it
#   applies with the Kustomization that applied it
#   (kustomize.toolkit.fluxcd.io/name and /namespace), so the two relabel
#   the object as their own on every reconciliation and overwrite each
#   other's version of it. Its garbage collection deletes only objects
#   labelled as its own: when the Kustomization that applied the object last
#   stops rendering it (or is deleted), it prunes the object from the
#   cluster although the other still applies it, until that one's next
#   reconciliation creates it again.
# custom:
#   id: D1-0006
#   category: build
#   severity: error
#   remediation: Keep the object in the manifests of one Kustomization only; remove it from the other, or give the copies different names or namespaces.
#   profiles: [d1, generic]
package d1lint.rules.build.shared_object

import data.d1lint.lib.index
import data.d1lint.lib.result

# copies[id] are the indices in input.cluster.objects of the applied
# copies of one API server object. Objects Flux skips (notApplied, remote)
# are out: they are never applied to this cluster, so never fought over.
# Kyverno's generated copies are not in objects, nor what Flux Operator or
# helm-controller create: only what a Kustomization applies. A Flux
# Kustomization applied twice is left to the render, which reports it
# (duplicate-kustomization, D1-0001) and builds it once.
#
# Copies share their kind, namespace and name, so only the objects the
# index finds under a name with several objects (index.names) can be
# copies: the others are never visited. Among those, the API group tells
# copies of one object from namesakes of another group.
copies[id] contains i if {
	some candidates in index.names
	count(candidates) > 1
	some i in candidates
	o := input.cluster.objects[i]
	not o.notApplied
	not o.remote
	not flux_kustomization(o)
	id := identity(o)
}

# One finding per pair of Kustomizations applying the object, at the copy of
# the later of the two by key (namespace/name): not by apply order, which a
# new dependsOn changes, so that a waiver of the finding stays put. The
# message names the other copy's file but not its line: a finding's
# fingerprint covers its message, and lines move with unrelated edits.
report contains result.fail(rego.metadata.chain(), result.object_details(b, msg)) if {
	some is in copies
	count(is) > 1
	some i in is
	some j in is
	a := input.cluster.objects[i]
	b := input.cluster.objects[j]
	a.appliedBy < b.appliedBy
	not if_not_present(a)
	not if_not_present(b)
	msg := sprintf(
		"%s %s is applied by both Kustomization %s (%s) and Kustomization %s: each apply labels it as its own and overwrites the other's version, and whichever applied it last prunes it while the other still applies it",
		[b.kind, display(b), a.appliedBy, file(a, b), b.appliedBy],
	)
}

# identity is what the API server keys an object by: the API group (not its
# version), kind, namespace and name.
identity(o) := [group(o.apiVersion), o.kind, object.get(o, "namespace", ""), o.name]

group(api) := split(api, "/")[0] if contains(api, "/")

group(api) := "" if not contains(api, "/")

flux_kustomization(o) if {
	o.kind == "Kustomization"
	group(o.apiVersion) == "kustomize.toolkit.fluxcd.io"
}

# An object labelled or annotated kustomize.toolkit.fluxcd.io/ssa:
# IfNotPresent (value compared case-insensitively, as fluxcd/pkg/ssa's
# AnyInMetadata does) is applied only when it does not exist: once the other
# Kustomization's copy exists, this one leaves it alone, and its garbage
# collection never deletes an object labelled as the other's. Sharing an
# object this way is what the option is for.
if_not_present(o) if {
	some where in ["labels", "annotations"]
	v := object.get(o, ["object", "metadata", where, "kustomize.toolkit.fluxcd.io/ssa"], "")
	lower(v) == "ifnotpresent"
}

display(o) := sprintf("%s/%s", [o.namespace, o.name]) if object.get(o, "namespace", "") != ""

display(o) := o.name if object.get(o, "namespace", "") == ""

# file names the other copy's file ("the same file" when it is), with its repository and branch when
# they are not those of the finding's copy (repo@branch:path, as d1lint
# shows locations).
file(a, b) := "from the same file" if {
	a.location.path == b.location.path
	object.get(a.location, "repo", "") == object.get(b.location, "repo", "")
	object.get(a.location, "branch", "") == object.get(b.location, "branch", "")
} else := sprintf("from %s", [a.location.path]) if {
	object.get(a.location, "repo", "") == object.get(b.location, "repo", "")
	object.get(a.location, "branch", "") == object.get(b.location, "branch", "")
} else := sprintf("from %s@%s:%s", [a.location.repo, a.location.branch, a.location.path]) if {
	object.get(a.location, "branch", "") != ""
} else := sprintf("from %s:%s", [object.get(a.location, "repo", ""), a.location.path])
