# METADATA
# title: Fleet root does not sync main and the cluster's own folder
# description: |
#   In d1 every cluster's root Kustomization (flux-system) applies the
#   cluster's own folder (clusters/<cluster>, or the folder where d1lint
#   found the root in another layout) of the fleet repository at branch
#   main: clusters differ by path, never by fleet branch. A root that
#   follows another branch or another folder escapes the review of main and
#   the layout every other rule relies on.
# custom:
#   id: D1-0204
#   category: branch-mapping
#   severity: error
#   remediation: Set the cluster's Flux sync (FluxInstance spec.sync, gotk-sync.yaml, or the root Kustomization and its GitRepository) to ref refs/heads/main (branch main) and the cluster's folder (clusters/<cluster>).
#   profiles: [d1]
package d1lint.rules.branch_mapping.fleet_root

import data.d1lint.lib.index
import data.d1lint.lib.result

fleet_branch := "main"

root := k if {
	some k in input.cluster.kustomizations
	k.key == input.cluster.root
}

# The findings name the offending field (spec.path, the spec.ref field)
# when the root Kustomization or the source is a rendered object (bootstrap
# era: gotk-sync.yaml); a FluxInstance's generated root is not, and the
# location (the FluxInstance, whose spec.sync sets them) says enough.
report contains result.fail(rego.metadata.chain(), result.with_field(
	{
		"object": root_object,
		"location": root.location,
		"chain": object.get(root, "chain", []),
		"message": sprintf("root Kustomization %s of cluster %s applies %q; it must apply the cluster's own folder %q", [
			root.key, input.cluster.name, path, want,
		]),
	},
	rendered_field(root_object, ["spec", "path"]),
)) if {
	path := object.get(root, ["spec", "path"], object.get(root, "path", ""))
	want := own_folder
	normalise(path) != want
}

report contains result.fail(rego.metadata.chain(), result.with_field(
	{
		"object": source_object,
		"location": s.location,
		"chain": object.get(root, "chain", []),
		"message": sprintf("the fleet repository source %s of cluster %s reads %s; the fleet root must follow branch %q (clusters differ by path, not by branch)", [
			s.key, input.cluster.name, describe(ref), fleet_branch,
		]),
	},
	rendered_field(source_object, ref_field(ref)),
)) if {
	some s in input.cluster.sources
	s.key == root.source
	s.kind == "GitRepository"
	ref := object.get(s, "ref", {})
	not follows(ref, fleet_branch)
	source_object := {"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": s.kind, "namespace": s.namespace, "name": s.name}
}

# own_folder is the cluster's folder as the model says (relative to the
# repository root, as spec.path is), else d1's clusters/<name>.
own_folder := normalise(input.cluster.path) if {
	input.cluster.path
} else := concat("/", ["clusters", input.cluster.name])

root_object := {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": root.namespace, "name": root.name}

# normalise drops "./" prefixes, repeated and trailing slashes.
normalise(p) := concat("/", [seg | some seg in split(p, "/"); not seg in {"", "."}])

follows(ref, branch) if ref.branch == branch

follows(ref, branch) if ref.name == concat("", ["refs/heads/", branch])

describe(ref) := sprintf("branch %q", [ref.branch]) if {
	ref.branch
} else := sprintf("ref %q", [ref.name]) if {
	ref.name
} else := sprintf("tag %q", [ref.tag]) if {
	ref.tag
} else := sprintf("semver %q", [ref.semver]) if {
	ref.semver
} else := sprintf("commit %q", [ref.commit]) if {
	ref.commit
} else := "the default branch (spec.ref is empty: master)"

# ref_field is the spec.ref field describe names (spec when the ref is
# empty).
ref_field(ref) := ["spec", "ref", "branch"] if {
	ref.branch
} else := ["spec", "ref", "name"] if {
	ref.name
} else := ["spec", "ref", "tag"] if {
	ref.tag
} else := ["spec", "ref", "semver"] if {
	ref.semver
} else := ["spec", "ref", "commit"] if {
	ref.commit
} else := ["spec"]

# rendered_field is field when obj is among the rendered objects, else null
# (no field).
rendered_field(obj, field) := field if {
	some o in index.objects(obj.kind)
	object.get(o, "namespace", "") == obj.namespace
	o.name == obj.name
} else := null
