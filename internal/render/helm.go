// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/d1lint/d1lint/internal/charts"
	"github.com/d1lint/d1lint/internal/helm"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/par"
	"github.com/d1lint/d1lint/internal/source"
)

// The HelmRelease stage. After the Kustomization walk, every HelmRelease
// the cluster applies has its chart found offline (in git, through the
// source kinds, or in the chart cache), its values assembled as
// helm-controller assembles them, and its chart rendered with the Helm SDK
// of the major version the cluster's helm-controller runs. The objects
// join the model under the HelmRelease.

// release is one HelmRelease of the cluster being rendered.
type release struct {
	obj   *model.Object
	node  *node
	m     *model.HelmRelease
	spec  map[string]any
	chart *loadedChart
	req   helm.Request
	// valueSources say which spec field supplied each top-level part of
	// the values, to point a schema violation at it (valuesFrom entries in
	// order, then spec.values).
	valueSources []valueSource
	// valuesFiles are the chart spec's valuesFiles.
	valuesFiles []string
	objects     []*model.Object
}

// valueSource is one layer of a HelmRelease's values: the field that
// holds it and the values it supplies.
type valueSource struct {
	field  []string
	values map[string]any
}

// loadedChart is a chart found offline, with where it was read.
type loadedChart struct {
	chart *helm.Chart
	// from says where it was read, for the model and messages.
	from string
	// version is the version it resolved to.
	version string
	// git, for a chart read from a snapshot: the repository, branch and
	// commit, and the chart's folder in it, so that its objects point at
	// their template files.
	git *model.Location
	// files maps a template's path relative to the chart to its text, for
	// a chart in git (to find the line of an object's kind).
	files map[string][]byte
}

// chartRender is one memoised render of a chart.
type chartRender struct {
	once sync.Once
	res  *helm.Result
	err  error
}

// chartLoad is one memoised chart load.
type chartLoad struct {
	once  sync.Once
	chart *loadedChart
	err   error
}

// renderCharts renders the chart of every HelmRelease the cluster applies.
func (c *clusterRender) renderCharts(ctx context.Context) {
	var rels []*release
	for _, n := range c.order {
		for _, o := range n.objects {
			if o.NotApplied != "" || o.Remote != "" || !isHelmRelease(o) || !servedHelmRelease(o.APIVersion, c.out.Flux.Version) {
				// What a remote Kustomization applies is reconciled by the
				// remote cluster's helm-controller; a HelmRelease of an
				// API version the cluster's Flux no longer serves is never
				// applied (D1-0503 reports it).
				continue
			}
			rels = append(rels, c.newRelease(n, o))
		}
	}
	if len(rels) == 0 {
		return
	}
	major := helmMajor(c.out.Flux.Version)
	// Charts are found and loaded side by side: loading unpacks and parses
	// a whole package (kube-prometheus-stack's is thousands of files), and
	// a cluster's releases use different charts.
	found := make([]foundChart, len(rels))
	c.sourceKind(source.GitRepository) // set up before the releases share it
	par.All(len(rels), func(i int) {
		rels[i].m.Helm = major
		if ctx.Err() == nil {
			found[i].chart, found[i].kind, found[i].err = c.findChart(rels[i])
		}
	})
	for i, rel := range rels {
		if ctx.Err() != nil {
			return
		}
		c.prepare(rel, found[i])
	}
	// Capabilities.APIVersions: what the cluster serves once every
	// reconciler converged (helm-controller asks the API server; Helm
	// refreshes discovery after installing a chart's crds/). A first pass
	// knows the CRDs the Kustomizations apply; the charts' own CRDs are
	// added, and the charts whose templates ask for APIVersions render
	// again with them.
	shippedBy := make([][]*model.Object, len(rels))
	par.All(len(rels), func(i int) {
		if rels[i].chart != nil {
			shippedBy[i] = c.r.shippedCRDs(rels[i].chart.chart)
		}
	})
	shipped := slices.Concat(shippedBy...)
	base := c.apiVersions(shipped)
	var first []*release
	for _, rel := range rels {
		if rel.chart != nil {
			rel.req.APIVersions = base
			first = append(first, rel)
		}
	}
	c.renderReleases(ctx, first)
	extra := shipped
	for _, rel := range rels {
		extra = append(extra, rel.objects...)
	}
	if full := c.apiVersions(extra); !slices.Equal(full, base) {
		// Only a chart that can see the new versions renders again.
		groups := addedGroups(base, full)
		var again []*release
		for _, rel := range rels {
			if rel.chart != nil && rel.m.Status == model.ChartRendered && c.r.seesAdded(rel.chart.chart, rel.req.Values, base, full, groups) {
				rel.req.APIVersions = full
				again = append(again, rel)
			}
		}
		c.renderReleases(ctx, again)
	}
	for _, rel := range rels {
		rel.node.charts = append(rel.node.charts, rel.objects...)
		rel.node.releases = append(rel.node.releases, rel.m)
		for _, o := range rel.objects {
			if o.Remote == "" {
				l := o.Location
				c.put(o.Kind, nsOrDefault(o.Namespace), o.Name, &stored{obj: o.Object, from: fromRender, loc: &l})
			}
		}
	}
	c.chartsMissing(rels)
}

