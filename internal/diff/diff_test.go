// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package diff

import (
	"bytes"
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/testutil"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestFields(t *testing.T) {
	tests := []struct {
		name       string
		base, head map[string]any
		want       []string
	}{
		{"equal", map[string]any{"spec": map[string]any{"a": "x"}}, map[string]any{"spec": map[string]any{"a": "x"}}, nil},
		{"leaf", map[string]any{"spec": map[string]any{"values": map[string]any{"replicas": int64(1)}}},
			map[string]any{"spec": map[string]any{"values": map[string]any{"replicas": int64(2)}}}, []string{"spec.values.replicas"}},
		{"numbers by value", map[string]any{"n": int64(2)}, map[string]any{"n": float64(2)}, nil},
		{"number and string", map[string]any{"n": int64(2)}, map[string]any{"n": "2"}, []string{"n"}},
		{"added subtree named once", map[string]any{"spec": map[string]any{}},
			map[string]any{"spec": map[string]any{"resources": map[string]any{"limits": map[string]any{"cpu": "1", "memory": "1Gi"}}}},
			[]string{"spec.resources"}},
		{"removed key", map[string]any{"spec": map[string]any{"a": "x", "b": "y"}}, map[string]any{"spec": map[string]any{"a": "x"}}, []string{"spec.b"}},
		{"list element", map[string]any{"spec": map[string]any{"template": map[string]any{"spec": map[string]any{"containers": []any{
			map[string]any{"name": "app", "image": "app:1"}}}}}},
			map[string]any{"spec": map[string]any{"template": map[string]any{"spec": map[string]any{"containers": []any{
				map[string]any{"name": "app", "image": "app:2"}}}}}},
			[]string{"spec.template.spec.containers[0].image"}},
		{"list grows", map[string]any{"args": []any{"a"}}, map[string]any{"args": []any{"a", "b", "c"}}, []string{"args[1]", "args[2]"}},
		{"list shrinks", map[string]any{"args": []any{"a", "b"}}, map[string]any{"args": []any{"b"}}, []string{"args[0]", "args[1]"}},
		{"shape changes", map[string]any{"v": map[string]any{"a": "b"}}, map[string]any{"v": []any{"a"}}, []string{"v"}},
		{"scalar to map", map[string]any{"v": "x"}, map[string]any{"v": map[string]any{"a": "b"}}, []string{"v"}},
		{"null and absent", map[string]any{"v": nil}, map[string]any{}, []string{"v"}},
		{"dotted key", map[string]any{"metadata": map[string]any{"labels": map[string]any{"toolkit.fluxcd.io/tenant": "a"}}},
			map[string]any{"metadata": map[string]any{"labels": map[string]any{"toolkit.fluxcd.io/tenant": "b"}}},
			[]string{`metadata.labels["toolkit.fluxcd.io/tenant"]`}},
		{"internal annotations ignored", map[string]any{"metadata": map[string]any{"annotations": map[string]any{"d1lint.io/origin": "a", "x": "1"}}},
			map[string]any{"metadata": map[string]any{"annotations": map[string]any{"d1lint.io/applied-by": "b", "x": "1"}}}, nil},
		{"waivers are not internal", map[string]any{"metadata": map[string]any{"annotations": map[string]any{}}},
			map[string]any{"metadata": map[string]any{"annotations": map[string]any{"waive.d1lint.io/D1-0401": "why"}}},
			[]string{`metadata.annotations["waive.d1lint.io/D1-0401"]`}},
		{"sorted", map[string]any{"b": 1, "a": 1, "c": map[string]any{"z": 1, "y": 1}}, map[string]any{"b": 2, "a": 2, "c": map[string]any{"z": 2, "y": 2}},
			[]string{"a", "b", "c.y", "c.z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Fields(tt.base, tt.head))
		})
	}
}

