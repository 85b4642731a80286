package d1lint.lib.applied_test

import data.d1lint.lib.applied

test_objects_leave_out_what_flux_never_applies if {
	a := {"kind": "ConfigMap", "name": "a"}
	b := {"kind": "ConfigMap", "name": "b", "notApplied": "annotation kustomize.toolkit.fluxcd.io/reconcile: disabled"}
	c := {"kind": "ConfigMap", "name": "c"}
	applied.objects == [a, c] with input as {"cluster": {"objects": [a, b, c]}}
}

test_of_kind_is_objects_of_that_kind if {
	a := {"kind": "ConfigMap", "name": "a"}
	b := {"kind": "ConfigMap", "name": "b", "notApplied": "annotation kustomize.toolkit.fluxcd.io/reconcile: disabled"}
	c := {"kind": "Secret", "name": "c"}
	d := {"kind": "ConfigMap", "name": "d", "remote": "Secret flux-system/spoke"}
	e := {"kind": "ConfigMap", "name": "e"}
	applied.of_kind("ConfigMap") == [a, e] with input as {"cluster": {"objects": [a, b, c, d, e]}}
	applied.of_kind("Secret") == [c] with input as {"cluster": {"objects": [a, b, c, d, e]}}
	applied.of_kind("Namespace") == [] with input as {"cluster": {"objects": [a, b, c, d, e]}}
}
