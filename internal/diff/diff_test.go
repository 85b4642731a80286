// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package diff

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
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

func TestFieldChanges(t *testing.T) {
	m := func(kv ...any) map[string]any {
		out := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i].(string)] = kv[i+1]
		}
		return out
	}
	tests := []struct {
		name       string
		base, head map[string]any
		want       []string
	}{
		{"changed", m("n", int64(1)), m("n", int64(3)), []string{"n: 1 -> 3"}},
		{"added and removed", m("a", "x"), m("b", "y"), []string{`a: "x" -> (absent)`, `b: (absent) -> "y"`}},
		{"renamed key", m("spec", m("driftDetecton", m("mode", "enabled"))), m("spec", m("driftDetection", m("mode", "enabled"))),
			[]string{`moved spec.driftDetecton -> spec.driftDetection: {"mode":"enabled"}`}},
		{"moved up a level", m("values", m("replica", m("replicaCount", int64(3)))), m("values", m("replicaCount", int64(3))),
			[]string{"moved values.replica.replicaCount -> values.replicaCount: 3"}},
		{"moved out of a map that keeps other keys", m("values", m("replica", m("replicaCount", int64(3), "port", int64(6379)))),
			m("values", m("replicaCount", int64(3))),
			[]string{"values.replica.port: 6379 -> (absent)", "moved values.replica.replicaCount -> values.replicaCount: 3"}},
		{"a renamed parent", m("a", m("image", "x:1")), m("b", m("image", "x:1")), []string{`moved a -> b: {"image":"x:1"}`}},
		{"to another parent, same key", m("a", m("image", "x:1"), "b", m("tag", "1")), m("b", m("tag", "1", "image", "x:1")), []string{`moved a.image -> b.image: "x:1"`}},
		{"a bare true does not move by chance", m("suspend", true), m("values", m("enabled", true)),
			[]string{"suspend: true -> (absent)", `values: (absent) -> {"enabled":true}`}},
		{"a value that differs does not move", m("a", "x"), m("b", "x2"), []string{`a: "x" -> (absent)`, `b: (absent) -> "x2"`}},
		{"numbers by value", m("a", int64(2)), m("b", float64(2)), []string{"moved a -> b: 2"}},
		{"long string", m("s", strings.Repeat("x", 100)), m("s", "y"), []string{`s: "` + strings.Repeat("x", 40) + `…" (100 chars) -> "y"`}},
		{"long list", m("l", []any{}), m("l", []any{strings.Repeat("a", 30), strings.Repeat("b", 30), "c"}),
			[]string{`l[0]: (absent) -> "` + strings.Repeat("a", 30) + `"`, `l[1]: (absent) -> "` + strings.Repeat("b", 30) + `"`, `l[2]: (absent) -> "c"`}},
		{"long list whole", m("l", "x"), m("l", []any{strings.Repeat("a", 30), strings.Repeat("b", 30), "c"}), []string{`l: "x" -> […] (3 items)`}},
		{"credentials out of a URL", m("url", "https://user:hunter2@git.example.com/a.git"), m("url", "https://git.example.com/b.git"),
			[]string{`url: "https://git.example.com/a.git" -> "https://git.example.com/b.git"`}},
		{"HTML is not escaped", m("a", "<b>"), m("a", "&"), []string{`a: "<b>" -> "&"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range FieldChanges(tt.base, tt.head) {
				got = append(got, fieldText(f))
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestSecretVars: a value substitution took from a Secret is masked; one
// a later ConfigMap or the Kustomization's own substitute set is not.
func TestSecretVars(t *testing.T) {
	id := model.ObjectID{APIVersion: "v1", Kind: "ConfigMap", Namespace: "app", Name: "settings"}
	ref := func(name string, path ...string) *model.VarRef {
		return &model.VarRef{Name: name, Kustomization: "flux-system/apps", Object: id, Path: path, Status: model.VarResolved}
	}
	store := func(kind, name string, data map[string]any) *model.Object {
		return &model.Object{ObjectID: model.ObjectID{APIVersion: "v1", Kind: kind, Namespace: "flux-system", Name: name}, Object: map[string]any{"data": data}}
	}
	c := &model.Cluster{
		Kustomizations: []*model.Kustomization{{Key: "flux-system/apps", Namespace: "flux-system", PostBuild: &model.PostBuild{
			Substitute:     map[string]string{"INLINE": "x"},
			SubstituteFrom: []model.SubstituteRef{{Kind: "Secret", Name: "creds"}, {Kind: "ConfigMap", Name: "vars"}}}}},
		Objects: []*model.Object{store("Secret", "creds", map[string]any{"TOKEN": "dA==", "HOST": "aA==", "INLINE": "aQ=="}), store("ConfigMap", "vars", map[string]any{"HOST": "h"})},
		Variables: []*model.VarRef{ref("TOKEN", "data", "token"), ref("HOST", "data", "host"), ref("INLINE", "data", "inline"),
			{Name: "TOKEN", Kustomization: "flux-system/apps", Object: id, Path: []string{"data", "fallback"}, Status: model.VarDefaulted}},
	}
	s := secretVars(c)
	assert.True(t, s.secret(id, []string{"data", "token"}), "from the Secret")
	assert.True(t, s.secret(id, []string{"data"}), "a field that holds it")
	assert.False(t, s.secret(id, []string{"data", "host"}), "the later ConfigMap wins")
	assert.False(t, s.secret(id, []string{"data", "inline"}), "substitute wins")
	assert.False(t, s.secret(id, []string{"data", "fallback"}), "a default is no secret")
	assert.False(t, s.secret(model.ObjectID{Kind: "ConfigMap", Name: "other"}, []string{"data", "token"}))
	assert.True(t, (*sensitive)(nil).secret(model.ObjectID{APIVersion: "v1", Kind: "Secret"}, []string{"stringData", "x"}), "a Secret's data always")
	assert.False(t, (*sensitive)(nil).secret(model.ObjectID{APIVersion: "v1", Kind: "Secret"}, []string{"metadata", "labels"}))

	// Through Clusters: the old and the new value are both masked.
	base := &model.Cluster{Kustomizations: c.Kustomizations, Variables: c.Variables, Objects: append([]*model.Object{
		{ObjectID: id, Object: map[string]any{"data": map[string]any{"token": "old-token", "host": "a"}}}}, c.Objects...)}
	head := &model.Cluster{Kustomizations: c.Kustomizations, Variables: c.Variables, Objects: append([]*model.Object{
		{ObjectID: id, Object: map[string]any{"data": map[string]any{"token": "new-token", "host": "b"}}}}, c.Objects...)}
	got := Clusters(base, head)
	require.Len(t, got.Changes, 1)
	var lines []string
	for _, f := range got.Changes[0].Fields {
		lines = append(lines, fieldText(f))
	}
	assert.Equal(t, []string{`data.host: "a" -> "b"`, "data.token: (secret) -> (secret)"}, lines)
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
				var names []string
				for _, f := range c.Fields {
					names = append(names, f.Field)
				}
				if len(names) > 0 {
					s += " " + strings.Join(names, ",")
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
	assert.Equal(t, "data.k00", got[0].Fields[0].Field)
	assert.Equal(t, 5, got[0].MoreFields)
	var b bytes.Buffer
	require.NoError(t, Text(&b, []Cluster{{Name: "a", Changes: got}}))
	assert.Contains(t, b.String(), "            data.k19: \"a\" -> \"b\"\n            +5 more\n")
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

// sample is a comparison with every kind of change, for the goldens: a
// HelmRelease whose values change (one set by an overlay patch), move, are
// added and removed, one long, one substituted from a Secret; a Secret
// whose data changes; an object added and one removed.
func sample() []Cluster {
	long := "# redis.conf\nmaxmemory-policy allkeys-lru\nappendonly yes\nsave 900 1\n" + strings.Repeat("# padding\n", 20)
	redis := func(head bool) map[string]any {
		values := map[string]any{"image": map[string]any{"tag": "7.0"}, "replica": map[string]any{"replicaCount": int64(3)},
			"auth": map[string]any{"password": "old-password"}, "podLabels": map[string]any{"team": "backend"}, "config": "maxmemory 1gb"}
		if head {
			values = map[string]any{"image": map[string]any{"tag": "7.2"}, "replicaCount": int64(3),
				"auth": map[string]any{"password": "new-password"}, "config": long,
				"sentinel": map[string]any{"enabled": true, "quorum": int64(2), "masterSet": "mymaster", "downAfterMilliseconds": int64(60000), "failoverTimeout": int64(180000)}}
		}
		return map[string]any{"spec": map[string]any{"values": values}}
	}
	secret := func(pw string) map[string]any {
		return map[string]any{"data": map[string]any{"password": pw}, "type": "Opaque"}
	}
	redisID := model.ObjectID{APIVersion: "helm.toolkit.fluxcd.io/v2", Kind: "HelmRelease", Namespace: "backend", Name: "redis"}
	cluster := func(head bool) *model.Cluster {
		objs := []*model.Object{
			obj("helm.toolkit.fluxcd.io/v2", "HelmRelease", "backend", "redis", "components/backend/base/redis.yaml", 1, redis(head)),
			obj("v1", "Secret", "backend", "redis-auth", "components/backend/base/redis-auth.yaml", 1, secret(map[bool]string{false: "b2xk", true: "bmV3"}[head])),
		}
		if head {
			objs = append(objs, obj("v1", "ConfigMap", "backend", "<new>", "components/backend/base/new.yaml", 7, nil))
		} else {
			objs = append(objs, obj("v1", "ConfigMap", "backend", "old|pipe", "components/backend/base/old.yaml", 1, nil))
		}
		version := map[bool]string{false: "27.0.12", true: "27.1.0"}[head]
		return &model.Cluster{Name: "prod-eu", Objects: objs, HelmReleases: []*model.HelmRelease{hr("backend", "redis", "redis", version)},
			// ${REDIS_PASSWORD} comes from a Secret that is not in git.
			Kustomizations: []*model.Kustomization{{Key: "flux-system/apps", Namespace: "flux-system", Name: "apps",
				PostBuild: &model.PostBuild{SubstituteFrom: []model.SubstituteRef{{Kind: "Secret", Name: "redis-vars", From: "out-of-band"}}}}},
			Variables: []*model.VarRef{{Name: "REDIS_PASSWORD", Kustomization: "flux-system/apps", Object: redisID,
				Path: []string{"spec", "values", "auth", "password"}, Status: model.VarResolved}}}
	}
	base := &model.Fleet{Clusters: []*model.Cluster{cluster(false), {Name: "prod-us"},
		{Name: "staging", Objects: []*model.Object{obj("v1", "Namespace", "", "backend", "ns.yaml", 1, nil)}}}}
	head := &model.Fleet{Clusters: []*model.Cluster{cluster(true), {Name: "prod-us"},
		{Name: "staging", Objects: []*model.Object{obj("v1", "Namespace", "", "backend", "ns.yaml", 1, nil)}}}}
	clusters := Fleets(base, head)
	// Where the engine locates the fields (render.Result.Locate).
	at := func(repo, path string, line int) *model.Location {
		return &model.Location{Repo: repo, Branch: "main", Path: path, Line: line}
	}
	for i, f := range clusters[0].Changes[2].Fields {
		switch f.Field {
		case "spec.values.image.tag":
			clusters[0].Changes[2].Fields[i].Location = at("github.com/acme/d1-apps", "components/backend/production/redis-values.yaml", 9)
		case "spec.values.replicaCount":
			clusters[0].Changes[2].Fields[i].Location = at("github.com/acme/d1-fleet", "tenants/backend/patch.yaml", 4)
		case "spec.values.podLabels":
			clusters[0].Changes[2].Fields[i].Location = at("github.com/acme/d1-apps", "components/backend/base/redis.yaml", 20)
		}
	}
	introduced := finding1("prod-eu", "D1-0501", "HelmRelease backend/redis: spec.values.replica.replicaCount | got *2*")
	fixed := finding1("prod-eu", "D1-0401", "undefined ${VAR}\nsecond line")
	fixed.Severity = finding.Warning
	Findings(clusters, []finding.Finding{fixed}, []finding.Finding{introduced})
	return clusters
}

// TestSampleFields: what the goldens show of the sample's HelmRelease and
// Secret, field by field.
func TestSampleFields(t *testing.T) {
	c := sample()[0]
	require.Len(t, c.Changes, 4)
	hr, sec := c.Changes[2], c.Changes[3]
	require.Equal(t, "HelmRelease", hr.Object.Kind)
	var got []string
	for _, f := range hr.Fields {
		got = append(got, fieldText(f))
	}
	assert.Equal(t, []string{
		`spec.values.auth.password: (secret) -> (secret)`,
		`spec.values.config: "maxmemory 1gb" -> "# redis.conf…" (24 lines, 268 chars)`,
		`spec.values.image.tag: "7.0" -> "7.2"`,
		`spec.values.podLabels: {"team":"backend"} -> (absent)`,
		`moved spec.values.replica.replicaCount -> spec.values.replicaCount: 3`,
		`spec.values.sentinel: (absent) -> {downAfterMilliseconds, enabled, …} (5 keys)`,
	}, got)
	assert.True(t, hr.Fields[0].Secret, "substituted from a Secret")
	require.Equal(t, "Secret", sec.Object.Kind)
	require.Len(t, sec.Fields, 1)
	assert.Equal(t, FieldChange{Op: FieldChanged, Field: "data.password", Old: ptr(Secret), New: ptr(Secret), Secret: true,
		Path: []string{"data", "password"}}, sec.Fields[0], "a Secret's data is never shown")
}

func ptr(s string) *string { return &s }

func TestTextGolden(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Text(&b, sample()))
	assert.Contains(t, b.String(), "the change reaches 1 of 3 clusters: prod-eu")
	assert.Contains(t, b.String(), "unchanged: prod-us, staging")
	assert.Contains(t, b.String(), "            spec.values.image.tag: \"7.0\" -> \"7.2\"  (components/backend/production/redis-values.yaml:9)\n",
		"old -> new, at the overlay patch, relative to the object's repository")
	assert.Contains(t, b.String(), "            moved spec.values.replica.replicaCount -> spec.values.replicaCount: 3  (github.com/acme/d1-fleet@main:tenants/backend/patch.yaml:4)\n",
		"a location in another repository in full")
	assert.NotContains(t, b.String(), "password\"", "no secret shown")
	assert.NotContains(t, b.String(), "b2xk")
	testutil.Golden(t, *update, "text", b.String())

	b.Reset()
	require.NoError(t, Text(&b, Fleets(&model.Fleet{Clusters: []*model.Cluster{{Name: "a"}}}, &model.Fleet{Clusters: []*model.Cluster{{Name: "a"}}})))
	assert.Equal(t, "no change on any of 1 cluster\n\nunchanged: a\n", b.String())
}

func TestMarkdownGolden(t *testing.T) {
	var b bytes.Buffer
	const commit = "0123456789abcdef0123456789abcdef01234567"
	require.NoError(t, Markdown(&b, sample(), MarkdownOptions{Intro: "Base: `origin/main`.", Repository: "github.com/acme/d1-apps", Commit: commit}))
	out := b.String()
	assert.Contains(t, out, "## d1lint diff: 1 of 3 clusters change\n")
	assert.Contains(t, out, "<details><summary>prod-eu: 1 added, 1 removed, 2 modified; 1 chart version, 1 finding introduced, 1 finding fixed</summary>\n\n")
	assert.Contains(t, out, "| modified | HelmRelease backend/redis | [github.com/acme/d1-apps\\@main:components/backend/base/redis.yaml:1](<https://github.com/acme/d1-apps/blob/"+commit+"/components/backend/base/redis.yaml#L1>) | ",
		"the head's files of the repository link to the commit")
	assert.Contains(t, out, "spec.values.image.tag: \"7.0\" -&gt; \"7.2\" ([components/backend/production/redis-values.yaml:9](<https://github.com/acme/d1-apps/blob/"+commit+"/components/backend/production/redis-values.yaml#L9>))<br>")
	assert.Contains(t, out, "spec.values.podLabels: {\"team\":\"backend\"} -&gt; (absent) (components/backend/base/redis.yaml:20)<br>",
		"a removed field is in the old render: no link to the head")
	assert.Contains(t, out, "moved spec.values.replica.replicaCount -&gt; spec.values.replicaCount: 3 (github.com/acme/d1-fleet\\@main:tenants/backend/patch.yaml:4)<br>",
		"another repository: no link")
	assert.Contains(t, out, "| removed | ConfigMap backend/old\\|pipe | github.com/acme/d1-apps\\@main:components/backend/base/old.yaml:1 | - |", "a removed object is not linked to the head")
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

// TestJSONGolden: --format json, valid against docs/diff.schema.json.
func TestJSONGolden(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, JSON(&b, "origin/main of d1-apps", "the working tree", sample()))
	out := b.String()
	assert.Contains(t, out, `"reached": [
    "prod-eu"
  ]`)
	assert.Contains(t, out, `{
              "op": "moved",
              "field": "spec.values.replicaCount",
              "from": "spec.values.replica.replicaCount",
              "new": "3",`)
	assert.Contains(t, out, `"old": "(secret)",
              "new": "(secret)",
              "secret": true`)
	assert.NotContains(t, out, "b2xk")
	assert.NotContains(t, out, "password\"\n")
	testutil.Golden(t, *update, "json", out)
	validateDiff(t, b.Bytes())

	var doc Document
	require.NoError(t, json.Unmarshal(b.Bytes(), &doc))
	assert.Equal(t, JSONVersion, doc.Version)
	assert.Len(t, doc.Clusters, 3, "unchanged clusters too")

	b.Reset()
	require.NoError(t, JSON(&b, "a", "b", nil))
	assert.Equal(t, "{\n  \"version\": 1,\n  \"base\": \"a\",\n  \"head\": \"b\",\n  \"reached\": [],\n  \"clusters\": []\n}\n", b.String())
	validateDiff(t, b.Bytes())
}

func validateDiff(t *testing.T, data []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	require.NoError(t, err)
	assert.NoError(t, testutil.DiffSchema(t).Validate(inst))
}

// TestDiffSchemaIsStrict: a field the schema does not know fails, so the
// schema cannot fall behind the output.
func TestDiffSchemaIsStrict(t *testing.T) {
	for _, doc := range []string{
		`{"version": 1, "base": "a", "head": "b", "reached": [], "clusters": [], "extra": 1}`,
		`{"version": 1, "base": "a", "head": "b", "reached": [], "clusters": [{"name": "a", "changes": [{"kind": "modified",
			"object": {"apiVersion": "v1", "kind": "ConfigMap", "name": "c"}, "location": {"repo": "r", "path": "p"},
			"fields": [{"op": "renamed", "field": "data.a"}]}]}]}`,
	} {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		require.NoError(t, err)
		assert.Error(t, testutil.DiffSchema(t).Validate(inst), doc)
	}
}

func TestMarkdownSummaryEscaped(t *testing.T) {
	var b bytes.Buffer
	c := []Cluster{{Name: "<b>x</b>", Only: Head, Changes: []Change{{Kind: Added, Object: model.ObjectID{Kind: "ConfigMap", Name: "c"}}}}}
	require.NoError(t, Markdown(&b, c, MarkdownOptions{}))
	assert.Contains(t, b.String(), "<summary>&lt;b&gt;x&lt;/b&gt; (new cluster): 1 added, 0 removed, 0 modified</summary>")
}
