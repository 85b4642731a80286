# METADATA
# title: Tenant service account is bound beyond its namespace role
# description: |
#   The service account a tenant reconciles as (spec.serviceAccountName of a
#   tenant Kustomization, or of a HelmRelease a tenant applies) decides what
#   the tenant can do. It may be bound only by RoleBindings, and only to the
#   ClusterRoles in tenantClusterRoles (admin in d1), so that its rights end
#   at its namespace. A RoleBinding to any other role (cluster-admin
#   included, which inside a namespace also lets it rewrite RBAC and quotas)
#   or any ClusterRoleBinding widens them.
# custom:
#   id: D1-0105
#   category: multi-tenancy
#   severity: error
#   remediation: Bind the tenant's service account with a RoleBinding in its namespace to one of the tenantClusterRoles (ClusterRole admin), and remove other bindings.
#   profiles: [d1]
package d1lint.rules.multi_tenancy.tenant_role_binding

import data.d1lint.lib.applied
import data.d1lint.lib.result
import data.d1lint.lib.tenancy

# A RoleBinding's finding names its roleRef (the role to change); a
# ClusterRoleBinding's names the subject that binds the tenant's account
# (["subjects", 0]).
report contains result.fail(rego.metadata.chain(), result.object_field_details(b, ["roleRef"], sprintf(
	"RoleBinding %s/%s binds tenant service account %s (%s) to %s %s: a tenant's service account may only be bound to ClusterRole %s; point roleRef at it or remove the binding",
	[b.namespace, b.name, account, users(account), b.object.roleRef.kind, b.object.roleRef.name, concat(", ", tenant_cluster_roles)],
))) if {
	some b in applied.of_kind("RoleBinding")
	not allowed_role(b.object.roleRef)
	some [_, account] in bound_accounts(b)
	tenant_accounts[account]
}

report contains result.fail(rego.metadata.chain(), result.object_field_details(b, ["subjects", i], sprintf(
	"ClusterRoleBinding %s binds tenant service account %s (%s) to %s %s cluster-wide: a tenant's service account may only be bound in its namespace; replace it with a RoleBinding to ClusterRole %s",
	[b.name, account, users(account), b.object.roleRef.kind, b.object.roleRef.name, concat(", ", tenant_cluster_roles)],
))) if {
	some b in applied.of_kind("ClusterRoleBinding")
	some [i, account] in bound_accounts(b)
	tenant_accounts[account]
}

allowed_role(ref) if {
	ref.kind == "ClusterRole"
	ref.name in tenant_cluster_roles
}

# bound_accounts are the service accounts (<namespace>/<name>) a binding's
# subjects name, each with the index of its subject; a RoleBinding's
# ServiceAccount subject without namespace is in the binding's namespace.
bound_accounts(b) := {[i, account] |
	some i, s in object.get(b.object, "subjects", [])
	account := subject_account(s, object.get(b, "namespace", ""))
}

subject_account(s, default_ns) := sprintf("%s/%s", [ns, s.name]) if {
	s.kind == "ServiceAccount"
	ns := object.get(s, "namespace", default_ns)
	ns != ""
}

subject_account(s, _) := sprintf("%s/%s", [parts[2], parts[3]]) if {
	s.kind == "User"
	parts := split(s.name, ":")
	count(parts) == 4
	parts[0] == "system"
	parts[1] == "serviceaccount"
}

# tenant_accounts are the service accounts tenants reconcile as (a
# complete rule: computed once per cluster); users names, for a finding,
# the objects that use one.
tenant_accounts := {account | some [account, _] in account_users}

account_users := [[sprintf("%s/%s", [o.namespace, o.object.spec.serviceAccountName]), o] | some o in tenant_users]

# tenant_users are the tenant reconcilers that name a service account.
tenant_users := [o |
	some o in tenancy.tenant_reconcilers
	object.get(o.object, ["spec", "serviceAccountName"], "") != ""
]

users(account) := sprintf("used by %s", [concat(", ", sort({sprintf("%s %s/%s", [o.kind, o.namespace, o.name]) |
	some [a, o] in account_users
	a == account
}))])

default tenant_cluster_roles := ["admin"]

tenant_cluster_roles := input.config.tenantClusterRoles
