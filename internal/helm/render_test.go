// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package helm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var majors = []int{3, 4}

// appRequest is a request for the app fixture chart.
func appRequest(t testing.TB, major int) Request {
	return Request{
		Major:          major,
		Chart:          loadDir(t, "app"),
		ReleaseName:    "web",
		Namespace:      "apps",
		KubeVersion:    "1.34",
		OwnerName:      "web-hr",
		OwnerNamespace: "flux-apps",
	}
}

func render(t testing.TB, req Request) []Object {
	t.Helper()
	res, err := Render(context.Background(), req)
	require.NoError(t, err)
	return res.Objects
}

// TestRenderValuesAndBuiltins: the user's values are coalesced over the
// chart's and the subchart's defaults (globals included, under the
// subchart's alias), and the templates see the release, the capabilities
// and a lookup that finds nothing.
func TestRenderValuesAndBuiltins(t *testing.T) {
	for _, major := range majors {
		t.Run(fmt.Sprint("helm", major), func(t *testing.T) {
			req := appRequest(t, major)
			req.Values = map[string]any{
				"config": map[string]any{"b": "3", "c": "4"},
				"child":  map[string]any{"port": 9090},
			}
			req.APIVersions = []string{"monitoring.coreos.com/v1/ServiceMonitor"}
			objs := render(t, req)

			cm := find(t, objs, "ConfigMap", "web-app")
			assert.Equal(t, "app/templates/configmap.yaml", cm.Template)
			data := cm.Object["data"].(map[string]any)
			assert.Equal(t, map[string]any{
				"release":           "web",
				"namespace":         "apps",
				"kubeVersion":       "v1.34.0",
				"kubeMinor":         "34",
				"hasApps":           "true",
				"hasServiceMonitor": "true",
				"lookup":            "{}",
				"lookupList":        "0",
				"config.a":          "1",
				"config.b":          "3",
				"config.c":          "4",
			}, data)
			// Helm does not set metadata.namespace: the caller does.
			assert.Nil(t, nested(cm.Object, "metadata", "namespace"))
			assert.Equal(t, "apps", nested(find(t, objs, "ServiceAccount", "web-app").Object, "metadata", "namespace"))

			sub := find(t, objs, "ConfigMap", "web-child")
			assert.Equal(t, "app/charts/child/templates/configmap.yaml", sub.Template)
			assert.Equal(t, map[string]any{"port": "9090", "name": "sub", "env": "test"}, sub.Object["data"])

			dep := find(t, objs, "Deployment", "web-app")
			assert.Equal(t, 1, nested(dep.Object, "spec", "replicas"))

			// Without the extra API version, the default set has no
			// ServiceMonitor; without a Kubernetes version, Helm's default.
			req.APIVersions = nil
			req.KubeVersion = ""
			data = find(t, render(t, req), "ConfigMap", "web-app").Object["data"].(map[string]any)
			assert.Equal(t, "false", data["hasServiceMonitor"])
			assert.Equal(t, "true", data["hasApps"])
			assert.Equal(t, "v1.20.0", data["kubeVersion"])

			req.KubeVersion = "v1.33.2"
			data = find(t, render(t, req), "ConfigMap", "web-app").Object["data"].(map[string]any)
			assert.Equal(t, "v1.33.2", data["kubeVersion"])
		})
	}
}

