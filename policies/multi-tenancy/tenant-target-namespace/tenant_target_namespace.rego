# METADATA
# title: Tenant targets another namespace
# description: |
#   spec.targetNamespace of a Kustomization or HelmRelease moves what it
#   applies or installs into that namespace, and a HelmRelease's
#   spec.storageNamespace keeps the Helm release secrets there. For a tenant
#   Kustomization (one outside the privileged namespaces) and a HelmRelease
#   a tenant applies, both must stay in the object's own namespace: the
#   tenant's service account has no rights elsewhere, and without lockdown
#   the tenant writes into another team's namespace.
# custom:
#   id: D1-0107
#   category: multi-tenancy
#   severity: error
#   remediation: Remove targetNamespace and storageNamespace, or set them to the object's own namespace.
#   profiles: [d1]
package d1lint.rules.multi_tenancy.tenant_target_namespace

import data.d1lint.lib.result
import data.d1lint.lib.tenancy

# The finding names the field (spec.targetNamespace, spec.storageNamespace).
report contains result.fail(rego.metadata.chain(), result.object_field_details(o, ["spec", field], sprintf(
	"%s %s/%s (%s) sets spec.%s to %s, outside the tenant's namespace %s: remove it or set it to %s",
	[o.kind, o.namespace, o.name, role(o), field, value, o.namespace, o.namespace],
))) if {
	some o in tenancy.tenant_reconcilers
	some field in fields[o.kind]
	value := object.get(o.object, ["spec", field], "")
	value != ""
	value != o.namespace
}

fields := {
	"Kustomization": ["targetNamespace"],
	"HelmRelease": ["targetNamespace", "storageNamespace"],
}

role(o) := "a tenant Kustomization" if o.kind == "Kustomization"

role(o) := sprintf("applied by tenant Kustomization %s", [o.appliedBy]) if o.kind != "Kustomization"
