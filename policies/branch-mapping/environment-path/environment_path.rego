# METADATA
# title: Kustomization path names an environment literally
# description: |
#   d1 picks a component's overlay with ${ENVIRONMENT} from runtime-info
#   (components/<comp>/<layer>/${ENVIRONMENT}), so the same tenant files
#   serve every environment. A Flux Kustomization whose spec.path names an
#   environment literally applies that overlay on every cluster that renders
#   it, whatever the cluster's own environment.
# custom:
#   id: D1-0207
#   category: branch-mapping
#   severity: warning
#   remediation: Replace the environment folder in spec.path with ${ENVIRONMENT} and substitute it from runtime-info (postBuild.substituteFrom).
#   profiles: [d1]
package d1lint.rules.branch_mapping.environment_path

import data.d1lint.lib.applied
import data.d1lint.lib.result

report contains result.fail(rego.metadata.chain(), result.object_field_details(obj, ["spec", "path"], sprintf(
	"Kustomization %s applies %q, naming environment %q literally, on cluster %s (environment %q); write that folder as ${ENVIRONMENT}",
	[k.key, k.path, env, input.cluster.name, input.cluster.runtimeInfo.ENVIRONMENT],
))) if {
	input.cluster.runtimeInfo.ENVIRONMENT
	some k in input.cluster.kustomizations
	k.key != input.cluster.root
	some env in split(k.path, "/")
	input.config.branches[env]
	not environment_paths[k.key]
	some obj in kustomization_objects
	sprintf("%s/%s", [object.get(obj, "namespace", ""), obj.name]) == k.key
}

# environment_paths are the Kustomizations (<namespace>/<name>) whose
# spec.path referenced ${ENVIRONMENT} before substitution. Complete rules
# are computed once per cluster, not once per Kustomization.
environment_paths := {sprintf("%s/%s", [object.get(v.object, "namespace", ""), v.object.name]) |
	some v in input.cluster.variables
	v.name == "ENVIRONMENT"
	v.field == "spec.path"
	v.object.kind == "Kustomization"
}

# kustomization_objects are the rendered Kustomization objects (a list: the
# same Kustomization applied twice is a render problem, not a conflict here).
kustomization_objects := [obj |
	some obj in applied.of_kind("Kustomization")
	startswith(obj.apiVersion, "kustomize.toolkit.fluxcd.io/")
]