// TestRenderOrderCRDsAndHooks: crds/ objects first, then the templates in
// Helm's kind order, then the hooks; test hooks never; the CRDs policy and
// disableHooks.
func TestRenderOrderCRDsAndHooks(t *testing.T) {
	for _, major := range majors {
		t.Run(fmt.Sprint("helm", major), func(t *testing.T) {
			req := appRequest(t, major)
			objs := render(t, req)
			var got []string
			for _, o := range objs {
				got = append(got, fmt.Sprintf("%s %s crd=%v hook=%q", o.Object["kind"], nested(o.Object, "metadata", "name"), o.CRD, o.Hook))
			}
			want := []string{
				`CustomResourceDefinition widgets.example.com crd=true hook=""`,
			}
			if major == 3 {
				// helm-controller v1.4 applies whatever crds/ holds.
				want = append(want, `ConfigMap misplaced crd=true hook=""`)
			}
			want = append(want,
				`ServiceAccount web-app crd=false hook=""`,
				`ConfigMap web-child crd=false hook=""`,
				`ConfigMap web-app crd=false hook=""`,
				`Service web-app crd=false hook=""`,
				`Deployment web-app crd=false hook=""`,
				`Job web-app-migrate crd=false hook="pre-install,pre-upgrade"`,
			)
			assert.Equal(t, want, got)
			assert.Equal(t, "app/crds/widgets.yaml", objs[0].Template)
			assert.Equal(t, "app/templates/hooks/job.yaml", objs[len(objs)-1].Template)

			req.CRDs = "CreateReplace"
			assert.Equal(t, objs, render(t, req))

			req.CRDs = "Skip"
			skipped := render(t, req)
			for _, o := range skipped {
				assert.False(t, o.CRD)
			}
			assert.Len(t, skipped, 6)

			req.CRDs = "Sometimes"
			_, err := Render(context.Background(), req)
			assert.ErrorContains(t, err, `invalid CRD policy "Sometimes"`)

			req.CRDs = ""
			req.DisableHooks = true
			for _, o := range render(t, req) {
				assert.Empty(t, o.Hook, o.Template)
			}
		})
	}
}

// TestRenderPostRenderers: kustomize patches and images in spec order,
// then commonMetadata, then the origin labels (which win over a common
// label of the same key); hooks are not post-rendered and crds/ objects
// only get the origin labels. The templates' names survive.
func TestRenderPostRenderers(t *testing.T) {
	for _, major := range majors {
		t.Run(fmt.Sprint("helm", major), func(t *testing.T) {
			req := appRequest(t, major)
			req.PostRenderers = []map[string]any{
				{"kustomize": map[string]any{
					"patches": []any{
						map[string]any{
							"target": map[string]any{"kind": "Deployment"},
							"patch":  "- op: replace\n  path: /spec/replicas\n  value: 3\n",
						},
						map[string]any{
							"patch": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web-app\n$patch: delete\n",
						},
					},
					"images": []any{
						map[string]any{"name": "nginx", "newName": "registry.example.com/nginx", "newTag": "1.27"},
					},
				}},
				// A second post-renderer sees the first one's output.
				{"kustomize": map[string]any{
					"patches": []any{map[string]any{
						"patch": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-app\n  annotations:\n    replicas: seen\n",
					}},
				}},
				// An entry without kustomize does nothing.
				{},
			}
			req.CommonMetadata = map[string]any{
				"labels":      map[string]any{"team": "web", originNameLabel: "not-this"},
				"annotations": map[string]any{"owner": "web-team"},
			}
			objs := render(t, req)

			dep := find(t, objs, "Deployment", "web-app")
			assert.Equal(t, "app/templates/deployment.yaml", dep.Template)
			assert.Equal(t, 3, nested(dep.Object, "spec", "replicas"))
			assert.Equal(t, "registry.example.com/nginx:1.27", nested(dep.Object, "spec", "template", "spec", "containers").([]any)[0].(map[string]any)["image"])
			assert.Equal(t, map[string]any{"replicas": "seen", "owner": "web-team"}, nested(dep.Object, "metadata", "annotations"))
			// Metadata only: the selector and the pod template keep theirs.
			assert.Equal(t, map[string]any{"app": "app"}, nested(dep.Object, "spec", "selector", "matchLabels"))

			for _, o := range objs {
				if o.Object["kind"] == "Service" {
					t.Errorf("the Service was deleted by a patch, yet rendered from %s", o.Template)
				}
				l := labels(o.Object)
				switch {
				case o.Hook != "":
					assert.NotContains(t, l, originNameLabel, "hooks are not post-rendered")
					assert.NotContains(t, l, "team")
					img := nested(o.Object, "spec", "template", "spec", "containers").([]any)[0].(map[string]any)["image"]
					assert.Equal(t, "nginx:1.25", img, "hooks are not post-rendered")
				case o.CRD:
					assert.Equal(t, "web-hr", l[originNameLabel], o.Template)
					assert.Equal(t, "flux-apps", l[originNamespaceLabel], o.Template)
					assert.NotContains(t, l, "team", "crds/ objects only get the origin labels")
				default:
					assert.Equal(t, "web-hr", l[originNameLabel], o.Template)
					assert.Equal(t, "flux-apps", l[originNamespaceLabel], o.Template)
					assert.Equal(t, "web", l["team"], o.Template)
					assert.Equal(t, "web-team", nested(o.Object, "metadata", "annotations", "owner"), o.Template)
				}
			}
			// Each object still knows its template after post-rendering,
			// though one was deleted (Helm 3 loses the names there).
			for tpl, kind := range map[string]string{
				"app/templates/configmap.yaml":                   "ConfigMap",
				"app/charts/child/templates/configmap.yaml":      "ConfigMap",
				"app/templates/serviceaccount.yaml":              "ServiceAccount",
				"app/templates/deployment.yaml":                  "Deployment",
				"app/templates/hooks/job.yaml":                   "Job",
				"app/templates/service.yaml":                     "",
				"app/templates/tests/test-connection.yaml":       "",
				"app/charts/child/templates/does-not-exist.yaml": "",
			} {
				got := byTemplate(objs, tpl)
				if kind == "" {
					assert.Empty(t, got, tpl)
					continue
				}
				require.Len(t, got, 1, tpl)
				assert.Equal(t, kind, got[0].Object["kind"], tpl)
			}

			crds := byTemplate(objs, "app/crds/widgets.yaml")
			require.Len(t, crds, map[int]int{3: 2, 4: 1}[major])
			assert.Equal(t, "CustomResourceDefinition", crds[0].Object["kind"])

			// No post-renderers: the origin labels all the same.
			req.PostRenderers, req.CommonMetadata = nil, nil
			for _, o := range render(t, req) {
				if o.Hook == "" {
					assert.Equal(t, "web-hr", labels(o.Object)[originNameLabel], o.Template)
					assert.NotContains(t, labels(o.Object), "team")
				}
			}

			req.PostRenderers = []map[string]any{{"kustomize": map[string]any{"patches": "not a list"}}}
			_, err := Render(context.Background(), req)
			assert.ErrorContains(t, err, "spec.postRenderers[0]")
		})
	}
}

