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

# The finding is about the FluxInstance, at the setting to change.
test_names_the_flux_instance_field if {
	l := {"repo": "r", "path": "clusters/prod/flux-system/flux-instance.yaml", "line": 1}
	fi := {"apiVersion": "fluxcd.controlplane.io/v1", "kind": "FluxInstance", "namespace": "flux-system", "name": "flux", "location": l,
		"object": {"spec": {"cluster": {"type": "kubernetes"}}}}
	r := lockdown.report with input as {"cluster": {"name": "prod", "era": "operator", "objects": [fi], "flux": {"multitenant": false, "location": l}}}
	[[f.object.kind, f.field] | some f in r] == [["FluxInstance", ["spec", "cluster"]]]
	fi2 := object.union(fi, {"object": {"spec": {"cluster": {"multitenant": false}}}})
	r2 := lockdown.report with input as {"cluster": {"name": "prod", "era": "operator", "objects": [fi2], "flux": {"multitenant": false, "location": l}}}
	[[f.object.kind, f.field] | some f in r2] == [["FluxInstance", ["spec", "cluster", "multitenant"]]]
}
