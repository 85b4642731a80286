# METADATA
# title: Production OCI artifact is not verified
# description: |
#   In the d2 architecture clusters pull OCI artifacts that CI built and
#   signed, instead of git branches. A production cluster must check that
#   each artifact its Kustomizations read was signed by the release
#   workflow (charts from third-party registries are out of scope): an OCIRepository
#   without spec.verify installs whatever the registry serves, and one whose
#   cosign identity accepts a branch workflow (a subject ending in
#   @refs/heads/main) installs unreleased builds. source-controller refuses
#   an artifact that fails verification, so production only runs what a
#   release tag produced.
# custom:
#   id: D1-0208
#   category: branch-mapping
#   severity: error
#   remediation: Add spec.verify with provider cosign and a matchOIDCIdentity whose subject pins the release workflow at a tag ref (for example ^https://github\.com/acme/apps/\.github/workflows/release\.yaml@refs/tags/.*$).
#   profiles: [d1]
package d1lint.rules.branch_mapping.artifact_verification

import data.d1lint.lib.applied
import data.d1lint.lib.artifacts
import data.d1lint.lib.result

report contains result.fail(rego.metadata.chain(), result.object_field_details(o, field, msg)) if {
	artifacts.follows_releases
	some o in applied.of_kind("OCIRepository")
	startswith(o.apiVersion, "source.toolkit.fluxcd.io/")
	artifacts.content_source(o)
	some [field, why] in problems(o)
	msg := sprintf("%s %s/%s (%s) on production cluster %s %s", [o.kind, o.namespace, o.name, o.object.spec.url, input.cluster.name, why])
}

problems(o) := {[["spec"], "is not verified: add spec.verify with cosign, so that only artifacts the release workflow signed are installed"]} if {
	not o.object.spec.verify
}

problems(o) := {[["spec", "verify", "provider"], sprintf("is verified with %s, not cosign", [o.object.spec.verify.provider])]} if {
	o.object.spec.verify
	object.get(o.object.spec.verify, "provider", "") != "cosign"
}

problems(o) := {[["spec", "verify", "matchOIDCIdentity"], msg]} if {
	object.get(o.object.spec.verify, "provider", "") == "cosign"
	subjects := [s | some id in object.get(o.object.spec.verify, "matchOIDCIdentity", []); s := object.get(id, "subject", "")]
	not any_release_subject(subjects)
	msg := sprintf("accepts artifacts signed by %s: pin the subject to the release workflow at a tag ref (@refs/tags/...)", [describe(subjects)])
}

# A subject pins a release when it names a tag ref; keyless signatures
# from a branch push (refs/heads/...) are builds of unreleased commits.
any_release_subject(subjects) if {
	some s in subjects
	contains(s, "refs/tags/")
}

describe([]) := "any identity (no matchOIDCIdentity)"

describe(subjects) := sprintf("%s", [concat(", ", subjects)]) if count(subjects) > 0
