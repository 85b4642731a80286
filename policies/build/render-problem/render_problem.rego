# METADATA
# title: Part of the cluster cannot be rendered
# description: |
#   d1lint builds every cluster offline the way Flux would. A problem that
#   stops part of that build (invalid YAML, a missing or escaping path, a
#   remote base, a cycle, a source that cannot be resolved, a substitution
#   that fails) would stop Flux too, and leaves the objects behind it
#   unchecked.
# custom:
#   id: D1-0001
#   category: build
#   severity: error
#   remediation: Fix the file named in the message; Flux would fail to reconcile it as well.
package d1lint.rules.build.render_problem

import data.d1lint.lib.result

report contains result.fail(rego.metadata.chain(), details(p)) if {
	some p in input.cluster.problems
	not p.warning
	not reported_elsewhere[p.kind]
}

# details: a problem of a Flux Kustomization is about that Kustomization
# (the object, so that waivers and annotations know it), at the file that
# caused it; a spec.path that does not exist or leaves the source is
# located at spec.path.
details(p) := result.with_field(
	object.union(result.object_details(ks[0], p.reason), {"location": object.get(p, "location", null)}),
	path_field(p, ks[0]),
) if {
	key := object.get(p, "kustomization", "")
	key != ""
	ks := [o |
		some o in input.cluster.objects
		o.kind == "Kustomization"
		startswith(o.apiVersion, "kustomize.toolkit.fluxcd.io/")
		sprintf("%s/%s", [object.get(o, "namespace", ""), o.name]) == key
	]
	count(ks) > 0
} else := {
	"location": object.get(p, "location", null),
	"message": p.reason,
}

path_field(p, k) := ["spec", "path"] if {
	p.kind in {"missing-path", "path-escape"}
	p.location.path == k.location.path
} else := null

# reported_elsewhere are the problem kinds a rule of their own reports:
# a missing substituteFrom object is D1-0403's.
reported_elsewhere contains "missing-substitute-from"
