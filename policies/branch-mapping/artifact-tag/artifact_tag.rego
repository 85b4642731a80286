# METADATA
# title: Cluster follows the wrong OCI artifact tag for its environment
# description: |
#   When clusters pull OCI artifacts (d2) instead of git branches, the tag
#   decides what they run: CI pushes `latest` from main and `latest-stable`
#   from each release tag. Production must follow releases
#   (`latest-stable`, or a version): following `latest` ships every merge
#   to production unreleased. Staging must follow `latest`, or it tests
#   what production already runs. The tag comes from the runtime-info's
#   ARTIFACT_TAG, which the tenants' OCIRepositories substitute, or is
#   written in the OCIRepository itself.
# custom:
#   id: D1-0209
#   category: branch-mapping
#   severity: error
#   remediation: Production follows latest-stable (or a version tag) and staging follows latest; set ARTIFACT_TAG in the cluster's runtime-info, or the OCIRepository's spec.ref.tag, accordingly.
#   profiles: [d1]
package d1lint.rules.branch_mapping.artifact_tag

import data.d1lint.lib.applied
import data.d1lint.lib.artifacts
import data.d1lint.lib.result

# The runtime-info's ARTIFACT_TAG, at its line.
report contains result.fail(rego.metadata.chain(), result.runtime_info_details("ARTIFACT_TAG", sprintf(
	"cluster %s is a %s cluster but its ARTIFACT_TAG is %q; %s",
	[input.cluster.name, input.cluster.environment, tag, want],
))) if {
	tag := input.cluster.runtimeInfo.ARTIFACT_TAG
	some want in wrong(tag)
}

# On production, every OCIRepository it applies (a Kustomization's
# source or a chart's), at its spec.ref.tag.
report contains result.fail(rego.metadata.chain(), result.object_field_details(o, ["spec", "ref", "tag"], sprintf(
	"%s %s/%s pulls %s at tag %q, but cluster %s is a %s cluster: %s",
	[o.kind, o.namespace, o.name, o.object.spec.url, tag, input.cluster.name, input.cluster.environment, want],
))) if {
	artifacts.follows_releases
	some o in applied.of_kind("OCIRepository")
	startswith(o.apiVersion, "source.toolkit.fluxcd.io/")
	tag := object.get(object.get(o.object.spec, "ref", {}), "tag", "")
	tag != ""
	not runtime_info_tag(tag)
	some want in wrong(tag)
}

# On staging, the OCIRepositories its Kustomizations read (a chart's may
# well be pinned to a version).
report contains result.fail(rego.metadata.chain(), {
	"object": {"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": s.kind, "namespace": s.namespace, "name": s.name},
	"location": s.location,
	"message": sprintf("%s %s/%s reads %s at tag %q, but cluster %s is a %s cluster: %s", [
		s.kind, s.namespace, s.name, s.url, tag, input.cluster.name, input.cluster.environment, want,
	]),
}) if {
	artifacts.follows_main
	some s in input.cluster.sources
	s.kind == "OCIRepository"
	tag := object.get(object.get(s, "ref", {}), "tag", "")
	tag != ""
	not runtime_info_tag(tag)
	some want in wrong(tag)
}

# A tag that is the runtime-info's ARTIFACT_TAG is reported there, once.
runtime_info_tag(tag) if tag == input.cluster.runtimeInfo.ARTIFACT_TAG

wrong(tag) := {"production follows releases: latest-stable or a version tag"} if {
	artifacts.follows_releases
	not artifacts.release_tag(tag)
}

wrong(tag) := {"staging follows latest, the artifacts CI builds from main"} if {
	artifacts.follows_main
	artifacts.release_tag(tag)
}
