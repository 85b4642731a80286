// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/d1lint/d1lint/internal/fleet"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/source"
)

// root builds the cluster's root Kustomization (flux-system/flux-system
// in d1) and registers the GitRepository it reads.
func (c *clusterRender) root(ctx context.Context) (*node, error) {
	if c.spec.Era == fleet.EraOperator {
		return c.operatorRoot()
	}
	return c.bootstrapRoot(ctx)
}

// operatorRoot reproduces what Flux Operator creates from FluxInstance
// spec.sync: a GitRepository and a Kustomization both named after the
// namespace (flux-system), with spec.kustomize.patches applied to them as
// the operator applies them to everything it generates. The source polls at
// spec.sync.interval; the Kustomization's interval is the operator's own.
func (c *clusterRender) operatorRoot() (*node, error) {
	inst := c.spec.Instance
	sync := nestedMap(nestedMap(inst, "spec"), "sync")
	ns := "flux-system"
	if md := nestedMap(inst, "metadata"); str(md["namespace"]) != "" {
		ns = str(md["namespace"])
	}
	name := str(sync["name"])
	if name == "" {
		name = ns
	}
	kind := source.GitRepository
	repo := map[string]any{
		"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": kind,
		"metadata": map[string]any{"name": name, "namespace": ns},
		"spec": map[string]any{"interval": syncInterval(str(sync["interval"])), "url": str(sync["url"]),
			"ref": map[string]any{"name": str(sync["ref"])}},
	}
	if c.spec.SourceKind == source.OCIRepository {
		// Flux Operator generates an OCIRepository whose spec.ref is the
		// sync ref as a tag (or a digest); the source kind resolves it
		// to the git revision CI pushed it from.
		kind = source.OCIRepository
		ref := map[string]any{}
		for k, v := range fleet.OCISyncRef(str(sync["ref"])) {
			ref[k] = v
		}
		repo["apiVersion"], repo["kind"] = "source.toolkit.fluxcd.io/v1", kind
		repo["spec"].(map[string]any)["ref"] = ref
	}
	if ps := str(sync["pullSecret"]); ps != "" {
		repo["spec"].(map[string]any)["secretRef"] = map[string]any{"name": ps}
	}
	ks := map[string]any{
		"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
		"metadata": map[string]any{"name": name, "namespace": ns},
		"spec": map[string]any{"interval": operatorKustomizationInterval, "path": str(sync["path"]), "prune": true,
			"sourceRef": map[string]any{"kind": kind, "name": name}},
	}
	patches, _ := nestedMap(nestedMap(inst, "spec"), "kustomize")["patches"].([]any)
	if len(patches) > 0 {
		var err error
		repo, ks, err = c.r.builder.instancePatches(repo, ks, patches)
		if err != nil {
			return nil, fmt.Errorf("%s: applying FluxInstance spec.kustomize.patches: %w", c.spec.InstanceFile, err)
		}
	}
	repoKey, branch := c.declaredIn()
	loc := &model.Location{Repo: repoKey, Branch: branch, Path: c.spec.InstanceFile, Line: c.spec.InstanceLine}
	c.put(kind, ns, name, &stored{obj: repo, from: fromInstance, loc: loc})
	n := newNode(ks, nil, nil)
	n.m.Location = loc
	return n, nil
}

// operatorKustomizationInterval is the interval of the Kustomization Flux
// Operator generates from spec.sync: fixed, whatever spec.sync.interval
// says (that interval is the source's only).
const operatorKustomizationInterval = "10m0s"

// syncInterval is the interval of the source Flux Operator generates from
// spec.sync.interval: the API server defaults the field to 1m (FluxInstance
// API reference: "when not set the default is 1m"), and the operator writes
// the parsed metav1.Duration back out in Go's form, so "1m" becomes "1m0s".
// A value that does not parse (the CRD's pattern rejects it) is kept.
func syncInterval(s string) string {
	if s == "" {
		s = "1m"
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return s
	}
	return d.String()
}

type patchResult struct {
	once     sync.Once
	repo, ks map[string]any
	err      error
}

