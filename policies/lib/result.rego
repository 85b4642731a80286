# METADATA
# description: |
#   Builds every finding, so that its shape lives in one place. Rules pass
#   rego.metadata.chain() and the details of the violation; the rule's
#   identity (id, title, category, severity) comes from its METADATA.
package d1lint.lib.result

# fail returns the finding of the rule whose metadata chain is given.
# details holds "message" and, when known, "object" ({apiVersion, kind,
# namespace, name}), "location" ({repo, branch, commit, path, line}) and
# "chain" (the Kustomization keys that applied it).
fail(chain, details) := object.union(
	{
		"rule": meta.custom.id,
		"title": meta.title,
		"category": meta.custom.category,
		"severity": meta.custom.severity,
	},
	details,
) if {
	meta := package_annotations(chain)
}

# package_annotations is the package-scoped METADATA of the calling rule.
package_annotations(chain) := a if {
	some link in chain
	a := link.annotations
	a.scope == "package"
}

# object_details are the details of a finding about a rendered object.
object_details(obj, message) := {
	"object": {
		"apiVersion": obj.apiVersion,
		"kind": obj.kind,
		"namespace": object.get(obj, "namespace", ""),
		"name": obj.name,
	},
	"location": obj.location,
	"chain": object.get(obj, "chain", []),
	"message": message,
}
