# METADATA
# title: Tenant creates a cluster-scoped or privileged object
# description: |
#   A tenant (a Kustomization outside the privileged namespaces, such as
#   backend/flux-backend) may only create namespaced objects in its own
#   namespace. ClusterRoles, ClusterRoleBindings, CustomResourceDefinitions,
#   Namespaces and admission webhooks change the whole cluster: under
#   lockdown the tenant's service account cannot create them and the
#   Kustomization fails; without lockdown the tenant escapes its namespace.
#   Only the platform (Kustomizations in flux-system) creates them. The
#   same holds for what a tenant's HelmRelease installs: helm-controller
#   renders its chart and applies every object, impersonating the
#   HelmRelease's service account, so a tenant chart's cluster-scoped
#   objects are reported at the object, naming the chart and template.
# custom:
#   id: D1-0102
#   category: multi-tenancy
#   severity: error
#   remediation: Move the object to the platform (d1-fleet tenants/ or d1-infra), applied by a Kustomization in a privileged namespace, or drop it from the tenant's manifests.
#   profiles: [d1]
package d1lint.rules.multi_tenancy.tenant_cluster_scoped

import data.d1lint.lib.applied
import data.d1lint.lib.result
import data.d1lint.lib.tenancy

report contains result.fail(rego.metadata.chain(), result.object_details(o, sprintf(
	"%s is %s: a tenant may not create %s objects; move it to the platform (a Kustomization in %s) or remove it",
	[object_ref(o), applied_by(o), o.kind, concat(", ", tenancy.privileged_namespaces)],
))) if {
	some o in applied.objects
	o.kind in privileged_kinds
	not tenancy.privileged(tenancy.namespace_of(o.appliedBy))
}

# applied_by says who applies the object: the tenant Kustomization, or the
# chart of a HelmRelease it applies (helm-controller installs the chart
# impersonating the HelmRelease's service account, the tenant's).
applied_by(o) := sprintf("rendered by chart %s (%s) of HelmRelease %s, which tenant Kustomization %s applies", [o.chart, o.template, o.helmRelease, o.appliedBy]) if {
	object.get(o, "helmRelease", "") != ""
} else := sprintf("applied by tenant Kustomization %s", [o.appliedBy])

privileged_kinds := {
	"ClusterRole",
	"ClusterRoleBinding",
	"CustomResourceDefinition",
	"Namespace",
	"MutatingWebhookConfiguration",
	"ValidatingWebhookConfiguration",
}

object_ref(o) := sprintf("%s %s/%s", [o.kind, o.namespace, o.name]) if object.get(o, "namespace", "") != ""

object_ref(o) := sprintf("%s %s", [o.kind, o.name]) if object.get(o, "namespace", "") == ""
