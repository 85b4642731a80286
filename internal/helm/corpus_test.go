// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package helm

import (
	"bufio"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/d1lint/d1lint/internal/testutil"
)

// corpusRender is one row of the corpus's charts/renders.tsv: a HelmRelease
// rendered with `helm template --kube-version 1.34.0 --skip-tests`.
type corpusRender struct {
	id, pkg, namespace, release, values string
	objects, crdsFromDirs               int
	kinds                               map[string]int
}

func corpusRenders(t testing.TB) (string, []corpusRender) {
	dir := filepath.Join(testutil.SharedCorpus(t), "charts")
	f, err := os.Open(filepath.Join(dir, "renders.tsv"))
	require.NoError(t, err)
	defer f.Close()
	var out []corpusRender
	sc := bufio.NewScanner(f)
	var head []string
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if head == nil {
			head = cols
			continue
		}
		row := map[string]string{}
		for i, h := range head {
			if i < len(cols) {
				row[h] = cols[i]
			}
		}
		r := corpusRender{id: row["id"], pkg: row["package"], namespace: row["namespace"], release: row["release"], values: row["values"], kinds: map[string]int{}}
		r.objects, err = strconv.Atoi(row["objects"])
		require.NoError(t, err)
		r.crdsFromDirs, err = strconv.Atoi(row["crds_from_crds_dirs"])
		require.NoError(t, err)
		for kc := range strings.SplitSeq(row["kinds"], ",") {
			k, c, ok := strings.Cut(kc, ":")
			require.True(t, ok, kc)
			r.kinds[k], err = strconv.Atoi(c)
			require.NoError(t, err)
		}
		out = append(out, r)
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, out)
	return dir, out
}

// corpusRequest is the request of a renders.tsv row.
func corpusRequest(t testing.TB, dir string, r corpusRender, major int) Request {
	data, err := os.ReadFile(filepath.Join(dir, r.pkg))
	require.NoError(t, err)
	ch, err := LoadArchive(data)
	require.NoError(t, err)
	vb, err := os.ReadFile(filepath.Join(dir, r.values))
	require.NoError(t, err)
	var vals map[string]any
	require.NoError(t, yaml.Unmarshal(vb, &vals))
	return Request{
		Major: major, Chart: ch, Values: vals,
		ReleaseName: r.release, Namespace: r.namespace, KubeVersion: "1.34.0",
		OwnerName: r.release, OwnerNamespace: r.namespace,
	}
}

// The renders the task names: the d1 staging HelmReleases of podinfo,
// kyverno, kube-prometheus-stack and metrics-server. The others run too
// unless -short.
var corpusCore = []string{
	"d1-frontend-staging-podinfo",
	"d1-admission-staging-kyverno",
	"d1-monitoring-staging-kube-prometheus-stack",
	"d1-monitoring-staging-metrics-server",
}

