# METADATA
# title: Referenced Secret or ConfigMap does not exist
# description: |
#   Flux reads the Secrets and ConfigMaps its objects name from the object's
#   own namespace: a source's credentials (spec.secretRef) and its TLS,
#   proxy, STS and signature verification Secrets; a Kustomization's SOPS
#   decryption and kubeconfig Secrets; a HelmRelease's valuesFrom entries
#   and kubeconfig; the pull Secret of a FluxInstance's sync; and the
#   imagePullSecrets of a ServiceAccount. When the named object never
#   exists, the source cannot authenticate and Flux never fetches it, the
#   Kustomization or HelmRelease never becomes ready, or pods cannot pull
#   their images. d1lint looks for it in the render, among the copies that
#   Kyverno clone policies make (a tenant namespace without the label the
#   clone policy selects on gets none), and among the out-of-band objects
#   declared in .d1lint.yaml; an object annotated
#   fluxcd.controlplane.io/copyFrom counts only when what it copies from
#   exists.
# custom:
#   id: D1-0601
#   category: credentials
#   severity: error
#   remediation: Create the Secret or ConfigMap in the referencing object's namespace, have a Kyverno policy clone it there (label the namespace the way the clone policy selects), or declare it out-of-band in .d1lint.yaml when it is created outside git; else fix the name, or mark a valuesFrom entry optional.
#   profiles: [d1, generic]
package d1lint.rules.credentials.secret_ref

import data.d1lint.lib.completeness
import data.d1lint.lib.index
import data.d1lint.lib.result

# The finding carries the referencing object and names the field that names
# the missing object, so that it points at that line.
report contains result.fail(rego.metadata.chain(), result.object_field_details(o, r.field, msg)) if {
	completeness.complete
	some r in refs
	not r.key in resolved
	o := input.cluster.objects[r.index]
	msg := sprintf("%s %s: %s names %s %s/%s, %s, so %s; %s", [
		o.kind, display_name(o), r.shown, r.kind, r.namespace, r.name, why_missing(r.key), r.consequence, remedy(r),
	])
}

# This rule runs over a good part of every cluster's objects, so its
# bodies use lookups and builtins only: in Rego a function call, or a
# whole object handed around, costs more than the rest of the work. Each
# field of ref_specs is read on the objects of its kind (the index finds
# them without visiting the others), and only an object that names
# something is checked further (referring).

# referring holds for an object that may name a Secret or a ConfigMap: its
# API group is its kind's in ref_specs. An object applied to a remote
# cluster (remote: a Kustomization with spec.kubeConfig) names objects of
# that cluster, which d1lint does not render: it is left out, and provides
# nothing here either (present_in, copied_in).
referring(o, spec) if {
	not o.remote
	startswith(o.apiVersion, spec.group)
}

# refs are the references to check, one per field that names a Secret or a
# ConfigMap: index (the referencing object's index in objects), field (its
# keys and indices), shown (the field as the message shows it), kind,
# namespace and name of the object named, its key, and the consequence of
# its absence. A field holds one name (spec.secretRef.name) ...
refs contains {
	"index": i, "field": f.name_path, "shown": f.shown, "consequence": f.consequence,
	"kind": "Secret", "namespace": ns, "name": name, "key": concat("/", ["Secret", ns, name]),
} if {
	some kind, spec in ref_specs
	some f in spec.single
	some i in index.of_kind(kind)
	o := input.cluster.objects[i]
	name := object.get(o.object, f.name_path, "")
	name != ""
	referring(o, spec)
	ns := object.get(no_namespace, object.get(o, "namespace", ""), object.get(o, "namespace", ""))
}

# ... or a list of references (spec.valuesFrom, imagePullSecrets), each
# naming its kind or a Secret, and an optional one is no requirement.
refs contains {
	"index": i, "field": array.concat(f.path, [j]), "shown": sprintf("%s[%d]", [f.shown, j]), "consequence": f.consequence,
	"kind": kind, "namespace": ns, "name": v.name, "key": concat("/", [kind, ns, v.name]),
} if {
	some referrer_kind, spec in ref_specs
	some f in spec.lists
	some i in index.of_kind(referrer_kind)
	o := input.cluster.objects[i]
	some j, v in object.get(o.object, f.path, [])
	referring(o, spec)
	kind := object.get(v, "kind", "Secret")
	kind in {"ConfigMap", "Secret"}
	object.get(v, "name", "") != ""
	object.get(v, "optional", false) != true
	ns := object.get(no_namespace, object.get(o, "namespace", ""), object.get(o, "namespace", ""))
}

