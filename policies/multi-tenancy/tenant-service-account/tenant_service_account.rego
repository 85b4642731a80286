# METADATA
# title: Tenant reconciles without its own service account
# description: |
#   Flux applies a Kustomization's objects, and helm-controller installs a
#   HelmRelease, impersonating spec.serviceAccountName in the object's
#   namespace. A tenant Kustomization (one outside the privileged
#   namespaces), and every HelmRelease a tenant applies, must name a service
#   account whose rights the platform granted: without one it runs as the
#   lockdown default (or, without lockdown, as the controller itself), and
#   with kustomize-controller, helm-controller or a service account bound to
#   cluster-admin it escapes its namespace. d1 sets it on the tenant
#   Kustomization and patches it into everything the tenant applies.
# custom:
#   id: D1-0104
#   category: multi-tenancy
#   severity: error
#   remediation: Set spec.serviceAccountName to the tenant's service account (flux-apps in d1), on the tenant Kustomization and, with a patch on it, on every HelmRelease and Kustomization it applies.
#   profiles: [d1]
package d1lint.rules.multi_tenancy.tenant_service_account

import data.d1lint.lib.applied
import data.d1lint.lib.index
import data.d1lint.lib.result
import data.d1lint.lib.tenancy

# The findings name spec.serviceAccountName, or spec where it is not set at
# all.
report contains result.fail(rego.metadata.chain(), result.object_field_details(o, account_field(o), sprintf(
	"%s %s/%s %s runs without a service account (spec.serviceAccountName is not set), so %s; set it to the tenant's service account%s",
	[o.kind, o.namespace, o.name, role(o), consequence(o), patch_hint(o)],
))) if {
	some o in tenancy.tenant_reconcilers
	object.get(o.object, ["spec", "serviceAccountName"], "") == ""
	not runs_as_tenant_default(o)
}

# Under lockdown, a reconciler without a service account runs as the
# tenant default (FluxInstance cluster.tenantDefaultServiceAccount) of its
# namespace. Where the platform gives each tenant namespace that account
# (d2's ResourceSets generate ServiceAccount flux, bound to admin), that is
# the tenant's own account; d1's default, "default", has no rights.
runs_as_tenant_default(o) if {
	o.kind != "ResourceSet" # the operator is not under Flux's lockdown
	input.cluster.flux.multitenant
	sa := object.get(input.cluster.flux, "defaultServiceAccount", "")
	not sa in {"", "default"}

	# The ServiceAccount is looked up by name, among the applied objects.
	some i in index.named("ServiceAccount", o.namespace, sa)
	a := input.cluster.objects[i]
	not a.notApplied
	not a.remote
	count(privileged_service_account(o.namespace, sa)) == 0
}

report contains result.fail(rego.metadata.chain(), result.object_field_details(o, ["spec", "serviceAccountName"], sprintf(
	"%s %s/%s %s runs as service account %s, %s; give it the tenant's own service account",
	[o.kind, o.namespace, o.name, role(o), sa, why],
))) if {
	some o in tenancy.tenant_reconcilers
	sa := o.object.spec.serviceAccountName
	sa != ""
	some why in privileged_service_account(o.namespace, sa)
}

account_field(o) := ["spec", "serviceAccountName"] if {
	object.get(o.object, ["spec", "serviceAccountName"], null) != null
} else := ["spec"]

role(o) := "(a tenant Kustomization)" if o.kind == "Kustomization"

role(o) := sprintf("(applied by tenant Kustomization %s)", [o.appliedBy]) if o.kind != "Kustomization"

consequence(o) := "Flux Operator applies what it generates as the operator's own service account, which may do anything on the cluster" if {
	o.kind == "ResourceSet"
} else := "it gets the default's rights, or the controller's without lockdown"

patch_hint(o) := "" if o.kind == "Kustomization"

patch_hint(o) := sprintf(" (a patch on %s can set it)", [o.appliedBy]) if o.kind == "ResourceSet"

patch_hint(o) := sprintf(" (a patch on %s can set it on every HelmRelease)", [o.appliedBy]) if o.kind == "HelmRelease"

privileged_service_account(_, sa) := {"a Flux controller's own service account"} if sa in controller_accounts

privileged_service_account(ns, sa) := {sprintf("which ClusterRoleBinding %s binds to cluster-admin", [b]) |
	some b in cluster_admin_accounts[sprintf("%s/%s", [ns, sa])]
} if not sa in controller_accounts

# cluster_admin_accounts maps each service account (<namespace>/<name>) that
# a ClusterRoleBinding binds to cluster-admin to those bindings; computed
# once per cluster, not once per reconciler.
cluster_admin_accounts := {account: {b.name |
	some b in cluster_admin_bindings
	some s in b.object.subjects
	s.kind == "ServiceAccount"
	sprintf("%s/%s", [object.get(s, "namespace", ""), s.name]) == account
} |
	some b in cluster_admin_bindings
	some s in b.object.subjects
	s.kind == "ServiceAccount"
	account := sprintf("%s/%s", [object.get(s, "namespace", ""), s.name])
}

cluster_admin_bindings := [b |
	some b in applied.of_kind("ClusterRoleBinding")
	b.object.roleRef.kind == "ClusterRole"
	b.object.roleRef.name == "cluster-admin"
]

controller_accounts := {"kustomize-controller", "helm-controller"}