// instancePatches applies FluxInstance patches once for every cluster with
// the same sync and patches (production clusters usually share them).
func (b *builder) instancePatches(repo, ks map[string]any, patches []any) (map[string]any, map[string]any, error) {
	key, err := json.Marshal([]any{repo, ks, patches})
	if err != nil {
		return nil, nil, err
	}
	v, _ := b.patched.LoadOrStore(string(key), &patchResult{})
	p := v.(*patchResult)
	p.once.Do(func() { p.repo, p.ks, p.err = applyPatches(repo, ks, patches) })
	if p.err != nil {
		return nil, nil, p.err
	}
	return deepCopyMap(p.repo), deepCopyMap(p.ks), nil
}

// applyPatches runs kustomize over the two generated objects with the
// FluxInstance patches, in memory.
func applyPatches(repo, ks map[string]any, patches []any) (map[string]any, map[string]any, error) {
	fs := filesys.MakeFsInMemory()
	r, _ := yaml.Marshal(repo)
	k, _ := yaml.Marshal(ks)
	kus, err := yaml.Marshal(map[string]any{"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
		"resources": []string{"objects.yaml"}, "patches": patches})
	if err != nil {
		return nil, nil, err
	}
	_ = fs.MkdirAll("/instance")
	_ = fs.WriteFile("/instance/objects.yaml", append(append(r, []byte("---\n")...), k...))
	_ = fs.WriteFile("/instance/kustomization.yaml", kus)
	m, err := kustomizeBuild(fs, "/instance", false)
	if err != nil {
		return nil, nil, err
	}
	for _, res := range m.Resources() {
		switch res.GetKind() {
		case "GitRepository", "OCIRepository":
			repo = asMap(res)
		case "Kustomization":
			ks = asMap(res)
		}
	}
	return repo, ks, nil
}

// bootstrapRoot builds the cluster folder with the root Kustomization as
// its file writes it (gotk-sync.yaml's flux-system, or a Kustomization
// applying its own folder), and takes from that build the root
// Kustomization and its GitRepository as the folder's kustomization.yaml
// patches them (the definition Flux actually applies), and the controller
// Deployments for the lockdown flags. The patched root's own build is then
// the same build (patches to fields such as serviceAccountName do not
// change what kustomize builds), so the half megabyte of
// gotk-components.yaml is built once per cluster.
func (c *clusterRender) bootstrapRoot(ctx context.Context) (*node, error) {
	snap, err := c.fleetSnapshot()
	if err != nil {
		return nil, fmt.Errorf("reading the fleet for %s: %w", c.spec.Path, err)
	}
	rootNS, rootName, _ := strings.Cut(c.spec.Root, "/")
	raw := &unstructured.Unstructured{Object: deepCopyMap(c.spec.Sync)}
	b := c.r.builder.build(ctx, snap, raw, c.spec.Root)
	for _, p := range b.problems {
		// A warning (a dropped symlink: source-controller drops symlinks
		// from artifacts) stops nothing; the root's own build, the same one,
		// records it.
		if !p.Warning {
			return nil, fmt.Errorf("building the root of %s: %s", c.spec.Path, p.Reason)
		}
	}
	var ks, repo map[string]any
	var ksLoc, repoLoc model.Location
	flags := map[string][]string{}
	for i, res := range b.resources {
		switch {
		case res.GetKind() == "Kustomization" && res.GetName() == rootName && res.GetNamespace() == rootNS:
			ks, ksLoc = asMap(res), b.locations[i]
		case res.GetKind() == "GitRepository" && res.GetName() == c.spec.SourceName && res.GetNamespace() == c.spec.SourceNamespace:
			repo, repoLoc = asMap(res), b.locations[i]
		case res.GetKind() == "Deployment" && res.GetNamespace() == "flux-system":
			flags[res.GetName()] = managerArgs(asMap(res))
		}
	}
	switch {
	case c.spec.Assumed:
		// The message stays as it was before roots were found by content:
		// findings' fingerprints cover it, and baselines keep them.
		c.problem(&model.Problem{Kind: model.ProblemCluster, Warning: true, Location: &model.Location{Repo: urlKey(c.spec.URL), Path: c.spec.Path},
			Reason: fmt.Sprintf("%s declares no Flux sync (no FluxInstance, no flux-system Kustomization in gotk-sync.yaml): assuming flux bootstrap's, which applies %s from %s at branch %s",
				c.spec.Path, c.spec.SyncPath, c.spec.URL, c.spec.Ref.Branch)})
		if ks == nil {
			ks = raw.Object
		}
		if repo == nil {
			repo = map[string]any{"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
				"metadata": map[string]any{"name": "flux-system", "namespace": "flux-system"},
				"spec":     map[string]any{"interval": "1m0s", "url": c.spec.URL, "ref": map[string]any{"branch": c.spec.Ref.Branch}}}
		}
	case c.spec.Found == fleet.FoundKustomization && (ks == nil || repo == nil) && c.spec.Repo != nil:
		// The folder's kustomization.yaml leaves the root out: something
		// else applies it (a Helm chart or Terraform installing Flux), so
		// Flux reconciles it as its file writes it.
		fleetKey, fleetBranch := c.declaredIn()
		if ks == nil {
			ks, ksLoc = raw.Object, model.Location{Repo: fleetKey, Branch: fleetBranch, Path: c.spec.SyncFile, Line: c.spec.SyncLine}
		}
		if repo == nil {
			repo, repoLoc = deepCopyMap(c.spec.Repo), model.Location{Repo: fleetKey, Branch: fleetBranch, Path: c.spec.URLFile, Line: c.spec.RepoLine}
		}
	}
	if ks == nil || repo == nil {
		return nil, fmt.Errorf("%s: the render of %s does not contain the root Kustomization %s and its GitRepository %s/%s",
			c.spec.SyncFile, c.spec.SyncPath, c.spec.Root, c.spec.SourceNamespace, c.spec.SourceName)
	}
	c.put("GitRepository", c.spec.SourceNamespace, c.spec.SourceName, &stored{obj: repo, from: fromRender, loc: &repoLoc})
	c.bootstrapFlux(snap.Dir, flags)
	return newNode(ks, nil, &ksLoc), nil
}

