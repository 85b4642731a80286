package d1lint.rules.build.shared_object_test

import data.d1lint.rules.build.shared_object

loc_a := {"repo": "github.com/acme/apps", "branch": "main", "path": "components/a/cm.yaml", "line": 1}

loc_b := {"repo": "github.com/acme/apps", "branch": "main", "path": "components/b/cm.yaml", "line": 4}

loc_c := {"repo": "github.com/acme/fleet", "branch": "main", "path": "tenants/c/cm.yaml", "line": 7}

cm(api, ns, name, by, loc) := {
	"apiVersion": api, "kind": "ConfigMap", "namespace": ns, "name": name,
	"appliedBy": by, "chain": ["flux-system/root", by], "location": loc,
	"object": {"apiVersion": api, "kind": "ConfigMap", "metadata": {"name": name, "namespace": ns}},
}

with_metadata(o, where, key, value) := object.union(o, {"object": {"metadata": {where: {key: value}}}})

# The finding is at the copy of the later Kustomization by key (apps/b),
# whatever the apply order, and names the other Kustomization and its file.
test_two_appliers_at_the_later_by_name if {
	r := shared_object.report with input as {"cluster": {"objects": [
		cm("v1", "shop", "settings", "apps/b", loc_b),
		cm("v1", "shop", "other", "apps/a", loc_a),
		cm("v1", "shop", "settings", "apps/a", loc_a),
	]}}
	r == {{
		"rule": "D1-0006",
		"title": "Object applied by two Kustomizations",
		"category": "build",
		"severity": "error",
		"object": {"apiVersion": "v1", "kind": "ConfigMap", "namespace": "shop", "name": "settings"},
		"location": loc_b,
		"chain": ["flux-system/root", "apps/b"],
		"message": "ConfigMap shop/settings is applied by both Kustomization apps/a (from components/a/cm.yaml) and Kustomization apps/b: each apply labels it as its own and overwrites the other's version, and whichever applied it last prunes it while the other still applies it",
	}}
}

# Three appliers are three pairs; a copy from another repository is named
# with it.
test_three_appliers_three_pairs if {
	r := shared_object.report with input as {"cluster": {"objects": [
		cm("v1", "", "x", "apps/a", loc_a),
		cm("v1", "", "x", "apps/b", loc_b),
		cm("v1", "", "x", "flux-system/c", loc_c),
	]}}
	{[f.location.path, f.message] | some f in r} == {
		["components/b/cm.yaml", "ConfigMap x is applied by both Kustomization apps/a (from components/a/cm.yaml) and Kustomization apps/b: each apply labels it as its own and overwrites the other's version, and whichever applied it last prunes it while the other still applies it"],
		["tenants/c/cm.yaml", "ConfigMap x is applied by both Kustomization apps/a (from github.com/acme/apps@main:components/a/cm.yaml) and Kustomization flux-system/c: each apply labels it as its own and overwrites the other's version, and whichever applied it last prunes it while the other still applies it"],
		["tenants/c/cm.yaml", "ConfigMap x is applied by both Kustomization apps/b (from github.com/acme/apps@main:components/b/cm.yaml) and Kustomization flux-system/c: each apply labels it as its own and overwrites the other's version, and whichever applied it last prunes it while the other still applies it"],
	}
}

# One object of the API server whatever the version of its group.
test_versions_of_one_group_are_one_object if {
	count(shared_object.report) == 1 with input as {"cluster": {"objects": [
		cm("example.com/v1", "", "x", "apps/a", loc_a),
		cm("example.com/v2", "", "x", "apps/b", loc_b),
	]}}
}

test_distinct_objects_and_one_applier if {
	count(shared_object.report) == 0 with input as {"cluster": {"objects": [
		cm("v1", "shop", "settings", "apps/a", loc_a),
		cm("v1", "blog", "settings", "apps/b", loc_b),
		cm("other.io/v1", "shop", "settings", "apps/b", loc_b),
		cm("v1", "shop", "settings", "apps/a", loc_b),
	]}}
}

# Flux never applies the second copy, so nothing fights over it.
test_not_applied_is_ignored if {
	count(shared_object.report) == 0 with input as {"cluster": {"objects": [
		cm("v1", "shop", "settings", "apps/a", loc_a),
		object.union(cm("v1", "shop", "settings", "apps/b", loc_b), {"notApplied": "annotation kustomize.toolkit.fluxcd.io/reconcile: disabled"}),
	]}}
}

# ssa: IfNotPresent on either copy (label or annotation, any case): that
# copy is applied only while the object does not exist.
test_if_not_present_is_sharing if {
	a := cm("v1", "shop", "settings", "apps/a", loc_a)
	b := cm("v1", "shop", "settings", "apps/b", loc_b)
	count(shared_object.report) == 0 with input as {"cluster": {"objects": [
		a, with_metadata(b, "annotations", "kustomize.toolkit.fluxcd.io/ssa", "IfNotPresent"),
	]}}
	count(shared_object.report) == 0 with input as {"cluster": {"objects": [
		with_metadata(a, "labels", "kustomize.toolkit.fluxcd.io/ssa", "ifnotpresent"), b,
	]}}
	count(shared_object.report) == 1 with input as {"cluster": {"objects": [
		a, with_metadata(b, "annotations", "kustomize.toolkit.fluxcd.io/ssa", "Merge"),
	]}}
}

# A Flux Kustomization applied twice is the render's duplicate-kustomization
# problem (D1-0001), not this rule's.
test_same_file if {
	r := shared_object.report with input as {"cluster": {"objects": [
		cm("v1", "", "x", "apps/a", loc_a),
		cm("v1", "", "x", "apps/b", loc_a),
	]}}
	[f.message | some f in r] == ["ConfigMap x is applied by both Kustomization apps/a (from the same file) and Kustomization apps/b: each apply labels it as its own and overwrites the other's version, and whichever applied it last prunes it while the other still applies it"]
}

test_flux_kustomization_left_to_the_render if {
	count(shared_object.report) == 0 with input as {"cluster": {"objects": [k("apps/a", loc_a), k("apps/b", loc_b)]}}
}

k(by, loc) := object.union(cm("kustomize.toolkit.fluxcd.io/v1", "apps", "shop", by, loc), {"kind": "Kustomization"})
