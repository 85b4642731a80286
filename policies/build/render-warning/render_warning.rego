# METADATA
# title: The render dropped a file or assumed a default
# description: |
#   Flux drops symlinks from source artifacts, so a symlinked manifest is
#   never applied; kustomize-controller stops a spec.path that climbs out
#   of the source with ".." at the source's root; and a cluster folder that
#   declares no Flux sync is rendered as flux bootstrap would create it. All
#   are what Flux does, but rarely what the author meant.
# custom:
#   id: D1-0002
#   category: build
#   severity: warning
#   remediation: Replace symlinks with real files, write spec.path relative to the source's root without "..", and commit the cluster's Flux sync (a FluxInstance or gotk-sync.yaml).
#   profiles: [d1, generic]
package d1lint.rules.build.render_warning

import data.d1lint.lib.problem
import data.d1lint.lib.result

report contains result.fail(rego.metadata.chain(), problem.details(p)) if {
	some p in input.cluster.problems
	p.warning
}