// TestCorpusRenders renders the corpus's HelmReleases with both SDKs and
// checks the counts and kinds `helm template` gives (renders.tsv): the
// templates' objects with hooks and without tests, and the crds/ objects.
func TestCorpusRenders(t *testing.T) {
	dir, rows := corpusRenders(t)
	seen := 0
	done := map[string]bool{}
	for _, r := range rows {
		core := slices.Contains(corpusCore, r.id)
		if !core && testing.Short() {
			continue
		}
		// Renders of the same package with the same values and release
		// (a fleet's staging and production) are done once.
		vb, err := os.ReadFile(filepath.Join(dir, r.values))
		require.NoError(t, err)
		key := strings.Join([]string{r.pkg, r.namespace, r.release, string(vb)}, "\x00")
		if done[key] && !core {
			continue
		}
		done[key] = true
		if core {
			seen++
		}
		for _, major := range []int{3, 4} {
			t.Run(fmt.Sprintf("%s/helm%d", r.id, major), func(t *testing.T) {
				req := corpusRequest(t, dir, r, major)
				res, err := Render(context.Background(), req)
				require.NoError(t, err)
				kinds := map[string]int{}
				crds, objs := 0, 0
				for _, o := range res.Objects {
					lbls := labels(o.Object)
					if o.Hook != "" {
						// Hooks are not post-rendered (Helm 3, and Helm 4
						// with helm-controller's nohooks strategy).
						assert.NotContains(t, lbls, originNameLabel, "hook %s", o.Template)
					} else {
						assert.Equal(t, r.release, lbls[originNameLabel], "origin label on %s", o.Template)
						assert.Equal(t, r.namespace, lbls[originNamespaceLabel], "origin label on %s", o.Template)
					}
					assert.True(t, strings.HasPrefix(o.Template, req.Chart.Name+"/"), o.Template)
					if o.CRD {
						assert.Contains(t, o.Template, "/crds/")
					}
					if o.CRD {
						crds++
						assert.Equal(t, "CustomResourceDefinition", o.Object["kind"])
						continue
					}
					objs++
					kinds[o.Object["kind"].(string)]++
				}
				assert.Equal(t, r.objects, objs, "objects")
				assert.Equal(t, r.crdsFromDirs, crds, "CRDs from crds/")
				assert.Equal(t, r.kinds, kinds, "kinds")
				// The same render twice gives the same objects (a chart of
				// subcharts with crds/, which Helm lists in map order).
				if r.id == "d1-monitoring-staging-kube-prometheus-stack" {
					again, err := Render(context.Background(), req)
					require.NoError(t, err)
					assert.Equal(t, res.Objects, again.Objects)
				}
				// CRDs first, hooks last.
				phase := 0
				for _, o := range res.Objects {
					p := 1
					switch {
					case o.CRD:
						p = 0
					case o.Hook != "":
						p = 2
					}
					assert.GreaterOrEqual(t, p, phase, "install order at %s", o.Template)
					phase = p
				}
			})
		}
	}
	assert.Equal(t, len(corpusCore), seen, "renders.tsv has the core renders")
}

func labels(obj map[string]any) map[string]any {
	meta, _ := obj["metadata"].(map[string]any)
	l, _ := meta["labels"].(map[string]any)
	return maps.Clone(l)
}

// BenchmarkRenderKubePrometheusStack renders kube-prometheus-stack 87.3.0
// with d1's staging values (89 objects and 10 CRDs) with each SDK; the
// chart is loaded once, as a caller holding it would (helm3, helm4), or
// for every render (helm3-cold, helm4-cold: the chart's caches empty, as
// for its first render).
func BenchmarkRenderKubePrometheusStack(b *testing.B) {
	benchmarkCorpusRender(b, "d1-monitoring-staging-kube-prometheus-stack")
}

// BenchmarkRenderKyverno renders kyverno 3.8.1 with d1's staging values
// (79 objects, 22 of them CRDs from templates) as
// BenchmarkRenderKubePrometheusStack does.
func BenchmarkRenderKyverno(b *testing.B) {
	benchmarkCorpusRender(b, "d1-admission-staging-kyverno")
}

func benchmarkCorpusRender(b *testing.B, id string) {
	dir, rows := corpusRenders(b)
	i := slices.IndexFunc(rows, func(r corpusRender) bool { return r.id == id })
	require.GreaterOrEqual(b, i, 0)
	for _, major := range []int{3, 4} {
		b.Run(fmt.Sprint("helm", major), func(b *testing.B) {
			req := corpusRequest(b, dir, rows[i], major)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Render(context.Background(), req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, major := range []int{3, 4} {
		b.Run(fmt.Sprintf("helm%d-cold", major), func(b *testing.B) {
			req := corpusRequest(b, dir, rows[i], major)
			data, err := os.ReadFile(filepath.Join(dir, rows[i].pkg))
			require.NoError(b, err)
			b.ReportAllocs()
			for range b.N {
				b.StopTimer()
				if req.Chart, err = LoadArchive(data); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := Render(context.Background(), req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
