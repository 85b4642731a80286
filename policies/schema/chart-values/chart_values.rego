# METADATA
# title: HelmRelease values are rejected by the chart's schema
# description: |
#   A chart may ship a values.schema.json. Helm validates the values it
#   installs with (the chart's defaults, the HelmRelease's valuesFrom and
#   spec.values, merged as helm-controller merges them) against it, and of
#   a subchart against the subchart's, before it renders anything: values
#   the schema rejects fail the install or upgrade, and the release stays
#   on its previous revision. d1lint validates them the same way when it
#   renders the chart. Each violation is one finding, at the line that sets
#   the value: in spec.values (in the overlay patch that set it, when one
#   did), or at the valuesFrom entry that supplies it.
# custom:
#   id: D1-0505
#   category: schema
#   severity: error
#   remediation: Fix the value as the message says (its type, an allowed value, a required key), in the file the finding points at, or pin a chart version whose schema accepts it.
#   profiles: [d1, generic]
package d1lint.rules.schema.chart_values

import data.d1lint.lib.problem
import data.d1lint.lib.result

report contains result.fail(rego.metadata.chain(), problem.details(p)) if {
	some p in input.cluster.problems
	p.kind == "chart-values"
}
