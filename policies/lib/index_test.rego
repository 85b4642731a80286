package d1lint.lib.index_test

import data.d1lint.lib.index

# objects of a hand-made model: index computes the index from them, as
# d1lint computes input.cluster.index.
objects := [
	{"apiVersion": "v1", "kind": "Namespace", "name": "shop", "appliedBy": "flux-system/apps"},
	{"apiVersion": "v1", "kind": "ConfigMap", "namespace": "shop", "name": "a", "appliedBy": "shop/shop"},
	{"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "web", "appliedBy": "shop/shop", "schema": {"status": "invalid"}},
	{"apiVersion": "v1", "kind": "ConfigMap", "namespace": "shop", "name": "a", "appliedBy": "flux-system/apps", "notApplied": "annotation x"},
	{"apiVersion": "v1", "kind": "ConfigMap", "namespace": "shop", "name": "b", "appliedBy": "flux-system/apps", "resourceSet": "flux-system/tenants"},
	{"apiVersion": "apps/v1beta1", "kind": "Deployment", "namespace": "shop", "name": "old", "appliedBy": "shop/shop", "remote": "Secret shop/kubeconfig"},
]

computed := {
	"kinds": {"Namespace": [0], "ConfigMap": [1, 3, 4], "Deployment": [2, 5]},
	"names": {
		"Namespace//shop": [0],
		"ConfigMap/shop/a": [1, 3],
		"Deployment/shop/web": [2],
		"ConfigMap/shop/b": [4],
		"Deployment/shop/old": [5],
	},
	"appliedBy": {"flux-system/apps": [0, 3, 4], "shop/shop": [1, 2, 5]},
	"resourceSets": {"flux-system/tenants": [4]},
	"apiVersions": {
		"v1": {"Namespace": [0], "ConfigMap": [1, 3, 4]},
		"apps/v1": {"Deployment": [2]},
		"apps/v1beta1": {"Deployment": [5]},
	},
	"schema": [2],
}

test_computed_from_the_objects if {
	index.index == computed with input as {"cluster": {"objects": objects}}
}

test_empty_without_objects if {
	index.index == {"kinds": {}, "names": {}, "appliedBy": {}, "resourceSets": {}, "apiVersions": {}, "schema": []} with input as {"cluster": {}}
}

# d1lint's own index is read as given, never recomputed.
test_input_index_is_used if {
	given := object.union(computed, {"kinds": {"ConfigMap": [4]}})
	index.of_kind("ConfigMap") == [4] with input as {"cluster": {"objects": objects, "index": given}}
}

test_lookups if {
	index.of_kind("ConfigMap") == [1, 3, 4] with input as {"cluster": {"objects": objects}}
	index.of_kind("Secret") == [] with input as {"cluster": {"objects": objects}}
	index.objects("Deployment") == [objects[2], objects[5]] with input as {"cluster": {"objects": objects}}
	index.named("ConfigMap", "shop", "a") == [1, 3] with input as {"cluster": {"objects": objects}}
	index.named("Namespace", "", "shop") == [0] with input as {"cluster": {"objects": objects}}
	index.named("ConfigMap", "shop", "c") == [] with input as {"cluster": {"objects": objects}}
}
