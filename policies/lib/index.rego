# METADATA
# description: |
#   Where the objects of input.cluster.objects are. d1lint adds
#   input.cluster.index to every cluster's input (docs/model.md, "The rule
#   input"), computed once in Go, so that a rule about a few kinds or a few
#   objects visits only those, rather than filtering every object of the
#   cluster once per rule. An input without it (a hand-made model in a Rego
#   test) gets the same index computed here from the objects.
#
#   Every list holds indices in input.cluster.objects, ascending (apply
#   order), of every object, those Flux does not apply (notApplied,
#   remote) included: applied.of_kind leaves those out.
package d1lint.lib.index

# index is input.cluster.index, or the same computed from the objects.
index := input.cluster.index if {
	input.cluster.index
} else := computed

# kinds maps a kind to its objects.
kinds := index.kinds

# names maps "<kind>/<namespace>/<name>" to the objects of that kind,
# namespace ("" for none) and name: one, or several copies.
names := index.names

# applied_by maps a Kustomization key to the objects whose appliedBy it is
# (an object without appliedBy, which d1lint's model never has, is in no
# list).
applied_by := index.appliedBy

# resource_sets maps a ResourceSet key to the objects it generates.
resource_sets := index.resourceSets

# api_versions maps an apiVersion to its kinds, each to its objects.
api_versions := index.apiVersions

# schema lists the objects with a schema verdict (objects[].schema).
schema := index.schema

# of_kind are the indices of the objects of one kind; empty for a kind the
# cluster has none of.
of_kind(kind) := object.get(kinds, kind, [])

# objects are the objects of one kind, in apply order, those Flux does not
# apply included (applied.of_kind leaves them out).
objects(kind) := [input.cluster.objects[i] | some i in of_kind(kind)]

# named are the indices of the objects of one kind, namespace ("" for
# none) and name.
named(kind, namespace, name) := object.get(names, concat("/", [kind, namespace, name]), [])

# computed is the index computed from the objects, as d1lint computes it.
# Each list is a comprehension over the objects with the key bound before
# it, which OPA evaluates in one pass for every key (comprehension
# indexing).
computed := {
	"kinds": {k: is |
		some o in input.cluster.objects
		k := field(o, "kind")
		is := [i | some i, p in input.cluster.objects; field(p, "kind") == k]
	},
	"names": {k: is |
		some o in input.cluster.objects
		k := name_key(o)
		is := [i | some i, p in input.cluster.objects; name_key(p) == k]
	},
	"appliedBy": {k: is |
		some o in input.cluster.objects
		k := o.appliedBy
		is := [i | some i, p in input.cluster.objects; p.appliedBy == k]
	},
	"resourceSets": {k: is |
		some o in input.cluster.objects
		k := field(o, "resourceSet")
		k != ""
		is := [i | some i, p in input.cluster.objects; field(p, "resourceSet") == k]
	},
	"apiVersions": {v: {k: is |
		some o in input.cluster.objects
		field(o, "apiVersion") == v
		k := field(o, "kind")
		is := [i | some i, p in input.cluster.objects; field(p, "apiVersion") == v; field(p, "kind") == k]
	} |
		some v in {field(o, "apiVersion") | some o in input.cluster.objects}
	},
	"schema": [i | some i, o in input.cluster.objects; object.get(o, "schema", null) != null],
}

field(o, f) := object.get(o, f, "")

name_key(o) := concat("/", [field(o, "kind"), field(o, "namespace"), field(o, "name")])
