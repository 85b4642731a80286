// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package render builds, offline, the desired state of every cluster of a
// Flux fleet exactly as Flux would, and stops at the cluster model
// (package model): nothing here validates or judges it.
//
// For each cluster folder (package fleet) it starts at the root sync (a
// FluxInstance's spec.sync, or flux bootstrap's gotk-sync.yaml) and walks
// the Flux Kustomization graph: each Kustomization's source is read at the
// ref it names (package source), built with kustomize-controller's own
// generator and options (fluxcd/pkg/kustomize, kustomize's krusty), its
// postBuild variables substituted (fluxcd/pkg/kustomize and envsubst), and
// its objects recorded with their provenance: repository, branch, commit,
// file, line and the chain of Kustomizations that applied them.
//
// Render returns a Result that owns the source snapshots the render read,
// so that a later stage can still point a finding at the line that sets a
// field (Result.Locate) before Close removes them. Options.Then runs the
// next stage of the pipeline (schema validation) on each cluster as soon as
// it is rendered.
//
// A render stops when its context is done (a signal): a kustomize build
// cannot be interrupted, so the one under way is abandoned to its
// goroutine, and Render removes the snapshots and returns the context's
// cause without waiting for it (kustomize-controller would cancel it; the
// process ends instead).
package render
