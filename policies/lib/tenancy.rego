# METADATA
# description: |
#   Who is a tenant. The platform's Kustomizations live in the privileged
#   namespaces (d1: flux-system, holding the fleet root and the infra
#   tenant); what a Kustomization in any other namespace applies belongs to
#   a tenant.
package d1lint.lib.tenancy

import data.d1lint.lib.applied
import data.d1lint.lib.index

default privileged_namespaces := ["flux-system"]

privileged_namespaces := input.config.privilegedNamespaces

# privileged holds for the platform's namespaces: the configured ones, and
# those a platform ResourceSet hands cluster-admin (delegated).
privileged(ns) if ns in privileged_namespaces

privileged(ns) if ns in delegated

# delegated are the namespaces a ResourceSet of the platform binds to
# cluster-admin: d2 generates each infra component (cert-manager,
# monitoring) with a ResourceSet in flux-system that binds the namespace's
# flux service account to cluster-admin with a ClusterRoleBinding, next to
# the component's Kustomizations. The platform made them platform
# namespaces on purpose, and what reconciles there acts for the platform.
# A binding a Kustomization writes delegates nothing (d1's tenants get
# RoleBindings to admin, and D1-0105 reports a ClusterRoleBinding).
delegated contains ns if {
	some b in applied.of_kind("ClusterRoleBinding")
	object.get(b, "resourceSet", "") != ""
	namespace_of(b.resourceSet) in privileged_namespaces
	b.object.roleRef.kind == "ClusterRole"
	b.object.roleRef.name == "cluster-admin"
	some s in object.get(b.object, "subjects", [])
	s.kind == "ServiceAccount"
	ns := object.get(s, "namespace", "")
	ns != ""
}

# namespace_of is the namespace of a "<namespace>/<name>" key.
namespace_of(key) := split(key, "/")[0]

# owner is the namespace whose identity applies an object: a ResourceSet's
# for what it generates (Flux Operator applies it as the ResourceSet's
# service account), else the Kustomization's that applies it (or the
# HelmRelease's it installs).
owner(o) := namespace_of(o.resourceSet) if object.get(o, "resourceSet", "") != ""

else := namespace_of(o.appliedBy)

# tenant_objects are the applied objects whose owner is not privileged,
# each as [object, owner]: the same as testing owner(o) on every applied
# object, but a cluster is mostly the platform's, so the objects are found
# through the index by who applies them, and those of a privileged
# Kustomization are never visited (unless a ResourceSet generated them:
# the second body). Computed once per cluster.
tenant_objects contains [o, tenant] if {
	some key, is in index.applied_by
	tenant := namespace_of(key)
	not privileged(tenant)
	some i in is
	o := input.cluster.objects[i]
	not o.notApplied
	not o.remote
	object.get(o, "resourceSet", "") == ""
}

tenant_objects contains [o, tenant] if {
	some key, is in index.resource_sets
	tenant := namespace_of(key)
	not privileged(tenant)
	some i in is
	o := input.cluster.objects[i]
	not o.notApplied
	not o.remote
}

# tenant_reconcilers are the tenant Kustomizations and ResourceSets (in a
# namespace that is not privileged) and the HelmReleases tenant
# Kustomizations apply; a complete rule, computed once per cluster.
tenant_reconcilers := {o |
	some kind in reconciler_kinds
	some o in applied.of_kind(kind)
	tenant_reconciler(o)
}

# reconciler_kinds are the kinds tenant_reconciler holds for: the only ones
# tenant_reconcilers visits.
reconciler_kinds := ["Kustomization", "ResourceSet", "HelmRelease"]

tenant_reconciler(o) if {
	o.kind == "Kustomization"
	startswith(o.apiVersion, "kustomize.toolkit.fluxcd.io/")
	object.get(o, "namespace", "") != ""
	not privileged(o.namespace)
}

# A tenant's ResourceSet: Flux Operator applies what it generates as its
# spec.serviceAccountName, or as the operator's own account (which
# Flux's lockdown does not restrict) when it names none.
tenant_reconciler(o) if {
	o.kind == "ResourceSet"
	startswith(o.apiVersion, "fluxcd.controlplane.io/")
	object.get(o, "namespace", "") != ""
	not privileged(o.namespace)
}

tenant_reconciler(o) if {
	o.kind == "HelmRelease"
	startswith(o.apiVersion, "helm.toolkit.fluxcd.io/")
	object.get(o, "namespace", "") != ""
	not privileged(owner(o))
}
