// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package helm renders a Helm chart offline exactly as Flux's
// helm-controller installs it: with the Helm 3 SDK as helm-controller v1.4
// (Flux 2.7) does, or with the Helm 4 SDK as helm-controller v1.5 (Flux
// 2.8) does, chosen per call (Request.Major).
//
// The install is Helm's own install action in the client-only dry run of
// `helm template` (a memory release storage, no cluster: lookup finds
// nothing), with helm-controller's settings: crds/ handled by the
// controller under the install.crds policy, the HelmRelease's
// post-renderers (kustomize patches and images), spec.commonMetadata and
// the origin labels helm.toolkit.fluxcd.io/name and /namespace, in
// helm-controller's order. What helm-controller does and this package
// follows is cited where it is done.
//
// Before it returns objects, Render checks what Helm checks: the chart's
// enabled dependencies are vendored (DependencyError) and the values meet
// the charts' values.schema.json (ValuesError, with paths from the
// top-level values). A schema's $refs are read from the chart's own files
// only, never from the network.
//
// A chart is loaded once (LoadArchive for a package, LoadFiles for a chart
// folder from git) and rendered any number of times, concurrently.
//
// Without kustomize post-renderers, Render replays Helm's install step by
// step and sets the origin labels and commonMetadata itself rather than
// through kustomize (fast.go), giving exactly the objects of Helm's
// install with helm-controller's post-renderer, which it falls back to for
// anything it cannot reproduce; a Chart keeps what its renders parse of
// its large documents (CRDs) for the next ones.
package helm
