# METADATA
# description: |
#   The ordering Flux gives the Kustomizations of one cluster, computed once
#   for the dependency-ordering rules: the dependsOn graph, what is applied
#   before a Kustomization and what is Ready before it, and the API groups
#   that need no CRD or come with Flux.
package d1lint.lib.ordering

# The model's Kustomization keys are unique (the renderer keeps one node per
# key), so the maps below are built in one pass each. subtree, before and
# ready are partial rules: a rule looking up one key computes only that key.

# keys are the keys of every Kustomization of the cluster.
keys := {k.key | some k in input.cluster.kustomizations}

# depends_on maps a Kustomization key to the keys its dependsOn entries name
# (whether or not they exist).
depends_on := {k.key: {dep_key(d) | some d in object.get(k, "dependsOn", [])} | some k in input.cluster.kustomizations}

dep_key(d) := sprintf("%s/%s", [d.namespace, d.name])

# waits_for maps a Kustomization key to the keys of the Kustomizations it
# waits for: its dependsOn entries, and the ready dependencies of the
# ResourceSet that generates it (after), which Flux Operator waits for
# before it generates the Kustomization at all.
waits_for := {k.key: {dep_key(d) | some d in array.concat(object.get(k, "dependsOn", []), object.get(k, "after", []))} | some k in input.cluster.kustomizations}

# children_of maps a Kustomization key to the keys of the Kustomizations it
# applies.
children_of := {k.key: {c | some c in object.get(k, "children", [])} | some k in input.cluster.kustomizations}

# parents maps a Kustomization key to its parent's key (none for the root).
parents := {k.key: {p | p := object.get(k, "parent", ""); p != ""} | some k in input.cluster.kustomizations}

# waiting holds the Kustomizations that are Ready only when what they
# applied is healthy (wait: true or health checks).
waiting := {k.key |
	some k in input.cluster.kustomizations
	waits(k)
}

waits(k) if k.wait == true

waits(k) if count(object.get(k, "healthChecks", [])) > 0

# subtree maps a Kustomization key to itself and every Kustomization below
# it.
subtree[key] := graph.reachable(children_of, {key}) if some key in keys

# ready_deps maps a Kustomization key to what must be Ready before it
# starts: the targets it waits for (waits_for) that wait, and everything
# below them.
ready_deps := {key: {r |
	some t in deps
	waiting[t]
	some r in subtree[t]
} |
	some key, deps in waits_for
}

# before_graph: a Kustomization is applied after its parent, after its
# dependsOn targets (and its ResourceSet's), and after everything below a
# target that waits.
before_graph := {key: union({deps, ready_deps[key], parents[key]}) | some key, deps in waits_for}

# before maps a Kustomization key to the Kustomizations whose objects are
# applied before it reconciles (itself included: kustomize-controller applies
# CRDs before the custom resources of the same build).
before[key] := intersection({graph.reachable(before_graph, {key}), keys}) if some key in keys

# ready maps a Kustomization key to the Kustomizations that are Ready (their
# HelmReleases installed) before it reconciles: the waited-for dependsOn
# targets, and what is below them, of anything applied before it.
ready[key] := union({ready_deps[y] | some y in before[key]}) if some key in keys

# group is the API group of an apiVersion ("" for the core group).
group(api_version) := g if {
	parts := split(api_version, "/")
	count(parts) == 2
	g := parts[0]
}

group(api_version) := "" if {
	count(split(api_version, "/")) != 2
}

# builtin: Kubernetes serves the group itself, no CRD needed.
builtin(g) if not contains(g, ".")

builtin(g) if endswith(g, ".k8s.io")

# flux_groups maps the API groups of Flux to the controller whose CRDs
# define them; "*" stands for every kind of the group.
flux_groups := {
	"source.toolkit.fluxcd.io": {"*": "source-controller"},
	"kustomize.toolkit.fluxcd.io": {"*": "kustomize-controller"},
	"helm.toolkit.fluxcd.io": {"*": "helm-controller"},
	"notification.toolkit.fluxcd.io": {"*": "notification-controller"},
	"image.toolkit.fluxcd.io": {
		"ImageRepository": "image-reflector-controller",
		"ImagePolicy": "image-reflector-controller",
		"ImageUpdateAutomation": "image-automation-controller",
	},
	"source.extensions.fluxcd.io": {"*": "source-watcher"},
}

# flux_components_known: the cluster's folder says which Flux components
# are installed (FluxInstance spec.components, or the header of
# gotk-components.yaml). Without it (no Flux installation in git), every
# component is assumed present.
flux_components_known if count(object.get(input.cluster, ["flux", "components"], [])) > 0

# flux_installed: the Flux controller c is installed on the cluster.
flux_installed(c) if {
	flux_components_known
	c in input.cluster.flux.components
}

flux_installed(_) if not flux_components_known

# flux_component is the Flux controller whose CRD defines group/kind.
flux_component(g, kind) := c if {
	c := flux_groups[g][kind]
} else := c if {
	c := flux_groups[g]["*"]
}

# operator_group is installed with the Flux Operator, before bootstrap.
operator_group := "fluxcd.controlplane.io"
