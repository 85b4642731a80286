// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package model defines the cluster model: the complete desired state of one
// cluster as Flux would apply it, with the provenance of every object. It is
// what the rules read, serialised as JSON; docs/model.md documents it.
package model

import (
	"strconv"
	"strings"
)

// Version is the version of the cluster model's JSON shape. Rules written
// against one version keep working until it changes.
const Version = "v1alpha1"

// Fleet is every cluster of a fleet.
type Fleet struct {
	// Version is the model version (Version).
	Version string `json:"version"`
	// Clusters are sorted by name.
	Clusters []*Cluster `json:"clusters"`
	// Mappings are the local copies the repositories were read from, and
	// where each mapping came from (see Mapping), sorted by repository,
	// branch and path.
	Mappings []Mapping `json:"mappings,omitempty"`
}

// Mapping origins (Mapping.Origin).
const (
	// MappingFlag: a --source flag.
	MappingFlag = "flag"
	// MappingConfig: sources: in .d1lint.yaml.
	MappingConfig = "config"
	// MappingFleet: the fleet checkout, for the repository it is.
	MappingFleet = "fleet"
	// MappingSiblingRemote: a git checkout beside the fleet (or the current
	// checkout) whose git remote is the repository's URL.
	MappingSiblingRemote = "sibling-remote"
	// MappingSiblingName: a git checkout beside the fleet (or the current
	// checkout) named like the repository, with no remote naming another.
	MappingSiblingName = "sibling-name"
)

// Mapping says which local folder stood for a repository URL, and why.
type Mapping struct {
	// URL is the repository's URL as the mapping (or, for one found, the
	// first source that asked for it) spells it.
	URL string `json:"url"`
	// Repo is the normalised URL, as locations name repositories.
	Repo string `json:"repo"`
	// Branch is the branch the folder stands for ("": the branch it has
	// checked out, and any other from its git objects).
	Branch string `json:"branch,omitempty"`
	// Path is the folder, as the user gave it or relative to the working
	// directory as the user gave the fleet (../d1-infra).
	Path string `json:"path"`
	// Revision, when set, is the git revision of Path that was read in
	// place of its working tree (--at, --new-since).
	Revision string `json:"revision,omitempty"`
	// Origin is flag, config, fleet, sibling-remote or sibling-name (empty
	// for a mapping a program made).
	Origin string `json:"origin,omitempty"`
	// How says it in words: "--source", ".d1lint.yaml", "found beside the
	// fleet by its git remote origin".
	How string `json:"how,omitempty"`
	// Used is true when a source of a rendered cluster names the URL.
	Used bool `json:"used"`
	// Warning says what looks wrong with an explicit mapping: no cluster
	// names its URL (with the nearest URL one does), or its folder's git
	// remotes say it is another repository.
	Warning string `json:"warning,omitempty"`
}

// String says where the repository was read from: "URL@BRANCH → PATH
// (how)".
func (m Mapping) String() string {
	s := m.URL
	if m.Branch != "" {
		s += "@" + m.Branch
	}
	s += " → " + m.Path
	if m.Revision != "" {
		s += " at " + m.Revision
	}
	if m.How != "" {
		s += " (" + m.How + ")"
	}
	return s
}

