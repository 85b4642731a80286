// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package diff compares two renders of a fleet: which objects each cluster
// gains, loses or changes, which Helm chart versions move, and which
// findings a change introduces or fixes.
package diff

import (
	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
)

// Change kinds.
const (
	Added    = "added"
	Removed  = "removed"
	Modified = "modified"
)

// Change is one object that differs between the two renders of a cluster.
type Change struct {
	// Kind is added, removed or modified.
	Kind string `json:"kind"`
	// Object names the object.
	Object model.ObjectID `json:"object"`
	// Location is where the object is defined: in the new render, or in
	// the old one for a removed object.
	Location model.Location `json:"location"`
	// AppliedBy is the Flux Kustomization that applies it.
	AppliedBy string `json:"appliedBy,omitempty"`
	// Fields are the changed fields of a modified object
	// (spec.values.replicas), sorted.
	Fields []string `json:"fields,omitempty"`
}

// ChartChange is a HelmRelease whose chart version differs.
type ChartChange struct {
	Release model.ObjectID `json:"release"`
	Chart   string         `json:"chart"`
	From    string         `json:"from"`
	To      string         `json:"to"`
}

// Cluster is what changes on one cluster.
type Cluster struct {
	Name string `json:"name"`
	// Only says that the cluster exists in one render only: "base" or
	// "head"; empty when it exists in both.
	Only    string        `json:"only,omitempty"`
	Changes []Change      `json:"changes"`
	Charts  []ChartChange `json:"charts,omitempty"`
	// Introduced and Fixed are the findings the change adds and removes
	// (by fingerprint).
	Introduced []finding.Finding `json:"introduced,omitempty"`
	Fixed      []finding.Finding `json:"fixed,omitempty"`
}