// TestRenderPostRendererDropsFileName: Helm 4 follows each document
// through the post-renderer with an annotation; a patch that replaces the
// annotations drops it, and Helm names the object after the post-renderer.
// Helm 3 knows nothing of it.
func TestRenderPostRendererDropsFileName(t *testing.T) {
	want := map[int]string{3: "app/templates/deployment.yaml", 4: "generated-by-postrender-manifests-2.yaml"}
	for _, major := range majors {
		req := appRequest(t, major)
		req.PostRenderers = []map[string]any{{"kustomize": map[string]any{
			"patches": []any{map[string]any{
				"target": map[string]any{"kind": "Deployment"},
				"patch":  "- op: add\n  path: /metadata/annotations\n  value: {replicas: seen}\n",
			}},
		}}}
		dep := find(t, render(t, req), "Deployment", "web-app")
		assert.Equal(t, want[major], dep.Template, major)
		assert.Equal(t, map[string]any{"replicas": "seen"}, nested(dep.Object, "metadata", "annotations"))
	}
}

// TestRenderValuesError: the coalesced values are checked against the
// chart's schema ($ref to a file of the chart included) and the
// subchart's (under its alias), with paths from the top-level values.
func TestRenderValuesError(t *testing.T) {
	for _, major := range majors {
		t.Run(fmt.Sprint("helm", major), func(t *testing.T) {
			req := appRequest(t, major)
			req.Values = map[string]any{
				"replicaCount": "two",
				"image":        map[string]any{"tag": 1.26, "repository": nil},
				"config":       map[string]any{"c": 3},
				"child":        map[string]any{"port": "http", "colour": "blue"},
				// A template would fail on it: the schema is checked first.
				"fail": true,
			}
			_, err := Render(context.Background(), req)
			var verr *ValuesError
			require.ErrorAs(t, err, &verr)
			var got []string
			for _, v := range verr.Violations {
				got = append(got, fmt.Sprintf("%v %s", v.Path, v.Message))
			}
			assert.Equal(t, []string{
				"[child colour] not allowed (the schema has no such property)",
				"[child port] got string, want integer",
				"[config c] got number, want string",
				"[image repository] required, but not set",
				"[image tag] got number, want string",
				"[replicaCount] got string, want integer",
			}, got)
			assert.True(t, strings.HasPrefix(err.Error(), "values don't meet the chart's schema: child.colour: not allowed"), err.Error())
			assert.Contains(t, err.Error(), "; replicaCount: got string, want integer")

			// A subchart's values must be a map: Helm's dependency
			// processing refuses anything else before validation.
			req.Values = map[string]any{"child": "none"}
			_, err = Render(context.Background(), req)
			assert.ErrorContains(t, err, "type mismatch on child")
		})
	}
}