// Cluster is the rendered desired state of one cluster.
type Cluster struct {
	// Name is the folder name under clusters/ (d1), else the cluster
	// folder's name or the name .d1lint.yaml's clusters: gives it.
	Name string `json:"name"`
	// Path is the cluster folder in the fleet repository, relative to the
	// repository's root as Flux's spec.path is (clusters/<name> in d1).
	Path string `json:"path"`
	// Era is "operator" (FluxInstance) or "bootstrap" (the root
	// Kustomization and its GitRepository are manifests in git, as
	// gotk-sync.yaml's are).
	Era string `json:"era"`
	// Discovery says how the cluster and its root were found.
	Discovery *Discovery `json:"discovery,omitempty"`
	// Environment is runtime-info's ENVIRONMENT.
	Environment string `json:"environment,omitempty"`
	// RuntimeInfo is the data of the flux-system/flux-runtime-info ConfigMap.
	RuntimeInfo map[string]string `json:"runtimeInfo,omitempty"`
	// RuntimeInfoLocation is where runtime-info is defined.
	RuntimeInfoLocation *Location `json:"runtimeInfoLocation,omitempty"`
	// Flux describes the Flux installation.
	Flux Flux `json:"flux"`
	// Root is the key of the cluster's root Kustomization
	// (flux-system/flux-system in d1).
	Root string `json:"root"`
	// Sources are the Flux sources of the cluster and how each was resolved, sorted by key.
	Sources []*Source `json:"sources"`
	// Kustomizations are the Flux Kustomizations, in apply order.
	Kustomizations []*Kustomization `json:"kustomizations"`
	// Objects are all rendered objects, in apply order.
	Objects []*Object `json:"objects"`
	// Generated are objects that exist only because a Kyverno generate policy
	// in the render clones them (used for substituteFrom look-ups).
	Generated []*Object `json:"generated,omitempty"`
	// OutOfBand are the declared out-of-band objects that apply to the
	// cluster (the configuration's outOfBand, d1's git secrets by default),
	// sorted by kind, namespace and name. They exist on the cluster without
	// being in git, so a reference to one resolves; Clusters is left out.
	OutOfBand []OutOfBandObject `json:"outOfBand,omitempty"`
	// Variables are the postBuild variable references found in the render.
	Variables []*VarRef `json:"variables"`
	// HelmReleases are the HelmReleases of the render and how their
	// charts rendered, in apply order.
	HelmReleases []*HelmRelease `json:"helmReleases"`
	// ResourceSets are the Flux Operator ResourceSets of the render and
	// what they generated, in apply order.
	ResourceSets []*ResourceSet `json:"resourceSets,omitempty"`
	// Problems are what stopped part of the render.
	Problems []*Problem `json:"problems"`
	// Completeness says whether all of the cluster was rendered, and what
	// was not.
	Completeness Completeness `json:"completeness"`
	// Schemas says which schemas validated the objects; nil when schema
	// validation did not run.
	Schemas *Schemas `json:"schemas,omitempty"`
}

// How a cluster was found (Discovery.How).
const (
	// FoundInstance: a FluxInstance.
	FoundInstance = "FluxInstance"
	// FoundBootstrap: flux bootstrap's gotk-sync.yaml.
	FoundBootstrap = "gotk-sync"
	// FoundKustomization: a Flux Kustomization applying its own folder.
	FoundKustomization = "Kustomization"
	// FoundAssumed: a folder under clusters/ with Flux manifests but no
	// root, whose root flux bootstrap would create is assumed.
	FoundAssumed = "assumed"
)

// Discovery says how d1lint found a cluster and its root.
type Discovery struct {
	// How is FoundInstance, FoundBootstrap, FoundKustomization or
	// FoundAssumed.
	How string `json:"how"`
	// Configured is true when .d1lint.yaml's clusters: lists the cluster.
	Configured bool `json:"configured,omitempty"`
	// Location is the file and line of the root: the FluxInstance, or the
	// root Kustomization (absent when assumed).
	Location *Location `json:"location,omitempty"`
}

// Flux describes the Flux installation of a cluster.
type Flux struct {
	// Version is FluxInstance distribution.version (e.g. "2.7.x") or the
	// bootstrap era's "Flux Version" (e.g. "v2.7.5").
	Version string `json:"version,omitempty"`
	// Components are the installed controllers.
	Components []string `json:"components,omitempty"`
	// Multitenant is true when multi-tenancy lockdown is on (FluxInstance
	// cluster.multitenant, or --no-cross-namespace-refs=true on the controllers).
	Multitenant bool `json:"multitenant"`
	// NoCrossNamespaceRefs is the controllers' flag (bootstrap era) or implied by Multitenant.
	NoCrossNamespaceRefs bool `json:"noCrossNamespaceRefs"`
	// DefaultServiceAccount is the tenant default service account.
	DefaultServiceAccount string `json:"defaultServiceAccount,omitempty"`
	// ControllerFlags are the args of each controller Deployment (bootstrap era).
	ControllerFlags map[string][]string `json:"controllerFlags,omitempty"`
	// Location is the FluxInstance or gotk-components.yaml.
	Location *Location `json:"location,omitempty"`
}

