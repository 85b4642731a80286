# METADATA
# title: The render dropped a file or assumed a default
# description: |
#   Flux drops symlinks from source artifacts, so a symlinked manifest is
#   never applied; and a cluster folder that declares no Flux sync is
#   rendered as flux bootstrap would create it. Both are what Flux does, but
#   rarely what the author meant.
# custom:
#   id: D1-0002
#   category: build
#   severity: warning
#   remediation: Replace symlinks with real files, and commit the cluster's Flux sync (a FluxInstance or gotk-sync.yaml).
package d1lint.rules.build.render_warning

import data.d1lint.lib.result

report contains result.fail(rego.metadata.chain(), {
	"location": object.get(p, "location", null),
	"message": p.reason,
}) if {
	some p in input.cluster.problems
	p.warning
}
