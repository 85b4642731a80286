// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package helm

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	action4 "helm.sh/helm/v4/pkg/action"
	common4 "helm.sh/helm/v4/pkg/chart/common"
	cutil4 "helm.sh/helm/v4/pkg/chart/common/util"
	archive4 "helm.sh/helm/v4/pkg/chart/loader/archive"
	chart4 "helm.sh/helm/v4/pkg/chart/v2"
	loader4 "helm.sh/helm/v4/pkg/chart/v2/loader"
	chartutil4 "helm.sh/helm/v4/pkg/chart/v2/util"
	engine4 "helm.sh/helm/v4/pkg/engine"
	release4 "helm.sh/helm/v4/pkg/release/v1"
	releaseutil4 "helm.sh/helm/v4/pkg/release/v1/util"
)

// renderV4 installs the chart as helm-controller v1.5 does with the Helm 4
// SDK (internal/action/install.go at v1.5.5), in the client-only dry run of
// `helm template`. It differs from v1.4 where helm-controller and Helm do:
// dependencies are processed without merge (Helm 4's ProcessDependencies),
// hooks are left out of post-rendering explicitly (PostRenderStrategyNoHooks,
// since v1.5.4; Helm 4's default, "combined", post-renders hooks with the
// templates), and the post-rendered objects are sorted again by Helm.
func renderV4(ctx context.Context, req *Request, pl *plan) (out *sdkResult, err error) {
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
	if err := chartutil4.ValidateReleaseName(pl.releaseName); err != nil {
		return nil, fmt.Errorf("release name check failed: release name %q: %w", pl.releaseName, err)
	}
	// A fresh Helm chart for every render: dependency processing rewrites
	// it (disabled subcharts removed, aliases renamed, imported values).
	files := make([]*archive4.BufferedFile, len(req.Chart.Files))
	for i, f := range req.Chart.Files {
		files[i] = &archive4.BufferedFile{Name: f.Name, Data: f.Data}
	}
	ch, err := loader4.LoadFiles(files)
	if err != nil {
		return nil, err
	}
	names := depNames4(ch, map[*chart4.Dependency]string{})
	out = &sdkResult{}
	// helm-controller installs crds/ itself (install.SkipCRDs) before the
	// install: when the chart has any and the policy is not Skip, it
	// processes the dependencies (so disabled subcharts' CRDs are left out)
	// on the chart that the install then processes again, and takes the
	// CRDs from there.
	if pl.crds != "Skip" && len(ch.CRDObjects()) > 0 {
		if err := chartutil4.ProcessDependencies(ch, pl.values); err != nil {
			return nil, fmt.Errorf("failed to apply CustomResourceDefinitions: failed to process chart dependencies: %w", err)
		}
		for _, c := range ch.CRDObjects() {
			out.crds = append(out.crds, crdFile{filename: c.Filename, data: c.File.Data})
		}
	}
	// A configuration of its own per render, with Helm's log discarded:
	// its warnings are not d1lint's output.
	cfg := action4.NewConfiguration(action4.ConfigurationSetLogger(slog.DiscardHandler))
	inst := action4.NewInstall(cfg)
	// helm template: a client-side dry run, which sets a memory storage
	// and a printing kube client itself; no cluster is asked anything, so
	// lookup returns an empty map.
	inst.DryRunStrategy = action4.DryRunClient
	inst.Replace = true
	inst.ReleaseName = pl.releaseName
	inst.Namespace = req.Namespace
	// As helm-controller: CRDs are its own (above), hooks are rendered
	// whatever disableHooks says (Helm only skips running them), any
	// chart version is fine, hooks are not post-rendered.
	inst.SkipCRDs = true
	inst.IncludeCRDs = false
	inst.DisableHooks = req.DisableHooks
	inst.Devel = true
	inst.PostRenderStrategy = action4.PostRenderStrategyNoHooks
	// Helm's schema validation would fetch $refs over the network; Render
	// validates the same values itself afterwards (validateValues).
	inst.SkipSchemaValidation = true
	if pl.kubeVersion != "" {
		if inst.KubeVersion, err = common4.ParseKubeVersion(pl.kubeVersion); err != nil {
			return nil, err
		}
	}
	// Install appends these to common.DefaultVersionSet.
	inst.APIVersions = common4.VersionSet(req.APIVersions)
	inst.PostRenderer = pl.post
	rel, runErr := inst.RunWithContext(ctx, ch, pl.values)
	out.runErr = runErr
	if r, ok := rel.(*release4.Release); ok && r != nil {
		out.manifest = r.Manifest
		for _, h := range r.Hooks {
			out.hooks = append(out.hooks, hookResult{path: h.Path, manifest: h.Manifest})
		}
	} else if runErr == nil {
		// helm-controller v1.5 refuses any other release type the same way.
		return nil, fmt.Errorf("only the Chart API v2 is supported")
	}
	// The install processed the chart's dependencies (its first step after
	// the name): what is left is what Helm enabled.
	missing4(ch, names, "", &out.missing)
	// The values Helm validates and renders with (ToRenderValues), for
	// validateValues, which Helm runs even when no chart has a schema (a
	// subchart's values must be a map).
	out.schema = schemaTree4(ch)
	vals, err := cutil4.CoalesceValues(ch, pl.values)
	if err != nil {
		return nil, err
	}
	out.values = vals
	return out, nil
}