func obj(apiVersion, kind, ns, name, path string, line int, o map[string]any) *model.Object {
	if o == nil {
		o = map[string]any{}
	}
	return &model.Object{ObjectID: model.ObjectID{APIVersion: apiVersion, Kind: kind, Namespace: ns, Name: name},
		Location:  model.Location{Repo: "github.com/acme/d1-apps", Branch: "main", Path: path, Line: line},
		AppliedBy: "flux-system/apps", Object: o}
}

func hr(ns, name, chart, version string) *model.HelmRelease {
	return &model.HelmRelease{ObjectID: model.ObjectID{APIVersion: "helm.toolkit.fluxcd.io/v2", Kind: "HelmRelease", Namespace: ns, Name: name},
		Chart: chart, Version: version}
}

func TestObjects(t *testing.T) {
	values := func(n int) map[string]any {
		return map[string]any{"spec": map[string]any{"values": map[string]any{"replicas": int64(n)}}}
	}
	tests := []struct {
		name       string
		base, head []*model.Object
		want       []string // kind object fields
	}{
		{"nothing", nil, nil, nil},
		{"same", []*model.Object{obj("v1", "ConfigMap", "a", "c", "c.yaml", 1, nil)}, []*model.Object{obj("v1", "ConfigMap", "a", "c", "other.yaml", 3, nil)}, nil},
		{"added", nil, []*model.Object{obj("v1", "ConfigMap", "a", "c", "c.yaml", 1, nil)}, []string{"added ConfigMap a/c"}},
		{"removed", []*model.Object{obj("v1", "Namespace", "", "a", "ns.yaml", 1, nil)}, nil, []string{"removed Namespace a"}},
		{"modified", []*model.Object{obj("helm.toolkit.fluxcd.io/v2", "HelmRelease", "apps", "redis", "r.yaml", 1, values(1))},
			[]*model.Object{obj("helm.toolkit.fluxcd.io/v2", "HelmRelease", "apps", "redis", "r.yaml", 1, values(2))},
			[]string{"modified HelmRelease apps/redis spec.values.replicas"}},
		{"api version change", []*model.Object{obj("helm.toolkit.fluxcd.io/v2beta2", "HelmRelease", "apps", "redis", "r.yaml", 1, nil)},
			[]*model.Object{obj("helm.toolkit.fluxcd.io/v2", "HelmRelease", "apps", "redis", "r.yaml", 1, nil)},
			[]string{"added HelmRelease apps/redis", "removed HelmRelease apps/redis"}},
		{"sorted by namespace, kind, name", nil, []*model.Object{
			obj("v1", "Service", "b", "s", "s.yaml", 1, nil), obj("v1", "ConfigMap", "b", "z", "c.yaml", 1, nil),
			obj("v1", "ConfigMap", "b", "a", "c.yaml", 9, nil), obj("v1", "Namespace", "", "b", "ns.yaml", 1, nil)},
			[]string{"added Namespace b", "added ConfigMap b/a", "added ConfigMap b/z", "added Service b/s"}},
		{"twice applied, matched by occurrence",
			[]*model.Object{obj("v1", "ConfigMap", "a", "c", "c.yaml", 1, values(1)), obj("v1", "ConfigMap", "a", "c", "d.yaml", 1, values(1))},
			[]*model.Object{obj("v1", "ConfigMap", "a", "c", "c.yaml", 1, values(1))},
			[]string{"removed ConfigMap a/c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, c := range Objects(tt.base, tt.head) {
				s := c.Kind + " " + ObjectName(c.Object)
				if len(c.Fields) > 0 {
					s += " " + strings.Join(c.Fields, ",")
				}
				got = append(got, s)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestObjectsLocation(t *testing.T) {
	b := obj("v1", "ConfigMap", "a", "c", "old.yaml", 1, map[string]any{"data": map[string]any{"k": "1"}})
	h := obj("v1", "ConfigMap", "a", "c", "new.yaml", 2, map[string]any{"data": map[string]any{"k": "2"}})
	gone := obj("v1", "ConfigMap", "a", "gone", "gone.yaml", 4, nil)
	got := Objects([]*model.Object{b, gone}, []*model.Object{h})
	require.Len(t, got, 2)
	assert.Equal(t, "new.yaml", got[0].Location.Path, "a modified object is where the new render defines it")
	assert.Equal(t, "gone.yaml", got[1].Location.Path, "a removed one where the old render did")
	assert.Equal(t, "flux-system/apps", got[0].AppliedBy)
}

func TestObjectsFieldCap(t *testing.T) {
	bv, hv := map[string]any{}, map[string]any{}
	for i := range MaxFields + 5 {
		k := fmt.Sprintf("k%02d", i)
		bv[k], hv[k] = "a", "b"
	}
	got := Objects([]*model.Object{obj("v1", "ConfigMap", "a", "c", "c.yaml", 1, map[string]any{"data": bv})},
		[]*model.Object{obj("v1", "ConfigMap", "a", "c", "c.yaml", 1, map[string]any{"data": hv})})
	require.Len(t, got, 1)
	assert.Len(t, got[0].Fields, MaxFields)
	assert.Equal(t, "data.k00", got[0].Fields[0])
	assert.Equal(t, 5, got[0].MoreFields)
	assert.Equal(t, "+5 more", fieldList(got[0])[MaxFields])
}

func TestCharts(t *testing.T) {
	tests := []struct {
		name       string
		base, head []*model.HelmRelease
		want       []ChartChange
	}{
		{"same", []*model.HelmRelease{hr("a", "r", "redis", "1.0.0")}, []*model.HelmRelease{hr("a", "r", "redis", "1.0.0")}, nil},
		{"version", []*model.HelmRelease{hr("a", "r", "redis", "1.0.0")}, []*model.HelmRelease{hr("a", "r", "redis", "1.1.0")},
			[]ChartChange{{Release: hr("a", "r", "", "").ObjectID, Chart: "redis", From: "1.0.0", To: "1.1.0"}}},
		{"version set", []*model.HelmRelease{hr("a", "r", "redis", "")}, []*model.HelmRelease{hr("a", "r", "redis", "2.0.0")},
			[]ChartChange{{Release: hr("a", "r", "", "").ObjectID, Chart: "redis", From: "", To: "2.0.0"}}},
		{"chart", []*model.HelmRelease{hr("a", "r", "redis", "1.0.0")}, []*model.HelmRelease{hr("a", "r", "valkey", "1.0.0")},
			[]ChartChange{{Release: hr("a", "r", "", "").ObjectID, Chart: "redis → valkey", From: "1.0.0", To: "1.0.0"}}},
		{"new release is no chart change", nil, []*model.HelmRelease{hr("a", "r", "redis", "1.0.0")}, nil},
		{"sorted", []*model.HelmRelease{hr("b", "r", "x", "1"), hr("a", "z", "x", "1"), hr("a", "b", "x", "1")},
			[]*model.HelmRelease{hr("b", "r", "x", "2"), hr("a", "z", "x", "2"), hr("a", "b", "x", "2")},
			[]ChartChange{
				{Release: hr("a", "b", "", "").ObjectID, Chart: "x", From: "1", To: "2"},
				{Release: hr("a", "z", "", "").ObjectID, Chart: "x", From: "1", To: "2"},
				{Release: hr("b", "r", "", "").ObjectID, Chart: "x", From: "1", To: "2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Charts(tt.base, tt.head))
		})
	}
}

func TestFleets(t *testing.T) {
	base := &model.Fleet{Clusters: []*model.Cluster{
		{Name: "staging", Objects: []*model.Object{obj("v1", "ConfigMap", "a", "c", "c.yaml", 1, nil)}},
		{Name: "prod-eu", Objects: []*model.Object{obj("v1", "ConfigMap", "a", "c", "c.yaml", 1, nil)}},
		{Name: "old", Objects: []*model.Object{obj("v1", "ConfigMap", "a", "c", "c.yaml", 1, nil)}},
	}}
	head := &model.Fleet{Clusters: []*model.Cluster{
		{Name: "staging", Objects: []*model.Object{obj("v1", "ConfigMap", "a", "c", "c.yaml", 1, map[string]any{"data": "x"})}},
		{Name: "prod-eu", Objects: []*model.Object{obj("v1", "ConfigMap", "a", "c", "c.yaml", 1, nil)}},
		{Name: "new", Objects: []*model.Object{obj("v1", "ConfigMap", "a", "c", "c.yaml", 1, nil)}},
	}}
	got := Fleets(base, head)
	var names []string
	for _, c := range got {
		names = append(names, c.Name+"/"+c.Only)
	}
	assert.Equal(t, []string{"new/head", "old/base", "prod-eu/", "staging/"}, names)
	assert.Equal(t, []string{"new", "old", "staging"}, Reached(got))
	assert.Equal(t, 1, got[0].Count(Added))
	assert.Equal(t, 1, got[1].Count(Removed))
	assert.False(t, got[2].Changed())
	assert.Equal(t, 1, got[3].Count(Modified))
	assert.NotNil(t, got[2].Changes, "an unchanged cluster has an empty list, not null")
	assert.Empty(t, Fleets(nil, nil))
}

func finding1(cluster, rule, msg string) finding.Finding {
	f := finding.Finding{Rule: rule, Severity: finding.Error, Cluster: cluster, Message: msg, Location: model.Location{Repo: "github.com/acme/d1-apps", Branch: "main", Path: "r.yaml", Line: 3}}
	f.SetFingerprint()
	return f
}

func TestFindings(t *testing.T) {
	clusters := []Cluster{{Name: "prod-eu"}, {Name: "staging"}}
	kept := finding1("staging", "D1-0501", "kept")
	moved := finding1("staging", "D1-0402", "moved")
	movedHead := moved
	movedHead.Location.Line = 40 // a finding that moves is the same finding
	base := []finding.Finding{kept, moved, finding1("staging", "D1-0401", "fixed"), finding1("gone", "D1-0401", "elsewhere")}
	head := []finding.Finding{finding1("staging", "D1-0501", "b new"), kept, movedHead, finding1("prod-eu", "D1-0401", "a new"), finding1("staging", "D1-0101", "a new")}
	Findings(clusters, base, head)
	msgs := func(fs []finding.Finding) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Rule+" "+f.Message)
		}
		return out
	}
	assert.Equal(t, []string{"D1-0401 a new"}, msgs(clusters[0].Introduced))
	assert.Empty(t, clusters[0].Fixed)
	assert.Equal(t, []string{"D1-0101 a new", "D1-0501 b new"}, msgs(clusters[1].Introduced), "sorted")
	assert.Equal(t, []string{"D1-0401 fixed"}, msgs(clusters[1].Fixed))
	assert.True(t, clusters[0].Changed(), "a new finding alone changes a cluster")
}

// sample is a comparison with every kind of change, for the goldens.
func sample() []Cluster {
	redis := func(replicas int64, image string) map[string]any {
		return map[string]any{"spec": map[string]any{"values": map[string]any{"replica": map[string]any{"replicaCount": replicas}, "image": map[string]any{"tag": image}}}}
	}
	base := &model.Fleet{Clusters: []*model.Cluster{
		{Name: "prod-eu", Objects: []*model.Object{
			obj("helm.toolkit.fluxcd.io/v2", "HelmRelease", "backend", "redis", "components/backend/base/redis.yaml", 1, redis(1, "7.0")),
			obj("v1", "ConfigMap", "backend", "old|pipe", "components/backend/base/old.yaml", 1, nil)},
			HelmReleases: []*model.HelmRelease{hr("backend", "redis", "redis", "27.0.12")}},
		{Name: "prod-us"},
		{Name: "staging", Objects: []*model.Object{obj("v1", "Namespace", "", "backend", "ns.yaml", 1, nil)}},
	}}
	head := &model.Fleet{Clusters: []*model.Cluster{
		{Name: "prod-eu", Objects: []*model.Object{
			obj("helm.toolkit.fluxcd.io/v2", "HelmRelease", "backend", "redis", "components/backend/base/redis.yaml", 1, redis(2, "7.2")),
			obj("v1", "ConfigMap", "backend", "<new>", "components/backend/base/new.yaml", 7, nil)},
			HelmReleases: []*model.HelmRelease{hr("backend", "redis", "redis", "27.1.0")}},
		{Name: "prod-us"},
		{Name: "staging", Objects: []*model.Object{obj("v1", "Namespace", "", "backend", "ns.yaml", 1, nil)}},
	}}
	clusters := Fleets(base, head)
	introduced := finding1("prod-eu", "D1-0501", "HelmRelease backend/redis: spec.values.replica.replicaCount | got *2*")
	fixed := finding1("prod-eu", "D1-0401", "undefined ${VAR}\nsecond line")
	fixed.Severity = finding.Warning
	Findings(clusters, []finding.Finding{fixed}, []finding.Finding{introduced})
	return clusters
}

func TestTextGolden(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Text(&b, sample()))
	assert.Contains(t, b.String(), "the change reaches 1 of 3 clusters: prod-eu")
	assert.Contains(t, b.String(), "unchanged: prod-us, staging")
	testutil.Golden(t, *update, "text", b.String())

	b.Reset()
	require.NoError(t, Text(&b, Fleets(&model.Fleet{Clusters: []*model.Cluster{{Name: "a"}}}, &model.Fleet{Clusters: []*model.Cluster{{Name: "a"}}})))
	assert.Equal(t, "no change on any of 1 cluster\n\nunchanged: a\n", b.String())
}

func TestMarkdownGolden(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Markdown(&b, sample(), MarkdownOptions{Intro: "Base: `origin/main`."}))
	out := b.String()
	assert.Contains(t, out, "## d1lint diff: 1 of 3 clusters change\n")
	assert.Contains(t, out, "<details><summary>prod-eu: 1 added, 1 removed, 1 modified; 1 chart version, 1 finding introduced, 1 finding fixed</summary>\n\n")
	assert.Contains(t, out, "| modified | HelmRelease backend/redis | github.com/acme/d1-apps\\@main:components/backend/base/redis.yaml:1 | spec.values.image.tag<br>spec.values.replica.replicaCount |")
	assert.Contains(t, out, "ConfigMap backend/&lt;new&gt;", "HTML is escaped")
	assert.Contains(t, out, "old\\|pipe", "pipes do not break the table")
	assert.Contains(t, out, "\n</details>\n")
	assert.Contains(t, out, "Unchanged: prod-us, staging.")
	testutil.Golden(t, *update, "markdown", out)

	b.Reset()
	require.NoError(t, Markdown(&b, Fleets(&model.Fleet{Clusters: []*model.Cluster{{Name: "a"}}}, &model.Fleet{Clusters: []*model.Cluster{{Name: "a"}}}),
		MarkdownOptions{Title: "promotion", Level: 3}))
	assert.Equal(t, "### promotion: no change\n\nUnchanged: a.\n", b.String())
}

func TestMarkdownSummaryEscaped(t *testing.T) {
	var b bytes.Buffer
	c := []Cluster{{Name: "<b>x</b>", Only: Head, Changes: []Change{{Kind: Added, Object: model.ObjectID{Kind: "ConfigMap", Name: "c"}}}}}
	require.NoError(t, Markdown(&b, c, MarkdownOptions{}))
	assert.Contains(t, b.String(), "<summary>&lt;b&gt;x&lt;/b&gt; (new cluster): 1 added, 0 removed, 0 modified</summary>")
}