// TestRenderSchemaRefs: a schema's $ref is read from the chart's files;
// one to the network or outside the chart is refused, not fetched.
func TestRenderSchemaRefs(t *testing.T) {
	for _, ref := range []string{"https://example.com/config.json", "file:///etc/passwd", "../outside.json"} {
		files := readDir(t, "testdata/app")
		for i, f := range files {
			if f.Name == "values.schema.json" {
				files[i].Data = []byte(strings.Replace(string(f.Data), "schemas/config.json", ref, 1))
			}
		}
		c, err := LoadFiles(files)
		require.NoError(t, err)
		req := appRequest(t, 4)
		req.Chart = c
		_, err = Render(context.Background(), req)
		require.Error(t, err, ref)
		var verr *ValuesError
		assert.False(t, errors.As(err, &verr))
		assert.Contains(t, err.Error(), "rendering chart app 1.2.3: chart app: values.schema.json", ref)
	}
}

// TestRenderDependencyError: an enabled dependency that is not vendored is
// refused, named; a disabled one (by its condition) is not missing.
func TestRenderDependencyError(t *testing.T) {
	for _, major := range majors {
		t.Run(fmt.Sprint("helm", major), func(t *testing.T) {
			req := appRequest(t, major)
			// extra is disabled by default: no error (the other tests).
			req.Values = map[string]any{"extra": map[string]any{"enabled": true}}
			_, err := Render(context.Background(), req)
			var derr *DependencyError
			require.ErrorAs(t, err, &derr)
			assert.Equal(t, []string{"extra"}, derr.Missing)
			assert.Equal(t, "chart dependencies not vendored under charts/: extra; charts must come with their dependencies vendored (helm dependency build)", err.Error())

			// Without the vendored subchart, the enabled alias is missing
			// too, named as Chart.yaml names it.
			var files []File
			for _, f := range req.Chart.Files {
				if !strings.HasPrefix(f.Name, "charts/") {
					files = append(files, f)
				}
			}
			req.Chart, err = LoadFiles(files)
			require.NoError(t, err)
			req.Values = nil
			_, err = Render(context.Background(), req)
			require.ErrorAs(t, err, &derr)
			assert.Equal(t, []string{"sub"}, derr.Missing)
		})
	}
}

// TestRenderHelmErrors: Helm's errors come wrapped with the chart, and a
// bad request is an error, never a panic.
func TestRenderHelmErrors(t *testing.T) {
	for _, major := range majors {
		t.Run(fmt.Sprint("helm", major), func(t *testing.T) {
			req := appRequest(t, major)
			req.Values = map[string]any{"fail": true}
			_, err := Render(context.Background(), req)
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), "rendering chart app 1.2.3: "), err.Error())
			assert.Contains(t, err.Error(), "the values ask this chart to fail")
			assert.NotContains(t, err.Error(), "/tmp")

			req = appRequest(t, major)
			req.KubeVersion = "1.19"
			_, err = Render(context.Background(), req)
			assert.ErrorContains(t, err, "chart requires kubeVersion: >=1.20.0-0")

			req = appRequest(t, major)
			req.KubeVersion = "latest"
			_, err = Render(context.Background(), req)
			assert.ErrorContains(t, err, `invalid Kubernetes version "latest"`)

			req = appRequest(t, major)
			req.ReleaseName = "Not_A_Name"
			_, err = Render(context.Background(), req)
			assert.ErrorContains(t, err, `release name "Not_A_Name"`)

			// A name over 53 characters is shortened as helm-controller does.
			req = appRequest(t, major)
			req.ReleaseName = strings.Repeat("a", 30) + "-" + strings.Repeat("b", 30)
			objs := render(t, req)
			rel := find(t, objs, "Deployment", shortenName(req.ReleaseName)+"-app")
			assert.Len(t, nested(rel.Object, "metadata", "name"), 53+len("-app"))

			// Files Helm cannot load.
			bad, err := LoadFiles([]File{
				{Name: "Chart.yaml", Data: []byte("apiVersion: v2\nname: bad\nversion: 1.0.0\n")},
				{Name: "values.yaml", Data: []byte("a: [")},
			})
			require.NoError(t, err)
			_, err = Render(context.Background(), Request{Major: major, Chart: bad, ReleaseName: "x", Namespace: "y"})
			assert.ErrorContains(t, err, "rendering chart bad 1.0.0: ")
		})
	}
	_, err := Render(context.Background(), Request{Major: 5, Chart: loadDir(t, "plain")})
	assert.ErrorContains(t, err, "unsupported Helm major version 5")
	_, err = Render(context.Background(), Request{Major: 3})
	assert.Error(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Render(ctx, Request{Major: 3, Chart: loadDir(t, "plain"), ReleaseName: "x"})
	assert.ErrorIs(t, err, context.Canceled)
}

