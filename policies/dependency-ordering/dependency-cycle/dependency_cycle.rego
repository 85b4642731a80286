# METADATA
# title: Kustomizations depend on each other in a cycle
# description: |
#   A Flux Kustomization waits for every dependsOn entry to be Ready before
#   it reconciles. When dependsOn entries lead back to the Kustomization
#   itself, every member of the cycle waits for another one and none of them
#   is ever applied, nor anything that depends on them. Every member of a
#   cycle is reported, at its own dependsOn entry that leads into the cycle,
#   so that the change that closed it is annotated whichever member it
#   touched.
# custom:
#   id: D1-0302
#   category: dependency-ordering
#   severity: error
#   remediation: Remove the dependsOn entry that closes the cycle; usually a configs layer depends on its controllers, never the other way round.
#   profiles: [d1, generic]
package d1lint.rules.dependency_ordering.dependency_cycle

import data.d1lint.lib.ordering
import data.d1lint.lib.result

report contains result.fail(rego.metadata.chain(), {
	"object": {
		"apiVersion": "kustomize.toolkit.fluxcd.io/v1",
		"kind": "Kustomization",
		"namespace": k.namespace,
		"name": k.name,
	},
	"location": object.get(k, "location", null),
	"chain": k.chain,
	"message": message(k.key, members),
	"field": entry_field(k, members),
}) if {
	some k in input.cluster.kustomizations
	k.key in cyclic
	members := {x | some x in reach[k.key]; k.key in reach[x]}
}

# entry_field is the dependsOn entry of k that leads into the cycle (the
# model keeps the spec's order; the first entry when several name the next
# member).
entry_field(k, members) := ["spec", "dependsOn", min({i |
	some i, d in k.dependsOn
	ordering.dep_key(d) == next
})] if {
	next := next_member(cycle(k.key, members), k.key)
} else := ["spec", "dependsOn"]

next_member(c, _) := c[1] if count(c) > 1

next_member(c, key) := key if count(c) == 1

# reach maps a Kustomization key to the keys its dependsOn entries lead to,
# itself included.
reach[key] := graph.reachable(ordering.depends_on, {key}) if some key in ordering.keys

# cyclic holds the Kustomizations a dependsOn entry leads back to.
cyclic contains key if {
	some key, deps in ordering.depends_on
	count(deps) > 0
	some t in deps
	count(object.get(ordering.depends_on, t, set())) > 0
	key in reach[t]
}

message(key, members) := sprintf("Kustomizations %s depend on each other in a cycle: none of them will ever be applied. Remove the dependsOn entry that closes the cycle", [path]) if {
	count(cycle(key, members)) == count(members)
	path := concat(" -> ", array.concat(cycle(key, members), [key]))
}

message(key, members) := sprintf("Kustomizations %s depend on each other in a cycle (%s are caught in it too): none of them will ever be applied. Remove the dependsOn entries that close the cycles", [path, others]) if {
	count(cycle(key, members)) != count(members)
	c := cycle(key, members)
	path := concat(" -> ", array.concat(c, [key]))
	others := concat(", ", sort(members - {x | some x in c}))
}

# cycle is the shortest dependsOn path from key back to itself (the
# smallest such path when several are as short), without the closing key.
cycle(key, members) := min({[count(p), p] |
	some p in simple_paths(key, members)
	key in ordering.depends_on[p[count(p) - 1]]
})[1]

simple_paths(key, members) := {p |
	sub := {x: intersection({ordering.depends_on[x], members}) | some x in members}
	some full in graph.reachable_paths(sub, {key})
	some n in numbers.range(1, count(full))
	p := array.slice(full, 0, n)
	count({x | some x in p}) == n
}
