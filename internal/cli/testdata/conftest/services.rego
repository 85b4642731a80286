# conftest's --combine example: a Deployment whose pods no Service selects.
package main

import rego.v1

violation contains {"msg": msg} if {
	some doc in input
	doc.contents.kind == "Deployment"
	deployment := doc.contents
	app := object.get(deployment.spec.selector, ["matchLabels", "app"], "")
	app != ""
	not service_selects(deployment.metadata.namespace, app)
	msg := sprintf("Deployment %s: no Service selects app=%s", [deployment.metadata.name, app])
}

service_selects(namespace, app) if {
	some doc in input
	doc.contents.kind == "Service"
	doc.contents.metadata.namespace == namespace
	doc.contents.spec.selector.app == app
}
