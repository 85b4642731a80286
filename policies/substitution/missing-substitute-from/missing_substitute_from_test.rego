package d1lint.rules.substitution.missing_substitute_from_test

import data.d1lint.rules.substitution.missing_substitute_from

loc := {"repo": "github.com/acme/fleet", "branch": "main", "path": "tenants/apps/components/shop/sync.yaml", "line": 15}

chain := ["flux-system/flux-system", "flux-system/flux-apps-tenant", "shop/flux-shop"]

cluster(refs) := {
	"name": "stg",
	"kustomizations": [{
		"key": "shop/flux-shop", "namespace": "shop", "name": "flux-shop", "chain": chain, "location": loc,
		"postBuild": {"substituteFrom": refs},
	}],
	"objects": [{"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "shop", "name": "flux-shop"}],
}

test_missing_config_map if {
	r := missing_substitute_from.report with input as {"cluster": cluster([
		{"kind": "ConfigMap", "name": "flux-runtime-info", "found": true, "from": "generated"},
		{"kind": "ConfigMap", "name": "shop-settings", "found": false},
	])}
	r == {{
		"rule": "D1-0403",
		"title": "substituteFrom object does not exist",
		"category": "substitution",
		"severity": "error",
		"object": {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "shop", "name": "flux-shop"},
		"location": loc,
		"chain": chain,
		"field": ["spec", "postBuild", "substituteFrom", 1],
		"message": "Kustomization shop/flux-shop: postBuild.substituteFrom ConfigMap shop/shop-settings does not exist on cluster stg, so Flux never applies this Kustomization; create it in namespace shop, or mark the entry optional: true",
	}}
}

test_optional_or_found_is_fine if {
	count(missing_substitute_from.report) == 0 with input as {"cluster": cluster([
		{"kind": "ConfigMap", "name": "flux-runtime-info", "found": true, "from": "out-of-band"},
		{"kind": "Secret", "name": "shop-overrides", "optional": true, "found": false},
	])}
}

test_not_looked_up_is_not_judged if {
	count(missing_substitute_from.report) == 0 with input as {"cluster": cluster([{"kind": "ConfigMap", "name": "x"}])}
}

# Another part not rendered could provide the object: not claimed missing.
test_unknown_when_render_incomplete if {
	c := object.union(cluster([{"kind": "ConfigMap", "name": "shop-settings", "found": false}]), {"completeness": {"complete": false, "gaps": [{"kustomization": "flux-system/infra", "reason": "build failed"}]}})
	count(missing_substitute_from.report) == 0 with input as {"cluster": c}
}
