// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package helm

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// takesFastPath reports whether the fast path renders a request (rather
// than giving up for the kustomize path).
func takesFastPath(t testing.TB, req Request) bool {
	t.Helper()
	pl, err := newPlan(&req)
	require.NoError(t, err)
	var ok bool
	switch req.Major {
	case 3:
		_, ok = renderFast3(&req, pl)
	case 4:
		_, ok = renderFast4(context.Background(), &req, pl)
	}
	return ok
}

// renderBoth renders a request on the fast path (when it takes it) and on
// the kustomize path, and checks that both give the same objects, or the
// same error.
func renderBoth(t *testing.T, req Request) []Object {
	t.Helper()
	fast, fastErr := Render(context.Background(), req)
	req.kustomizePath = true
	slow, slowErr := Render(context.Background(), req)
	if slowErr != nil || fastErr != nil {
		t.Log(slowErr)
		require.Error(t, slowErr)
		require.Error(t, fastErr)
		assert.Equal(t, slowErr.Error(), fastErr.Error())
		return nil
	}
	if !assert.ObjectsAreEqual(slow.Objects, fast.Objects) {
		// A template may call randAlphaNum, genCA...: the values that
		// differ between two renders on the kustomize path are left out.
		again, err := Render(context.Background(), req)
		require.NoError(t, err)
		if len(again.Objects) == len(slow.Objects) && len(fast.Objects) == len(slow.Objects) {
			for i := range slow.Objects {
				slow.Objects[i].Object, fast.Objects[i].Object = maskRandom(slow.Objects[i].Object, again.Objects[i].Object, fast.Objects[i].Object)
			}
		}
	}
	if len(fast.Objects) != len(slow.Objects) {
		t.Errorf("fast path: %d objects, kustomize path: %d", len(fast.Objects), len(slow.Objects))
	}
	for i := range min(len(fast.Objects), len(slow.Objects)) {
		if !assert.Equal(t, slow.Objects[i], fast.Objects[i], "object %d (%s)", i, slow.Objects[i].Template) {
			break
		}
	}
	return fast.Objects
}

// maskRandom replaces the values where a and b differ, in a and in c, by
// "<random>".
func maskRandom(a, b, c map[string]any) (map[string]any, map[string]any) {
	x, y := mask(a, b, c)
	xm, _ := x.(map[string]any)
	ym, _ := y.(map[string]any)
	return xm, ym
}

func mask(a, b, c any) (any, any) {
	switch av := a.(type) {
	case map[string]any:
		bv, ok1 := b.(map[string]any)
		cv, ok2 := c.(map[string]any)
		if ok1 && ok2 {
			for k := range av {
				if _, ok := cv[k]; ok {
					av[k], cv[k] = mask(av[k], bv[k], cv[k])
				}
			}
			return av, cv
		}
	case []any:
		bv, ok1 := b.([]any)
		cv, ok2 := c.([]any)
		if ok1 && ok2 && len(av) == len(bv) && len(av) == len(cv) {
			for i := range av {
				av[i], cv[i] = mask(av[i], bv[i], cv[i])
			}
			return av, cv
		}
	}
	if !assert.ObjectsAreEqual(a, b) {
		return "<random>", "<random>"
	}
	return a, c
}

// TestFastPathMatches: for every corpus HelmRelease (the same request
// once; the core ones only with -short) and both SDKs, the fast path is
// taken and gives exactly the objects of the kustomize path: maps,
// templates, CRD and hook flags, order.
func TestFastPathMatches(t *testing.T) {
	dir, rows := corpusRenders(t)
	done := map[string]bool{}
	for _, r := range rows {
		vb, err := os.ReadFile(filepath.Join(dir, r.values))
		require.NoError(t, err)
		key := strings.Join([]string{r.pkg, r.namespace, r.release, string(vb)}, "\x00")
		if done[key] || (testing.Short() && !slices.Contains(corpusCore, r.id)) {
			continue
		}
		done[key] = true
		for _, major := range majors {
			t.Run(fmt.Sprintf("%s/helm%d", r.id, major), func(t *testing.T) {
				req := corpusRequest(t, dir, r, major)
				assert.True(t, takesFastPath(t, req), "fast path")
				renderBoth(t, req)
				// With commonMetadata, which the fast path applies itself.
				req.CommonMetadata = map[string]any{
					"labels":      map[string]any{"team": "platform", originNameLabel: "overridden"},
					"annotations": map[string]any{"owner": "platform-team"},
				}
				assert.True(t, takesFastPath(t, req), "fast path with commonMetadata")
				renderBoth(t, req)
			})
		}
	}
}

