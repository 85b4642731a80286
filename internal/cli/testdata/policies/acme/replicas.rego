# METADATA
# title: HelmRelease sets no replica count
# description: The acme platform wants every release to say how many replicas it runs.
# custom:
#   id: ACME-001
#   category: custom
#   severity: warning
#   remediation: Set spec.values.replicaCount.
package acme.replicas

import data.d1lint.lib.result

report contains result.fail(rego.metadata.chain(), result.object_details(o, sprintf("HelmRelease %s/%s sets no replicaCount", [o.namespace, o.name]))) if {
	some o in input.cluster.objects
	o.kind == "HelmRelease"
	not o.object.spec.values.replicaCount
}