func managerArgs(dep map[string]any) []string {
	spec := nestedMap(nestedMap(nestedMap(dep, "spec"), "template"), "spec")
	for _, ctr := range objectList(spec["containers"]) {
		if str(ctr["name"]) == "manager" {
			return strings_(ctr["args"])
		}
	}
	return nil
}

// bootstrapFlux reads the Flux version and components from the header
// that `flux bootstrap` writes into gotk-components.yaml, and the lockdown
// settings from the controller flags.
func (c *clusterRender) bootstrapFlux(fleetDir string, flags map[string][]string) {
	f := &c.out.Flux
	f.ControllerFlags = flags
	if c.spec.ComponentsFile != "" {
		f.Location = &model.Location{Repo: urlKey(c.spec.URL), Branch: c.spec.Ref.Branch, Path: c.spec.ComponentsFile, Line: 1}
		if data, err := os.ReadFile(filepath.Join(fleetDir, filepath.FromSlash(c.spec.ComponentsFile))); err == nil {
			sc := bufio.NewScanner(bytes.NewReader(data[:min(len(data), 4096)]))
			for sc.Scan() {
				line := sc.Text()
				if v, ok := strings.CutPrefix(line, "# Flux Version: "); ok {
					f.Version = strings.TrimSpace(v)
				}
				if v, ok := strings.CutPrefix(line, "# Components: "); ok {
					f.Components = strings.Split(strings.TrimSpace(v), ",")
				}
			}
		}
	}
	if len(f.Components) == 0 {
		for name := range flags {
			f.Components = append(f.Components, name)
		}
		slices.Sort(f.Components)
	}
	for _, a := range flags["kustomize-controller"] {
		if a == "--no-cross-namespace-refs=true" || a == "--no-cross-namespace-refs" {
			f.NoCrossNamespaceRefs = true
		}
		if v, ok := strings.CutPrefix(a, "--default-service-account="); ok {
			f.DefaultServiceAccount = v
		}
	}
	f.Multitenant = f.NoCrossNamespaceRefs && f.DefaultServiceAccount != ""
}

