# METADATA
# title: Tenant namespace lacks the tenant label
# description: |
#   A namespace that holds a tenant Kustomization (one outside the
#   privileged namespaces) must carry the tenant label (tenantLabel,
#   toolkit.fluxcd.io/tenant in d1): d1's Kyverno policies select tenant
#   namespaces by it to copy the tenant's Git credentials from flux-system,
#   and without them the tenant's GitRepository cannot authenticate.
# custom:
#   id: D1-0108
#   category: multi-tenancy
#   severity: warning
#   remediation: Add the tenant label to the Namespace (in d1, the labels of the tenant folder's kustomization.yaml put it on every object there).
#   profiles: [d1]
package d1lint.rules.multi_tenancy.tenant_namespace_label

import data.d1lint.lib.applied
import data.d1lint.lib.result
import data.d1lint.lib.tenancy

# The finding names metadata.labels, or metadata when the Namespace has no
# labels at all.
report contains result.fail(rego.metadata.chain(), result.object_field_details(ns, labels_field(ns.object), sprintf(
	"Namespace %s holds tenant Kustomization %s but has no label %s, which the policies that copy tenant secrets select on; add the label to the Namespace",
	[ns.name, concat(", ", sort(tenants[ns.name])), tenant_label],
))) if {
	some ns in applied.of_kind("Namespace")
	tenants[ns.name]
	not has_label(ns.object)
}

# tenants maps each namespace that is not privileged to the Kustomizations
# in it. Complete rules are evaluated once per cluster; a partial rule looked
# up by key inside the loop above would be evaluated again for every key.
tenants := {ns: {sprintf("%s/%s", [o.namespace, o.name]) | some o in tenant_kustomizations; o.namespace == ns} |
	some ns in {o.namespace | some o in tenant_kustomizations}
}

# tenant_kustomizations are the Flux Kustomizations in a namespace that is
# not privileged: the Kustomizations among the tenant reconcilers, which
# the library finds once for every multi-tenancy rule.
tenant_kustomizations := [o |
	some o in tenancy.tenant_reconcilers
	o.kind == "Kustomization"
]

labels_field(obj) := ["metadata", "labels"] if {
	object.get(obj, ["metadata", "labels"], null) != null
} else := ["metadata"]

has_label(obj) if object.get(obj, ["metadata", "labels", tenant_label], null) != null

default tenant_label := "toolkit.fluxcd.io/tenant"

tenant_label := input.config.tenantLabel