// TestFastPathFixtures: charts with what the fast path must reproduce
// (empty documents, hooks beside manifests, Helm's splitting quirks, kind
// order, empty or null labels and annotations, commonMetadata) and what
// it must leave to kustomize (a List, anchors, tags, two objects of one
// identity, user post-renderers, kustomize's annotations, Helm's errors):
// either way, the objects or the error are those of the kustomize path.
func TestFastPathFixtures(t *testing.T) {
	cm := func(name, extra string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n" + extra
	}
	common := map[string]any{
		"labels":      map[string]any{"team": "web", originNameLabel: "not-this"},
		"annotations": map[string]any{"owner": "web-team"},
	}
	images := []map[string]any{{"kustomize": map[string]any{"images": []any{map[string]any{"name": "nginx", "newTag": "2"}}}}}
	cases := []struct {
		name      string
		templates map[string]string
		common    map[string]any
		post      []map[string]any
		fast      bool
		majors    []int // both when nil
	}{{
		name: "empty documents, partials, notes",
		templates: map[string]string{
			"_helpers.tpl":    `{{ define "x" }}kind: Secret{{ end }}`,
			"NOTES.txt":       "Installed {{ .Release.Name }}.\n",
			"a-comment.yaml":  "# nothing to install\n",
			"b-empty.yaml":    "\n\n",
			"c-many.yaml":     "---\n# a comment\n---\n~\n---\n" + cm("one", "data: {a: b}\n") + "---\n\n---\n" + cm("two", "") + "\n---\n",
			"d-glued.yaml":    cm("three", "") + "---apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: four\n--- # trailing comment\n" + cm("five", ""),
			"e-chomping.yaml": cm("six", "data:\n  keep: |+\n    x\n\n") + "---\n" + cm("seven", "data:\n  keep: |+\n    y\n"),
			"f-null.yaml":     cm("eight", "data:\n  a: null\n  b: ~\n  c:\n  d: [1, 2.5, true, '3', 0x10, 1e3, 1.0, yes]\n"),
		},
		fast: true,
	}, {
		name: "hooks beside manifests and kind order",
		templates: map[string]string{
			"a.yaml": cm("pre", "  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook-weight: \"5\"\n") +
				"---\n" + cm("plain", "") +
				"---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: job\n  annotations:\n    helm.sh/hook: post-install,post-upgrade\ndata:\n  keep: |+\n    x\n\n" +
				"---\n" + cm("unknown-hook", "  annotations:\n    helm.sh/hook: pre-nothing\n") +
				"---\n" + cm("test", "  annotations:\n    helm.sh/hook: test\n") +
				"---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n",
			"b.yaml": "apiVersion: example.com/v1\nkind: Zebra\nmetadata:\n  name: z\n---\napiVersion: example.com/v1\nkind: Aardvark\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n",
			"c.yaml": "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: hook-only\n  annotations:\n    helm.sh/hook: pre-install\ndata:\n  keep: |+\n    x\n\n",
		},
		fast: true,
	}, {
		name: "labels and annotations empty, null or set",
		templates: map[string]string{
			"a.yaml": cm("a", "  labels: {}\n  annotations: {}\n") + "---\n" + cm("b", "  labels:\n  annotations:\n") +
				"---\n" + cm("c", "  labels: {x: \"1\", y: 2}\n  annotations: {z: \"3\"}\n") + "---\n" + cm("d", "  labels: ~\n  annotations: ~\n") +
				"---\napiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  namespace: other\n",
		},
		fast: true,
	}, {
		name:      "commonMetadata",
		templates: map[string]string{"a.yaml": cm("a", "  labels: {}\n  annotations: {}\n") + "---\n" + cm("b", "  labels:\n    team: old\n  annotations:\n") + "---\n" + cm("c", "")},
		common:    common,
		fast:      true,
	}, {
		name:      "values through kustomize's JSON round trip",
		templates: map[string]string{"a.yaml": cm("a", "data:\n"+trickyValues(false))},
		common:    common,
		fast:      true,
	}, {
		name:      "values as read",
		templates: map[string]string{"a.yaml": cm("a", "data:\n"+trickyValues(true))},
		majors:    []int{3},
		fast:      true,
	}, {
		name:      "timestamps through kustomize's JSON round trip",
		templates: map[string]string{"a.yaml": cm("a", "data:\n"+trickyValues(true))},
		majors:    []int{4},
		fast:      false,
	}, {
		// Helm 3 leaves the second line in the document (Helm 4 does not).
		name:      "a separator line with a comment after an empty document",
		templates: map[string]string{"a.yaml": cm("a", "") + "---\n--- # c\n" + cm("b", "")},
		fast:      false,
		majors:    []int{3},
	}, {
		name:      "commonMetadata labels only",
		templates: map[string]string{"a.yaml": cm("a", "  annotations: {}\n") + "---\n" + cm("b", "  annotations:\n") + "---\n" + cm("c", "  annotations: {a: b}\n")},
		common:    map[string]any{"labels": map[string]any{"team": "web"}},
		fast:      true,
	}, {
		name:      "a List",
		templates: map[string]string{"a.yaml": "apiVersion: v1\nkind: List\nitems:\n- " + strings.ReplaceAll(cm("one", ""), "\n", "\n  ") + "\n---\n" + cm("two", "")},
		fast:      false,
	}, {
		name:      "a FooList without items",
		templates: map[string]string{"a.yaml": "apiVersion: example.com/v1\nkind: FooList\nmetadata:\n  name: l\n"},
		fast:      false,
	}, {
		name:      "two objects of one identity",
		templates: map[string]string{"a.yaml": cm("same", ""), "b.yaml": cm("same", "data: {b: c}\n")},
		fast:      false,
	}, {
		name:      "one name in two namespaces",
		templates: map[string]string{"a.yaml": cm("same", "  namespace: a\n"), "b.yaml": cm("same", "  namespace: b\n")},
		fast:      false,
	}, {
		name:      "anchors, aliases and merge keys",
		templates: map[string]string{"a.yaml": cm("a", "data: &d\n  a: b\nbinaryData:\n  <<: *d\n")},
		fast:      false,
	}, {
		name:      "explicit tags",
		templates: map[string]string{"a.yaml": cm("a", "data:\n  a: !!str 123\n")},
		fast:      false,
	}, {
		name:      "kustomize's annotations",
		templates: map[string]string{"a.yaml": cm("a", "  annotations:\n    config.kubernetes.io/index: \"3\"\n")},
		fast:      false,
	}, {
		name:      "carriage returns",
		templates: map[string]string{"a.yaml": strings.ReplaceAll(cm("a", "data:\n  a: |\n    x\n"), "\n", "\r\n")},
		fast:      false,
	}, {
		name:      "document markers",
		templates: map[string]string{"a.yaml": cm("a", "") + "...\n" + cm("b", "") + "---\n---\n" + cm("c", "")},
		fast:      false,
	}, {
		name:      "no name",
		templates: map[string]string{"a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {a: b}\n"},
		fast:      false,
	}, {
		name:      "not a map",
		templates: map[string]string{"a.yaml": "- a\n- b\n"},
		fast:      false,
	}, {
		name:      "a duplicate key",
		templates: map[string]string{"a.yaml": cm("a", "data: {a: b}\ndata: {c: d}\n")},
		fast:      false,
	}, {
		name:      "a value Helm's head parse cannot write as JSON",
		templates: map[string]string{"a.yaml": cm("a", "data:\n  a: .inf\n")},
		fast:      false,
	}, {
		name:      "a template error",
		templates: map[string]string{"a.yaml": `{{ fail "no" }}`},
		fast:      false,
	}, {
		name:      "a YAML error",
		templates: map[string]string{"a.yaml": "a: [\n"},
		fast:      false,
	}, {
		name:      "commonMetadata and post-renderers",
		templates: map[string]string{"a.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: nginx:1\n"},
		common:    common,
		post:      images,
		fast:      false,
	}}
	for _, c := range cases {
		files := []File{{Name: "Chart.yaml", Data: []byte("apiVersion: v2\nname: fixture\nversion: 1.0.0\n")}}
		for name, data := range c.templates {
			files = append(files, File{Name: "templates/" + name, Data: []byte(data)})
		}
		ch, err := LoadFiles(files)
		require.NoError(t, err)
		ms := majors
		if c.majors != nil {
			ms = c.majors
		}
		for _, major := range ms {
			t.Run(fmt.Sprintf("%s/helm%d", c.name, major), func(t *testing.T) {
				req := Request{
					Major: major, Chart: ch, ReleaseName: "r", Namespace: "n",
					OwnerName: "o", OwnerNamespace: "flux", CommonMetadata: c.common, PostRenderers: c.post,
				}
				assert.Equal(t, c.fast, takesFastPath(t, req), "fast path")
				objs := renderBoth(t, req)
				if c.fast {
					assert.NotEmpty(t, objs)
				}
			})
		}
	}
}

