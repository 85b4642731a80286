// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package profile

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/d1lint/d1lint/internal/model"
)

func TestDetect(t *testing.T) {
	runtimeInfo := &model.Cluster{Name: "staging", RuntimeInfoLocation: &model.Location{Path: "clusters/staging/runtime-info.yaml"}}
	tenant := &model.Cluster{Name: "prod-eu", Kustomizations: []*model.Kustomization{
		{Key: "flux-system/flux-system", Namespace: "flux-system", Name: "flux-system"},
		{Key: "flux-system/flux-apps-tenant", Namespace: "flux-system", Name: "flux-apps-tenant"},
	}}
	lockdown := &model.Cluster{Name: "prod-us", Era: "operator", Flux: model.Flux{Multitenant: true}}
	plain := &model.Cluster{Name: "dev", Era: "bootstrap", Flux: model.Flux{Multitenant: true}, Kustomizations: []*model.Kustomization{
		{Key: "flux-system/tenants", Namespace: "flux-system", Name: "tenants", Path: "./tenants/staging"},
		{Key: "apps/flux-apps-tenant", Namespace: "apps", Name: "flux-apps-tenant"},
	}}
	for name, tc := range map[string]struct {
		clusters []*model.Cluster
		want     Choice
	}{
		"runtime-info": {[]*model.Cluster{plain, runtimeInfo}, Choice{D1, true, "cluster staging has runtime-info"}},
		"runtime-info comes first": {[]*model.Cluster{lockdown, tenant, runtimeInfo},
			Choice{D1, true, "cluster staging has runtime-info"}},
		"d1's tenants": {[]*model.Cluster{lockdown, tenant},
			Choice{D1, true, "cluster prod-eu has d1's tenant Kustomization flux-system/flux-apps-tenant"}},
		"multi-tenant FluxInstance": {[]*model.Cluster{plain, lockdown}, Choice{D1, true, "cluster prod-us has a multi-tenant FluxInstance"}},
		// flux2-multi-tenancy: tenants and lockdown of its own, in the
		// bootstrap era, and no runtime-info.
		"other layouts": {[]*model.Cluster{plain},
			Choice{Generic, true, "no cluster has runtime-info, d1's tenant Kustomizations or a multi-tenant FluxInstance"}},
		"no cluster": {nil, Choice{Generic, true, "no cluster has runtime-info, d1's tenant Kustomizations or a multi-tenant FluxInstance"}},
	} {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, Detect(&model.Fleet{Clusters: tc.clusters}))
		})
	}
	assert.Equal(t, Generic, Detect(nil).Name)
}

func TestResolve(t *testing.T) {
	fl := &model.Fleet{Clusters: []*model.Cluster{{Name: "staging", RuntimeInfo: map[string]string{"ENVIRONMENT": "staging"}}}}
	assert.Equal(t, Choice{Name: Generic, Reason: "configured"}, Resolve(Generic, fl), "the configured profile wins")
	assert.Equal(t, Choice{D1, true, "cluster staging has runtime-info"}, Resolve("", fl))
	assert.Equal(t, "generic (configured)", Resolve(Generic, fl).String())
	assert.Equal(t, "d1 (detected: cluster staging has runtime-info)", Resolve("", fl).String())
}

func TestCheck(t *testing.T) {
	assert.NoError(t, Check(D1))
	assert.NoError(t, Check(Generic))
	assert.EqualError(t, Check("D1"), `unknown profile "D1": expected d1 or generic`)
}
