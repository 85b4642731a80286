package d1lint.rules.dependency_ordering.resourceset_dependency_test

import data.d1lint.rules.dependency_ordering.resourceset_dependency

rs_object := {"apiVersion": "fluxcd.controlplane.io/v1", "kind": "ResourceSet", "namespace": "flux-system", "name": "apps", "location": {"path": "tenants/apps.yaml", "line": 1}}

ks := {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "monitoring", "name": "infra-configs"}

cluster(dep, objs) := {"cluster": {
	"completeness": {"complete": true},
	"objects": array.concat([rs_object], objs),
	"resourceSets": [{"namespace": "flux-system", "name": "apps", "status": "rendered", "dependsOn": [dep]}],
}}

test_missing_dependency if {
	r := resourceset_dependency.report with input as cluster({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "monitoring", "name": "infra-config"}, [ks])
	count(r) == 1
	some f in r
	f.field == ["spec", "dependsOn", "0"]
	contains(f.message, "monitoring/infra-config,")
}

test_present_dependency if {
	count(resourceset_dependency.report) == 0 with input as cluster({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "monitoring", "name": "infra-configs"}, [ks])
}

test_flux_crd_is_installed if {
	count(resourceset_dependency.report) == 0 with input as cluster({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "name": "helmreleases.helm.toolkit.fluxcd.io"}, [])
}

test_incomplete_cluster_is_not_judged if {
	c := cluster({"apiVersion": "v1", "kind": "ConfigMap", "namespace": "x", "name": "y"}, [])
	count(resourceset_dependency.report) == 0 with input as object.union(c, {"cluster": {"completeness": {"complete": false}}})
}
