package acme.conftest

deny contains msg if {
	input.cluster.environment == "production"
	input.cluster.flux.version != "2.7.x"
	msg := sprintf("production cluster %s must run Flux 2.7.x", [input.cluster.name])
}

warn contains {"msg": sprintf("cluster %s has %d objects", [input.cluster.name, count(input.cluster.objects)])} if {
	count(input.cluster.objects) > 50
}
