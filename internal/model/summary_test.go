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
		"unresolved": 0, "problems": 0, "warnings": 0, "complete": true}`, string(data))
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
