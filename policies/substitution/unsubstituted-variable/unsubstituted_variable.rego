# METADATA
# title: Cluster variable is used where Flux does not substitute
# description: |
#   Flux substitutes ${VAR} only in objects applied by a Kustomization with a
#   postBuild section that defines variables. A variable this cluster does
#   define (a runtime-info key, or a key of a substituteFrom ConfigMap or
#   Secret) written in an object Flux does not substitute reaches the cluster
#   as the literal text ${VAR}: its author expected a value. Other ${...}
#   text in unsubstituted objects (Grafana dashboards, CRD descriptions) is
#   left alone, and so is every object that opts out with
#   kustomize.toolkit.fluxcd.io/substitute: disabled: its ${...} text is
#   meant literally (a shell script's variables).
# custom:
#   id: D1-0402
#   category: substitution
#   severity: error
#   remediation: Add postBuild.substituteFrom (the runtime-info ConfigMap) to the Kustomization that applies the object, or write the value literally.
#   profiles: [d1, generic]
package d1lint.rules.substitution.unsubstituted_variable

import data.d1lint.lib.applied
import data.d1lint.lib.result

# The finding names the field holding the reference (v.path), so that
# d1lint points at its line.
report contains result.fail(rego.metadata.chain(), result.with_field(
	{
		"object": v.object,
		"location": v.location,
		"chain": object.get(kustomizations, [v.kustomization, "chain"], []),
		"message": sprintf("%s %s: %s in %s stays literal text on cluster %s, because %s; %s is a variable of this cluster, so a value was expected", [
			v.object.kind, object_name(v.object), v.expression, v.field, input.cluster.name, why(v), v.name,
		]),
	},
	object.get(v, "path", null),
)) if {
	some v in input.cluster.variables
	v.status == "not-substituted"
	defined[v.name]
}

kustomizations[k.key] := k if some k in input.cluster.kustomizations

# defined holds the variables of this cluster: runtime-info keys and the keys
# of every substituteFrom ConfigMap or Secret that exists in the render (or
# as a Kyverno copy). Complete rules are computed once per cluster; the
# dashboards of a monitoring stack hold hundreds of literal ${...}.
defined := {name | some name, _ in input.cluster.runtimeInfo} | {name |
	some k in input.cluster.kustomizations
	some ref in k.postBuild.substituteFrom
	some obj in sources
	obj.kind == ref.kind
	object.get(obj, "namespace", "") == k.namespace
	obj.name == ref.name
	some field in ["data", "stringData"]
	some name, _ in object.get(obj.object, field, {})
}

# sources are the ConfigMaps and Secrets of the render and its Kyverno copies.
sources := array.concat(
	array.concat(applied.of_kind("ConfigMap"), applied.of_kind("Secret")),
	[obj | some obj in object.get(input.cluster, "generated", []); obj.kind in {"ConfigMap", "Secret"}],
)

# Objects that opt out with kustomize.toolkit.fluxcd.io/substitute: disabled
# hold no references in the model (Flux never parses them), so the rule
# never judges them.
why(v) := sprintf("Kustomization %s has no postBuild", [v.kustomization]) if {
	not kustomizations[v.kustomization].postBuild
} else := sprintf("Kustomization %s defines no variable to substitute", [v.kustomization])

object_name(o) := concat("/", [o.namespace, o.name]) if object.get(o, "namespace", "") != ""

object_name(o) := o.name if object.get(o, "namespace", "") == ""
