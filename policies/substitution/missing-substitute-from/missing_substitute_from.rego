# METADATA
# title: substituteFrom object does not exist
# description: |
#   kustomize-controller reads every postBuild.substituteFrom ConfigMap or
#   Secret from the Kustomization's own namespace before it applies anything.
#   When one that is not optional does not exist, the Kustomization never
#   becomes ready and nothing it would apply reaches the cluster. d1lint looks
#   for the object in the render, among the copies Kyverno policies make, and
#   among the out-of-band objects declared in .d1lint.yaml.
# custom:
#   id: D1-0403
#   category: substitution
#   severity: error
#   remediation: Create the ConfigMap or Secret in the Kustomization's namespace (or have a Kyverno policy clone it there, or declare it out-of-band in .d1lint.yaml if it is created outside git), fix its name, or mark the entry optional.
#   profiles: [d1, generic]
package d1lint.rules.substitution.missing_substitute_from

import data.d1lint.lib.completeness
import data.d1lint.lib.index
import data.d1lint.lib.result

# The finding names the substituteFrom entry (the model keeps the spec's
# order).
report contains result.fail(rego.metadata.chain(), {
	"object": {
		"apiVersion": api_version(k),
		"kind": "Kustomization",
		"namespace": k.namespace,
		"name": k.name,
	},
	"location": k.location,
	"chain": k.chain,
	"message": sprintf("Kustomization %s: postBuild.substituteFrom %s %s/%s does not exist on cluster %s, so Flux never applies this Kustomization; create it in namespace %s, or mark the entry optional: true", [
		k.key, ref.kind, k.namespace, ref.name, input.cluster.name, k.namespace,
	]),
	"field": ["spec", "postBuild", "substituteFrom", i],
}) if {
	completeness.complete
	some k in input.cluster.kustomizations
	some i, ref in k.postBuild.substituteFrom
	ref.found == false
	not ref.optional
}

api_version(k) := obj.apiVersion if {
	some obj in index.objects("Kustomization")
	object.get(obj, "namespace", "") == k.namespace
	obj.name == k.name
	startswith(obj.apiVersion, "kustomize.toolkit.fluxcd.io/")
} else := "kustomize.toolkit.fluxcd.io/v1"
