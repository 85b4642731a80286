# METADATA
# title: GitRepository does not follow the cluster's branch
# description: |
#   A cluster reads d1-infra, d1-apps and every other repository at the
#   GIT_BRANCH of its runtime-info (staging follows main, production follows
#   production); only the fleet repository itself is always read at main. A
#   GitRepository with a literal branch, in a file that clusters of several
#   environments share, is wrong for some of them: production would run
#   unreleased changes, or staging would test stale ones. The finding is
#   reported on each cluster the branch is wrong for.
# custom:
#   id: D1-0205
#   category: branch-mapping
#   severity: error
#   remediation: Set the GitRepository's spec.ref.branch to ${GIT_BRANCH} and substitute it from runtime-info (postBuild.substituteFrom), instead of a literal branch.
#   profiles: [d1]
package d1lint.rules.branch_mapping.source_branch

import data.d1lint.lib.index
import data.d1lint.lib.result

# The finding names the ref field that sets the branch (spec when the ref
# is empty and the default branch is read).
report contains result.fail(rego.metadata.chain(), {
	"object": {"apiVersion": api_version(s), "kind": s.kind, "namespace": s.namespace, "name": s.name},
	"location": s.location,
	"chain": chain(s),
	"message": sprintf("%s %s/%s reads %s at branch %q, but cluster %s follows %q (GIT_BRANCH of its runtime-info); set spec.ref.branch to ${GIT_BRANCH}", [
		s.kind, s.namespace, s.name, s.url, got, input.cluster.name, want,
	]),
	"field": branch_field(object.get(s, "ref", {})),
}) if {
	want := input.cluster.runtimeInfo.GIT_BRANCH
	fleet := normalise_url(fleet_source.url)
	some s in input.cluster.sources
	s.kind == "GitRepository"
	s.key != fleet_source.key
	normalise_url(s.url) != fleet
	got := branch(object.get(s, "ref", {}))
	got != want
}

fleet_source := s if {
	some k in input.cluster.kustomizations
	k.key == input.cluster.root
	some s in input.cluster.sources
	s.key == k.source
}

# branch is the branch a ref follows; pinned refs (tag, semver, commit,
# other ref names) follow none and are left alone.
branch(ref) := ref.branch if ref.branch

branch(ref) := trim_prefix(ref.name, "refs/heads/") if {
	not ref.branch
	startswith(ref.name, "refs/heads/")
}

branch(ref) := "master" if count(ref) == 0

# branch_field is the field branch reads.
branch_field(ref) := ["spec", "ref", "branch"] if ref.branch

branch_field(ref) := ["spec", "ref", "name"] if {
	not ref.branch
	startswith(ref.name, "refs/heads/")
}

branch_field(ref) := ["spec"] if count(ref) == 0

source_objects(s) := [obj |
	some obj in index.objects(s.kind)
	object.get(obj, "namespace", "") == s.namespace
	obj.name == s.name
]

api_version(s) := source_objects(s)[0].apiVersion if {
	count(source_objects(s)) > 0
} else := "source.toolkit.fluxcd.io/v1"

chain(s) := object.get(source_objects(s)[0], "chain", []) if {
	count(source_objects(s)) > 0
} else := []

# normalise_url reduces a repository URL to host/path, lower-cased, without
# scheme, user or .git.
normalise_url(u) := trim_suffix(trim_suffix(lower(hostpath), "/"), ".git") if {
	no_scheme := regex.replace(u, `^[a-zA-Z][a-zA-Z0-9+.-]*://`, "")
	no_user := regex.replace(no_scheme, `^[^@/]*@`, "")
	hostpath := regex.replace(no_user, `^([^/:]+):([^0-9/])`, "$1/$2")
}
