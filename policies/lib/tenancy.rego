# METADATA
# description: |
#   Who is a tenant. The platform's Kustomizations live in the privileged
#   namespaces (d1: flux-system, holding the fleet root and the infra
#   tenant); what a Kustomization in any other namespace applies belongs to
#   a tenant.
package d1lint.lib.tenancy

import data.d1lint.lib.applied

default privileged_namespaces := ["flux-system"]

privileged_namespaces := input.config.privilegedNamespaces

# privileged holds for the platform's namespaces.
privileged(ns) if ns in privileged_namespaces

# namespace_of is the namespace of a "<namespace>/<name>" key.
namespace_of(key) := split(key, "/")[0]

# owner is the namespace whose identity applies an object: a ResourceSet's
# for what it generates (Flux Operator applies it as the ResourceSet's
# service account), else the Kustomization's that applies it (or the
# HelmRelease's it installs).
owner(o) := namespace_of(o.resourceSet) if object.get(o, "resourceSet", "") != ""

else := namespace_of(o.appliedBy)

# tenant_reconcilers are the tenant Kustomizations (in a namespace that is
# not privileged) and the HelmReleases tenant Kustomizations apply; a
# complete rule, computed once per cluster.
tenant_reconcilers := {o |
	some o in applied.objects
	tenant_reconciler(o)
}

tenant_reconciler(o) if {
	o.kind == "Kustomization"
	startswith(o.apiVersion, "kustomize.toolkit.fluxcd.io/")
	object.get(o, "namespace", "") != ""
	not privileged(o.namespace)
}

tenant_reconciler(o) if {
	o.kind == "HelmRelease"
	startswith(o.apiVersion, "helm.toolkit.fluxcd.io/")
	object.get(o, "namespace", "") != ""
	not privileged(owner(o))
}
