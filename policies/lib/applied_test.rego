package d1lint.lib.applied_test

import data.d1lint.lib.applied

test_objects_leave_out_what_flux_never_applies if {
	a := {"kind": "ConfigMap", "name": "a"}
	b := {"kind": "ConfigMap", "name": "b", "notApplied": "annotation kustomize.toolkit.fluxcd.io/reconcile: disabled"}
	c := {"kind": "ConfigMap", "name": "c"}
	applied.objects == [a, c] with input as {"cluster": {"objects": [a, b, c]}}
}
