# METADATA
# title: Tenant refers to another namespace
# description: |
#   Under lockdown (--no-cross-namespace-refs) Flux refuses a reference from
#   one namespace to another: a tenant Kustomization whose sourceRef or
#   dependsOn, or a tenant HelmRelease whose chart source, chartRef or
#   dependsOn names another namespace never becomes Ready. Without lockdown
#   the tenant reads sources it was never given. Tenant Kustomizations are
#   those outside the privileged namespaces; tenant HelmReleases are those a
#   tenant Kustomization applies.
# custom:
#   id: D1-0106
#   category: multi-tenancy
#   severity: error
#   remediation: Refer to objects in the tenant's own namespace (drop the namespace field, or copy the source into the tenant's namespace).
#   profiles: [d1]
package d1lint.rules.multi_tenancy.cross_namespace_ref

import data.d1lint.lib.result
import data.d1lint.lib.tenancy

# The finding names the reference's namespace field
# (["spec", "dependsOn", 1, "namespace"]).
report contains details(o, ref, path, field, namespace) if {
	some o in tenancy.tenant_reconcilers
	some path in ref_paths[o.kind]
	ref := object.get(o.object, path, null)
	is_object(ref)
	namespace := object.get(ref, "namespace", "")
	namespace != ""
	namespace != o.namespace
	field := concat(".", path)
}

report contains details(o, ref, ["spec", "dependsOn", i], field, namespace) if {
	some o in tenancy.tenant_reconcilers
	o.kind in {"Kustomization", "HelmRelease"}
	some i, ref in object.get(o.object, ["spec", "dependsOn"], [])
	namespace := object.get(ref, "namespace", "")
	namespace != ""
	namespace != o.namespace
	field := sprintf("spec.dependsOn[%d]", [i])
}

# Every tenant reconciler is checked, so the bodies above test each
# reference's namespace first, and only a reference across namespaces is
# described.
details(o, ref, path, field, namespace) := result.fail(rego.metadata.chain(), result.object_field_details(
	o,
	array.concat(path, ["namespace"]),
	sprintf(
		"%s %s/%s (%s) refers to %s in namespace %s through %s: under lockdown Flux refuses references across namespaces; use an object in %s instead",
		[o.kind, o.namespace, o.name, role(o), target(o, ref), namespace, field, o.namespace],
	),
))

# ref_paths are, by kind, the fields that hold one reference (a dependsOn
# entry is one too, each).
ref_paths := {
	"Kustomization": [["spec", "sourceRef"]],
	"HelmRelease": [["spec", "chart", "spec", "sourceRef"], ["spec", "chartRef"]],
}

# target names the object a reference names; its kind defaults to the
# referring object's (a dependsOn entry).
target(o, ref) := sprintf("%s %s", [object.get(ref, "kind", o.kind), object.get(ref, "name", "")])

role(o) := "a tenant Kustomization" if o.kind == "Kustomization"

role(o) := sprintf("applied by tenant Kustomization %s", [o.appliedBy]) if o.kind != "Kustomization"
