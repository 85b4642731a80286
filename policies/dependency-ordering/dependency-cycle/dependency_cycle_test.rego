package d1lint.rules.dependency_ordering.dependency_cycle_test

import data.d1lint.rules.dependency_ordering.dependency_cycle

loc := {"repo": "r", "path": "tenants/infra/components/ingress.yaml", "line": 3}

ks(deps) := [{
	"key": sprintf("flux-system/%s", [name]), "namespace": "flux-system", "name": name,
	"location": loc, "chain": ["flux-system/flux-system", sprintf("flux-system/%s", [name])],
	"dependsOn": [{"kind": "Kustomization", "namespace": "flux-system", "name": d} | some d in deps[name]],
} |
	some name, _ in deps
]

# Every member is reported at its own entry into the cycle, the cycle
# shown from that member.
test_cycle_reported_on_every_member if {
	r := dependency_cycle.report with input as {"cluster": {"kustomizations": ks({
		"root": [],
		"c": ["a"],
		"b": ["c"],
		"a": ["b", "root"],
	})}}
	{f.object.name | some f in r} == {"a", "b", "c"}
	{[f.object.name, f.field] | some f in r} == {["a", ["spec", "dependsOn", 0]], ["b", ["spec", "dependsOn", 0]], ["c", ["spec", "dependsOn", 0]]}
	some fb in r
	fb.object.name == "b"
	fb.message == "Kustomizations flux-system/b -> flux-system/c -> flux-system/a -> flux-system/b depend on each other in a cycle: none of them will ever be applied. Remove the dependsOn entry that closes the cycle"
	some fa in r
	fa.object.name == "a"
	fa == {
		"rule": "D1-0302",
		"title": "Kustomizations depend on each other in a cycle",
		"category": "dependency-ordering",
		"severity": "error",
		"object": {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "flux-system", "name": "a"},
		"location": loc,
		"chain": ["flux-system/flux-system", "flux-system/a"],
		"field": ["spec", "dependsOn", 0],
		"message": "Kustomizations flux-system/a -> flux-system/b -> flux-system/c -> flux-system/a depend on each other in a cycle: none of them will ever be applied. Remove the dependsOn entry that closes the cycle",
	}
}

test_self_dependency if {
	r := dependency_cycle.report with input as {"cluster": {"kustomizations": ks({"a": ["a"], "b": ["a"]})}}
	[f.message | some f in r] == ["Kustomizations flux-system/a -> flux-system/a depend on each other in a cycle: none of them will ever be applied. Remove the dependsOn entry that closes the cycle"]
}

# The field names the entry that leads into the cycle, at its index.
test_field_names_the_entry_into_the_cycle if {
	r := dependency_cycle.report with input as {"cluster": {"kustomizations": ks({"root": [], "a": ["root", "b"], "b": ["a"]})}}
	{[f.object.name, f.field] | some f in r} == {["a", ["spec", "dependsOn", 1]], ["b", ["spec", "dependsOn", 0]]}
	r2 := dependency_cycle.report with input as {"cluster": {"kustomizations": ks({"a": ["b", "a"], "b": []})}}
	[f.field | some f in r2] == [["spec", "dependsOn", 1]]
}

test_two_cycles_two_findings if {
	r := dependency_cycle.report with input as {"cluster": {"kustomizations": ks({"a": ["b"], "b": ["a"], "c": ["d"], "d": ["c"]})}}
	{f.object.name | some f in r} == {"a", "b", "c", "d"}
}

test_knot_lists_every_member if {
	r := dependency_cycle.report with input as {"cluster": {"kustomizations": ks({"a": ["b"], "b": ["a", "c"], "c": ["b"]})}}
	some fa in r
	fa.object.name == "a"
	fa.message == "Kustomizations flux-system/a -> flux-system/b -> flux-system/a depend on each other in a cycle (flux-system/c are caught in it too): none of them will ever be applied. Remove the dependsOn entries that close the cycles"
	{f.object.name | some f in r} == {"a", "b", "c"}
}

test_chain_without_cycle if {
	count(dependency_cycle.report) == 0 with input as {"cluster": {"kustomizations": ks({"a": ["b"], "b": ["c"], "c": [], "d": ["a", "c"]})}}
}

test_missing_target_is_no_cycle if {
	count(dependency_cycle.report) == 0 with input as {"cluster": {"kustomizations": ks({"a": ["nope"], "b": ["a"]})}}
}
