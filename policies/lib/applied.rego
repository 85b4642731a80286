# METADATA
# description: |
#   What reaches the cluster. kustomize-controller's apply skips an object
#   labelled or annotated kustomize.toolkit.fluxcd.io/reconcile: disabled or
#   kustomize.toolkit.fluxcd.io/ssa: Ignore, whether or not it exists yet.
#   The model keeps such an object in input.cluster.objects, in apply order,
#   with notApplied saying why (d1lint build shows what the build produced),
#   so a rule about what the cluster runs reads applied.objects instead.
#   The render already leaves them out of everything it derives (sources,
#   substituteFrom look-ups, Kyverno copies, child Kustomizations,
#   helmReleases, runtimeInfo, variables, schema verdicts); this is the one
#   place rules leave them out, so a new rule cannot forget it.
#   Objects marked remote are applied by a Kustomization with
#   spec.kubeConfig to another cluster (a hub applying a spoke's content):
#   they are not on this cluster either, so they are left out too.
package d1lint.lib.applied

import data.d1lint.lib.index

# objects are the objects of input.cluster.objects that Flux applies to
# this cluster, in apply order; a complete rule, computed once per cluster.
objects := [o |
	some o in input.cluster.objects
	not o.notApplied
	not o.remote
]

# of_kind are the objects of one kind that Flux applies to this cluster, in
# apply order: the objects of that kind among objects. A rule about a few
# kinds iterates these (found through the index, computed once per kind
# and cluster) rather than every object.
of_kind(kind) := [o |
	some i in index.of_kind(kind)
	o := input.cluster.objects[i]
	not o.notApplied
	not o.remote
]
