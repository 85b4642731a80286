// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package model

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAssess(t *testing.T) {
	loc := &Location{Path: "tenants/apps.yaml", Line: 2}
	c := &Cluster{
		Kustomizations: []*Kustomization{
			{Key: "flux-system/root", Status: StatusRendered},
			{Key: "flux-system/apps", Status: StatusSkipped, Reason: "source not resolved", Location: loc},
			{Key: "shop/shop", Status: StatusSkipped, Reason: "waiting for ConfigMap shop/settings"},
		},
		Problems: []*Problem{
			{Kind: ProblemUnresolvedSource, Kustomization: "flux-system/apps", Reason: "source not resolved"},
			{Kind: ProblemMissingSubstitute, Kustomization: "shop/shop", Reason: "ConfigMap shop/settings not found"},
			{Kind: ProblemFileDropped, Reason: "symlink dropped", Warning: true},
			{Kind: ProblemFileRefused, Kustomization: "flux-system/root", Reason: "big.yaml is over 8 MiB"},
		},
	}
	c.Assess()
	assert.False(t, c.Completeness.Complete)
	assert.Equal(t, []Gap{
		{Kustomization: "flux-system/apps", Reason: "source not resolved", Location: loc},
		{Kustomization: "flux-system/root", Reason: "big.yaml is over 8 MiB"},
	}, c.Completeness.Gaps, "a missing substituteFrom object is no gap (Flux never applies it), a warning is none either")

	ok := &Cluster{Kustomizations: []*Kustomization{{Key: "a", Status: StatusRendered}}, Problems: []*Problem{{Warning: true}}}
	ok.Assess()
	assert.Equal(t, Completeness{Complete: true}, ok.Completeness)
}
