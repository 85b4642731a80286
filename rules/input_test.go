// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules

import (
	"context"
	"reflect"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/render"
	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/internal/testutil"
)

// TestClusterValueIsTheJSONForm: the direct conversion gives the very value
// the JSON round trip gives, manifests of every shape included.
func TestClusterValueIsTheJSONForm(t *testing.T) {
	manifest := func(src string) map[string]any {
		n, err := yaml.Parse(src)
		require.NoError(t, err)
		m, err := n.Map()
		require.NoError(t, err)
		return m
	}
	deploy := manifest("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {a: b}\nspec:\n  replicas: 3\n  paused: false\n  ratio: 0.5\n  empty: null\n  list: [1, two, {three: 3}]\n")
	cm := manifest("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: x\ndata: {k: v}\n")
	cl := &model.Cluster{
		Name: "one", Root: "flux-system/flux-system",
		Objects: []*model.Object{
			{ObjectID: model.ObjectID{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"}, Location: model.Location{Path: "a.yaml", Line: 3}, Object: deploy},
			{ObjectID: model.ObjectID{APIVersion: "v1", Kind: "ConfigMap", Namespace: "x", Name: "c"}, NotApplied: "label x", Object: cm},
		},
		Generated:      []*model.Object{{ObjectID: model.ObjectID{APIVersion: "v1", Kind: "ConfigMap", Namespace: "y", Name: "c"}, Object: cm}},
		Kustomizations: []*model.Kustomization{{Key: "flux-system/flux-system", Spec: map[string]any{"path": "./x", "wait": true}}},
	}
	want, err := toValue(cl)
	require.NoError(t, err)
	got, err := clusterValue(cl, nil)
	require.NoError(t, err)
	assert.Equal(t, 0, want.Compare(got), "want %v\ngot  %v", want, got)
	assert.Equal(t, want.Hash(), got.Hash())

	empty := &model.Cluster{Name: "empty"}
	want, err = toValue(empty)
	require.NoError(t, err)
	got, err = clusterValue(empty, nil)
	require.NoError(t, err)
	assert.Equal(t, 0, want.Compare(got))
}

// TestClusterValueOnRenderedFleets: on whole rendered clusters of the example
// fleet, in both eras, the direct conversion equals the JSON round trip.
func TestClusterValueOnRenderedFleets(t *testing.T) {
	for _, era := range []string{"fleet", "fleet-bootstrap"} {
		cfg, err := config.Load(testutil.Fixture(t, "example", era, ".d1lint.yaml"))
		require.NoError(t, err)
		opts := render.Options{FleetPath: cfg.FleetPath(), OutOfBand: cfg.OutOfBandObjects(), Getenv: func(string) string { return "" }}
		for _, s := range cfg.Sources {
			opts.Sources = append(opts.Sources, source.Mapping{URL: s.URL, Path: cfg.Resolve(s.Path), Branch: s.Branch})
		}
		res, err := render.Render(context.Background(), opts)
		require.NoError(t, err)
		// One memo for the fleet, as Evaluate shares it: the clusters'
		// shared manifests convert once, and each cluster's value is still
		// its own JSON form.
		memo := &valueMemo{}
		for _, cl := range res.Fleet.Clusters {
			want, err := toValue(cl)
			require.NoError(t, err)
			got, err := clusterValue(cl, nil)
			require.NoError(t, err)
			assert.Equal(t, 0, want.Compare(got), "%s/%s", era, cl.Name)
			memoised, err := clusterValue(cl, memo)
			require.NoError(t, err)
			assert.Equal(t, 0, want.Compare(memoised), "%s/%s, memoised", era, cl.Name)
		}
		require.NoError(t, res.Close())
	}
}

// TestClusterValueOfShadowedField: a name an embedded struct and its outer
// struct both give is written once, as encoding/json writes it (the outer
// field's), whatever the order of the fields.
func TestClusterValueOfShadowedField(t *testing.T) {
	type inner struct {
		Name string `json:"name"`
		Kind string `json:"kind"`
	}
	type before struct {
		Name string `json:"name"`
		inner
	}
	type after struct {
		inner
		Name string `json:"name"`
	}
	for _, v := range []any{
		before{Name: "outer", inner: inner{Name: "inner", Kind: "k"}},
		after{Name: "outer", inner: inner{Name: "inner", Kind: "k"}},
	} {
		want, err := toValue(v)
		require.NoError(t, err)
		c := converter{strings: map[string]*ast.Term{}}
		got, err := c.term(reflect.ValueOf(v))
		require.NoError(t, err)
		assert.Equal(t, 0, want.Compare(got.Value), "want %v\ngot  %v", want, got)
		assert.Equal(t, want.Hash(), got.Value.Hash())
	}
}

// TestMemoShares: clusters whose structs and manifests are equal but
// their own share the Rego values of one memo, and a struct that differs
// anywhere (a line, a value deep in its manifest, a variable's path) gets
// a value of its own: each cluster's value is its JSON form.
func TestMemoShares(t *testing.T) {
	cluster := func(line int, replicas any, path string) *model.Cluster {
		return &model.Cluster{
			Name: "c",
			Objects: []*model.Object{
				{
					ObjectID: model.ObjectID{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "web"},
					Location: model.Location{Repo: "github.com/acme/apps", Path: "web.yaml", Line: line}, AppliedBy: "shop/shop", Chain: []string{"flux-system/flux-system", "shop/shop"},
					Object: map[string]any{"kind": "Deployment", "spec": map[string]any{"replicas": replicas, "template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": "web"}}}}},
				},
				{ObjectID: model.ObjectID{APIVersion: "v1", Kind: "ConfigMap", Namespace: "shop", Name: "c"}, AppliedBy: "shop/shop", Object: map[string]any{"data": map[string]any{"k": "v"}}},
			},
			Variables: []*model.VarRef{{Name: "CLUSTER", Path: []string{"spec", path}, Status: "resolved"}},
		}
	}
	memo := &valueMemo{}
	convert := func(cl *model.Cluster) ast.Object {
		want, err := toValue(cl)
		require.NoError(t, err)
		got, err := clusterValue(cl, memo)
		require.NoError(t, err)
		require.Equal(t, 0, want.Compare(got), "want %v\ngot  %v", want, got)
		return got.(ast.Object)
	}
	object := func(cl ast.Object, i int) *ast.Term {
		return cl.Get(ast.StringTerm("objects")).Value.(*ast.Array).Elem(i)
	}
	a := convert(cluster(3, 2, "a"))
	b := convert(cluster(3, 2, "a"))
	assert.Same(t, object(a, 0), object(b, 0), "equal objects share one value")
	assert.Same(t, object(a, 1), object(b, 1))
	for _, c := range []*model.Cluster{cluster(4, 2, "a"), cluster(3, 3, "a"), cluster(3, 2.0, "a"), cluster(3, 2, "b")} {
		convert(c)
	}
	c := convert(cluster(4, 2, "a"))
	assert.NotSame(t, object(a, 0), object(c, 0), "another line, another value")
	assert.Same(t, object(a, 1), object(c, 1))
}
