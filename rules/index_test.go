// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules

import (
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/assert"

	"github.com/d1lint/d1lint/internal/model"
)

func TestIndexValue(t *testing.T) {
	obj := func(api, kind, ns, name, by string) *model.Object {
		return &model.Object{ObjectID: model.ObjectID{APIVersion: api, Kind: kind, Namespace: ns, Name: name}, AppliedBy: by}
	}
	generated := obj("v1", "ConfigMap", "shop", "b", "flux-system/apps")
	generated.ResourceSet = "flux-system/tenants"
	invalid := obj("apps/v1", "Deployment", "shop", "web", "shop/shop")
	invalid.Schema = &model.SchemaResult{Status: model.SchemaInvalid}
	skipped := obj("v1", "ConfigMap", "shop", "a", "flux-system/apps")
	skipped.NotApplied = "annotation x"
	objects := []*model.Object{
		obj("v1", "Namespace", "", "shop", "flux-system/apps"),
		obj("v1", "ConfigMap", "shop", "a", "shop/shop"),
		invalid,
		skipped,
		generated,
		obj("apps/v1beta1", "Deployment", "shop", "old", "shop/shop"),
	}
	want := ast.MustParseTerm(`{
		"kinds": {"Namespace": [0], "ConfigMap": [1, 3, 4], "Deployment": [2, 5]},
		"names": {"Namespace//shop": [0], "ConfigMap/shop/a": [1, 3], "Deployment/shop/web": [2], "ConfigMap/shop/b": [4], "Deployment/shop/old": [5]},
		"appliedBy": {"flux-system/apps": [0, 3, 4], "shop/shop": [1, 2, 5]},
		"resourceSets": {"flux-system/tenants": [4]},
		"apiVersions": {"v1": {"Namespace": [0], "ConfigMap": [1, 3, 4]}, "apps/v1": {"Deployment": [2]}, "apps/v1beta1": {"Deployment": [5]}},
		"schema": [2]
	}`).Value
	got := indexValue(objects)
	assert.Equal(t, 0, want.Compare(got), "want %v\ngot  %v", want, got)
	assert.Equal(t, want.Hash(), got.Hash())

	empty := ast.MustParseTerm(`{"kinds": {}, "names": {}, "appliedBy": {}, "resourceSets": {}, "apiVersions": {}, "schema": []}`).Value
	assert.Equal(t, 0, empty.Compare(indexValue(nil)))
}

// TestIndexIsInTheInput: the cluster's input carries its index, and the
// model's JSON form (clusterValue) does not.
func TestIndexIsInTheInput(t *testing.T) {
	cl := &model.Cluster{Name: "one", Objects: []*model.Object{{ObjectID: model.ObjectID{APIVersion: "v1", Kind: "ConfigMap", Name: "c"}}}}
	shared, err := toValue(Input{Version: model.Version, Config: DefaultSettings()})
	assert.NoError(t, err)
	input, err := clusterInput(cl, shared, nil)
	assert.NoError(t, err)
	index, err := input.Find(ast.MustParseRef("x.cluster.index")[1:])
	assert.NoError(t, err)
	assert.Equal(t, 0, indexValue(cl.Objects).Compare(index))
	cv, err := clusterValue(cl, nil)
	assert.NoError(t, err)
	assert.Nil(t, cv.(ast.Object).Get(ast.StringTerm("index")))

	// The index goes into the cluster's own value, never into one the
	// memo shares with other clusters.
	memo := &valueMemo{}
	_, err = clusterInput(cl, shared, memo)
	assert.NoError(t, err)
	cv, err = clusterValue(cl, memo)
	assert.NoError(t, err)
	assert.Nil(t, cv.(ast.Object).Get(ast.StringTerm("index")))
}