func isHelmRelease(o *model.Object) bool {
	return o.Kind == "HelmRelease" && strings.HasPrefix(o.APIVersion, "helm.toolkit.fluxcd.io/")
}

// servedHelmRelease says whether the cluster's Flux serves the
// HelmRelease API version: Flux 2.7 removed helm.toolkit.fluxcd.io/v2beta1
// and v2beta2, which older releases still serve. An unknown or open
// version is the newest Flux.
func servedHelmRelease(apiVersion, fluxVersion string) bool {
	if apiVersion == "helm.toolkit.fluxcd.io/v2" {
		return true
	}
	major, minor, ok := fluxMinor(fluxVersion)
	return ok && (major < 2 || (major == 2 && minor < 7))
}

// fluxMinor reads "2.7.x", "v2.7.5" or "2.7" (ok false for "2.x" or none).
func fluxMinor(fluxVersion string) (major, minor int, ok bool) {
	parts := strings.Split(strings.TrimPrefix(strings.TrimSpace(fluxVersion), "v"), ".")
	if len(parts) < 2 {
		return 0, 0, false
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	return major, minor, err1 == nil && err2 == nil
}

// helmMajor is the major version of the Helm SDK that the cluster's
// helm-controller runs: Flux 2.8 (helm-controller v1.5) moved to Helm 4,
// Flux 2.7 and older (helm-controller v1.4 and older) run Helm 3. An
// unknown or open version ("2.x", none) is the newest Flux.
func helmMajor(fluxVersion string) int {
	if major, minor, ok := fluxMinor(fluxVersion); ok && (major < 2 || (major == 2 && minor <= 7)) {
		return 3
	}
	return 4
}

// newRelease reads a HelmRelease's spec into the model.
func (c *clusterRender) newRelease(n *node, o *model.Object) *release {
	hr := helmRelease(o)
	hr.Chain = o.Chain
	spec := nestedMap(o.Object, "spec")
	ns := nsOrDefault(o.Namespace)
	hr.ReleaseNamespace = ns
	if hr.TargetNamespace != "" {
		hr.ReleaseNamespace = hr.TargetNamespace
	}
	hr.ReleaseName = releaseName(str(spec["releaseName"]), hr.TargetNamespace, o.Name)
	hr.Remote = remoteOf(spec, ns)
	return &release{obj: o, node: n, m: hr, spec: spec}
}

// releaseName is the Helm release name helm-controller uses: spec.releaseName,
// else "[<targetNamespace>-]<name>", shortened when longer than Helm's 53
// characters to its first 40 and 12 hex digits of its SHA-256
// (helm-controller's release.ShortenName).
func releaseName(set, targetNamespace, name string) string {
	if set != "" {
		return set
	}
	n := name
	if targetNamespace != "" {
		n = targetNamespace + "-" + name
	}
	if len(n) <= 53 {
		return n
	}
	sum := fmt.Sprintf("%x", sha256.Sum256([]byte(n)))
	return n[:40] + "-" + sum[:12]
}

// prepare takes the chart findChart found for the release and assembles its values and request;
// on failure the release carries its status and the problem is recorded.
func (c *clusterRender) prepare(rel *release, found foundChart) {
	ch, kind, err := found.chart, found.kind, found.err
	if err != nil {
		var field []string
		if kind == model.ProblemMissingSource {
			// At the name that names it, in the HelmRelease's file.
			field = []string{"spec", "chart", "spec", "sourceRef", "name"}
			if _, ok := rel.spec["chartRef"]; ok {
				field = []string{"spec", "chartRef", "name"}
			}
		}
		c.chartProblem(rel, kind, field, err.Error())
		return
	}
	rel.chart = ch
	rel.m.ChartVersion, rel.m.ChartFrom, rel.m.Digest = ch.version, ch.from, ch.chart.Digest
	vals, srcs, kind, err := c.releaseValues(rel, ch)
	if err != nil {
		rel.chart = nil
		c.chartProblem(rel, kind, nil, err.Error())
		return
	}
	rel.valueSources = srcs
	install := nestedMap(rel.spec, "install")
	crds := str(install["crds"])
	if crds == "" {
		// HelmRelease v2: install.crds defaults to Create. upgrade.crds
		// (default Skip) only governs upgrades, which change CRDs that
		// exist: the desired state of a release that installed them still
		// holds them.
		crds = "Create"
	}
	disable, _ := install["disableHooks"].(bool)
	rel.req = helm.Request{Major: rel.m.Helm, Chart: ch.chart, Values: vals, ReleaseName: rel.m.ReleaseName,
		Namespace: rel.m.ReleaseNamespace, KubeVersion: c.r.opts.KubeVersion, CRDs: crds, DisableHooks: disable,
		PostRenderers: objectList(rel.spec["postRenderers"]), CommonMetadata: nestedMap(rel.spec, "commonMetadata"),
		OwnerName: rel.obj.Name, OwnerNamespace: nsOrDefault(rel.obj.Namespace)}
}

// foundChart is what findChart returned for a release.
type foundChart struct {
	chart *loadedChart
	kind  string
	err   error
}

// chartProblem records why a release's chart was not rendered.
func (c *clusterRender) chartProblem(rel *release, kind string, field []string, reason string) {
	rel.m.Reason = reason
	switch kind {
	case model.ProblemChartMissing:
		// Reported once per chart and version (chartsMissing).
		rel.m.Status = model.ChartMissing
		return
	case model.ProblemNotRendered:
		rel.m.Status = model.ChartNotRendered
	default:
		rel.m.Status = model.ChartFailed
	}
	l := rel.obj.Location
	c.problem(&model.Problem{Kind: kind, Kustomization: rel.obj.AppliedBy, HelmRelease: rel.m.Key(), Location: &l,
		Field: field, Reason: "HelmRelease " + rel.m.Key() + ": " + reason})
}

// chartsMissing reports the charts not available offline: one problem per
// chart and version, naming every HelmRelease that installs it.
func (c *clusterRender) chartsMissing(rels []*release) {
	type group struct {
		first *release
		keys  []string
	}
	groups := map[string]*group{}
	var order []string
	for _, rel := range rels {
		if rel.m.Status != model.ChartMissing {
			continue
		}
		k := rel.m.Reason
		g := groups[k]
		if g == nil {
			g = &group{first: rel}
			groups[k] = g
			order = append(order, k)
		}
		g.keys = append(g.keys, rel.m.Key())
	}
	for _, k := range order {
		g := groups[k]
		l := g.first.obj.Location
		what := "HelmRelease " + g.keys[0]
		if len(g.keys) > 1 {
			what = "HelmReleases " + strings.Join(g.keys, ", ")
		}
		c.problem(&model.Problem{Kind: model.ProblemChartMissing, Kustomization: g.first.obj.AppliedBy, HelmRelease: g.first.m.Key(),
			Location: &l, Reason: what + ": " + k})
	}
}

// renderReleases renders the releases' charts side by side (a chart of
// large CRDs takes a good part of a second, and a cluster installs
// several), then turns their objects into model objects in the releases'
// order, so that the model and its problems do not depend on which render
// ends first.
func (c *clusterRender) renderReleases(ctx context.Context, rels []*release) {
	type rendered struct {
		res *helm.Result
		err error
	}
	out := make([]rendered, len(rels))
	par.All(len(rels), func(i int) {
		out[i].res, out[i].err = c.r.renderChart(ctx, rels[i].req)
		if out[i].err == nil {
			// Handed on as each render ends, not once all have: the
			// slowest chart keeps one core busy, and the other can
			// prepare for what the first ones rendered.
			c.handOnRendered(rels[i], out[i].res)
		}
	})
	for i, rel := range rels {
		c.renderRelease(rel, out[i].res, out[i].err)
	}
}

// handOnRendered hands a chart render's objects to Options.Prefetch, as
// far as it reads them (kind, chart and manifest).
func (c *clusterRender) handOnRendered(rel *release, res *helm.Result) {
	if c.r.opts.Prefetch == nil || len(res.Objects) == 0 {
		return
	}
	chartName := rel.chart.chart.Name + "@" + rel.chart.chart.Version
	objs := make([]*model.Object, len(res.Objects))
	for i, ho := range res.Objects {
		o := &model.Object{Object: ho.Object, Chart: chartName}
		o.APIVersion, o.Kind = str(ho.Object["apiVersion"]), str(ho.Object["kind"])
		objs[i] = o
	}
	c.r.opts.Prefetch(c.out.Flux.Version, objs)
}

// renderRelease turns the release's rendered chart into model objects.
func (c *clusterRender) renderRelease(rel *release, res *helm.Result, err error) {
	rel.objects = nil
	if err != nil {
		c.chartFailed(rel, err)
		return
	}
	rel.m.Status, rel.m.Reason = model.ChartRendered, ""
	scopes := c.crdScopes(res)
	chartName := rel.chart.chart.Name + "@" + rel.chart.chart.Version
	rel.m.CRDs = nil
	for _, ho := range res.Objects {
		o := c.chartObject(rel, ho, scopes, chartName)
		if o == nil {
			continue
		}
		if o.Kind == "CustomResourceDefinition" {
			rel.m.CRDs = append(rel.m.CRDs, o.Name)
		}
		rel.objects = append(rel.objects, o)
	}
	rel.m.Objects = len(rel.objects)
}

// chartFailed records a chart that does not render: values its schema
// rejects (at the field that sets them), a dependency not vendored, or
// Helm's own error.
func (c *clusterRender) chartFailed(rel *release, err error) {
	var ve *helm.ValuesError
	if errors.As(err, &ve) && len(ve.Violations) > 0 {
		rel.m.Status, rel.m.Reason = model.ChartFailed, err.Error()
		for _, v := range ve.Violations {
			field := rel.valueField(v.Path)
			l := rel.obj.Location
			c.problem(&model.Problem{Kind: model.ProblemChartValues, Kustomization: rel.obj.AppliedBy, HelmRelease: rel.m.Key(), Location: &l, Field: field,
				Reason: fmt.Sprintf("HelmRelease %s: value %s is rejected by the values.schema.json of chart %s %s: %s", rel.m.Key(), valuePath(v.Path), rel.chart.chart.Name, rel.chart.chart.Version, v.Message)})
		}
		return
	}
	c.chartProblem(rel, model.ProblemChartError, nil, err.Error())
}

// valuePath is a values path as Helm's --set writes it.
func valuePath(p []string) string {
	if len(p) == 0 {
		return "(the values)"
	}
	return strings.Join(p, ".")
}

// valueField is the field of the HelmRelease that sets the value at path:
// spec.values wins (helm-controller merges it last), else the last
// valuesFrom entry that holds it, else the HelmRelease's values as a whole
// (the chart's own defaults are at fault).
func (rel *release) valueField(path []string) []string {
	for i := len(rel.valueSources) - 1; i >= 0; i-- {
		s := rel.valueSources[i]
		if depth := holds(s.values, path); depth > 0 {
			if s.field[len(s.field)-1] == "values" {
				return append(slices.Clone(s.field), path[:depth]...)
			}
			return s.field
		}
	}
	if _, ok := rel.spec["values"]; ok {
		return []string{"spec", "values"}
	}
	return []string{"spec"}
}

// holds says how deep values holds path: the number of leading keys found
// (0: none), so a violation inside a list points at the list's key.
func holds(values map[string]any, path []string) int {
	var cur any = values
	depth := 0
	for _, k := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			break
		}
		v, ok := m[k]
		if !ok {
			break
		}
		depth++
		cur = v
	}
	return depth
}