# no_namespace maps the empty namespace to default, where the API server
# puts an object whose manifest sets none.
no_namespace := {"": "default"}

# ref_specs are, by kind, the API group prefix and the fields that name a
# Secret or a ConfigMap in the object's own namespace, from the Flux CRDs:
# single holds fields naming one Secret (name_path: where the name is),
# lists holds lists of references.
ref_specs := {
	"GitRepository": {"group": "source.toolkit.fluxcd.io/", "single": [auth, proxy, verify], "lists": []},
	"OCIRepository": {"group": "source.toolkit.fluxcd.io/", "single": [auth, tls, proxy, verify], "lists": []},
	"HelmRepository": {"group": "source.toolkit.fluxcd.io/", "single": [auth, tls], "lists": []},
	"Bucket": {"group": "source.toolkit.fluxcd.io/", "single": [auth, tls, proxy, sts_auth, sts_tls], "lists": []},
	"Kustomization": {"group": "kustomize.toolkit.fluxcd.io/", "lists": [], "single": [
		{"name_path": ["spec", "decryption", "secretRef", "name"], "shown": "spec.decryption.secretRef", "consequence": "kustomize-controller cannot decrypt its SOPS-encrypted manifests and the Kustomization applies nothing"},
		{"name_path": ["spec", "kubeConfig", "secretRef", "name"], "shown": "spec.kubeConfig.secretRef", "consequence": "kustomize-controller cannot reach the remote cluster and the Kustomization applies nothing"},
	]},
	"HelmRelease": {
		"group": "helm.toolkit.fluxcd.io/",
		"single": [{"name_path": ["spec", "kubeConfig", "secretRef", "name"], "shown": "spec.kubeConfig.secretRef", "consequence": "helm-controller cannot reach the remote cluster and the release is never installed or upgraded"}],
		"lists": [{"path": ["spec", "valuesFrom"], "shown": "spec.valuesFrom", "consequence": "helm-controller cannot compose its values and the release is never installed or upgraded"}],
	},
	"FluxInstance": {"group": "fluxcd.controlplane.io/", "lists": [], "single": [{"name_path": ["spec", "sync", "pullSecret"], "shown": "spec.sync.pullSecret", "consequence": "the source Flux Operator generates from spec.sync cannot authenticate and Flux can never fetch the cluster's own configuration"}]},
	"ServiceAccount": {"group": "v1", "single": [], "lists": [{"path": ["imagePullSecrets"], "shown": "imagePullSecrets", "consequence": "pods that run as it cannot pull images from the private registry the Secret is for"}]},
}

auth := {"name_path": ["spec", "secretRef", "name"], "shown": "spec.secretRef", "consequence": "source-controller cannot authenticate to the source and Flux can never fetch it"}

tls := {"name_path": ["spec", "certSecretRef", "name"], "shown": "spec.certSecretRef", "consequence": "source-controller cannot set up TLS to the source and Flux can never fetch it"}

proxy := {"name_path": ["spec", "proxySecretRef", "name"], "shown": "spec.proxySecretRef", "consequence": "source-controller cannot reach the source through its proxy and Flux can never fetch it"}

verify := {"name_path": ["spec", "verify", "secretRef", "name"], "shown": "spec.verify.secretRef", "consequence": "source-controller cannot verify the source's signatures, it never becomes ready: nothing built from it is applied"}

sts_auth := {"name_path": ["spec", "sts", "secretRef", "name"], "shown": "spec.sts.secretRef", "consequence": "source-controller cannot get credentials from the STS endpoint and Flux can never fetch the bucket"}

sts_tls := {"name_path": ["spec", "sts", "certSecretRef", "name"], "shown": "spec.sts.certSecretRef", "consequence": "source-controller cannot set up TLS to the STS endpoint and Flux can never fetch the bucket"}

key(kind, ns, name) := concat("/", [kind, ns, name])

display_name(o) := sprintf("%s/%s", [o.namespace, o.name]) if object.get(o, "namespace", "") != ""

