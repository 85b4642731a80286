# A conftest policy as teams write them for `conftest test --combine`, in
# conftest's Rego v0 syntax: it runs in d1lint unchanged.
package main

deny[msg] {
	doc := input[_]
	doc.contents.kind == "Deployment"
	container := doc.contents.spec.template.spec.containers[_]
	not container.resources.limits
	msg := sprintf("Deployment %s: container %s has no resource limits", [doc.contents.metadata.name, container.name])
}