// chartObject turns one rendered object into a model object of the
// release.
func (c *clusterRender) chartObject(rel *release, ho helm.Object, scopes map[string]bool, chartName string) *model.Object {
	obj := ho.Object
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	md, _ := obj["metadata"].(map[string]any)
	name, _ := md["name"].(string)
	if apiVersion == "" || kind == "" || name == "" {
		return nil
	}
	ns, _ := md["namespace"].(string)
	if ns == "" && c.scoped(apiVersion, kind, scopes) {
		// Helm's kube client puts a namespaced object without a namespace
		// in the release namespace when it creates it.
		obj = withNamespace(obj, rel.m.ReleaseNamespace)
		ns = rel.m.ReleaseNamespace
	}
	o := &model.Object{ObjectID: model.ObjectID{APIVersion: apiVersion, Kind: kind, Namespace: ns, Name: name},
		Location: rel.chart.location(rel.obj.Location, ho.Template, kind), AppliedBy: rel.obj.AppliedBy, Chain: rel.obj.Chain, Object: obj,
		HelmRelease: rel.m.Key(), Chart: chartName, Template: ho.Template, Hook: ho.Hook, Remote: rel.m.Remote}
	return o
}

// withNamespace returns obj with metadata.namespace set, copying what it
// writes: rendered objects are shared by every cluster that renders the
// same release.
func withNamespace(obj map[string]any, ns string) map[string]any {
	out := maps.Clone(obj)
	md, _ := obj["metadata"].(map[string]any)
	md = maps.Clone(md)
	if md == nil {
		md = map[string]any{}
	}
	md["namespace"] = ns
	out["metadata"] = md
	return out
}

