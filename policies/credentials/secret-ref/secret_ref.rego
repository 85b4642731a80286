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
package d1lint.rules.credentials.secret_ref

import data.d1lint.lib.completeness
import data.d1lint.lib.ordering
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

# refs are the references to check, one per field that names a Secret or a
# ConfigMap: index (the referencing object's index in objects), field (its
# keys and indices), shown (the field as the message shows it), kind,
# namespace and name of the object named, its key, and the consequence of
# its absence.
refs contains ref(i, o, array.concat(f.path, ["name"]), f.shown, "Secret", name, f.consequence) if {
	some i, o in input.cluster.objects
	ordering.group(o.apiVersion) == "source.toolkit.fluxcd.io"
	some f in source_fields[o.kind]
	name := object.get(o.object, array.concat(f.path, ["name"]), "")
	name != ""
}

refs contains ref(i, o, array.concat(f.path, ["name"]), f.shown, "Secret", name, f.consequence) if {
	some i, o in input.cluster.objects
	some f in reconciler_fields[ordering.group(o.apiVersion)][o.kind]
	name := object.get(o.object, array.concat(f.path, ["name"]), "")
	name != ""
}

# helm-controller merges each valuesFrom entry into the release's values
# and fails the release when a required one is missing; an entry marked
# optional: true is skipped when missing, so it is never an error.
refs contains ref(i, o, ["spec", "valuesFrom", j], sprintf("spec.valuesFrom[%d]", [j]), v.kind, v.name, "helm-controller cannot compose its values and the release is never installed or upgraded") if {
	some i, o in input.cluster.objects
	o.kind == "HelmRelease"
	ordering.group(o.apiVersion) == "helm.toolkit.fluxcd.io"
	some j, v in object.get(o.object, ["spec", "valuesFrom"], [])
	v.kind in {"ConfigMap", "Secret"}
	object.get(v, "name", "") != ""
	object.get(v, "optional", false) != true
}

# Flux Operator generates the cluster's root GitRepository (or
# OCIRepository) from spec.sync, with spec.sync.pullSecret as its secretRef
# in the FluxInstance's namespace; that source is not among the objects.
refs contains ref(i, o, ["spec", "sync", "pullSecret"], "spec.sync.pullSecret", "Secret", name, "the source Flux Operator generates from spec.sync cannot authenticate and Flux can never fetch the cluster's own configuration") if {
	some i, o in input.cluster.objects
	o.kind == "FluxInstance"
	ordering.group(o.apiVersion) == "fluxcd.controlplane.io"
	name := object.get(o.object, ["spec", "sync", "pullSecret"], "")
	name != ""
}

# The kubelet pulls a pod's images with the imagePullSecrets of its
# ServiceAccount; a missing one is skipped, so images from the private
# registry it is for cannot be pulled.
refs contains ref(i, o, ["imagePullSecrets", j], sprintf("imagePullSecrets[%d]", [j]), "Secret", s.name, "pods that run as it cannot pull images from the private registry the Secret is for") if {
	some i, o in input.cluster.objects
	o.kind == "ServiceAccount"
	o.apiVersion == "v1"
	some j, s in object.get(o.object, "imagePullSecrets", [])
	object.get(s, "name", "") != ""
}

ref(i, o, field, shown, kind, name, consequence) := {
	"index": i, "field": field, "shown": shown, "consequence": consequence,
	"kind": kind, "namespace": namespace(o), "name": name, "key": key(kind, namespace(o), name),
}

# source_fields are the fields of each Flux source kind that name a Secret
# in the source's namespace (source.toolkit.fluxcd.io/v1). source-controller
# reads each one before it fetches and fails the reconciliation when it is
# missing, so the source never has an artifact.
source_fields := {
	"GitRepository": [auth, proxy, verify],
	"OCIRepository": [auth, tls, proxy, verify],
	"HelmRepository": [auth, tls],
	"Bucket": [auth, tls, proxy, sts_auth, sts_tls],
}

auth := {"path": ["spec", "secretRef"], "shown": "spec.secretRef", "consequence": "source-controller cannot authenticate to the source and Flux can never fetch it"}

tls := {"path": ["spec", "certSecretRef"], "shown": "spec.certSecretRef", "consequence": "source-controller cannot set up TLS to the source and Flux can never fetch it"}

proxy := {"path": ["spec", "proxySecretRef"], "shown": "spec.proxySecretRef", "consequence": "source-controller cannot reach the source through its proxy and Flux can never fetch it"}

