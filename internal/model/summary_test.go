// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package model

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSummarize(t *testing.T) {
	c := &Cluster{Name: "prod-eu", Era: "operator", Environment: "production", RuntimeInfo: map[string]string{"CLUSTER_NAME": "eu"},
		Objects: []*Object{{}, {}, {}},
		Kustomizations: []*Kustomization{
			{Key: "flux-system/flux-system", Status: StatusRendered},
			{Key: "flux-system/apps", Status: StatusFailed},
			{Key: "shop/shop", Status: StatusSkipped},
		},
		Sources: []*Source{
			{Name: "flux-system", URL: "https://github.com/acme/d1-fleet.git", Resolved: true, Branch: "main"},
			{Name: "infra", URL: "ssh://git@github.com/acme/d1-infra.git", Resolved: true, Branch: "production"},
			{Name: "infra-again", URL: "https://github.com/acme/d1-infra", Resolved: true, Branch: "production"},
			{Name: "charts", Resolved: false},
		},
		Problems: []*Problem{{Kind: ProblemBuild}, {Kind: ProblemBuild, Warning: true}, {Kind: ProblemBuild, Warning: true}},
	}
	c.Assess()
	s := Summarize(c)
	assert.False(t, s.Complete, "two Kustomizations and a problem were not rendered")
	assert.Len(t, c.Completeness.Gaps, 3)
	s.Complete = false
	assert.Equal(t, ClusterSummary{Name: "prod-eu", Era: "operator", Environment: "production", RuntimeInfo: map[string]string{"CLUSTER_NAME": "eu"},
		Sources: []string{"charts@unresolved", "d1-fleet@main", "d1-infra@production"}, Objects: 3,
		Kustomizations: 3, Skipped: 2, Unresolved: 1, Problems: 1, Warnings: 2}, s,
		"kustomizations counts them all, skipped those not rendered")

	dev := &Cluster{Name: "dev", Era: "bootstrap"}
	dev.Assess()
	data, err := json.Marshal(Summarize(dev))
	require.NoError(t, err)
	assert.JSONEq(t, `{"name": "dev", "era": "bootstrap", "sources": [], "objects": 0, "kustomizations": 0, "skipped": 0,
		"unresolved": 0, "problems": 0, "warnings": 0, "complete": true, "helmReleases": 0, "charts": 0}`, string(data))
}

// A chart missing from the chart cache is a gap at chart depth: the
// cluster is incomplete, but only charts are missing, and the problem
// counts as a warning.
func TestSummarizeChartsOnly(t *testing.T) {
	c := &Cluster{Name: "staging", Era: "operator",
		HelmReleases: []*HelmRelease{{Status: ChartRendered}, {Status: ChartMissing}, {Status: ChartMissing}},
		Problems:     []*Problem{{Kind: ProblemChartMissing, HelmRelease: "apps/web", Reason: "web 1.0.0 is not in the chart cache"}},
	}
	c.Assess()
	assert.False(t, c.Completeness.Complete)
	assert.True(t, c.Completeness.ChartsOnly)
	assert.Equal(t, []Gap{{HelmRelease: "apps/web", Depth: DepthChart, Reason: "web 1.0.0 is not in the chart cache"}}, c.Completeness.Gaps)
	s := Summarize(c)
	assert.Equal(t, 3, s.HelmReleases)
	assert.Equal(t, 1, s.Charts)
	assert.Equal(t, 2, s.ChartsMissing)
	assert.Equal(t, 0, s.Problems)
	assert.Equal(t, 1, s.Warnings)
	assert.True(t, s.ChartsOnly)

	c.Problems = append(c.Problems, &Problem{Kind: ProblemBuild, Reason: "a build failed"})
	c.Assess()
	assert.False(t, c.Completeness.ChartsOnly, "a gap that is no chart")
}

func TestRepoName(t *testing.T) {
	for in, want := range map[string]string{
		"https://github.com/acme/d1-fleet.git":  "d1-fleet",
		"https://github.com/acme/d1-fleet/":     "d1-fleet",
		"ssh://git@github.com/acme/d1-apps.git": "d1-apps",
		"git@github.com:d1-infra.git":           "d1-infra",
		"oci://ghcr.io/acme/manifests":          "manifests",
		"plain":                                 "plain",
	} {
		assert.Equal(t, want, repoName(in), in)
	}
}
