# METADATA
# title: Tenant object outside the tenant's namespace
# description: |
#   Everything a tenant Kustomization (one outside the privileged
#   namespaces) applies must live in that Kustomization's namespace: under
#   lockdown its service account has rights there only, so an object in
#   another namespace, or one with no namespace at all (cluster-scoped, or a
#   namespaced object nobody gave a namespace), fails the whole
#   Kustomization; without lockdown it lands in another team's namespace.
#   Cluster-scoped kinds that D1-0102 reports are left to that rule.
# custom:
#   id: D1-0103
#   category: multi-tenancy
#   severity: error
#   remediation: Put the object in the tenant's namespace (namespace in the tenant's kustomization.yaml, or metadata.namespace), or move it to the platform.
#   profiles: [d1]
package d1lint.rules.multi_tenancy.tenant_namespace

import data.d1lint.lib.result
import data.d1lint.lib.tenancy

# The finding names metadata.namespace, or metadata when the object has no
# namespace (when kustomize's namespace transformer set it, d1lint finds no
# line for it and keeps the object's).
report contains result.fail(rego.metadata.chain(), result.object_field_details(o, namespace_field(ns), msg)) if {
	some [o, tenant] in tenancy.tenant_objects
	not o.kind in privileged_kinds
	ns := object.get(o, "namespace", "")
	ns != tenant
	msg := message(o, ns, tenant)
}

namespace_field("") := ["metadata"]

namespace_field(ns) := ["metadata", "namespace"] if ns != ""

message(o, "", tenant) := sprintf(
	"%s %s is applied by tenant Kustomization %s but has no namespace (it is cluster-scoped, or nothing sets its namespace): a tenant may only create objects in its namespace %s; set namespace %s or move it to the platform",
	[o.kind, o.name, o.appliedBy, tenant, tenant],
)

message(o, ns, tenant) := sprintf(
	"%s %s/%s is applied by tenant Kustomization %s but lives in namespace %s: a tenant may only create objects in its namespace %s; move it to %s or have the platform create it",
	[o.kind, ns, o.name, o.appliedBy, ns, tenant, tenant],
) if ns != ""

# The kinds D1-0102 reports.
privileged_kinds := {
	"ClusterRole",
	"ClusterRoleBinding",
	"CustomResourceDefinition",
	"Namespace",
	"MutatingWebhookConfiguration",
	"ValidatingWebhookConfiguration",
}
