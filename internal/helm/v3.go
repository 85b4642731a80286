// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package helm

import (
	"fmt"
	"strings"

	action3 "helm.sh/helm/v3/pkg/action"
	chart3 "helm.sh/helm/v3/pkg/chart"
	loader3 "helm.sh/helm/v3/pkg/chart/loader"
	chartutil3 "helm.sh/helm/v3/pkg/chartutil"
	engine3 "helm.sh/helm/v3/pkg/engine"
	releaseutil3 "helm.sh/helm/v3/pkg/releaseutil"
)

// renderV3 installs the chart as helm-controller v1.4 does with the Helm 3
// SDK (internal/action/install.go), in the client-only dry run of
// `helm template`.
func renderV3(req *Request, pl *plan) (out *sdkResult, err error) {
	// Helm panics on some broken charts and templates: that is an error
	// of this chart, not of the program.
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("helm panicked: %v", r)
		}
	}()
	// The release name is checked first, as Install does before anything
	// else, so that a failed install has always processed the chart's
	// dependencies below.
	if err := chartutil3.ValidateReleaseName(pl.releaseName); err != nil {
		return nil, fmt.Errorf("release name %q: %w", pl.releaseName, err)
	}
	// A fresh Helm chart for every render: dependency processing rewrites
	// it (disabled subcharts removed, aliases renamed, imported values).
	files := make([]*loader3.BufferedFile, len(req.Chart.Files))
	for i, f := range req.Chart.Files {
		files[i] = &loader3.BufferedFile{Name: f.Name, Data: f.Data}
	}
	ch, err := loader3.LoadFiles(files)
	if err != nil {
		return nil, err
	}
	names := depNames3(ch, map[*chart3.Dependency]string{})
	out = &sdkResult{}
	// helm-controller installs crds/ itself (install.SkipCRDs) before the
	// install: when the chart has any and the policy is not Skip, it
	// processes the dependencies (ProcessDependenciesWithMerge, so disabled
	// subcharts' CRDs are left out) on the chart that the install then
	// processes again, and takes the CRDs from there.
	if pl.crds != "Skip" && len(ch.CRDObjects()) > 0 {
		if err := chartutil3.ProcessDependenciesWithMerge(ch, pl.values); err != nil {
			return nil, fmt.Errorf("failed to apply CustomResourceDefinitions: failed to process chart dependencies: %w", err)
		}
		for _, c := range ch.CRDObjects() {
			out.crds = append(out.crds, crdFile{filename: c.Filename, data: c.File.Data})
		}
	}
	// Configuration.Log: Helm's warnings are not d1lint's output.
	cfg := &action3.Configuration{Log: func(string, ...any) {}}
	inst := action3.NewInstall(cfg)
	// helm template: a client-only dry run, a memory storage and a
	// printing kube client (set by Install itself); no cluster is asked
	// anything, so lookup returns an empty map.
	inst.DryRun = true
	inst.DryRunOption = "client"
	inst.ClientOnly = true
	inst.Replace = true
	inst.ReleaseName = pl.releaseName
	inst.Namespace = req.Namespace
	// As helm-controller: CRDs are its own (above), hooks are rendered
	// whatever disableHooks says (Helm only skips running them), any
	// chart version is fine.
	inst.SkipCRDs = true
	inst.IncludeCRDs = false
	inst.DisableHooks = req.DisableHooks
	inst.Devel = true
	// Helm's schema validation would fetch $refs over the network; Render
	// validates the same values itself afterwards (validateValues).
	inst.SkipSchemaValidation = true
	if pl.kubeVersion != "" {
		if inst.KubeVersion, err = chartutil3.ParseKubeVersion(pl.kubeVersion); err != nil {
			return nil, err
		}
	}
	// Install appends these to chartutil.DefaultVersionSet.
	inst.APIVersions = chartutil3.VersionSet(req.APIVersions)
	inst.PostRenderer = pl.post
	rel, runErr := inst.Run(ch, pl.values)
	out.runErr = runErr
	// The templates' objects come from the post-renderer, which always runs
	// (the origin labels); the manifest Helm stores is not read.
	out.posted = pl.post.objects
	if rel != nil {
		for _, h := range rel.Hooks {
			out.hooks = append(out.hooks, hookResult{path: h.Path, manifest: h.Manifest})
		}
	}
	// The install processed the chart's dependencies (its first step after
	// the name): what is left is what Helm enabled.
	missing3(ch, names, "", &out.missing)
	// The values Helm validates and renders with (ToRenderValues), for
	// validateValues, which Helm runs even when no chart has a schema (a
	// subchart's values must be a map).
	out.schema = schemaTree3(ch)
	vals, err := chartutil3.CoalesceValues(ch, pl.values)
	if err != nil {
		return nil, err
	}
	out.values = vals
	return out, nil
}