// trickyValues are values whose type or text YAML 1.1, YAML 1.2 and JSON
// may read differently, quoted and plain.
func trickyValues(timestamps bool) string {
	var b strings.Builder
	words := []string{
		"0o17", "1_000", "+1", ".5", "1.", "1.0", "-0", "0x1F", "0X1F", "0b101", "0755", "08", "1e3", "1E3", "1e+30", "1.5e-7", "12345678901234567890",
		"~", "null", "NULL", "Null", "yes", "No", "on", "OFF", "y", "n", "True", "FALSE", "=", "<<", "1:20", "190:20:30.15",
		"-.inf", ".NaN", "1e", "0.1e", "x: y", "é", "+.5", "-1_0", "0o8", "0x", "+0x10",
	}
	if timestamps {
		words = append(words, "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2002-12-14T21:59:43Z")
	}
	for i, w := range words {
		fmt.Fprintf(&b, "  q%d: %q\n", i, w)
		if w != "-.inf" && w != ".NaN" && w != "1e+30" {
			// (Helm's head parse refuses infinities and NaN; a large
			// integral float takes the kustomize path.)
			fmt.Fprintf(&b, "  p%d: [%s]\n", i, w)
		}
	}
	b.WriteString("  s1: \"\"\n  s2: \" \"\n  s3: \"a\\nb\"\n  s4: \"tab\\t\"\n  s5: '#x'\n  s6: '&a'\n  s7: '- a'\n  s8: \"\\u00e9\\u2028\"\n")
	return b.String()
}

