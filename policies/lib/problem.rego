# METADATA
# description: |
#   Findings about render problems (input.cluster.problems). A problem of a
#   Flux Kustomization is about that Kustomization: the finding carries the
#   object, so that waivers and annotations know it, at the file that caused
#   the problem. A problem about one of the Kustomization's own fields
#   (spec.path, an entry of spec.components) names that field when the
#   problem is located in the Kustomization's file, so that it lands on the
#   field's line.
package d1lint.lib.problem

import data.d1lint.lib.index
import data.d1lint.lib.result

# details are the details of a finding about problem p. A problem of a
# HelmRelease (its chart) is about that HelmRelease, at the field named
# (a value the chart's schema rejects), which the locate step follows to
# the patch that set it.
details(p) := result.with_field(
	object.union(result.object_details(hrs[0], p.reason), {"location": object.get(p, "location", null)}),
	object.get(p, "field", null),
) if {
	key := object.get(p, "helmRelease", "")
	key != ""
	hrs := helm_releases[key]
} else := result.with_field(
	object.union(result.object_details(ks[0], p.reason), {"location": object.get(p, "location", null)}),
	own_field(p, ks[0]),
) if {
	key := object.get(p, "kustomization", "")
	key != ""
	ks := kustomizations[key]
} else := {
	"location": object.get(p, "location", null),
	"message": p.reason,
}

# helm_releases and kustomizations map the key of each of the cluster's
# HelmRelease and Flux Kustomization objects to the objects of that key
# (more than one when two Kustomizations apply it), in the model's order:
# found once for the cluster, not once per problem. Each list is a
# comprehension over the keyed objects with its key bound before it, which
# OPA evaluates in one pass for every key (comprehension indexing; a
# function's comprehension would be rebuilt at each call).
helm_releases := {key: objs |
	some [key, _] in keyed_helm_releases
	objs := [o | some [k, o] in keyed_helm_releases; k == key]
}

kustomizations := {key: objs |
	some [key, _] in keyed_kustomizations
	objs := [o | some [k, o] in keyed_kustomizations; k == key]
}

keyed_helm_releases := [[release_key(o), o] |
	some o in index.objects("HelmRelease")
	startswith(o.apiVersion, "helm.toolkit.fluxcd.io/")
]

keyed_kustomizations := [[sprintf("%s/%s", [object.get(o, "namespace", ""), o.name]), o] |
	some o in index.objects("Kustomization")
	startswith(o.apiVersion, "kustomize.toolkit.fluxcd.io/")
]

# release_key is a HelmRelease's "<namespace>/<name>" (default namespace
# when it has none).
release_key(o) := sprintf("%s/%s", [ns, o.name]) if {
	ns := object.get(o, "namespace", "")
	ns != ""
} else := sprintf("default/%s", [o.name])

own_field(p, k) := p.field if {
	count(object.get(p, "field", [])) > 0
	p.location.path == k.location.path
} else := null