// Location is where something is defined.
type Location struct {
	// Repo is the normalised repository URL (github.com/org/repo).
	Repo string `json:"repo"`
	// Branch is the branch the repository was read at.
	Branch string `json:"branch,omitempty"`
	// Tag is the git tag it was read at, when a tag rather than a branch
	// decided the revision (a GitRepository's spec.ref.tag, an OCI
	// artifact's release: frontend/v0.0.5).
	Tag string `json:"tag,omitempty"`
	// Commit is the commit it was read at (empty for a plain folder).
	Commit string `json:"commit,omitempty"`
	// Path is relative to the repository root, slash-separated.
	Path string `json:"path"`
	// Line is 1-based; 0 when unknown.
	Line int `json:"line,omitempty"`
}

// ObjectID identifies a Kubernetes object.
type ObjectID struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
}

// Object is one rendered object with its provenance.
type Object struct {
	ObjectID
	// Location is the file and line that define it.
	Location Location `json:"location"`
	// AppliedBy is the key of the Flux Kustomization that applies it.
	AppliedBy string `json:"appliedBy"`
	// Chain is the Kustomization keys from the root to AppliedBy.
	Chain []string `json:"chain"`
	// Object is the full object after postBuild substitution, with the
	// owner labels kustomize-controller sets (kustomize.toolkit.fluxcd.io/name
	// and /namespace of AppliedBy) and spec.commonMetadata.
	Object map[string]any `json:"object"`
	// NotApplied says why kustomize-controller never applies the object
	// (its apply options' exclusion selector matches it): "annotation
	// kustomize.toolkit.fluxcd.io/reconcile: disabled", or the same of a
	// label or of kustomize.toolkit.fluxcd.io/ssa: Ignore. Empty for the
	// objects Flux applies. Such an object is in the model for what the
	// build produces; it is not looked up (sources, substituteFrom,
	// Kyverno), not validated, and rules about the cluster ignore it.
	NotApplied string `json:"notApplied,omitempty"`
	// Remote names the remote cluster the object is applied to, when
	// AppliedBy has spec.kubeConfig (Kustomization.Remote): the object is
	// in the model for what the build produces and its schema, but it is
	// not on this cluster, so it is not looked up (sources, substituteFrom,
	// Kyverno), nothing it declares is rendered, and rules about the
	// cluster ignore it.
	Remote string `json:"remote,omitempty"`
	// HelmRelease, for an object a chart renders, is the key
	// ("<namespace>/<name>") of the HelmRelease that installs it; AppliedBy
	// and Chain are then those of the HelmRelease, and Location is the
	// HelmRelease's definition, or the chart file in git when the chart is
	// read from git. helm-controller applies it, impersonating the
	// HelmRelease's service account.
	HelmRelease string `json:"helmRelease,omitempty"`
	// Chart is the chart that renders it, "<name>@<version>".
	Chart string `json:"chart,omitempty"`
	// Template is the chart file that renders it, as Helm names it
	// ("podinfo/templates/deployment.yaml"; "kyverno/crds/x.yaml" for a CRD
	// of a crds/ folder).
	Template string `json:"template,omitempty"`
	// Hook is the object's helm.sh/hook annotation when it is a Helm hook.
	Hook string `json:"hook,omitempty"`
	// ResourceSet, for an object a Flux Operator ResourceSet generates, is
	// the key ("<namespace>/<name>") of that ResourceSet; AppliedBy and
	// Chain are those of the ResourceSet, and Location is the ResourceSet's
	// definition, at the line of the resource that generates it. Flux
	// Operator applies it as the ResourceSet's service account.
	ResourceSet string `json:"resourceSet,omitempty"`
	// Input is the input set a ResourceSet generated the object from.
	Input map[string]any `json:"input,omitempty"`
	// Schema is the schema validation verdict when it is worth reading:
	// nil when the object is valid and its API version current, or when
	// validation did not run (Cluster.Schemas is nil then).
	Schema *SchemaResult `json:"schema,omitempty"`
}

