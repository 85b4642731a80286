package d1lint.lib.result_test

import data.d1lint.lib.result

obj := {
	"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository", "namespace": "shop", "name": "flux-apps",
	"location": {"repo": "github.com/acme/fleet", "path": "sync.yaml", "line": 3}, "chain": ["flux-system/flux-system"],
}

test_object_field_details if {
	result.object_field_details(obj, ["spec", "ref", "branch"], "m") == {
		"object": {"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository", "namespace": "shop", "name": "flux-apps"},
		"location": obj.location,
		"chain": ["flux-system/flux-system"],
		"field": ["spec", "ref", "branch"],
		"message": "m",
	}
}

test_field_with_index if {
	result.object_field_details(obj, ["spec", "dependsOn", 1], "m").field == ["spec", "dependsOn", 1]
}

test_empty_field_is_left_out if {
	result.object_field_details(obj, [], "m") == result.object_details(obj, "m")
	result.with_field({"message": "m"}, null) == {"message": "m"}
	result.with_field({"message": "m"}, "") == {"message": "m"}
	result.with_field({"message": "m"}, "spec.replicas") == {"message": "m", "field": "spec.replicas"}
}
