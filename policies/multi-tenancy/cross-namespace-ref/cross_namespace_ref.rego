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
report contains result.fail(rego.metadata.chain(), result.object_field_details(
	o,
	array.concat(ref.path, ["namespace"]),
	sprintf(
		"%s %s/%s (%s) refers to %s in namespace %s through %s: under lockdown Flux refuses references across namespaces; use an object in %s instead",
		[o.kind, o.namespace, o.name, role(o), ref.target, ref.namespace, ref.field, o.namespace],
	),
)) if {
	some o in tenancy.tenant_reconcilers
	some ref in references(o)
	ref.namespace != ""
	ref.namespace != o.namespace
}

references(o) := {ref |
	some field, r in refs(o)
	ref := {
		"field": field,
		"path": r.path,
		"namespace": object.get(r.ref, "namespace", ""),
		"target": sprintf("%s %s", [object.get(r.ref, "kind", default_kind(o)), object.get(r.ref, "name", "")]),
	}
}

# refs maps the field of each reference (spec.dependsOn[1]) to the
# reference and its path.
refs(o) := object.union(
	reference(o, ["spec", "sourceRef"]),
	dependencies(o),
) if o.kind == "Kustomization"

refs(o) := object.union_n([
	reference(o, ["spec", "chart", "spec", "sourceRef"]),
	reference(o, ["spec", "chartRef"]),
	dependencies(o),
]) if o.kind == "HelmRelease"

reference(o, path) := {concat(".", path): {"ref": r, "path": path} |
	r := object.get(o.object, path, null)
	is_object(r)
}

dependencies(o) := {sprintf("spec.dependsOn[%d]", [i]): {"ref": d, "path": ["spec", "dependsOn", i]} |
	some i, d in object.get(o.object, ["spec", "dependsOn"], [])
}

default_kind(o) := o.kind

role(o) := "a tenant Kustomization" if o.kind == "Kustomization"

role(o) := sprintf("applied by tenant Kustomization %s", [o.appliedBy]) if o.kind != "Kustomization"
