# METADATA
# title: HelmRelease dependsOn names a HelmRelease that does not exist
# description: |
#   helm-controller installs a HelmRelease only once every spec.dependsOn
#   entry is Ready. An entry naming a HelmRelease the cluster never gets (a
#   typo, a missing namespace: it defaults to the HelmRelease's own, a
#   release removed on production) keeps the release from ever being
#   installed or upgraded.
# custom:
#   id: D1-0305
#   category: dependency-ordering
#   severity: error
#   remediation: Point spec.dependsOn at a HelmRelease the cluster renders (set namespace when it lives in another namespace), or remove the entry.
#   profiles: [d1, generic]
package d1lint.rules.dependency_ordering.helmrelease_dependency

import data.d1lint.lib.applied
import data.d1lint.lib.completeness
import data.d1lint.lib.ordering
import data.d1lint.lib.result

# The finding names the dependsOn entry.
report contains result.fail(rego.metadata.chain(), result.object_field_details(o, ["spec", "dependsOn", i], msg)) if {
	completeness.complete
	some o in applied.of_kind("HelmRelease")
	helm_release(o)
	some i, d in object.get(o.object, ["spec", "dependsOn"], [])
	object.get(d, "kind", "HelmRelease") == "HelmRelease"
	target := sprintf("%s/%s", [object.get(d, "namespace", o.namespace), object.get(d, "name", "")])
	not target in release_keys
	msg := sprintf("HelmRelease %s/%s depends on HelmRelease %s, which this cluster does not have, so it will never be installed: point dependsOn at an existing HelmRelease (namespace defaults to %s) or remove the entry", [o.namespace, o.name, target, o.namespace])
}

helm_release(o) if {
	o.kind == "HelmRelease"
	ordering.group(o.apiVersion) == "helm.toolkit.fluxcd.io"
}

release_keys := {sprintf("%s/%s", [h.namespace, h.name]) | some h in input.cluster.helmReleases}