// depNames4 records the Chart.yaml name of every dependency of the tree
// before Helm replaces it with the alias.
func depNames4(c *chart4.Chart, names map[*chart4.Dependency]string) map[*chart4.Dependency]string {
	if c.Metadata != nil {
		for _, d := range c.Metadata.Dependencies {
			if d != nil {
				names[d] = d.Name
			}
		}
	}
	for _, sc := range c.Dependencies() {
		depNames4(sc, names)
	}
	return names
}

// missing4 lists the enabled dependencies with no chart (see missing3).
func missing4(c *chart4.Chart, names map[*chart4.Dependency]string, prefix string, out *[]string) {
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
		missing4(sc, names, prefix+sc.Name()+"/", out)
	}
}

// schemaTree4 is the processed chart as schema validation sees it.
func schemaTree4(c *chart4.Chart) *schemaChart {
	sc := &schemaChart{name: c.Name(), schema: c.Schema}
	if c.Schema != nil {
		sc.files = make(map[string][]byte, len(c.Raw))
		for _, f := range c.Raw {
			sc.files[f.Name] = f.Data
		}
	}
	for _, d := range c.Dependencies() {
		sc.deps = append(sc.deps, schemaTree4(d))
	}
	return sc
}

// renderFast4 is renderV4 on the fast path (see fast.go and renderFast3):
// Install.RunWithContext's client-side dry run step by step with the same
// Helm functions, the manifests sorted, post-rendered and sorted again by
// fastSort and fastObjects4.
func renderFast4(ctx context.Context, req *Request, pl *plan) (out *sdkResult, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			out, ok = nil, false
		}
	}()
	docs := newRenderDocs(req.Chart)
	post, ok := newFastPost(docs, pl.post, 4)
	if !ok {
		return nil, false
	}
	if err := chartutil4.ValidateReleaseName(pl.releaseName); err != nil {
		return nil, false
	}
	vals := deepCopy(pl.values).(map[string]any)
	files := make([]*archive4.BufferedFile, len(req.Chart.Files))
	for i, f := range req.Chart.Files {
		files[i] = &archive4.BufferedFile{Name: f.Name, Data: f.Data}
	}
	ch, err := loader4.LoadFiles(files)
	if err != nil {
		return nil, false
	}
	names := depNames4(ch, map[*chart4.Dependency]string{})
	out = &sdkResult{}
	if pl.crds != "Skip" && len(ch.CRDObjects()) > 0 {
		if err := chartutil4.ProcessDependencies(ch, vals); err != nil {
			return nil, false
		}
		for _, c := range ch.CRDObjects() {
			out.crds = append(out.crds, crdFile{filename: c.Filename, data: c.File.Data})
		}
	}
	if err := chartutil4.ProcessDependencies(ch, vals); err != nil {
		return nil, false
	}
	caps := common4.DefaultCapabilities.Copy()
	if pl.kubeVersion != "" {
		kv, err := common4.ParseKubeVersion(pl.kubeVersion)
		if err != nil {
			return nil, false
		}
		caps.KubeVersion = *kv
	}
	caps.APIVersions = append(caps.APIVersions, common4.VersionSet(req.APIVersions)...)
	options := common4.ReleaseOptions{Name: pl.releaseName, Namespace: req.Namespace, Revision: 1, IsInstall: true}
	top, err := cutil4.ToRenderValuesWithSchemaValidation(ch, vals, options, caps, true)
	if err != nil {
		return nil, false
	}
	if ch.Metadata.KubeVersion != "" && !chartutil4.IsCompatibleRange(ch.Metadata.KubeVersion, caps.KubeVersion.String()) {
		return nil, false
	}
	var e engine4.Engine
	rendered, err := e.RenderWithContext(ctx, ch, top)
	if err != nil {
		return nil, false
	}
	for k := range rendered {
		if strings.HasSuffix(k, "NOTES.txt") {
			delete(rendered, k)
		}
	}
	hooks, manifests, ok := fastSort(docs, rendered, splitManifests4, releaseutil4.InstallOrder)
	if !ok {
		return nil, false
	}
	if out.posted, out.hooks, ok = fastObjects4(docs, post, hooks, manifests, releaseutil4.InstallOrder); !ok {
		return nil, false
	}
	missing4(ch, names, "", &out.missing)
	out.schema = schemaTree4(ch)
	if out.values, err = cutil4.CoalesceValues(ch, vals); err != nil {
		return nil, false
	}
	return out, true
}
