package d1lint.rules.multi_tenancy.lockdown_test

import data.d1lint.rules.multi_tenancy.lockdown

test_lockdown_off if {
	r := lockdown.report with input as {"cluster": {"name": "prod", "era": "operator", "flux": {
		"multitenant": false,
		"location": {"repo": "r", "path": "clusters/prod/flux-system/flux-instance.yaml", "line": 1},
	}}}
	r == {{
		"rule": "D1-0101",
		"title": "Multi-tenancy lockdown is off",
		"category": "multi-tenancy",
		"severity": "error",
		"location": {"repo": "r", "path": "clusters/prod/flux-system/flux-instance.yaml", "line": 1},
		"message": "cluster prod runs Flux without multi-tenancy lockdown (a default service account for tenants and no cross-namespace references)",
	}}
}

test_lockdown_on if {
	count(lockdown.report) == 0 with input as {"cluster": {"name": "prod", "era": "operator", "flux": {
		"multitenant": true, "noCrossNamespaceRefs": true, "defaultServiceAccount": "default",
	}}}
}

test_unrendered_cluster_is_not_judged if {
	count(lockdown.report) == 0 with input as {"cluster": {"name": "x", "era": "", "flux": {"multitenant": false}}}
}

test_bootstrap_flags_judged if {
	count(lockdown.report) == 1 with input as {"cluster": {"name": "b", "era": "bootstrap", "flux": {
		"multitenant": false, "controllerFlags": {"kustomize-controller": ["--concurrent=4"]},
	}}}
}

test_installation_not_in_git_is_not_judged if {
	count(lockdown.report) == 0 with input as {"cluster": {"name": "b", "era": "bootstrap", "flux": {"multitenant": false}}}
}
