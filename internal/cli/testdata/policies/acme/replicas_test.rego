package acme.replicas_test

import data.acme.replicas

test_missing_replicas if {
	r := replicas.report with input as {"cluster": {"objects": [{"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "namespace": "shop", "name": "web", "location": {"repo": "r", "path": "p"}, "object": {"spec": {"values": {}}}}]}}
	count(r) == 1
	some f in r
	f.rule == "ACME-001"
	f.severity == "warning"
}

test_replicas_set if {
	count(replicas.report) == 0 with input as {"cluster": {"objects": [{"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "namespace": "shop", "name": "web", "location": {}, "object": {"spec": {"values": {"replicaCount": 2}}}}]}}
}
