package d1lint.rules.branch_mapping.artifact_verification_test

import data.d1lint.rules.branch_mapping.artifact_verification

repo(spec) := {
	"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "OCIRepository", "namespace": "apps", "name": "apps",
	"location": {"path": "tenants/apps.yaml", "line": 3}, "appliedBy": "flux-system/tenants",
	"object": {"spec": object.union({"url": "oci://ghcr.io/acme/apps"}, spec)},
}

cluster(objs, env) := {"cluster": {"name": "prod-eu", "environment": env, "runtimeInfo": {"ENVIRONMENT": env}, "objects": objs, "sources": [{"kind": "OCIRepository", "namespace": "apps", "name": "apps"}]}, "config": {"branches": {"staging": "main", "production": "production"}}}

test_charts_are_not_checked if {
	c := cluster([repo({})], "production")
	count(artifact_verification.report) == 0 with input as object.union(c, {"cluster": {"sources": [{"kind": "GitRepository", "namespace": "apps", "name": "apps"}]}})
}

release := {"provider": "cosign", "matchOIDCIdentity": [{"issuer": "x", "subject": `^https://github\.com/acme/apps/\.github/workflows/release\.yaml@refs/tags/.*$`}]}

test_unverified_is_reported if {
	r := artifact_verification.report with input as cluster([repo({})], "production")
	count(r) == 1
	some f in r
	f.field == ["spec"]
	contains(f.message, "is not verified")
}

test_branch_subject_is_reported if {
	branch := {"provider": "cosign", "matchOIDCIdentity": [{"issuer": "x", "subject": `^https://github\.com/acme/apps/\.github/workflows/push\.yaml@refs/heads/main$`}]}
	r := artifact_verification.report with input as cluster([repo({"verify": branch})], "production")
	count(r) == 1
	some f in r
	f.field == ["spec", "verify", "matchOIDCIdentity"]
}

test_any_identity_is_reported if {
	r := artifact_verification.report with input as cluster([repo({"verify": {"provider": "cosign"}})], "production")
	some f in r
	contains(f.message, "any identity")
}

test_release_signed_is_fine if {
	count(artifact_verification.report) == 0 with input as cluster([repo({"verify": release})], "production")
}

test_staging_is_not_checked if {
	count(artifact_verification.report) == 0 with input as cluster([repo({})], "staging")
}
