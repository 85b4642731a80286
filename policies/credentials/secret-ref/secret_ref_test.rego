package d1lint.rules.credentials.secret_ref_test

import data.d1lint.rules.credentials.secret_ref

loc := {"repo": "github.com/acme/d1-fleet", "branch": "main", "path": "tenants/apps/components/shop/sync.yaml", "line": 3}

tenant_chain := ["flux-system/flux-system", "flux-system/flux-apps-tenant"]

# obj is a rendered object as the model holds it.
obj(api, kind, ns, name, body) := {
	"apiVersion": api, "kind": kind, "namespace": ns, "name": name,
	"location": loc, "appliedBy": "flux-system/flux-apps-tenant", "chain": tenant_chain,
	"object": object.union({"apiVersion": api, "kind": kind, "metadata": {"name": name, "namespace": ns}}, body),
}

git_repo(ns, secret) := obj("source.toolkit.fluxcd.io/v1", "GitRepository", ns, "flux-apps", {"spec": {
	"url": "https://github.com/acme/d1-apps.git",
	"secretRef": {"name": secret},
}})

secret(ns, name) := obj("v1", "Secret", ns, name, {})

# copy is a Secret that Flux Operator fills from another one.
copy(ns, name, from) := obj("v1", "Secret", ns, name, {"metadata": {"name": name, "namespace": ns, "annotations": {"fluxcd.controlplane.io/copyFrom": from}}})

finding(o, field, message) := {
	"rule": "D1-0601",
	"title": "Referenced Secret or ConfigMap does not exist",
	"category": "credentials",
	"severity": "error",
	"object": {"apiVersion": o.apiVersion, "kind": o.kind, "namespace": o.namespace, "name": o.name},
	"location": loc,
	"chain": tenant_chain,
	"field": field,
	"message": message,
}

hint(ns) := sprintf("create it in namespace %s, have a Kyverno policy clone it there (label the namespace the way the clone policy selects), or declare it out-of-band in .d1lint.yaml", [ns])

# The issue's scenario: the shop namespace lost the label the clone policy
# selects on, so no copy of flux-apps reaches it.
test_git_repository_secret_missing if {
	repo := git_repo("shop", "flux-apps")
	r := secret_ref.report with input as {"cluster": {"name": "prod-eu", "objects": [repo]}}
	r == {finding(repo, ["spec", "secretRef", "name"], concat("", [
		"GitRepository shop/flux-apps: spec.secretRef names Secret shop/flux-apps, which does not exist on cluster prod-eu (not in the render, not a Kyverno copy, not declared out-of-band), ",
		"so source-controller cannot authenticate to the source and Flux can never fetch it; ",
		hint("shop"),
	]))}
}

test_resolved_by_render if {
	count(secret_ref.report) == 0 with input as {"cluster": {"name": "prod-eu", "objects": [git_repo("shop", "flux-apps"), secret("shop", "flux-apps")]}}
}

test_resolved_by_kyverno_copy if {
	count(secret_ref.report) == 0 with input as {"cluster": {
		"name": "prod-eu",
		"objects": [git_repo("shop", "flux-apps")],
		"generated": [secret("shop", "flux-apps")],
	}}
}

test_resolved_by_out_of_band if {
	count(secret_ref.report) == 0 with input as {"cluster": {
		"name": "prod-eu",
		"objects": [git_repo("flux-system", "flux-system")],
		"outOfBand": [{"apiVersion": "v1", "kind": "Secret", "namespace": "flux-system", "name": "flux-system"}],
	}}
}

# Out-of-band objects live in one namespace: a reference from another one
# does not reach it.
test_out_of_band_in_another_namespace if {
	count(secret_ref.report) == 1 with input as {"cluster": {
		"name": "prod-eu",
		"objects": [git_repo("shop", "flux-system")],
		"outOfBand": [{"apiVersion": "v1", "kind": "Secret", "namespace": "flux-system", "name": "flux-system"}],
	}}
}

# A ConfigMap of the same name is no Secret.
test_kind_must_match if {
	count(secret_ref.report) == 1 with input as {"cluster": {"name": "prod-eu", "objects": [
		git_repo("shop", "flux-apps"),
		obj("v1", "ConfigMap", "shop", "flux-apps", {}),
	]}}
}