// Schema validation statuses.
const (
	SchemaValid   = "valid"
	SchemaInvalid = "invalid"
	// SchemaMissing: no schema is known for the kind and API version.
	SchemaMissing = "missing"
	// SchemaRemoved: the cluster's CRD for the kind no longer serves the
	// API version (Flux's apply would fail: no matches for kind).
	SchemaRemoved = "removed"
)

// SchemaResult is the schema validation verdict on one object.
type SchemaResult struct {
	// Status is valid, invalid, missing or removed.
	Status string `json:"status"`
	// Errors are the schema violations of an invalid object, sorted by path.
	Errors []SchemaError `json:"errors,omitempty"`
	// Source names the schema used or consulted, e.g. "kubernetes v1.37.2",
	// "flux v2.7.5", "render" (a CRD in the cluster's own render) or a
	// --schema-location.
	Source string `json:"source,omitempty"`
	// Deprecated is true when the CRD marks the API version deprecated.
	Deprecated bool `json:"deprecated,omitempty"`
	// Replacement is the API version to use instead (removed or deprecated):
	// the CRD's storage version.
	Replacement string `json:"replacement,omitempty"`
	// Warning is the CRD's deprecationWarning, if any.
	Warning string `json:"warning,omitempty"`
}

// SchemaError is one schema violation.
type SchemaError struct {
	// Path is the field, e.g. "spec.template.spec.containers[0].image"
	// (empty for the object itself).
	Path string `json:"path"`
	// Message says what is wrong.
	Message string `json:"message"`
	// Location is where the field is defined, when it can be told apart
	// from the object's own location.
	Location *Location `json:"location,omitempty"`
	// Segments are Path's keys and indices, unescaped (not serialised).
	Segments []string `json:"-"`
}

// Schemas says which schemas validated a cluster.
type Schemas struct {
	// KubernetesVersion is the Kubernetes release of the built-in kinds' schemas.
	KubernetesVersion string `json:"kubernetesVersion"`
	// FluxVersion is the bundled Flux release whose CRD schemas were used
	// for the Flux kinds the render's own CRDs do not define.
	FluxVersion string `json:"fluxVersion,omitempty"`
	// FluxFrom is "render" when the render carries Flux's CRDs (bootstrap
	// era's gotk-components.yaml), which then take precedence; else "bundle".
	FluxFrom string `json:"fluxFrom"`
	// Locations are the --schema-location templates consulted first.
	Locations []string `json:"locations,omitempty"`
	// Validated is how many objects were validated; Missing how many had no schema.
	Validated int `json:"validated"`
	Missing   int `json:"missing"`
	// Notes say what was assumed (a Flux version with no bundled schemas).
	Notes []string `json:"notes,omitempty"`
}

// Ref names an object by kind, namespace and name.
type Ref struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
}

// Kustomization status values.
const (
	StatusRendered = "rendered"
	StatusFailed   = "failed"
	StatusSkipped  = "skipped"
)

