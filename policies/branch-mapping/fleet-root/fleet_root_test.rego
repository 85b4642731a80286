package d1lint.rules.branch_mapping.fleet_root_test

import data.d1lint.rules.branch_mapping.fleet_root

root_loc := {"repo": "github.com/acme/fleet", "branch": "main", "path": "clusters/prod-eu/flux-system/flux-instance.yaml", "line": 3}

root_obj := {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "flux-system", "name": "flux-system"}

src_obj := {"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository", "namespace": "flux-system", "name": "flux-system"}

cluster(path, ref) := {
	"name": "prod-eu",
	"root": "flux-system/flux-system",
	"kustomizations": [{
		"key": "flux-system/flux-system", "namespace": "flux-system", "name": "flux-system",
		"chain": ["flux-system/flux-system"], "path": path, "spec": {"path": path},
		"source": "GitRepository/flux-system/flux-system", "location": root_loc,
	}],
	"sources": [{
		"key": "GitRepository/flux-system/flux-system", "kind": "GitRepository",
		"namespace": "flux-system", "name": "flux-system", "ref": ref, "location": root_loc,
	}],
}

test_wrong_path_and_branch if {
	r := fleet_root.report with input as {"cluster": cluster("./clusters/production", {"name": "refs/heads/production"})}
	r == {
		{
			"rule": "D1-0204",
			"title": "Fleet root does not sync main and the cluster's own folder",
			"category": "branch-mapping",
			"severity": "error",
			"object": root_obj,
			"location": root_loc,
			"chain": ["flux-system/flux-system"],
			"message": "root Kustomization flux-system/flux-system of cluster prod-eu applies \"./clusters/production\"; it must apply the cluster's own folder \"clusters/prod-eu\"",
		},
		{
			"rule": "D1-0204",
			"title": "Fleet root does not sync main and the cluster's own folder",
			"category": "branch-mapping",
			"severity": "error",
			"object": src_obj,
			"location": root_loc,
			"chain": ["flux-system/flux-system"],
			"message": "the fleet repository source GitRepository/flux-system/flux-system of cluster prod-eu reads ref \"refs/heads/production\"; the fleet root must follow branch \"main\" (clusters differ by path, not by branch)",
		},
	}
}

test_empty_ref_is_master if {
	r := fleet_root.report with input as {"cluster": cluster("clusters/prod-eu", {})}
	[f.message | some f in r] == ["the fleet repository source GitRepository/flux-system/flux-system of cluster prod-eu reads the default branch (spec.ref is empty: master); the fleet root must follow branch \"main\" (clusters differ by path, not by branch)"]
}

test_main_and_own_folder if {
	count(fleet_root.report) == 0 with input as {"cluster": cluster("./clusters/prod-eu/", {"branch": "main"})}
	count(fleet_root.report) == 0 with input as {"cluster": cluster("clusters/prod-eu", {"name": "refs/heads/main"})}
}

# Outside d1's layout the cluster's own folder is its path in the model
# (where d1lint found the root), not clusters/<name>.
test_own_folder_is_the_cluster_path if {
	home := object.union(cluster("./kubernetes/flux/cluster", {"branch": "main"}), {"path": "kubernetes/flux/cluster"})
	count(fleet_root.report) == 0 with input as {"cluster": home}
	r := fleet_root.report with input as {"cluster": object.union(home, {"path": "kubernetes/flux/other"})}
	[f.message | some f in r] == ["root Kustomization flux-system/flux-system of cluster prod-eu applies \"./kubernetes/flux/cluster\"; it must apply the cluster's own folder \"kubernetes/flux/other\""]
}

test_no_root_is_not_judged_here if {
	count(fleet_root.report) == 0 with input as {"cluster": {"name": "x", "root": "flux-system/flux-system", "kustomizations": [], "sources": []}}
}

# Bootstrap era: the root Kustomization and its GitRepository are rendered
# objects (gotk-sync.yaml), so the findings name the offending fields.
test_bootstrap_fields if {
	c := cluster("./clusters/production", {"branch": "production"})
	objects := [
		object.union(root_obj, {"location": root_loc, "appliedBy": "flux-system/flux-system"}),
		object.union(src_obj, {"location": root_loc, "appliedBy": "flux-system/flux-system"}),
	]
	r := fleet_root.report with input as {"cluster": object.union(c, {"objects": objects})}
	{[f.object.kind, f.field] | some f in r} == {
		["Kustomization", ["spec", "path"]],
		["GitRepository", ["spec", "ref", "branch"]],
	}
}

test_ref_fields if {
	r := fleet_root.report with input as {"cluster": object.union(
		cluster("clusters/prod-eu", {"tag": "v1"}),
		{"objects": [object.union(src_obj, {"location": root_loc})]},
	)}
	[f.field | some f in r] == [["spec", "ref", "tag"]]
	r2 := fleet_root.report with input as {"cluster": object.union(
		cluster("clusters/prod-eu", {}),
		{"objects": [object.union(src_obj, {"location": root_loc})]},
	)}
	[f.field | some f in r2] == [["spec"]]
}

# Operator era: the root is generated from the FluxInstance, no field.
test_operator_era_names_no_field if {
	r := fleet_root.report with input as {"cluster": cluster("./clusters/production", {"name": "refs/heads/production"})}
	count(r) == 2
	every f in r {
		not f.field
	}
}