verify := {"path": ["spec", "verify", "secretRef"], "shown": "spec.verify.secretRef", "consequence": "source-controller cannot verify the source's signatures, it never becomes ready: nothing built from it is applied"}

sts_auth := {"path": ["spec", "sts", "secretRef"], "shown": "spec.sts.secretRef", "consequence": "source-controller cannot get credentials from the STS endpoint and Flux can never fetch the bucket"}

sts_tls := {"path": ["spec", "sts", "certSecretRef"], "shown": "spec.sts.certSecretRef", "consequence": "source-controller cannot set up TLS to the STS endpoint and Flux can never fetch the bucket"}

# reconciler_fields are the Secrets a Kustomization or HelmRelease names in
# its own namespace. kustomize-controller reads the SOPS decryption Secret
# before it builds and the kubeconfig before it applies; helm-controller
# reads the kubeconfig before it installs. Either fails the reconciliation
# when the Secret is missing.
reconciler_fields := {
	"kustomize.toolkit.fluxcd.io": {"Kustomization": [
		{"path": ["spec", "decryption", "secretRef"], "shown": "spec.decryption.secretRef", "consequence": "kustomize-controller cannot decrypt its SOPS-encrypted manifests and the Kustomization applies nothing"},
		{"path": ["spec", "kubeConfig", "secretRef"], "shown": "spec.kubeConfig.secretRef", "consequence": "kustomize-controller cannot reach the remote cluster and the Kustomization applies nothing"},
	]},
	"helm.toolkit.fluxcd.io": {"HelmRelease": [{"path": ["spec", "kubeConfig", "secretRef"], "shown": "spec.kubeConfig.secretRef", "consequence": "helm-controller cannot reach the remote cluster and the release is never installed or upgraded"}]},
}

# namespace is an object's namespace; the render leaves it empty when the
# manifests did not set one, and the API server puts it in default.
namespace(o) := ns if {
	ns := object.get(o, "namespace", "")
	ns != ""
} else := "default"

key(kind, ns, name) := sprintf("%s/%s/%s", [kind, ns, name])

display_name(o) := sprintf("%s/%s", [o.namespace, o.name]) if object.get(o, "namespace", "") != ""

display_name(o) := o.name if object.get(o, "namespace", "") == ""

# candidates are the Secrets and ConfigMaps that will be on the cluster: in
# the render, and the copies Kyverno clone and cloneList policies of the
# render make (the model's generated: policies whose namespace selector the
# rendered Namespaces' labels match, cloning from rendered or out-of-band
# objects).
candidates := [o |
	some o in array.concat(input.cluster.objects, object.get(input.cluster, "generated", []))
	o.kind in {"Secret", "ConfigMap"}
]

copy_annotation := "fluxcd.controlplane.io/copyFrom"

# copy_from is the key of the object a copyFrom-annotated object copies
# from: "<namespace>/<name>", or a bare name in the object's own namespace.
copy_from(o) := key(o.kind, parts[0], parts[1]) if {
	parts := split(object.get(o.object, ["metadata", "annotations", copy_annotation], ""), "/")
	count(parts) == 2
}

copy_from(o) := key(o.kind, namespace(o), parts[0]) if {
	parts := split(object.get(o.object, ["metadata", "annotations", copy_annotation], ""), "/")
	count(parts) == 1
	parts[0] != ""
}

# present holds what exists with its data: candidates that copy nothing,
# and the declared out-of-band objects (d1's git secrets by default).
present := {key(o.kind, namespace(o), o.name) | some o in candidates; not copy_from(o)} | {key(o.kind, o.namespace, o.name) | some o in object.get(input.cluster, "outOfBand", [])}

# copies maps an object annotated copyFrom to what it copies from. Flux
# Operator fills it with the data of that object, so it is only as good as
# its source: it resolves when following the copies reaches something
# present.
copies := {k: {copy_from(o) | some o in candidates; key(o.kind, namespace(o), o.name) == k} |
	some c in candidates
	copy_from(c)
	k := key(c.kind, namespace(c), c.name)
}

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

annotation_of(k) := v if {
	some o in candidates
	key(o.kind, namespace(o), o.name) == k
	v := o.object.metadata.annotations[copy_annotation]
}

# shown_key writes "Kind/namespace/name" as "Kind namespace/name".
shown_key(k) := sprintf("%s %s", [parts[0], concat("/", array.slice(parts, 1, count(parts)))]) if parts := split(k, "/")