display_name(o) := o.name if object.get(o, "namespace", "") == ""

copy_annotation := "fluxcd.controlplane.io/copyFrom"

# present holds the keys of what will be on the cluster with its data: the
# Secrets and ConfigMaps of the render and the copies that Kyverno clone
# and cloneList policies of the render make (the model's generated:
# policies whose namespace selector the rendered Namespaces' labels match,
# cloning from rendered or out-of-band objects) that copy nothing with
# copyFrom, and the declared out-of-band objects (d1's git secrets by
# default).
present := (present_in(rendered_data) | present_in(object.get(input.cluster, "generated", []))) | {key(o.kind, o.namespace, o.name) | some o in object.get(input.cluster, "outOfBand", [])}

# rendered_data are the Secrets and ConfigMaps of the render, found through
# the index: the only objects present_in and copied_in keep.
rendered_data := array.concat(index.objects("Secret"), index.objects("ConfigMap"))

present_in(objs) := {concat("/", [o.kind, ns, o.name]) |
	some o in objs
	o.kind in {"Secret", "ConfigMap"}
	not o.remote
	object.get(o.object, ["metadata", "annotations", copy_annotation], "") == ""
	namespace := object.get(o, "namespace", "")
	ns := object.get(no_namespace, namespace, namespace)
}

# copied are the Secrets and ConfigMaps annotated copyFrom: {key, kind,
# namespace, copy} with copy the annotation.
copied := array.concat(copied_in(rendered_data), copied_in(object.get(input.cluster, "generated", [])))

copied_in(objs) := [{"key": concat("/", [o.kind, ns, o.name]), "kind": o.kind, "namespace": ns, "copy": copy} |
	some o in objs
	o.kind in {"Secret", "ConfigMap"}
	not o.remote
	copy := object.get(o.object, ["metadata", "annotations", copy_annotation], "")
	copy != ""
	ns := object.get(no_namespace, object.get(o, "namespace", ""), object.get(o, "namespace", ""))
]

# copy_from is the key of the object a copyFrom-annotated object copies
# from: "<namespace>/<name>", or a bare name in its own namespace.
copy_from(c) := key(c.kind, parts[0], parts[1]) if {
	parts := split(c.copy, "/")
	count(parts) == 2
}

copy_from(c) := key(c.kind, c.namespace, c.copy) if not contains(c.copy, "/")

# copies maps an object annotated copyFrom to what it copies from. Flux
# Operator fills it with the data of that object, so it is only as good as
# its source: it resolves when following the copies reaches something
# present.
copies := {k: {copy_from(c) | some c in copied; c.key == k} | some d in copied; k := d.key}

resolved := {r.key |
	some r in refs
	provides(r.key)
}

provides(k) if k in present

provides(k) if {
	copies[k]
	some n in graph.reachable(copy_graph, {k})
	n in present
}

# copy_graph is copies with what is present as nodes without edges:
# graph.reachable leaves out the nodes that are not keys of the graph.
copy_graph := object.union({k: set() | some k in present}, copies)

# why_missing says where the object was looked for, or which copy source is
# missing.
why_missing(k) := sprintf("which is annotated %s: %s, but %s does not exist on cluster %s (not in the render, not a Kyverno copy, not declared out-of-band): Flux Operator never fills the copy", [copy_annotation, annotation_of(k), shown_key(src), input.cluster.name]) if {
	some src in copies[k]
} else := sprintf("which does not exist on cluster %s (not in the render, not a Kyverno copy, not declared out-of-band)", [input.cluster.name])

# remedy names the providers: of the copy's source when the object is a
# copy, else of the object itself.
remedy(r) := sprintf("create %s, or declare it out-of-band in .d1lint.yaml", [shown_key(src)]) if {
	some src in copies[r.key]
} else := sprintf("create it in namespace %s, have a Kyverno policy clone it there (label the namespace the way the clone policy selects), or declare it out-of-band in .d1lint.yaml", [r.namespace])

annotation_of(k) := c.copy if {
	some c in copied
	c.key == k
}

# shown_key writes "Kind/namespace/name" as "Kind namespace/name".
shown_key(k) := sprintf("%s %s", [parts[0], concat("/", array.slice(parts, 1, count(parts)))]) if parts := split(k, "/")