// scoped says whether a kind is namespaced: built-in and Flux kinds as
// kustomize knows them, custom kinds by the scope of their CRD in the
// render (the cluster's or the chart's).
func (c *clusterRender) scoped(apiVersion, kind string, scopes map[string]bool) bool {
	group, _ := model.SplitAPIVersion(apiVersion)
	if s, ok := scopes[group+"/"+kind]; ok {
		return s
	}
	if s, known := namespaced(apiVersion, kind); known {
		return s
	}
	// Unknown kind: Helm would fail to map it; a namespace does no harm to
	// the model.
	return true
}

// crdScopes maps "<group>/<Kind>" to whether the kind is namespaced, for
// the CRDs of the cluster's Kustomizations (read once per cluster) and of
// this chart.
func (c *clusterRender) crdScopes(res *helm.Result) map[string]bool {
	if c.ksScopes == nil {
		c.ksScopes = map[string]bool{}
		for _, n := range c.order {
			for _, o := range n.objects {
				if o.Kind == "CustomResourceDefinition" {
					addScope(c.ksScopes, o.Object)
				}
			}
		}
	}
	out := maps.Clone(c.ksScopes)
	for _, o := range res.Objects {
		if k, _ := o.Object["kind"].(string); k == "CustomResourceDefinition" {
			addScope(out, o.Object)
		}
	}
	return out
}

