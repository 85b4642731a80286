package d1lint.rules.build.unverified_absence_test

import data.d1lint.rules.build.unverified_absence

loc := {"repo": "github.com/acme/d1-fleet", "branch": "main", "path": "clusters/staging/apps.yaml", "line": 1}

test_once_per_incomplete_cluster if {
	gaps := [
		{"kustomization": "flux-system/apps", "reason": "source not resolved: no local path mapped for https://github.com/acme/d1-apps.git", "location": loc},
		{"kustomization": "apps/frontend", "reason": "waiting for flux-system/apps"},
	]
	r := unverified_absence.report with input as {"cluster": {"name": "staging", "completeness": {"complete": false, "gaps": gaps}}}
	count(r) == 1
	some f in r
	f.rule == "D1-0003"
	f.severity == "info"
	f.location == loc
	contains(f.message, "cluster staging was not fully rendered (flux-system/apps: source not resolved: no local path mapped for https://github.com/acme/d1-apps.git, and 1 more)")
	endswith(f.message, "are not verified on it: D1-0301, D1-0303, D1-0305, D1-0307, D1-0403, D1-0404, D1-0601")
}

test_problem_of_the_cluster_itself if {
	gaps := [{"reason": "no sync declared"}]
	r := unverified_absence.report with input as {"cluster": {"name": "c", "completeness": {"complete": false, "gaps": gaps}}}
	[f.message | some f in r] == ["cluster c was not fully rendered (no sync declared), so the rules that conclude something is missing are not verified on it: D1-0301, D1-0303, D1-0305, D1-0307, D1-0403, D1-0404, D1-0601"]
}

test_complete_cluster_is_quiet if {
	count(unverified_absence.report) == 0 with input as {"cluster": {"name": "c", "completeness": {"complete": true}}}
	count(unverified_absence.report) == 0 with input as {"cluster": {"name": "c"}}
}