// TestRenderDeterministicAndConcurrent: the same request gives the same
// objects, also from many goroutines at once, from a cold start (kustomize
// builds its schema on first use; run with -race in CI), and the caller's
// values are left alone.
func TestRenderDeterministicAndConcurrent(t *testing.T) {
	reqs := map[int]Request{}
	for _, major := range majors {
		req := appRequest(t, major)
		req.Values = map[string]any{"config": map[string]any{"b": "3"}}
		req.PostRenderers = []map[string]any{{"kustomize": map[string]any{
			"images":  []any{map[string]any{"name": "nginx", "newTag": "2"}},
			"patches": []any{map[string]any{"patch": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-app\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          env: [{name: A, value: b}]\n"}},
		}}}
		reqs[major] = req
	}
	const n = 16
	var wg sync.WaitGroup
	results := make([][]Object, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := Render(context.Background(), reqs[majors[i%2]])
			if err == nil {
				results[i] = res.Objects
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i])
		assert.Equal(t, results[i%2], results[i], "render %d", i)
	}
	// The strategic merge patch merged the container by name.
	c := nested(find(t, results[0], "Deployment", "web-app").Object, "spec", "template", "spec", "containers").([]any)
	require.Len(t, c, 1)
	assert.Equal(t, "nginx:2", c[0].(map[string]any)["image"])
	assert.Equal(t, []any{map[string]any{"name": "A", "value": "b"}}, c[0].(map[string]any)["env"])
	assert.Equal(t, results[0], render(t, reqs[3]))
	assert.Equal(t, map[string]any{"config": map[string]any{"b": "3"}}, reqs[3].Values)
}

// TestRenderListsAndEmptyDocuments: a template of only a comment gives no
// object, a List gives its items (kustomize expands it in post-rendering),
// and each object keeps its template, also when a patch deletes one.
func TestRenderListsAndEmptyDocuments(t *testing.T) {
	c, err := LoadFiles([]File{
		{Name: "Chart.yaml", Data: []byte("apiVersion: v2\nname: lists\nversion: 1.0.0\n")},
		{Name: "templates/a-comment.yaml", Data: []byte("# nothing to install\n")},
		{Name: "templates/b-list.yaml", Data: []byte("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: one\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: two\n")},
		{Name: "templates/c-secret.yaml", Data: []byte("apiVersion: v1\nkind: Secret\nmetadata:\n  name: gone\n")},
		{Name: "templates/d-sa.yaml", Data: []byte("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n")},
		{Name: "templates/e-cm.yaml", Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: three\n")},
	})
	require.NoError(t, err)
	for _, major := range majors {
		for _, post := range [][]map[string]any{nil, {{"kustomize": map[string]any{"patches": []any{
			map[string]any{"patch": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: gone\n$patch: delete\n"},
		}}}}} {
			objs := render(t, Request{Major: major, Chart: c, ReleaseName: "r", Namespace: "n", PostRenderers: post})
			got := map[string]string{}
			for _, o := range objs {
				got[fmt.Sprint(o.Object["kind"], "/", nested(o.Object, "metadata", "name"))] = o.Template
			}
			want := map[string]string{
				"ConfigMap/one":     "lists/templates/b-list.yaml",
				"ConfigMap/two":     "lists/templates/b-list.yaml",
				"ConfigMap/three":   "lists/templates/e-cm.yaml",
				"ServiceAccount/sa": "lists/templates/d-sa.yaml",
				"Secret/gone":       "lists/templates/c-secret.yaml",
			}
			if post != nil {
				delete(want, "Secret/gone")
			}
			assert.Equal(t, want, got, "helm %d, post-renderers %v", major, post != nil)
		}
	}
}