test_resolved_by_copy_from if {
	count(secret_ref.report) == 0 with input as {"cluster": {
		"name": "prod-eu",
		"objects": [git_repo("shop", "flux-apps"), copy("shop", "flux-apps", "flux-system/flux-apps")],
		"outOfBand": [{"kind": "Secret", "namespace": "flux-system", "name": "flux-apps"}],
	}}
}

# A copy of a copy is as good as the object at the end of the chain.
test_resolved_by_copy_chain if {
	count(secret_ref.report) == 0 with input as {"cluster": {"name": "prod-eu", "objects": [
		git_repo("shop", "flux-apps"),
		copy("shop", "flux-apps", "tenants/flux-apps"),
		copy("tenants", "flux-apps", "flux-system/git"),
		secret("flux-system", "git"),
	]}}
}

# A bare name copies from the object's own namespace.
test_copy_from_own_namespace if {
	count(secret_ref.report) == 0 with input as {"cluster": {"name": "prod-eu", "objects": [
		git_repo("shop", "flux-apps"),
		copy("shop", "flux-apps", "git"),
		secret("shop", "git"),
	]}}
}

test_copy_from_source_missing if {
	repo := git_repo("shop", "flux-apps")
	r := secret_ref.report with input as {"cluster": {"name": "prod-eu", "objects": [repo, copy("shop", "flux-apps", "flux-system/flux-apps")]}}
	r == {finding(repo, ["spec", "secretRef", "name"], concat("", [
		"GitRepository shop/flux-apps: spec.secretRef names Secret shop/flux-apps, which is annotated fluxcd.controlplane.io/copyFrom: flux-system/flux-apps, ",
		"but Secret flux-system/flux-apps does not exist on cluster prod-eu (not in the render, not a Kyverno copy, not declared out-of-band): Flux Operator never fills the copy, ",
		"so source-controller cannot authenticate to the source and Flux can never fetch it; ",
		"create Secret flux-system/flux-apps, or declare it out-of-band in .d1lint.yaml",
	]))}
}

# Two copies that copy from each other never get any data.
test_copy_cycle_is_missing if {
	count(secret_ref.report) == 1 with input as {"cluster": {"name": "prod-eu", "objects": [
		git_repo("shop", "flux-apps"),
		copy("shop", "flux-apps", "tenants/flux-apps"),
		copy("tenants", "flux-apps", "shop/flux-apps"),
	]}}
}

helm_release(values_from) := obj("helm.toolkit.fluxcd.io/v2", "HelmRelease", "shop", "storefront", {"spec": {"valuesFrom": values_from}})

test_values_from if {
	hr := helm_release([
		{"kind": "ConfigMap", "name": "storefront-values"},
		{"kind": "Secret", "name": "storefront-db", "optional": true},
		{"kind": "Secret", "name": "storefront-tls", "valuesKey": "tls.crt"},
		{"kind": "ConfigMap", "name": "present"},
	])
	r := secret_ref.report with input as {"cluster": {"name": "prod-eu", "objects": [hr, obj("v1", "ConfigMap", "shop", "present", {})]}}
	r == {
		finding(hr, ["spec", "valuesFrom", 0], concat("", [
			"HelmRelease shop/storefront: spec.valuesFrom[0] names ConfigMap shop/storefront-values, which does not exist on cluster prod-eu (not in the render, not a Kyverno copy, not declared out-of-band), ",
			"so helm-controller cannot compose its values and the release is never installed or upgraded; ",
			hint("shop"),
		])),
		finding(hr, ["spec", "valuesFrom", 2], concat("", [
			"HelmRelease shop/storefront: spec.valuesFrom[2] names Secret shop/storefront-tls, which does not exist on cluster prod-eu (not in the render, not a Kyverno copy, not declared out-of-band), ",
			"so helm-controller cannot compose its values and the release is never installed or upgraded; ",
			hint("shop"),
		])),
	}
}

test_optional_values_from_skipped if {
	count(secret_ref.report) == 0 with input as {"cluster": {"name": "prod-eu", "objects": [helm_release([{"kind": "Secret", "name": "storefront-db", "optional": true}])]}}
}