// depNames3 records the Chart.yaml name of every dependency of the tree
// before Helm replaces it with the alias.
func depNames3(c *chart3.Chart, names map[*chart3.Dependency]string) map[*chart3.Dependency]string {
	if c.Metadata != nil {
		for _, d := range c.Metadata.Dependencies {
			if d != nil {
				names[d] = d.Name
			}
		}
	}
	for _, sc := range c.Dependencies() {
		depNames3(sc, names)
	}
	return names
}

// missing3 lists the enabled dependencies with no chart: after Helm's
// processing, Metadata.Dependencies holds the enabled ones (named by
// alias) and Dependencies() the charts found for them (and any other
// chart under charts/).
func missing3(c *chart3.Chart, names map[*chart3.Dependency]string, prefix string, out *[]string) {
	have := map[string]bool{}
	for _, sc := range c.Dependencies() {
		have[sc.Name()] = true
	}
	if c.Metadata != nil {
		for _, d := range c.Metadata.Dependencies {
			if d == nil || have[d.Name] {
				continue
			}
			name := names[d]
			if name == "" {
				name = d.Name
			}
			*out = append(*out, prefix+name)
		}
	}
	for _, sc := range c.Dependencies() {
		missing3(sc, names, prefix+sc.Name()+"/", out)
	}
}

// schemaTree3 is the processed chart as schema validation sees it.
func schemaTree3(c *chart3.Chart) *schemaChart {
	sc := &schemaChart{name: c.Name(), schema: c.Schema}
	if c.Schema != nil {
		sc.files = make(map[string][]byte, len(c.Raw))
		for _, f := range c.Raw {
			sc.files[f.Name] = f.Data
		}
	}
	for _, d := range c.Dependencies() {
		sc.deps = append(sc.deps, schemaTree3(d))
	}
	return sc
}

