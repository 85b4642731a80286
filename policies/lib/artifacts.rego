# METADATA
# description: |
#   What an environment follows when its clusters pull OCI artifacts (d2)
#   instead of git branches: CI pushes `latest` from main and
#   `latest-stable` (and a version tag) from each release tag. Clusters of
#   the environment that follows main (staging) follow `latest`; the others
#   (production) follow releases.
package d1lint.lib.artifacts

# content_source holds for an OCIRepository that a Kustomization of the
# cluster reads: an artifact of the fleet's own content (d2: the fleet
# and each component), not a chart.
content_source(o) if {
	some s in input.cluster.sources
	s.kind == "OCIRepository"
	s.namespace == o.namespace
	s.name == o.name
}

# main_branch is the branch staging follows.
default main_branch := "main"

main_branch := input.config.branches.staging

# follows_releases holds on a cluster whose environment follows a branch
# other than main: production.
follows_releases if {
	env := object.get(input.cluster, "environment", "")
	env != ""
	branch := object.get(object.get(input.config, "branches", {}), env, "")
	branch != ""
	branch != main_branch
}

# follows_main holds on a cluster whose environment follows main: staging.
follows_main if {
	env := object.get(input.cluster, "environment", "")
	env != ""
	object.get(object.get(input.config, "branches", {}), env, "") == main_branch
}

# release_tag holds for the tags a release produces: latest-stable and a
# version (v1.2.3, 1.2.3, with or without a pre-release).
release_tag("latest-stable")

release_tag(tag) if regex.match(`^v?[0-9]+\.[0-9]+\.[0-9]+([-+].*)?$`, tag)