// TestRenderDeterministicAndConcurrentFastPath: renders of one chart side
// by side on the fast path share the chart's caches (heads, objects of
// large documents, crds/ files; CI runs it under -race with
// TestRenderDeterministicAndConcurrent). The post-rendered objects of
// large documents and crds/ files are shared by the renders of one
// release whatever their values; small documents' objects, and the
// objects of another release (other origin labels), are each render's
// own.
func TestRenderDeterministicAndConcurrentFastPath(t *testing.T) {
	var big strings.Builder
	big.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n  labels: {a: b}\ndata:\n")
	for i := range 400 {
		fmt.Fprintf(&big, "  key%d: value %d\n", i, i)
	}
	crd := "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.example.com\nspec:\n  group: example.com\n"
	ch, err := LoadFiles([]File{
		{Name: "Chart.yaml", Data: []byte("apiVersion: v2\nname: big\nversion: 1.0.0\n")},
		{Name: "templates/big.yaml", Data: []byte(big.String())},
		// Two large documents: a render parses them side by side.
		{Name: "templates/big2.yaml", Data: []byte(strings.Replace(big.String(), "name: big\n", "name: big2\n", 1))},
		{Name: "templates/small.yaml", Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: small-{{ .Release.Name }}\n")},
		{Name: "crds/things.yaml", Data: []byte(crd)},
	})
	require.NoError(t, err)
	require.Greater(t, big.Len(), decodeCacheMin)
	const n = 16
	results := make([][]Object, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := Request{Major: majors[i%2], Chart: ch, ReleaseName: "r", Namespace: "n", OwnerName: "o", OwnerNamespace: "f"}
			req.Values = map[string]any{"render": i}
			res, err := Render(context.Background(), req)
			if err == nil {
				results[i] = res.Objects
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for _, major := range majors {
		req := Request{Major: major, Chart: ch, ReleaseName: "r", Namespace: "n", OwnerName: "o", OwnerNamespace: "f"}
		assert.True(t, takesFastPath(t, req))
		want := renderBoth(t, req)
		require.Len(t, want, 4)
		for i := range n {
			require.NoError(t, errs[i])
			if majors[i%2] == major {
				assert.Equal(t, want, results[i], "render %d", i)
			}
		}
	}
	same := func(a, b map[string]any) bool { return reflect.ValueOf(a).Pointer() == reflect.ValueOf(b).Pointer() }
	for i := 2; i < n; i++ {
		first := results[i%2]
		require.Len(t, results[i], 4)
		// crds/things.yaml, then the ConfigMaps in name order: big, big2,
		// small.
		assert.True(t, same(first[0].Object, results[i][0].Object), "render %d shares the crds/ object", i)
		assert.True(t, same(first[1].Object, results[i][1].Object), "render %d shares the large document's object", i)
		assert.True(t, same(first[2].Object, results[i][2].Object), "render %d shares the other large document's object", i)
		assert.False(t, same(first[3].Object, results[i][3].Object), "render %d has a small document's object of its own", i)
	}
	other, err := Render(context.Background(), Request{Major: majors[0], Chart: ch, ReleaseName: "r", Namespace: "n", OwnerName: "other", OwnerNamespace: "f"})
	require.NoError(t, err)
	require.Len(t, other.Objects, 4)
	for j := range 3 {
		assert.False(t, same(results[0][j].Object, other.Objects[j].Object), "another release's origin labels: object %d of its own", j)
		assert.Equal(t, "other", nested(other.Objects[j].Object, "metadata", "labels", "helm.toolkit.fluxcd.io/name"))
	}
}
