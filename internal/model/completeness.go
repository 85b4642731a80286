// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package model

// Completeness says whether d1lint rendered all of a cluster. When part of
// it was not rendered (a failed build, an unresolved source, a Kustomization
// waiting on one of those), what the cluster holds is only partly known:
// a rule that concludes "X does not exist" or "nothing installs X" cannot
// tell, since the missing part could provide X. Such conclusions are
// unknown, not errors (policies/lib/completeness.rego).
type Completeness struct {
	// Complete is true when every Flux Kustomization was rendered and no
	// problem stopped part of the render.
	Complete bool `json:"complete"`
	// Gaps are the parts not rendered, each with why.
	Gaps []Gap `json:"gaps,omitempty"`
	// ChartsOnly is true when every gap is a chart that is not in the
	// chart cache (DepthChart): the cluster is rendered down to its
	// HelmReleases, and only the content of those charts is unknown. That
	// is a matter of set-up (d1lint charts pull), so it does not fail a
	// check unless charts are required.
	ChartsOnly bool `json:"chartsOnly,omitempty"`
}

// DepthChart marks a gap at chart depth: a HelmRelease whose chart is not
// available offline.
const DepthChart = "chart"

// Gap is one part of a cluster that was not rendered.
type Gap struct {
	// Kustomization is the key of the Kustomization not rendered (empty for
	// a problem of the cluster itself, or of a file in a rendered one).
	Kustomization string `json:"kustomization,omitempty"`
	// HelmRelease is the key of the HelmRelease whose chart was not
	// rendered, for a gap at chart depth.
	HelmRelease string `json:"helmRelease,omitempty"`
	// Depth is DepthChart for a chart that is not available offline, else
	// empty.
	Depth string `json:"depth,omitempty"`
	// Reason says why, as the Kustomization's status or the problem does.
	Reason string `json:"reason"`
	// Location is the Kustomization's definition or the problem's file.
	Location *Location `json:"location,omitempty"`
}

// Assess computes c.Completeness from the Kustomizations' statuses and the
// problems.
func (c *Cluster) Assess() {
	out := Completeness{Complete: true}
	// A Kustomization whose substituteFrom object does not exist, or whose
	// sourceRef kustomize-controller refuses, is one Flux never applies
	// either: its content is known to be absent, not unknown (D1-0403 and
	// D1-0106 report them).
	neverApplied := map[string]bool{}
	for _, p := range c.Problems {
		if p.Kind == ProblemMissingSubstitute || p.Kind == ProblemRefused {
			neverApplied[p.Kustomization] = true
		}
	}
	unrendered := map[string]bool{}
	for _, k := range c.Kustomizations {
		if k.Status == StatusRendered || neverApplied[k.Key] {
			continue
		}
		unrendered[k.Key] = true
		reason := k.Reason
		if reason == "" {
			reason = k.Status
		}
		out.Gaps = append(out.Gaps, Gap{Kustomization: k.Key, Reason: reason, Location: k.Location})
	}
	for _, p := range c.Problems {
		if p.Warning || unrendered[p.Kustomization] || neverApplied[p.Kustomization] {
			continue
		}
		g := Gap{Kustomization: p.Kustomization, HelmRelease: p.HelmRelease, Reason: p.Reason, Location: p.Location}
		if p.Kind == ProblemChartMissing {
			g.Depth = DepthChart
		}
		out.Gaps = append(out.Gaps, g)
	}
	out.Complete = len(out.Gaps) == 0
	out.ChartsOnly = !out.Complete
	for _, g := range out.Gaps {
		out.ChartsOnly = out.ChartsOnly && g.Depth == DepthChart
	}
	c.Completeness = out
}
