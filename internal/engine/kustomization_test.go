// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/model"
)

func TestKustomizationKey(t *testing.T) {
	k, err := KustomizationKey("apps")
	require.NoError(t, err)
	assert.Equal(t, "flux-system/apps", k)
	k, err = KustomizationKey("shop/flux-shop")
	require.NoError(t, err)
	assert.Equal(t, "shop/flux-shop", k)
	for _, bad := range []string{"", "/x", "x/", "a/b/c"} {
		_, err := KustomizationKey(bad)
		assert.True(t, errors.Is(err, ErrUsage), bad)
	}
}

func TestSelectKustomization(t *testing.T) {
	obj := func(kind, by string) *model.Object {
		return &model.Object{ObjectID: model.ObjectID{Kind: kind, Name: kind}, AppliedBy: by}
	}
	chart := obj("Deployment", "flux-system/apps")
	chart.HelmRelease = "apps/podinfo"
	gen := obj("Namespace", "flux-system/apps")
	gen.ResourceSet = "flux-system/tenants"
	a := &model.Cluster{Name: "a",
		Kustomizations: []*model.Kustomization{{Key: "flux-system/flux-system", Status: model.StatusRendered}, {Key: "flux-system/apps", Status: model.StatusFailed, Reason: "build failed"}},
		Objects:        []*model.Object{obj("Kustomization", "flux-system/flux-system"), obj("HelmRelease", "flux-system/apps"), chart, gen},
		HelmReleases:   []*model.HelmRelease{{ObjectID: model.ObjectID{Name: "podinfo"}, AppliedBy: "flux-system/apps"}},
		Variables:      []*model.VarRef{{Name: "X", Kustomization: "flux-system/flux-system"}},
		Problems: []*model.Problem{
			{Kind: model.ProblemBuild, Kustomization: "flux-system/apps", Reason: "bad patch"},
			{Kind: model.ProblemChartMissing, Kustomization: "flux-system/apps", HelmRelease: "apps/podinfo", Reason: "no chart"},
			{Kind: model.ProblemBuild, Kustomization: "flux-system/flux-system", Reason: "elsewhere"},
		},
	}
	b := &model.Cluster{Name: "b", Kustomizations: []*model.Kustomization{{Key: "flux-system/flux-system"}}}
	fl := &model.Fleet{Version: model.Version, Clusters: []*model.Cluster{a, b}}

	out, missing, err := SelectKustomization(fl, "apps")
	require.NoError(t, err)
	assert.Equal(t, []string{"b"}, missing)
	require.Len(t, out.Clusters, 1)
	c := out.Clusters[0]
	require.Len(t, c.Objects, 1, "not the chart's object, nor the ResourceSet's")
	assert.Equal(t, "HelmRelease", c.Objects[0].Kind)
	assert.Len(t, c.HelmReleases, 1)
	assert.Empty(t, c.Variables)
	require.Len(t, c.Problems, 1, "the problems of its own build, not of the charts it installs")
	assert.Equal(t, "bad patch", c.Problems[0].Reason)
	assert.False(t, c.Completeness.Complete)
	assert.Len(t, a.Objects, 4, "the fleet given is left as it was")

	_, _, err = SelectKustomization(fl, "ap")
	require.ErrorIs(t, err, ErrUsage)
	assert.Contains(t, err.Error(), "did you mean flux-system/apps?")
	_, _, err = SelectKustomization(fl, "zzzzzzzzzz")
	require.ErrorIs(t, err, ErrUsage)
	assert.Contains(t, err.Error(), "(have: flux-system/apps, flux-system/flux-system)")
}