// Kustomization is a node of the Flux Kustomization graph.
type Kustomization struct {
	// Key is "<namespace>/<name>".
	Key       string `json:"key"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Parent is the key of the Kustomization that applies it; empty for the root.
	Parent string `json:"parent,omitempty"`
	// Children are the keys of the Kustomizations it applies, sorted.
	Children []string `json:"children,omitempty"`
	// Chain is the keys from the root to this Kustomization, itself included.
	Chain []string `json:"chain"`
	// Path is spec.path after the parent's substitution.
	Path string `json:"path"`
	// SourceRef is spec.sourceRef with the namespace defaulted.
	SourceRef Ref `json:"sourceRef"`
	// Source is the key of the resolved source ("<Kind>/<namespace>/<name>").
	Source string `json:"source,omitempty"`
	// DependsOn are spec.dependsOn with namespaces defaulted.
	DependsOn []Ref `json:"dependsOn,omitempty"`
	// After are the Kustomizations it waits to be Ready for although its
	// spec.dependsOn does not name them: the dependsOn entries with
	// ready: true of the ResourceSet that generates it, for which Flux
	// Operator waits before it generates anything.
	After []Ref `json:"after,omitempty"`
	// Wait is spec.wait.
	Wait bool `json:"wait"`
	// HealthChecks are spec.healthChecks.
	HealthChecks []Ref `json:"healthChecks,omitempty"`
	// ServiceAccountName is spec.serviceAccountName ("" when unset).
	ServiceAccountName string `json:"serviceAccountName,omitempty"`
	// TargetNamespace is spec.targetNamespace.
	TargetNamespace string `json:"targetNamespace,omitempty"`
	// Prune is spec.prune.
	Prune bool `json:"prune"`
	// Suspend is spec.suspend.
	Suspend bool `json:"suspend,omitempty"`
	// PostBuild is spec.postBuild; nil when absent (no substitution runs).
	PostBuild *PostBuild `json:"postBuild,omitempty"`
	// Status is rendered, failed or skipped.
	Status string `json:"status"`
	// Reason says why it failed or was skipped.
	Reason string `json:"reason,omitempty"`
	// Objects is how many objects it applies.
	Objects int `json:"objects"`
	// Revision is the repository, branch and commit it was built from.
	Revision *Location `json:"revision,omitempty"`
	// Remote names the remote cluster its spec.kubeConfig points at
	// ("Secret <namespace>/<name>", "ConfigMap <namespace>/<name>", or the
	// provider): kustomize-controller builds it here, with this cluster's
	// source and variables, and applies what it builds to that cluster.
	Remote string `json:"remote,omitempty"`
	// Location is where the Kustomization itself is defined (nil for a
	// root that Flux Operator creates from the FluxInstance).
	Location *Location `json:"location,omitempty"`
	// Spec is the full spec as applied.
	Spec map[string]any `json:"spec"`
}

// PostBuild is a Kustomization's spec.postBuild.
type PostBuild struct {
	Substitute     map[string]string `json:"substitute,omitempty"`
	SubstituteFrom []SubstituteRef   `json:"substituteFrom,omitempty"`
}

// SubstituteRef is one spec.postBuild.substituteFrom entry.
type SubstituteRef struct {
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	Optional bool   `json:"optional,omitempty"`
	// Found is whether the ConfigMap or Secret exists in the render, as a
	// Kyverno-generated copy, or as a declared out-of-band object.
	Found bool `json:"found"`
	// From says where it was found: "render", "generated", "out-of-band".
	From string `json:"from,omitempty"`
}

// Source is a Flux source (GitRepository, OCIRepository, Bucket) and how it was resolved.
type Source struct {
	// Key is "<Kind>/<namespace>/<name>".
	Key       string `json:"key"`
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// URL is spec.url.
	URL string `json:"url"`
	// Ref is spec.ref.
	Ref map[string]string `json:"ref,omitempty"`
	// Resolved is true when a local copy was found.
	Resolved bool `json:"resolved"`
	// Reason says why it could not be resolved.
	Reason string `json:"reason,omitempty"`
	// Mode is git, worktree or folder.
	Mode string `json:"mode,omitempty"`
	// LocalPath is the local path it was read from.
	LocalPath string `json:"localPath,omitempty"`
	// Branch and Commit are what was read.
	Branch string `json:"branch,omitempty"`
	Commit string `json:"commit,omitempty"`
	// Tag is the git tag that was read, when a tag rather than a branch
	// decided the revision (an OCI artifact's release: frontend/v0.0.5).
	Tag string `json:"tag,omitempty"`
	// Note says how it was resolved.
	Note string `json:"note,omitempty"`
	// Location is where the source object is defined (nil for a root
	// GitRepository that Flux Operator creates).
	Location *Location `json:"location,omitempty"`
}

// Variable reference status values.
const (
	VarResolved       = "resolved"
	VarDefaulted      = "defaulted"
	VarUndefined      = "undefined"
	VarNotSubstituted = "not-substituted"
)

// VarRef is one ${VAR} reference in a rendered object, as found before
// substitution. Objects labelled or annotated
// kustomize.toolkit.fluxcd.io/substitute: disabled have none: Flux never
// parses them, so their ${...} text is not a reference.
type VarRef struct {
	// Name is the variable name.
	Name string `json:"name"`
	// Expression is the whole reference, e.g. "${REPLICAS:=2}".
	Expression string `json:"expression"`
	// Kustomization is the key of the Kustomization that applies the object.
	Kustomization string `json:"kustomization"`
	// Object is the object holding the reference.
	Object ObjectID `json:"object"`
	// Field is the field path, e.g. "spec.values.host".
	Field string `json:"field"`
	// Path is Field's keys and indices (["spec", "values", "host"]): rules
	// pass it as a finding's field, which d1lint locates to the line.
	Path []string `json:"path"`
	// Operator is the envsubst operator of the expression, as Flux's
	// envsubst parser names it: empty for ${VAR}; ":-", ":=", "=", ":+",
	// ":?" (a fallback); "#" (the length ${#VAR} without an argument, else
	// a prefix trim), "##", "%", "%%", ":" (a substring), "/", "//", "/#",
	// "/%", ",", ",,", "^", "^^".
	Operator string `json:"operator,omitempty"`
	// Status is resolved, defaulted, undefined or not-substituted.
	Status string `json:"status"`
	// Substituted is whether postBuild substitution ran on the object.
	Substituted bool `json:"substituted"`
	// HasDefault is whether the expression supplies a fallback.
	HasDefault bool `json:"hasDefault,omitempty"`
	// Location is where the object is defined.
	Location Location `json:"location"`
}

// HelmRelease statuses (HelmRelease.Status).
const (
	// ChartRendered: the chart was rendered; its objects are in the model.
	ChartRendered = "rendered"
	// ChartMissing: the chart is neither in git nor in the chart cache.
	ChartMissing = "chart-missing"
	// ChartNotRendered: beyond what d1lint renders (a Bucket chart source,
	// values from an out-of-band Secret).
	ChartNotRendered = "not-rendered"
	// ChartFailed: the chart does not render (Helm's error, values the
	// chart's schema rejects, a missing dependency, a values reference that
	// does not exist): helm-controller fails the release too.
	ChartFailed = "failed"
)

// ResourceSet is a Flux Operator ResourceSet of the render and what it
// generated.
type ResourceSet struct {
	ObjectID
	// AppliedBy is the key of the Kustomization that applies it.
	AppliedBy string `json:"appliedBy"`
	// Location is where it is defined.
	Location Location `json:"location"`
	// ServiceAccountName is spec.serviceAccountName: the identity Flux
	// Operator applies the generated objects as ("" for its own).
	ServiceAccountName string `json:"serviceAccountName,omitempty"`
	// Status is rendered, not-rendered (its inputs are not known offline),
	// failed (its templates do not render) or waiting (on a dependency the
	// cluster never has).
	Status string `json:"status"`
	// Reason says why it is not rendered or failed.
	Reason string `json:"reason,omitempty"`
	// Inputs is the number of input sets; Objects the number of objects
	// generated.
	Inputs  int `json:"inputs"`
	Objects int `json:"objects"`
	// DependsOn are spec.dependsOn, in order.
	DependsOn []ResourceSetDependency `json:"dependsOn,omitempty"`
}

// ResourceSetDependency is one entry of a ResourceSet's spec.dependsOn:
// an object that must exist (and, with Ready, be ready) first.
type ResourceSetDependency struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
	Ready      bool   `json:"ready,omitempty"`
	// ReadyExpr is the CEL expression that decides readiness, and
	// ExprError its parse error, if any.
	ReadyExpr string `json:"readyExpr,omitempty"`
	ExprError string `json:"exprError,omitempty"`
}

// ResourceSet statuses.
const (
	ResourceSetRendered    = "rendered"
	ResourceSetNotRendered = "not-rendered"
	ResourceSetFailed      = "failed"
	// ResourceSetWaiting: it depends on something the cluster never has,
	// so Flux Operator waits and generates nothing.
	ResourceSetWaiting = "waiting"
)

// Key is "<namespace>/<name>".
func (r *ResourceSet) Key() string { return r.Namespace + "/" + r.Name }

// HelmRelease summarises a HelmRelease and the render of its chart.
type HelmRelease struct {
	ObjectID
	// Chart is spec.chart.spec.chart (a name, or a path for a chart in
	// git), or the chartRef's name.
	Chart string `json:"chart"`
	// Version is spec.chart.spec.version (an exact version or a semver
	// range), or the OCIRepository's tag or semver.
	Version string `json:"version,omitempty"`
	// Source is the chart's source ("<Kind>/<namespace>/<name>").
	Source string `json:"source"`
	// ServiceAccountName is spec.serviceAccountName.
	ServiceAccountName string `json:"serviceAccountName,omitempty"`
	// TargetNamespace and StorageNamespace are the spec fields.
	TargetNamespace  string `json:"targetNamespace,omitempty"`
	StorageNamespace string `json:"storageNamespace,omitempty"`
	// ReleaseName is the Helm release's name (spec.releaseName, else
	// "[<targetNamespace>-]<name>", shortened as helm-controller does).
	ReleaseName string `json:"releaseName,omitempty"`
	// ReleaseNamespace is where Helm installs (targetNamespace, else the
	// HelmRelease's namespace).
	ReleaseNamespace string `json:"releaseNamespace,omitempty"`
	// Status is ChartRendered, ChartMissing, ChartNotRendered or ChartFailed.
	Status string `json:"status,omitempty"`
	// Reason says why the chart was not rendered.
	Reason string `json:"reason,omitempty"`
	// Package, for a packaged chart (a HelmRepository's or an
	// OCIRepository's), is where it is published: what the chart cache is
	// searched for and d1lint charts pull fetches. Nil for a chart in git.
	Package *ChartPackage `json:"package,omitempty"`
	// ChartVersion is the version the chart resolved to.
	ChartVersion string `json:"chartVersion,omitempty"`
	// ChartFrom says where the chart was read: "chart cache <folder>:
	// <file>", or "<repository>@<branch>:<path>" for a chart in git.
	ChartFrom string `json:"chartFrom,omitempty"`
	// Digest is the chart's digest ("sha256:...").
	Digest string `json:"digest,omitempty"`
	// Helm is the major version of the Helm SDK that rendered it: the one
	// the cluster's helm-controller uses.
	Helm int `json:"helm,omitempty"`
	// Objects counts the objects the chart renders.
	Objects int `json:"objects"`
	// CRDs are the CustomResourceDefinitions the chart installs, by name.
	CRDs []string `json:"crds,omitempty"`
	// Remote names the remote cluster its spec.kubeConfig points at (or
	// the one of the Kustomization that applies it).
	Remote string `json:"remote,omitempty"`
	// AppliedBy is the Kustomization that applies it.
	AppliedBy string `json:"appliedBy"`
	// Chain is the Kustomization keys from the root to AppliedBy.
	Chain []string `json:"chain,omitempty"`
	// Location is where it is defined.
	Location Location `json:"location"`
}

// ChartPackage is a packaged chart as a HelmRelease asks for it.
type ChartPackage struct {
	// Kind is the source's kind: HelmRepository or OCIRepository.
	Kind string `json:"kind"`
	// URL is the HelmRepository's URL (https:// or oci://), or the
	// OCIRepository's (the chart's own repository).
	URL string `json:"url"`
	// Name is the chart's name.
	Name string `json:"name"`
	// Version is the HelmRelease's chart version: exact, a semver range or
	// empty (the newest).
	Version string `json:"version,omitempty"`
	// Tag, SemVer and Digest are the OCIRepository's spec.ref.
	Tag    string `json:"tag,omitempty"`
	SemVer string `json:"semver,omitempty"`
	Digest string `json:"digest,omitempty"`
}

// Key is "<namespace>/<name>".
func (h *HelmRelease) Key() string { return h.Namespace + "/" + h.Name }

// Problem kinds.
const (
	ProblemInvalidYAML       = "invalid-yaml"
	ProblemMissingPath       = "missing-path"
	ProblemPathEscape        = "path-escape"
	ProblemAbsolutePath      = "absolute-path"
	ProblemRemoteBase        = "remote-base"
	ProblemBuild             = "build-error"
	ProblemCycle             = "cycle"
	ProblemDuplicate         = "duplicate-kustomization"
	ProblemUnresolvedSource  = "unresolved-source"
	ProblemMissingSource     = "missing-source"
	ProblemMissingSubstitute = "missing-substitute-from"
	ProblemSubstitution      = "substitution-error"
	ProblemFileDropped       = "file-dropped"
	ProblemFileRefused       = "file-refused"
	ProblemInvalidObject     = "invalid-object"
	ProblemCluster           = "cluster-error"
	ProblemLimit             = "limit"
	// ProblemRefused: kustomize-controller refuses the Kustomization's
	// sourceRef (a cross-namespace reference under lockdown), so the
	// Kustomization applies nothing; its content is known to be absent.
	ProblemRefused = "refused-reference"
	// ProblemNotRendered: part of the cluster is beyond what d1lint renders
	// (a source kind it does not read yet). A limitation of d1lint, not a
	// mistake of the user; its content is unknown.
	ProblemNotRendered = "not-rendered"
	// ProblemChartMissing: a HelmRelease's chart is neither in git nor in
	// the chart cache. A limitation of the set-up, not a mistake in the
	// fleet: the release's content is unknown (a gap at chart depth).
	ProblemChartMissing = "chart-missing"
	// ProblemChartError: a HelmRelease's chart does not render (Helm's
	// error, a missing dependency, a values reference that does not exist).
	ProblemChartError = "chart-error"
	// ProblemChartValues: the values of a HelmRelease violate its chart's
	// values.schema.json; Field is the value's path under the HelmRelease.
	ProblemChartValues = "chart-values"
	// ProblemResourceSet: a ResourceSet whose templates do not render, or
	// whose generated objects are invalid; Flux Operator fails it too.
	ProblemResourceSet = "resourceset-error"
)

// Problem is a structured record of something that stopped part of a render.
type Problem struct {
	// Kind is one of the Problem* constants.
	Kind string `json:"kind"`
	// Kustomization is the key of the Kustomization concerned, if any.
	Kustomization string `json:"kustomization,omitempty"`
	// HelmRelease is the key of the HelmRelease concerned, if any (its
	// Kustomization is the one that applies it).
	HelmRelease string `json:"helmRelease,omitempty"`
	// Location is the file concerned (Line 0 when unknown).
	Location *Location `json:"location,omitempty"`
	// Reason says what went wrong, naming the file.
	Reason string `json:"reason"`
	// Field is the field of the Kustomization the problem is about, when
	// it is one (["spec", "components", "1"]), or of the HelmRelease
	// (["spec", "values", "replicaCount"]); the finding is then located at
	// that field.
	Field []string `json:"field,omitempty"`
	// Warning is true for problems that do not stop the render (a dropped symlink).
	Warning bool `json:"warning,omitempty"`
}

// String formats the location as "repo@branch:path:line", leaving out the
// parts that are unknown.
func (l Location) String() string {
	s := l.Path
	if l.Repo != "" {
		repo := l.Repo
		if l.Branch != "" {
			repo += "@" + l.Branch
		} else if l.Tag != "" {
			repo += "@" + l.Tag
		}
		s = repo + ":" + l.Path
	}
	if l.Line > 0 {
		s += ":" + strconv.Itoa(l.Line)
	}
	return s
}

// SplitAPIVersion splits "group/version" ("v1" for the core group: group "").
func SplitAPIVersion(apiVersion string) (group, version string) {
	if i := strings.LastIndex(apiVersion, "/"); i >= 0 {
		return apiVersion[:i], apiVersion[i+1:]
	}
	return "", apiVersion
}