// addScope records a CRD's scope in scopes.
func addScope(scopes map[string]bool, crd map[string]any) {
	spec := nestedMap(crd, "spec")
	g, k := str(spec["group"]), str(nestedMap(spec, "names")["kind"])
	if g != "" && k != "" {
		scopes[g+"/"+k] = str(spec["scope"]) != "Cluster"
	}
}

// apiVersions are the API versions the cluster serves beyond Helm's
// defaults: Flux's own, and those of every CRD the Kustomizations and the
// given chart objects apply, as "group/version" and "group/version/Kind",
// sorted.
func (c *clusterRender) apiVersions(charts []*model.Object) []string {
	set := map[string]bool{}
	for _, v := range fluxAPIVersions {
		set[v] = true
	}
	add := func(o *model.Object) {
		if o.Kind != "CustomResourceDefinition" || o.NotApplied != "" || o.Remote != "" {
			return
		}
		spec := nestedMap(o.Object, "spec")
		g, k := str(spec["group"]), str(nestedMap(spec, "names")["kind"])
		if g == "" {
			return
		}
		for _, v := range objectList(spec["versions"]) {
			if served, ok := v["served"].(bool); ok && !served {
				continue
			}
			if name := str(v["name"]); name != "" {
				set[g+"/"+name] = true
				if k != "" {
					set[g+"/"+name+"/"+k] = true
				}
			}
		}
	}
	for _, n := range c.order {
		for _, o := range n.objects {
			add(o)
		}
	}
	for _, o := range charts {
		add(o)
	}
	out := make([]string, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// fluxAPIVersions are the API versions a Flux installation serves (Flux
// 2.7 and 2.8 CRDs).
var fluxAPIVersions = []string{
	"source.toolkit.fluxcd.io/v1", "source.toolkit.fluxcd.io/v1beta2",
	"kustomize.toolkit.fluxcd.io/v1",
	"helm.toolkit.fluxcd.io/v2",
	"notification.toolkit.fluxcd.io/v1", "notification.toolkit.fluxcd.io/v1beta3",
	"image.toolkit.fluxcd.io/v1beta2", "image.toolkit.fluxcd.io/v1",
}

// renderChart renders a chart once per distinct request across all
// clusters: chart digest, values, release, namespace, capabilities and
// post-rendering.
func (r *renderer) renderChart(ctx context.Context, req helm.Request) (*helm.Result, error) {
	key, err := renderKey(req)
	if err != nil {
		return nil, err
	}
	e, _ := r.chartRenders.Do(key, func() *chartRender { return &chartRender{} })
	e.once.Do(func() {
		if res, ok := r.cachedRender(key); ok {
			e.res = res
			return
		}
		// Only renders hold a slot: a render waiting for another's
		// result (the same chart and values in another cluster) holds
		// nothing, so slots cannot deadlock.
		select {
		case r.helmSlots <- struct{}{}:
		case <-ctx.Done():
			e.err = ctx.Err()
			return
		}
		defer func() { <-r.helmSlots }()
		r.chartCount.Add(1)
		e.res, e.err = helm.Render(ctx, req)
		if e.err == nil {
			// Failures are not kept: they are rare, and their messages
			// are Helm's, of this run.
			r.storeRender(key, e.res)
		}
	})
	return e.res, e.err
}

// renderKey identifies a render request; of the APIVersions, only those
// the chart's templates can tell apart count (helm.APIVersionUse.Seen).
func renderKey(req helm.Request) (string, error) {
	// The values are encoded once: for the key, and to look in them for
	// template text that reads the API versions (tpl).
	values, err := json.Marshal(req.Values)
	if err != nil {
		return "", fmt.Errorf("values: %w", err)
	}
	k := struct {
		Major                           int
		Digest, Release, NS, Kube, CRDs string
		Hooks                           bool
		APIVersions                     []string
		Values                          json.RawMessage
		Post, Common                    any
		Owner, OwnerNS                  string
	}{req.Major, req.Chart.Digest, req.ReleaseName, req.Namespace, req.KubeVersion, req.CRDs, req.DisableHooks,
		nil, values, req.PostRenderers, req.CommonMetadata, req.OwnerName, req.OwnerNamespace}
	k.APIVersions = seenVersions(req.Chart, values, req.APIVersions)
	b, err := json.Marshal(k)
	if err != nil {
		return "", fmt.Errorf("values: %w", err)
	}
	sum := sha256.Sum256(b)
	return string(sum[:]), nil
}

// chartRef is what a release's chart.spec or chartRef names.
type chartRef struct {
	kind, namespace, name string
	// chart and version are chart.spec.chart and chart.spec.version (or a
	// HelmChart's).
	chart, version string
	valuesFiles    []string
}

// location is where an object of the chart is defined: its template file
// in git for a chart read from git, else the HelmRelease.
func (ch *loadedChart) location(hr model.Location, template, kind string) model.Location {
	if ch.git == nil || template == "" {
		return hr
	}
	// Helm names templates "<chart name>/templates/x.yaml": the first
	// segment is the chart's folder.
	rel := template
	if i := strings.IndexByte(rel, '/'); i >= 0 {
		rel = rel[i+1:]
	}
	text, ok := ch.files[rel]
	if !ok {
		// A file of a packaged subchart: not in git as such.
		return hr
	}
	l := *ch.git
	l.Path = joinPath(ch.git.Path, rel)
	l.Line = kindLine(text, kind)
	return l
}

// kindLine is the line of the template's "kind: <kind>", else 1.
func kindLine(text []byte, kind string) int {
	for i, line := range strings.Split(string(text), "\n") {
		if strings.TrimSpace(line) == "kind: "+kind {
			return i + 1
		}
	}
	return 1
}

func joinPath(dir, rel string) string {
	dir = strings.TrimPrefix(strings.TrimSuffix(dir, "/"), "./")
	if dir == "" || dir == "." {
		return rel
	}
	return dir + "/" + rel
}

// notCached says how to get a chart the chart cache lacks (cache nil: no
// cache is configured).
func notCached(err error, cache *charts.Cache) string {
	if cache == nil {
		return strings.TrimSuffix(err.Error(), ".") + ": run d1lint charts pull --charts DIR to fetch the fleet's charts, and check with --charts DIR (or charts: [DIR] in .d1lint.yaml)"
	}
	return strings.TrimSuffix(err.Error(), ".") + ": run d1lint charts pull to fetch it into the chart cache"
}
