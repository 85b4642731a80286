# METADATA
# title: Multi-tenancy lockdown is off
# description: |
#   Without lockdown a tenant's Kustomization can reference sources in other
#   namespaces and, with no service account, applies objects with the
#   controller's cluster-admin rights. Flux Operator turns it on with
#   FluxInstance spec.cluster.multitenant; bootstrap-era clusters patch
#   --no-cross-namespace-refs=true and --default-service-account into the
#   controllers.
# custom:
#   id: D1-0101
#   category: multi-tenancy
#   severity: error
#   remediation: Set spec.cluster.multitenant to true and spec.cluster.tenantDefaultServiceAccount in the FluxInstance (or patch both controller flags in the bootstrap era).
#   profiles: [d1]
package d1lint.rules.multi_tenancy.lockdown

import data.d1lint.lib.index
import data.d1lint.lib.result

report contains result.fail(rego.metadata.chain(), details(sprintf(
	"cluster %s runs Flux without multi-tenancy lockdown (%s)",
	[input.cluster.name, missing],
))) if {
	known_installation
	not input.cluster.flux.multitenant
	missing := concat(" and ", [m | some m in missing_settings])
}

# details: the finding is about the object that sets the lockdown, when
# the render holds it: the FluxInstance, at spec.cluster (where multitenant
# is set), or the kustomize-controller Deployment of gotk-components.yaml,
# whose flags the flux-system kustomization patches; else at the Flux
# installation's location.
details(message) := result.object_field_details(instance, cluster_field(instance), message) if {
	input.cluster.era == "operator"
	some instance in index.objects("FluxInstance")
} else := result.object_details(deployment, message) if {
	some deployment in index.objects("Deployment")
	deployment.namespace == "flux-system"
	deployment.name == "kustomize-controller"
} else := {
	"location": object.get(input.cluster.flux, "location", null),
	"message": message,
}

cluster_field(instance) := ["spec", "cluster", "multitenant"] if {
	object.get(instance.object, ["spec", "cluster", "multitenant"], null) != null
} else := ["spec", "cluster"] if {
	object.get(instance.object, ["spec", "cluster"], null) != null
} else := ["spec"]

missing_settings contains "no cross-namespace references" if not input.cluster.flux.noCrossNamespaceRefs

missing_settings contains "a default service account for tenants" if not input.cluster.flux.defaultServiceAccount

# The installation is known from a FluxInstance, or from the controller
# Deployments of gotk-components.yaml; a fleet that keeps its Flux
# installation out of git (placeholder files) cannot be judged.
known_installation if input.cluster.era == "operator"

known_installation if count(object.get(input.cluster.flux, "controllerFlags", {})) > 0
