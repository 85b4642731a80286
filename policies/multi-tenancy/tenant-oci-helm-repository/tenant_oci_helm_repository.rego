# METADATA
# title: Tenant HelmRepository is not OCI
# description: |
#   d1 lets tenants pull charts from OCI registries only: its Kyverno policy
#   rejects, at admission, a HelmRepository in a tenant namespace without
#   spec.type oci, and the Kustomization applying it then fails on the
#   cluster. d1lint reports it before the merge. Tenant HelmRepositories are
#   those a Kustomization outside the privileged namespaces applies.
# custom:
#   id: D1-0109
#   category: multi-tenancy
#   severity: warning
#   remediation: Set spec.type to oci and point spec.url at the chart registry (oci://...), or have the platform provide the charts.
#   profiles: [d1]
package d1lint.rules.multi_tenancy.tenant_oci_helm_repository

import data.d1lint.lib.applied
import data.d1lint.lib.result
import data.d1lint.lib.tenancy

# The finding names spec.type, or spec when the type is not set (default).
report contains result.fail(rego.metadata.chain(), result.object_field_details(o, type_field(o.object), sprintf(
	"HelmRepository %s/%s, applied by tenant Kustomization %s, is not OCI (spec.type %s, url %s): tenant chart sources must be OCI; set spec.type: oci and an oci:// url",
	[o.namespace, o.name, o.appliedBy, type, object.get(o.object, ["spec", "url"], "")],
))) if {
	some o in applied.of_kind("HelmRepository")
	startswith(o.apiVersion, "source.toolkit.fluxcd.io/")
	not tenancy.privileged(tenancy.owner(o))
	type := object.get(o.object, ["spec", "type"], "default")
	type != "oci"
}

type_field(obj) := ["spec", "type"] if {
	object.get(obj, ["spec", "type"], null) != null
} else := ["spec"]
