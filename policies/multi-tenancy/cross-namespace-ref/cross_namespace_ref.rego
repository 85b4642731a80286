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
package d1lint.rules.multi_tenancy.cross_namespace_ref

import data.d1lint.lib.result
import data.d1lint.lib.tenancy

report contains result.fail(rego.metadata.chain(), result.object_details(o, sprintf(
	"%s %s/%s (%s) refers to %s in namespace %s through %s: under lockdown Flux refuses references across namespaces; use an object in %s instead",
	[o.kind, o.namespace, o.name, role(o), ref.target, ref.namespace, ref.field, o.namespace],
))) if {
	some o in tenancy.tenant_reconcilers
	some ref in references(o)
	ref.namespace != ""
	ref.namespace != o.namespace
}

references(o) := {ref |
	some field, r in refs(o)
	ref := {
		"field": field,
		"namespace": object.get(r, "namespace", ""),
		"target": sprintf("%s %s", [object.get(r, "kind", default_kind(o)), object.get(r, "name", "")]),
	}
}

refs(o) := object.union(
	{"spec.sourceRef": r | r := o.object.spec.sourceRef},
	dependencies(o),
) if o.kind == "Kustomization"

refs(o) := object.union_n([
	{"spec.chart.spec.sourceRef": r | r := o.object.spec.chart.spec.sourceRef},
	{"spec.chartRef": r | r := o.object.spec.chartRef},
	dependencies(o),
]) if o.kind == "HelmRelease"

dependencies(o) := {sprintf("spec.dependsOn[%d]", [i]): d |
	some i, d in object.get(o.object, ["spec", "dependsOn"], [])
}

default_kind(o) := o.kind

role(o) := "a tenant Kustomization" if o.kind == "Kustomization"

role(o) := sprintf("applied by tenant Kustomization %s", [o.appliedBy]) if o.kind != "Kustomization"