test_image_pull_secrets if {
	sa := obj("v1", "ServiceAccount", "shop", "storefront", {"imagePullSecrets": [{"name": "ghcr"}, {"name": "quay"}]})
	r := secret_ref.report with input as {"cluster": {"name": "prod-eu", "objects": [sa, secret("shop", "ghcr")]}}
	r == {finding(sa, ["imagePullSecrets", 1], concat("", [
		"ServiceAccount shop/storefront: imagePullSecrets[1] names Secret shop/quay, which does not exist on cluster prod-eu (not in the render, not a Kyverno copy, not declared out-of-band), ",
		"so pods that run as it cannot pull images from the private registry the Secret is for; ",
		hint("shop"),
	]))}
}

test_kustomization_and_helm_release_secrets if {
	ks := obj("kustomize.toolkit.fluxcd.io/v1", "Kustomization", "shop", "flux-shop", {"spec": {
		"decryption": {"provider": "sops", "secretRef": {"name": "sops-age"}},
		"kubeConfig": {"secretRef": {"name": "remote"}},
	}})
	hr := obj("helm.toolkit.fluxcd.io/v2", "HelmRelease", "shop", "storefront", {"spec": {"kubeConfig": {"secretRef": {"name": "remote"}}}})
	r := secret_ref.report with input as {"cluster": {"name": "prod-eu", "objects": [ks, hr]}}
	{[f.object.kind, f.field] | some f in r} == {
		["Kustomization", ["spec", "decryption", "secretRef", "name"]],
		["Kustomization", ["spec", "kubeConfig", "secretRef", "name"]],
		["HelmRelease", ["spec", "kubeConfig", "secretRef", "name"]],
	}
}

test_source_secret_fields if {
	oci := obj("source.toolkit.fluxcd.io/v1", "OCIRepository", "shop", "manifests", {"spec": {
		"secretRef": {"name": "a"}, "certSecretRef": {"name": "b"}, "proxySecretRef": {"name": "c"},
		"verify": {"provider": "cosign", "secretRef": {"name": "d"}},
	}})
	bucket := obj("source.toolkit.fluxcd.io/v1", "Bucket", "shop", "artifacts", {"spec": {
		"secretRef": {"name": "a"}, "sts": {"provider": "ldap", "secretRef": {"name": "e"}, "certSecretRef": {"name": "f"}},
	}})
	helm := obj("source.toolkit.fluxcd.io/v1", "HelmRepository", "shop", "charts", {"spec": {"certSecretRef": {"name": "b"}}})
	r := secret_ref.report with input as {"cluster": {"name": "prod-eu", "objects": [oci, bucket, helm, secret("shop", "a")]}}
	{[f.object.kind, f.field] | some f in r} == {
		["OCIRepository", ["spec", "certSecretRef", "name"]],
		["OCIRepository", ["spec", "proxySecretRef", "name"]],
		["OCIRepository", ["spec", "verify", "secretRef", "name"]],
		["Bucket", ["spec", "sts", "secretRef", "name"]],
		["Bucket", ["spec", "sts", "certSecretRef", "name"]],
		["HelmRepository", ["spec", "certSecretRef", "name"]],
	}
}

# Other API groups with the same kind names are not Flux's.
test_other_groups_are_not_checked if {
	count(secret_ref.report) == 0 with input as {"cluster": {"name": "prod-eu", "objects": [
		obj("example.com/v1", "GitRepository", "shop", "x", {"spec": {"secretRef": {"name": "nope"}}}),
		obj("example.com/v1", "HelmRelease", "shop", "x", {"spec": {"valuesFrom": [{"kind": "Secret", "name": "nope"}]}}),
	]}}
}

test_flux_instance_pull_secret if {
	inst := obj("fluxcd.controlplane.io/v1", "FluxInstance", "flux-system", "flux", {"spec": {"sync": {"kind": "GitRepository", "pullSecret": "flux-system"}}})
	r := secret_ref.report with input as {"cluster": {"name": "prod-eu", "objects": [inst]}}
	[f.field | some f in r] == [["spec", "sync", "pullSecret"]]
	count(secret_ref.report) == 0 with input as {"cluster": {
		"name": "prod-eu",
		"objects": [inst],
		"outOfBand": [{"kind": "Secret", "namespace": "flux-system", "name": "flux-system"}],
	}}
}

# A part not rendered may hold the Secret: not claimed missing.
test_unknown_when_render_incomplete if {
	count(secret_ref.report) == 0 with input as {"cluster": {
		"name": "prod-eu",
		"objects": [git_repo("shop", "flux-apps")],
		"completeness": {"complete": false, "gaps": [{"kustomization": "flux-system/flux-apps-tenant", "reason": "build failed"}]},
	}}
}
