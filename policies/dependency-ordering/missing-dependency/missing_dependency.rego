# METADATA
# title: dependsOn names a Kustomization that does not exist
# description: |
#   A Flux Kustomization waits for every dependsOn entry to be Ready. An
#   entry naming a Kustomization that the cluster never gets (a typo, a
#   wrong namespace, a layer deleted on production) blocks it forever, and
#   everything that depends on it.
# custom:
#   id: D1-0301
#   category: dependency-ordering
#   severity: error
#   remediation: Point dependsOn at a Kustomization the cluster renders (namespace defaults to the dependent's own), or remove the entry.
#   profiles: [d1, generic]
package d1lint.rules.dependency_ordering.missing_dependency

import data.d1lint.lib.completeness
import data.d1lint.lib.result

# The finding names the dependsOn entry (the model keeps the spec's order).
report contains result.fail(rego.metadata.chain(), {
	"object": {
		"apiVersion": "kustomize.toolkit.fluxcd.io/v1",
		"kind": "Kustomization",
		"namespace": k.namespace,
		"name": k.name,
	},
	"location": object.get(k, "location", null),
	"chain": k.chain,
	"message": sprintf("Kustomization %s depends on %s/%s, which this cluster does not have", [k.key, d.namespace, d.name]),
	"field": ["spec", "dependsOn", i],
}) if {
	completeness.complete
	some k in input.cluster.kustomizations
	some i, d in object.get(k, "dependsOn", [])
	not rendered(d)
}

rendered(d) if {
	some k in input.cluster.kustomizations
	k.namespace == d.namespace
	k.name == d.name
}
