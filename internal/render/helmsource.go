// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"helm.sh/helm/v3/pkg/strvals"
	"sigs.k8s.io/yaml"

	"github.com/d1lint/d1lint/internal/charts"
	"github.com/d1lint/d1lint/internal/helm"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/source"
)

// Limits on a chart read from git: a chart folder is small; anything far
// larger is a mistake or hostile.
const (
	maxChartFiles = 10000
	maxChartBytes = 100 << 20
)

// chartError is why a release's chart was not found: the problem kind says
// whose matter it is.
type chartError struct {
	kind string
	msg  string
}

func (e *chartError) Error() string { return e.msg }

func chartErrorf(kind, format string, args ...any) *chartError {
	return &chartError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// findChart finds the release's chart offline: chart.spec (a
// HelmRepository, GitRepository or Bucket source) or chartRef (an
// OCIRepository or a HelmChart).
func (c *clusterRender) findChart(rel *release) (*loadedChart, string, error) {
	ch, err := c.findChartRef(rel)
	if err != nil {
		var ce *chartError
		if errors.As(err, &ce) {
			return nil, ce.kind, err
		}
		return nil, model.ProblemChartError, err
	}
	return ch, "", nil
}

func (c *clusterRender) findChartRef(rel *release) (*loadedChart, error) {
	ns := nsOrDefault(rel.obj.Namespace)
	if cs := nestedMap(nestedMap(rel.spec, "chart"), "spec"); cs != nil {
		sr := nestedMap(cs, "sourceRef")
		ref := chartRef{kind: str(sr["kind"]), namespace: str(sr["namespace"]), name: str(sr["name"]),
			chart: str(cs["chart"]), version: str(cs["version"]), valuesFiles: valuesFiles(cs)}
		if ref.namespace == "" {
			ref.namespace = ns
		}
		return c.chartFrom(rel, ref)
	}
	cr := nestedMap(rel.spec, "chartRef")
	if cr == nil {
		return nil, errors.New("it names no chart (neither spec.chart nor spec.chartRef)")
	}
	kind, name, refNS := str(cr["kind"]), str(cr["name"]), str(cr["namespace"])
	if refNS == "" {
		refNS = ns
	}
	switch kind {
	case "OCIRepository":
		s := c.lookup(kind, refNS, name)
		if s == nil {
			return nil, missingSource(kind, refNS, name, "chartRef")
		}
		url, _ := nestedMap(s.obj, "spec")["url"].(string)
		ref := stringMap(nestedMap(s.obj, "spec")["ref"])
		cref := charts.Ref{Kind: kind, URL: url, Name: path.Base(strings.TrimSuffix(url, "/")),
			Tag: ref["tag"], SemVer: ref["semver"], Digest: ref["digest"]}
		rel.m.Version = firstOf(ref["digest"], ref["semver"], ref["tag"], "latest")
		return c.fromCache(rel, cref)
	case "HelmChart":
		s := c.lookup(kind, refNS, name)
		if s == nil {
			return nil, missingSource(kind, refNS, name, "chartRef")
		}
		hs := nestedMap(s.obj, "spec")
		sr := nestedMap(hs, "sourceRef")
		ref := chartRef{kind: str(sr["kind"]), namespace: refNS, name: str(sr["name"]),
			chart: str(hs["chart"]), version: str(hs["version"]), valuesFiles: valuesFiles(hs)}
		rel.m.Version = ref.version
		return c.chartFrom(rel, ref)
	default:
		return nil, chartErrorf(model.ProblemNotRendered, "d1lint does not render charts from a chartRef of kind %s (it renders OCIRepository and HelmChart); not verified", kind)
	}
}

// missingSource is a chart source that never appears in the render:
// helm-controller waits for it, and the release is never installed.
func missingSource(kind, namespace, name, field string) error {
	return chartErrorf(model.ProblemMissingSource, "%s %s %s/%s not found in the render (not applied by any Kustomization of this cluster): helm-controller waits for it", field, kind, namespace, name)
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// valuesFiles are a chart spec's valuesFiles (and the deprecated
// valuesFile), which source-controller merges over the chart's values.
func valuesFiles(spec map[string]any) []string {
	var out []string
	if f := str(spec["valuesFile"]); f != "" {
		out = append(out, f)
	}
	if l, ok := spec["valuesFiles"].([]any); ok {
		for _, v := range l {
			if s, ok := v.(string); ok && s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// chartFrom finds a chart of a source: a HelmRepository's chart in the
// chart cache, a GitRepository's chart folder in its snapshot.
func (c *clusterRender) chartFrom(rel *release, ref chartRef) (*loadedChart, error) {
	rel.m.Chart = ref.chart
	switch ref.kind {
	case "HelmRepository":
		s := c.lookup(ref.kind, ref.namespace, ref.name)
		if s == nil {
			return nil, missingSource(ref.kind, ref.namespace, ref.name, "chart.spec.sourceRef")
		}
		url, _ := nestedMap(s.obj, "spec")["url"].(string)
		ch, err := c.fromCache(rel, charts.Ref{Kind: ref.kind, URL: url, Name: ref.chart, Version: ref.version})
		if err == nil && len(ref.valuesFiles) > 0 {
			rel.valuesFiles = ref.valuesFiles
		}
		return ch, err
	case "GitRepository", "":
		ch, err := c.fromGit(ref)
		if err == nil {
			rel.valuesFiles = ref.valuesFiles
		}
		return ch, err
	default:
		return nil, chartErrorf(model.ProblemNotRendered, "d1lint does not read charts from %s sources (it reads HelmRepository, OCIRepository and GitRepository charts); not verified", ref.kind)
	}
}

// fromCache finds a packaged chart in the chart cache.
func (c *clusterRender) fromCache(rel *release, ref charts.Ref) (*loadedChart, error) {
	rel.m.Package = &model.ChartPackage{Kind: ref.Kind, URL: ref.URL, Name: ref.Name, Version: ref.Version, Tag: ref.Tag, SemVer: ref.SemVer, Digest: ref.Digest}
	cache := c.r.charts
	if cache == nil {
		return nil, &chartError{kind: model.ProblemChartMissing, msg: notCached(fmt.Errorf("chart %s %s (%s) is not in git and no chart cache is configured", ref.Name, firstOf(ref.Digest, ref.SemVer, ref.Tag, ref.Version, "*"), ref.URL), nil)}
	}
	found, err := cache.Find(ref)
	if errors.Is(err, charts.ErrNotCached) {
		return nil, &chartError{kind: model.ProblemChartMissing, msg: notCached(err, cache)}
	}
	if err != nil {
		return nil, fmt.Errorf("reading chart %s from the chart cache: %w", ref, err)
	}
	key := "cache\x00" + found.Dir + "\x00" + found.Path
	return c.r.loadChart(key, func() (*loadedChart, error) {
		ch, err := helm.LoadArchive(found.Data)
		if err != nil {
			return nil, fmt.Errorf("chart cache %s: %s: %w", found.Dir, found.Path, err)
		}
		return &loadedChart{chart: ch, version: found.Version, from: "chart cache " + found.Dir + ": " + found.Path}, nil
	})
}

// loadChart loads a chart once for every cluster.
func (r *renderer) loadChart(key string, load func() (*loadedChart, error)) (*loadedChart, error) {
	v, _ := r.chartLoads.LoadOrStore(key, &chartLoad{})
	e := v.(*chartLoad)
	e.once.Do(func() { e.chart, e.err = load() })
	return e.chart, e.err
}

// fromGit reads a chart folder from a GitRepository's snapshot, as
// source-controller packages it (helm.LoadFiles honours its .helmignore).
func (c *clusterRender) fromGit(ref chartRef) (*loadedChart, error) {
	kind := source.GitRepository
	s := c.lookup(kind, ref.namespace, ref.name)
	if s == nil {
		return nil, missingSource(kind, ref.namespace, ref.name, "chart.spec.sourceRef")
	}
	impl, ok := c.sourceKind(kind)
	if !ok {
		return nil, chartErrorf(model.ProblemNotRendered, "d1lint does not read GitRepository sources here; not verified")
	}
	spec := sourceSpec(s.obj)
	snap, err := impl.Resolve(spec)
	if err != nil {
		return nil, chartErrorf(model.ProblemUnresolvedSource, "the chart's GitRepository %s/%s (%s): %v", ref.namespace, ref.name, spec.URL, err)
	}
	dir := path.Clean(strings.TrimPrefix(ref.chart, "./"))
	if path.IsAbs(ref.chart) || dir == ".." || strings.HasPrefix(dir, "../") {
		return nil, fmt.Errorf("chart path %q leaves the repository", ref.chart)
	}
	key := "git\x00" + snap.ID + "\x00" + dir
	return c.r.loadChart(key, func() (*loadedChart, error) {
		files, err := readChartFolder(snap.Dir, dir)
		if err != nil {
			return nil, fmt.Errorf("chart %s of %s@%s: %w", dir, snap.URL, snap.Branch, err)
		}
		ch, err := helm.LoadFiles(files)
		if err != nil {
			return nil, fmt.Errorf("chart %s of %s@%s: %w", dir, snap.URL, snap.Branch, err)
		}
		byName := make(map[string][]byte, len(files))
		for _, f := range files {
			byName[f.Name] = f.Data
		}
		loc := ptr(snapLocation(snap, snap.RepoPath(dir)))
		return &loadedChart{chart: ch, version: ch.Version, from: snap.URL + "@" + snap.Branch + ":" + dir, git: loc, files: byName}, nil
	})
}

// readChartFolder reads the files of the chart folder dir of a snapshot,
// confined to the snapshot (os.Root: no symlink or ".." leaves it);
// helm.LoadFiles then leaves out what its .helmignore ignores.
func readChartFolder(snapDir, dir string) ([]helm.File, error) {
	root, err := os.OpenRoot(snapDir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	fsys := root.FS()
	if st, err := fs.Stat(fsys, dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("no chart folder %s in the repository", dir)
	}
	var files []helm.File
	total := 0
	err = fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p, dir), "/")
		if rel == "" {
			return nil
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if len(files) >= maxChartFiles || total+int(fi.Size()) > maxChartBytes {
			return fmt.Errorf("the chart folder is larger than d1lint reads (%d files, %d MiB)", maxChartFiles, maxChartBytes>>20)
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		total += len(data)
		files = append(files, helm.File{Name: rel, Data: data})
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, nil
}

// releaseValues assembles the values helm-controller passes to Helm: the
// chart's valuesFiles (which source-controller merges over values.yaml),
// then every valuesFrom entry in order, then spec.values, each merged over
// the last ("Values from references are merged in the order given, the
// inline values last", helm-controller's chartutil.ChartValuesFromReferences).
func (c *clusterRender) releaseValues(rel *release, ch *loadedChart) (map[string]any, []valueSource, string, error) {
	vals := map[string]any{}
	var srcs []valueSource
	for _, name := range rel.valuesFiles {
		data, ok := chartFile(ch.chart, name)
		if !ok {
			return nil, nil, model.ProblemChartError, fmt.Errorf("valuesFiles: chart %s has no file %s", ch.chart.Name, name)
		}
		m := map[string]any{}
		if err := yaml.Unmarshal(data, &m); err != nil {
			return nil, nil, model.ProblemChartError, fmt.Errorf("valuesFiles: %s: %w", name, err)
		}
		vals = mergeMaps(vals, m)
	}
	ns := nsOrDefault(rel.obj.Namespace)
	for i, ref := range objectList(rel.spec["valuesFrom"]) {
		kind, name := str(ref["kind"]), str(ref["name"])
		key, target := str(ref["valuesKey"]), str(ref["targetPath"])
		optional, _ := ref["optional"].(bool)
		if key == "" {
			key = "values.yaml"
		}
		what := fmt.Sprintf("valuesFrom %s %s/%s", kind, ns, name)
		s := c.lookup(kind, ns, name)
		switch {
		case s == nil && optional:
			continue
		case s == nil:
			return nil, nil, model.ProblemChartError, fmt.Errorf("%s not found (not in the render, not cloned by a Kyverno policy, not declared out-of-band): helm-controller fails the release until it exists", what)
		case s.from == fromOutOfBand:
			return nil, nil, model.ProblemNotRendered, fmt.Errorf("%s exists out of band, so its values are not in git; not verified", what)
		}
		data, found, secret := dataKey(s.obj, kind, key)
		if secret {
			return nil, nil, model.ProblemNotRendered, fmt.Errorf("%s is encrypted (SOPS), so its values are not known offline; not verified", what)
		}
		if !found {
			if optional {
				continue
			}
			return nil, nil, model.ProblemChartError, fmt.Errorf("%s has no key %s: helm-controller fails the release", what, key)
		}
		layer := map[string]any{}
		if target != "" {
			if err := replacePathValue(layer, target, data); err != nil {
				return nil, nil, model.ProblemChartError, fmt.Errorf("%s: targetPath %s: %w", what, target, err)
			}
		} else if err := yaml.Unmarshal([]byte(data), &layer); err != nil {
			return nil, nil, model.ProblemChartError, fmt.Errorf("%s: key %s is not YAML values: %w", what, key, err)
		}
		vals = mergeMaps(vals, layer)
		srcs = append(srcs, valueSource{field: []string{"spec", "valuesFrom", fmt.Sprint(i)}, values: layer})
	}
	if inline, ok := rel.spec["values"].(map[string]any); ok {
		vals = mergeMaps(vals, inline)
		srcs = append(srcs, valueSource{field: []string{"spec", "values"}, values: inline})
	}
	return vals, srcs, "", nil
}

// chartFile is a file of the chart by its path in the chart.
func chartFile(ch *helm.Chart, name string) ([]byte, bool) {
	name = path.Clean(strings.TrimPrefix(name, "./"))
	for _, f := range ch.Files {
		if f.Name == name {
			return f.Data, true
		}
	}
	return nil, false
}

// dataKey reads key of a ConfigMap's data or a Secret's data (base64) or
// stringData. encrypted is true for a SOPS-encrypted Secret.
func dataKey(obj map[string]any, kind, key string) (value string, found, encrypted bool) {
	if _, ok := obj["sops"]; ok {
		return "", false, true
	}
	if kind == "Secret" {
		if v, ok := stringMap(obj["stringData"])[key]; ok {
			return v, true, false
		}
		if v, ok := stringMap(obj["data"])[key]; ok {
			b, err := base64.StdEncoding.DecodeString(v)
			if err != nil {
				return v, true, false
			}
			return string(b), true, false
		}
		return "", false, false
	}
	if v, ok := stringMap(obj["data"])[key]; ok {
		return v, true, false
	}
	v, ok := stringMap(obj["binaryData"])[key]
	return v, ok, false
}

// replacePathValue sets the value at a dot-notation targetPath as
// helm-controller does, with Helm's --set parser: a value in single or
// double quotes is taken as a string, else typed as --set types it.
func replacePathValue(dest map[string]any, target, value string) error {
	if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
		return strvals.ParseIntoString(target+"="+value[1:len(value)-1], dest)
	}
	return strvals.ParseInto(target+"="+value, dest)
}

// mergeMaps merges b over a, recursing into maps present in both: what
// helm-controller's transform.MergeMaps does. Neither is modified.
func mergeMaps(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if bm, ok := v.(map[string]any); ok {
			if am, ok := out[k].(map[string]any); ok {
				out[k] = mergeMaps(am, bm)
				continue
			}
		}
		out[k] = v
	}
	return out
}
