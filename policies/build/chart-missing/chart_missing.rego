# METADATA
# title: HelmRelease chart is not available offline
# description: |
#   d1lint renders every HelmRelease's chart offline, as helm-controller
#   would: a chart in git is read from the same snapshots as everything
#   else, a packaged chart (a HelmRepository's, an OCIRepository's) from the
#   chart cache (--charts, or charts: in .d1lint.yaml), which `d1lint
#   charts pull` fills. A chart in neither is not rendered: what it installs
#   is unknown, so the rules that conclude something is missing are not
#   verified on the cluster (D1-0003). That is a matter of set-up, not a
#   mistake in the fleet, so it is a warning, once per chart and version,
#   and it does not fail the check; with --require-charts (or
#   requireCharts: true) it is an error.
# custom:
#   id: D1-0007
#   category: build
#   severity: warning
#   remediation: Run d1lint charts pull to fetch the fleet's charts into the chart cache, and pass the cache with --charts or the charts key of .d1lint.yaml (in CI, cache that folder between runs).
#   profiles: [d1, generic]
package d1lint.rules.build.chart_missing

import data.d1lint.lib.problem
import data.d1lint.lib.result

report contains result.fail(rego.metadata.chain(), object.union(problem.details(p), severity)) if {
	some p in input.cluster.problems
	p.kind == "chart-missing"
}

# severity: an error when charts are required.
severity := {"severity": "error"} if input.config.requireCharts == true

else := {}
