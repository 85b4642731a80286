# METADATA
# title: Configs layer does not depend on its controllers layer
# description: |
#   d1 splits each infrastructure component into a <comp>-controllers
#   Kustomization (the HelmReleases and their CRDs) and a <comp>-configs
#   Kustomization (the custom resources and settings for them). The configs
#   layer must be reconciled after the controllers are Ready, which takes a
#   dependsOn chain from <comp>-configs to <comp>-controllers; without it
#   both are applied at once and the configs fail until the controllers
#   happen to be up, or for good when they need a webhook.
# custom:
#   id: D1-0304
#   category: dependency-ordering
#   severity: warning
#   remediation: Add the <comp>-controllers Kustomization to the dependsOn of <comp>-configs, and give the controllers wait true.
#   profiles: [d1]
package d1lint.rules.dependency_ordering.layer_ordering

import data.d1lint.lib.ordering
import data.d1lint.lib.result

# The finding names spec.dependsOn, or spec when the configs Kustomization
# has no dependsOn at all.
report contains result.fail(rego.metadata.chain(), {
	"object": {
		"apiVersion": "kustomize.toolkit.fluxcd.io/v1",
		"kind": "Kustomization",
		"namespace": k.namespace,
		"name": k.name,
	},
	"location": object.get(k, "location", null),
	"chain": k.chain,
	"message": sprintf("Kustomization %s does not depend on %s, so the configs are applied without waiting for their controllers: add `- name: %s` to its dependsOn", [k.key, controllers, controllers_name]),
	"field": depends_on_field(k),
}) if {
	some k in input.cluster.kustomizations
	endswith(k.name, "-configs")
	comp := trim_suffix(k.name, "-configs")
	comp != ""
	controllers_name := sprintf("%s-controllers", [comp])
	controllers := sprintf("%s/%s", [k.namespace, controllers_name])
	controllers in ordering.keys
	not controllers in graph.reachable(ordering.depends_on, {k.key})
}

depends_on_field(k) := ["spec", "dependsOn"] if {
	count(object.get(k, "dependsOn", [])) > 0
} else := ["spec"]
