package d1lint.rules.branch_mapping.source_branch_test

import data.d1lint.rules.branch_mapping.source_branch

loc := {"repo": "github.com/acme/fleet", "branch": "main", "path": "tenants/apps/components/shop/sync.yaml", "line": 3}

obj := {"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository", "namespace": "shop", "name": "flux-apps"}

chain := ["flux-system/flux-system", "flux-system/flux-apps-tenant"]

cluster(sources) := {
	"name": "prod-eu",
	"runtimeInfo": {"GIT_BRANCH": "production"},
	"root": "flux-system/flux-system",
	"kustomizations": [{"key": "flux-system/flux-system", "source": "GitRepository/flux-system/flux-system"}],
	"sources": array.concat(
		[{
			"key": "GitRepository/flux-system/flux-system", "kind": "GitRepository", "namespace": "flux-system",
			"name": "flux-system", "url": "ssh://git@github.com/acme/fleet.git", "ref": {"name": "refs/heads/main"},
		}],
		sources,
	),
	"objects": [object.union(obj, {"chain": chain, "location": loc})],
}

apps(ref) := {
	"key": "GitRepository/shop/flux-apps", "kind": "GitRepository", "namespace": "shop", "name": "flux-apps",
	"url": "https://github.com/acme/apps.git", "ref": ref, "location": loc,
}

test_literal_branch if {
	r := source_branch.report with input as {"cluster": cluster([apps({"branch": "main"})])}
	r == {{
		"rule": "D1-0205",
		"title": "GitRepository does not follow the cluster's branch",
		"category": "branch-mapping",
		"severity": "error",
		"object": obj,
		"location": loc,
		"chain": chain,
		"field": ["spec", "ref", "branch"],
		"message": "GitRepository shop/flux-apps reads https://github.com/acme/apps.git at branch \"main\", but cluster prod-eu follows \"production\" (GIT_BRANCH of its runtime-info); set spec.ref.branch to ${GIT_BRANCH}",
	}}
}

test_ref_name_and_empty_ref if {
	r1 := source_branch.report with input as {"cluster": cluster([apps({"name": "refs/heads/main"})])}
	[f.field | some f in r1] == [["spec", "ref", "name"]]
	r2 := source_branch.report with input as {"cluster": cluster([apps({})])}
	[f.field | some f in r2] == [["spec"]]
	[f.message | some f in r2] == ["GitRepository shop/flux-apps reads https://github.com/acme/apps.git at branch \"master\", but cluster prod-eu follows \"production\" (GIT_BRANCH of its runtime-info); set spec.ref.branch to ${GIT_BRANCH}"]
}

test_cluster_branch_pinned_refs_and_fleet_are_fine if {
	count(source_branch.report) == 0 with input as {"cluster": cluster([
		apps({"branch": "production"}),
		object.union(apps({"tag": "v1.2.0"}), {"key": "GitRepository/shop/pinned", "name": "pinned"}),
		object.union(apps({"branch": "main"}), {"key": "GitRepository/shop/fleet", "name": "fleet", "url": "git@github.com:Acme/fleet"}),
	])}
}

test_no_git_branch_is_not_judged_here if {
	count(source_branch.report) == 0 with input as {"cluster": object.remove(cluster([apps({"branch": "main"})]), ["runtimeInfo"])}
}