// renderFast3 is renderV3 on the fast path (see fast.go): Install.Run's
// client-only dry run step by step with the same Helm functions, the
// manifests sorted and post-rendered by fastSort and fastObjects3. It
// returns false wherever Helm would fail or the fast path cannot give
// exactly the kustomize path's objects: Render then takes that path.
func renderFast3(req *Request, pl *plan) (out *sdkResult, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			out, ok = nil, false
		}
	}()
	docs := newRenderDocs(req.Chart)
	post, ok := newFastPost(docs, pl.post, 3)
	if !ok {
		return nil, false
	}
	if err := chartutil3.ValidateReleaseName(pl.releaseName); err != nil {
		return nil, false
	}
	// What renderV3 does before the install, with the values it hands
	// Helm (a copy of them: the kustomize path may run after this one).
	vals := deepCopy(pl.values).(map[string]any)
	ch, err := req.Chart.loaded3()
	if err != nil {
		return nil, false
	}
	names := depNames3(ch, map[*chart3.Dependency]string{})
	out = &sdkResult{}
	if pl.crds != "Skip" && len(ch.CRDObjects()) > 0 {
		if err := chartutil3.ProcessDependenciesWithMerge(ch, vals); err != nil {
			return nil, false
		}
		for _, c := range ch.CRDObjects() {
			out.crds = append(out.crds, crdFile{filename: c.Filename, data: c.File.Data})
		}
	}
	// Install.RunWithContext with ClientOnly, DryRun, SkipCRDs and
	// SkipSchemaValidation: the name is valid (above), the dependencies
	// processed, the capabilities Helm's defaults with the Kubernetes
	// version and the extra API versions, the values to render.
	if err := chartutil3.ProcessDependenciesWithMerge(ch, vals); err != nil {
		return nil, false
	}
	caps := chartutil3.DefaultCapabilities.Copy()
	if pl.kubeVersion != "" {
		kv, err := chartutil3.ParseKubeVersion(pl.kubeVersion)
		if err != nil {
			return nil, false
		}
		caps.KubeVersion = *kv
	}
	caps.APIVersions = append(caps.APIVersions, chartutil3.VersionSet(req.APIVersions)...)
	options := chartutil3.ReleaseOptions{Name: pl.releaseName, Namespace: req.Namespace, Revision: 1, IsInstall: true}
	top, err := chartutil3.ToRenderValuesWithSchemaValidation(ch, vals, options, caps, true)
	if err != nil {
		return nil, false
	}
	// renderResources: the chart's kubeVersion, the engine (no cluster, no
	// DNS), NOTES.txt taken out, the manifests sorted, no crds/ (SkipCRDs),
	// the post-renderer. The printing kube client of a client-only
	// install builds nothing from the manifest.
	if ch.Metadata.KubeVersion != "" && !chartutil3.IsCompatibleRange(ch.Metadata.KubeVersion, caps.KubeVersion.String()) {
		return nil, false
	}
	var e engine3.Engine
	rendered, err := e.Render(ch, top)
	if err != nil {
		return nil, false
	}
	for k := range rendered {
		if strings.HasSuffix(k, "NOTES.txt") {
			delete(rendered, k)
		}
	}
	hooks, manifests, ok := fastSort(docs, rendered, splitManifests3, releaseutil3.InstallOrder)
	if !ok {
		return nil, false
	}
	if out.posted, ok = fastObjects3(post, manifests); !ok {
		return nil, false
	}
	for _, h := range hooks {
		out.hooks = append(out.hooks, hookResult{path: h.path, manifest: h.content})
	}
	missing3(ch, names, "", &out.missing)
	out.schema = schemaTree3(ch)
	if out.values, err = chartutil3.CoalesceValues(ch, vals); err != nil {
		return nil, false
	}
	return out, true
}

// loaded3 is the chart as Helm 3's loader reads it, for a render. A render
// changes the chart only where ProcessDependencies drops what its
// conditions disable, and a chart without dependencies (in Chart.yaml)
// nor subcharts has nothing to drop: that chart is read once and shared
// by every render (Engine.Render and the values only read it); another
// is read afresh for each.
func (c *Chart) loaded3() (*chart3.Chart, error) {
	c.sdk3.once.Do(func() {
		ch, err := c.load3()
		c.sdk3.chart, c.sdk3.err = ch, err
		c.sdk3.shared = err == nil && ch.Metadata.Dependencies == nil && len(ch.Dependencies()) == 0
		if !c.sdk3.shared && err == nil {
			c.sdk3.chart = nil // each render reads its own
		}
	})
	if c.sdk3.shared || c.sdk3.err != nil {
		return c.sdk3.chart, c.sdk3.err
	}
	return c.load3()
}

func (c *Chart) load3() (*chart3.Chart, error) {
	files := make([]*loader3.BufferedFile, len(c.Files))
	for i, f := range c.Files {
		files[i] = &loader3.BufferedFile{Name: f.Name, Data: f.Data}
	}
	return loader3.LoadFiles(files)
}
