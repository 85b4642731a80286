# METADATA
# title: Images are pinned
# custom:
#   id: ACME-IMG-1
package main

import rego.v1

workloads := {"Deployment", "StatefulSet", "DaemonSet"}

warn_latest contains msg if {
	some doc in input
	workloads[doc.contents.kind]
	some container in doc.contents.spec.template.spec.containers
	latest(container.image)
	msg := sprintf("%s %s: image %s follows latest", [doc.contents.kind, doc.contents.metadata.name, container.image])
}

latest(image) if endswith(image, ":latest")

latest(image) if not contains(image, ":")
