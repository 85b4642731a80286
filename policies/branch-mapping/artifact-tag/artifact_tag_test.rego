package d1lint.rules.branch_mapping.artifact_tag_test

import data.d1lint.rules.branch_mapping.artifact_tag

config := {"branches": {"staging": "main", "production": "production"}}

cluster(env, tag, sources) := {"config": config, "cluster": {
	"name": "c", "environment": env,
	"runtimeInfo": {"ENVIRONMENT": env, "ARTIFACT_TAG": tag},
	"runtimeInfoLocation": {"path": "clusters/c/runtime-info.yaml", "line": 1},
	"objects": array.concat(
		[{"apiVersion": "v1", "kind": "ConfigMap", "namespace": "flux-system", "name": "flux-runtime-info", "location": {"path": "clusters/c/runtime-info.yaml", "line": 1}}],
		[object(s) | some s in sources],
	),
	"sources": sources,
}}

object(s) := {"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "OCIRepository", "namespace": s.namespace, "name": s.name, "location": s.location, "object": {"spec": {"url": s.url, "ref": s.ref}}}

oci(tag) := {"key": "OCIRepository/apps/apps", "kind": "OCIRepository", "namespace": "apps", "name": "apps", "url": "oci://ghcr.io/acme/apps", "ref": {"tag": tag}, "location": {"path": "tenants/apps.yaml", "line": 9}}

test_production_on_latest if {
	r := artifact_tag.report with input as cluster("production", "latest", [oci("latest")])
	count(r) == 1 # reported at the runtime-info, not again at the source
	some f in r
	contains(f.message, "production follows releases")
}

test_production_source_pinned_to_latest if {
	r := artifact_tag.report with input as cluster("production", "latest-stable", [oci("latest")])
	count(r) == 1
	some f in r
	f.location.path == "tenants/apps.yaml"
}

test_staging_source_on_a_release if {
	r := artifact_tag.report with input as cluster("staging", "latest", [oci("v1.2.3")])
	count(r) == 1
	some f in r
	f.location.path == "tenants/apps.yaml"
}

test_staging_on_latest_stable if {
	r := artifact_tag.report with input as cluster("staging", "latest-stable", [])
	some f in r
	contains(f.message, "staging follows latest")
}

test_right_tags if {
	count(artifact_tag.report) == 0 with input as cluster("production", "latest-stable", [oci("v1.2.3")])
	count(artifact_tag.report) == 0 with input as cluster("staging", "latest", [oci("latest")])
}