// operatorFlux reads the Flux installation from the FluxInstance.
func (c *clusterRender) operatorFlux() {
	spec := nestedMap(c.spec.Instance, "spec")
	f := &c.out.Flux
	f.Version = str(nestedMap(spec, "distribution")["version"])
	f.Components = strings_(spec["components"])
	cl := nestedMap(spec, "cluster")
	f.Multitenant, _ = cl["multitenant"].(bool)
	f.NoCrossNamespaceRefs = f.Multitenant
	f.DefaultServiceAccount = str(cl["tenantDefaultServiceAccount"])
	repoKey, branch := c.declaredIn()
	f.Location = &model.Location{Repo: repoKey, Branch: branch, Path: c.spec.InstanceFile, Line: c.spec.InstanceLine}
}

// declaredIn is the repository (normalised URL) and branch that locations
// in the cluster folder's own files (the FluxInstance) name: the repository
// the root syncs, whose clusters/<name> Flux applies, or, for a root whose
// repository is not read (foreign), the fleet checkout, where d1lint found
// those files and where the user fixes them.
func (c *clusterRender) declaredIn() (string, string) {
	if c.foreign {
		return c.r.fleet.Key(), c.r.fleet.Branch
	}
	return urlKey(c.spec.RepoURL()), c.spec.Ref.Branch
}

// unsynced records a cluster whose root syncs a repository that is neither
// the fleet checkout nor mapped (renderer.foreignSync): its root
// Kustomization and GitRepository as the cluster folder declares them,
// the root not rendered because its source is not resolved, and one
// problem, at the line that sets the sync URL, saying why. Nothing of the
// fleet checkout stands in for that repository, so the render is
// incomplete (Cluster.Assess) and what needs a complete render waits,
// without further errors.
func (c *clusterRender) unsynced(why string) {
	var root *node
	fleetKey, fleetBranch := c.declaredIn()
	if c.spec.Era == fleet.EraOperator {
		n, err := c.operatorRoot()
		if err != nil {
			c.problem(&model.Problem{Kind: model.ProblemCluster, Location: &model.Location{Path: c.spec.Path}, Reason: err.Error()})
			return
		}
		root = n
	} else {
		// The root objects as written (gotk-sync.yaml's flux-system): the
		// folder's kustomization.yaml patches are part of what is not read.
		root = newNode(deepCopyMap(c.spec.Sync), nil,
			&model.Location{Repo: fleetKey, Branch: fleetBranch, Path: c.spec.SyncFile, Line: c.spec.SyncLine})
		ref := map[string]any{}
		for k, v := range map[string]string{"branch": c.spec.Ref.Branch, "tag": c.spec.Ref.Tag, "semver": c.spec.Ref.SemVer,
			"name": c.spec.Ref.Name, "commit": c.spec.Ref.Commit} {
			if v != "" {
				ref[k] = v
			}
		}
		c.put("GitRepository", c.spec.SourceNamespace, c.spec.SourceName, &stored{from: fromRender,
			obj: map[string]any{"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
				"metadata": map[string]any{"name": c.spec.SourceName, "namespace": c.spec.SourceNamespace},
				"spec":     map[string]any{"url": c.spec.URL, "ref": ref}},
			loc: &model.Location{Repo: fleetKey, Branch: fleetBranch, Path: c.spec.URLFile, Line: c.spec.URLLine}})
	}
	c.addNode(root)
	at := &model.Location{Repo: fleetKey, Branch: fleetBranch, Path: c.spec.URLFile, Line: c.spec.URLLine}
	sr := root.m.SourceRef
	if sr.Kind == "" {
		sr.Kind = "GitRepository"
	}
	key := sr.Kind + "/" + sr.Namespace + "/" + sr.Name
	ms := &model.Source{Key: key, Kind: sr.Kind, Namespace: sr.Namespace, Name: sr.Name, URL: c.spec.URL, Location: at, Reason: why}
	if s := c.lookup(sr.Kind, sr.Namespace, sr.Name); s != nil {
		spec := sourceSpec(s.obj)
		ms.URL, ms.Ref = spec.URL, spec.Ref
	}
	c.snaps[key] = &sourceResult{m: ms, err: errors.New(why)}
	c.out.Sources = append(c.out.Sources, ms)
	root.m.Source = key
	root.m.Status, root.m.Reason = model.StatusSkipped, "source not resolved: "+why
	c.problem(&model.Problem{Kind: model.ProblemUnresolvedSource, Kustomization: root.m.Key, Location: at, Reason: root.m.Key + ": " + why})
}
