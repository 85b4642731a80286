# METADATA
# description: |
#   Three-valued absence. When part of a cluster was not rendered (a failed
#   build, an unresolved source, a Kustomization waiting on one of those),
#   a conclusion that something does not exist, is never referenced or has
#   no installer is unknown: the missing part could provide it. Rules that
#   conclude absence fire only when the render is complete; the model says
#   what is missing and why (input.cluster.completeness), and D1-0003 says
#   once per cluster that those rules were not verified.
package d1lint.lib.completeness

# complete: every Kustomization of the cluster was rendered and no problem
# stopped part of the render. An input without completeness (a hand-made
# model in a Rego test) counts as complete.
complete if input.cluster.completeness.complete == true

complete if not input.cluster.completeness

# gaps are the parts not rendered: {kustomization, reason, location}.
gaps := object.get(input.cluster, ["completeness", "gaps"], [])

# absence_rules are the rules that conclude absence and so need a complete
# render; D1-0003 names them. A team's rule that concludes absence guards
# itself with `completeness.complete` the same way.
absence_rules := {
	"D1-0301": "dependsOn names a Kustomization that does not exist",
	"D1-0303": "no CRD installer, or none ordered first",
	"D1-0305": "HelmRelease dependsOn names a HelmRelease that does not exist",
	"D1-0307": "ResourceSet dependsOn names an object that does not exist",
	"D1-0403": "substituteFrom object does not exist",
	"D1-0404": "runtime-info key never used",
	"D1-0601": "referenced Secret or ConfigMap does not exist",
}
