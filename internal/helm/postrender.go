// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package helm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/api/builtins"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/provider"
	"sigs.k8s.io/kustomize/api/resmap"
	kustypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/kio"
)

// The labels helm-controller puts on every object it installs from a chart
// (its postrender.OriginLabels and, for crds/, its setOriginVisitor): the
// HelmRelease's name and namespace under the helm.toolkit.fluxcd.io group.
const (
	originNameLabel      = "helm.toolkit.fluxcd.io/name"
	originNamespaceLabel = "helm.toolkit.fluxcd.io/namespace"
)

// kustomizePostRenderer is spec.postRenderers[].kustomize of a
// helm.toolkit.fluxcd.io/v2 HelmRelease. v2 has patches and images only:
// patchesStrategicMerge and patchesJson6902 were v2beta1 fields and are gone
// (the API server prunes them, so they are ignored here as well).
type kustomizePostRenderer struct {
	Patches []struct {
		Patch  string `json:"patch"`
		Target *struct {
			Group              string `json:"group"`
			Version            string `json:"version"`
			Kind               string `json:"kind"`
			Name               string `json:"name"`
			Namespace          string `json:"namespace"`
			LabelSelector      string `json:"labelSelector"`
			AnnotationSelector string `json:"annotationSelector"`
		} `json:"target"`
	} `json:"patches"`
	Images []struct {
		Name    string `json:"name"`
		NewName string `json:"newName"`
		NewTag  string `json:"newTag"`
		Digest  string `json:"digest"`
	} `json:"images"`
}

// commonMetadata is spec.commonMetadata.
type commonMetadata struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
}

// postRenderer is helm-controller's chain of post-renderers for one
// HelmRelease (internal/postrender BuildPostRenderers, the same in v1.4 and
// v1.5): the kustomize post-renderers in spec order, then commonMetadata,
// then the origin labels, which run last so that they win over a common
// label of the same key. Each step reads the previous one's YAML.
//
// It implements both Helm 3's postrender.PostRenderer and Helm 4's
// postrenderer.PostRenderer (the same method).
type postRenderer struct {
	kustomize []kustomizePostRenderer
	common    *commonMetadata
	origin    map[string]string
	// sources, for Helm 3 only: Helm 3 hands the post-renderer its manifest
	// with "# Source:" comments and stores what comes back as is, so the
	// files objects came from would be lost. Run keeps each object with
	// the template of the document it came from. Helm 4 keeps the file
	// names itself (an annotation around the post-renderer).
	sources bool
	// objects are the post-rendered objects of a Helm 3 render.
	objects []Object
}

func newPostRenderer(req *Request, sources bool) (*postRenderer, error) {
	p := &postRenderer{
		origin:  map[string]string{originNameLabel: req.OwnerName, originNamespaceLabel: req.OwnerNamespace},
		sources: sources,
	}
	for i, entry := range req.PostRenderers {
		var pr struct {
			Kustomize *kustomizePostRenderer `json:"kustomize"`
		}
		if err := roundTrip(entry, &pr); err != nil {
			return nil, fmt.Errorf("spec.postRenderers[%d]: %w", i, err)
		}
		// An entry without kustomize does nothing (BuildPostRenderers
		// skips it).
		if pr.Kustomize != nil {
			p.kustomize = append(p.kustomize, *pr.Kustomize)
		}
	}
	if req.CommonMetadata != nil {
		var cm commonMetadata
		if err := roundTrip(req.CommonMetadata, &cm); err != nil {
			return nil, fmt.Errorf("spec.commonMetadata: %w", err)
		}
		p.common = &cm
	}
	return p, nil
}

// roundTrip decodes a raw object as the API server would hand it to the
// controller: through JSON, unknown fields dropped.
func roundTrip(in any, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// Run post-renders Helm's manifests.
func (p *postRenderer) Run(in *bytes.Buffer) (*bytes.Buffer, error) {
	data := in.Bytes()
	var err error
	for i := range p.kustomize {
		if data, err = p.kustomize[i].run(data); err != nil {
			return nil, err
		}
	}
	// helm-controller's CommonRenderer passes the manifests through
	// untouched when commonMetadata sets neither labels nor annotations.
	if p.common != nil && (p.common.Labels != nil || p.common.Annotations != nil) {
		rm, err := transform(data, p.common.Labels, p.common.Annotations)
		if err != nil {
			return nil, err
		}
		if data, err = rm.AsYaml(); err != nil {
			return nil, err
		}
	}
	rm, err := transform(data, p.origin, nil)
	if err != nil {
		return nil, err
	}
	if !p.sources {
		out, err := rm.AsYaml()
		return bytes.NewBuffer(out), err
	}
	// Helm 3: the objects are taken here, with their templates. What Run
	// returns becomes the release manifest, which a client-only install
	// never reads again (its printing kube client builds nothing from it),
	// so encoding it (a second of CPU for a chart of large CRDs) is skipped.
	res := rm.Resources()
	keys := make([]string, len(res))
	for i, r := range res {
		id := r.OrgId()
		keys[i] = docKey(id.ApiVersion(), id.Kind, id.Namespace, id.Name)
	}
	srcs := alignSources(in.Bytes(), keys)
	p.objects = make([]Object, len(res))
	for i, r := range res {
		m, err := r.Map()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", srcs[i], err)
		}
		p.objects[i] = Object{Object: m, Template: srcs[i]}
	}
	return bytes.NewBuffer(nil), nil
}

// run is helm-controller's Kustomize post-renderer: the manifests become
// the one resource of a kustomization with the patches and images, built
// by krusty on an in-memory file system with helm-controller's options
// (no load restrictions, builtin plugins only; kustomize's own defaults
// would differ). krusty keeps the resources in their input order.
func (k *kustomizePostRenderer) run(manifests []byte) ([]byte, error) {
	fs := filesys.MakeFsInMemory()
	const input = "helm-output.yaml"
	if err := fs.WriteFile(input, manifests); err != nil {
		return nil, err
	}
	cfg := kustypes.Kustomization{Resources: []string{input}}
	cfg.APIVersion = kustypes.KustomizationVersion
	cfg.Kind = kustypes.KustomizationKind
	for _, im := range k.Images {
		cfg.Images = append(cfg.Images, kustypes.Image{Name: im.Name, NewName: im.NewName, NewTag: im.NewTag, Digest: im.Digest})
	}
	for _, pt := range k.Patches {
		kp := kustypes.Patch{Patch: pt.Patch}
		if t := pt.Target; t != nil {
			kp.Target = &kustypes.Selector{LabelSelector: t.LabelSelector, AnnotationSelector: t.AnnotationSelector}
			kp.Target.Group = t.Group
			kp.Target.Version = t.Version
			kp.Target.Kind = t.Kind
			kp.Target.Name = t.Name
			kp.Target.Namespace = t.Namespace
		}
		cfg.Patches = append(cfg.Patches, kp)
	}
	kb, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	if err := fs.WriteFile("kustomization.yaml", kb); err != nil {
		return nil, err
	}
	// helm-controller runs these builds one at a time behind a mutex, for
	// kustomize's old concurrent map writes (kubernetes-sigs/kustomize#3659);
	// kyaml now guards its schema globals itself, so renders post-render
	// side by side (the tests run concurrent renders under -race).
	kz := krusty.MakeKustomizer(&krusty.Options{
		LoadRestrictions: kustypes.LoadRestrictionsNone,
		PluginConfig:     kustypes.DisabledPluginConfig(),
	})
	rm, err := kz.Run(fs, ".")
	if err != nil {
		return nil, err
	}
	return rm.AsYaml()
}

// transform sets labels and annotations on metadata only (not on selectors
// or pod templates), creating the maps when absent: helm-controller's
// labelTransformer and annotationTransformer.
func transform(manifests []byte, labels, annotations map[string]string) (resmap.ResMap, error) {
	rf := resmap.NewFactory(provider.NewDefaultDepProvider().GetResourceFactory())
	rm, err := rf.NewResMapFromBytes(manifests)
	if err != nil {
		return nil, err
	}
	if labels != nil {
		t := &builtins.LabelTransformerPlugin{Labels: labels, FieldSpecs: []kustypes.FieldSpec{{Path: "metadata/labels", CreateIfNotPresent: true}}}
		if err := t.Transform(rm); err != nil {
			return nil, err
		}
	}
	if annotations != nil {
		t := &builtins.AnnotationsTransformerPlugin{Annotations: annotations, FieldSpecs: []kustypes.FieldSpec{{Path: "metadata/annotations", CreateIfNotPresent: true}}}
		if err := t.Transform(rm); err != nil {
			return nil, err
		}
	}
	return rm, nil
}

const sourceMarker = "---\n# Source: "

// alignSources finds the template each post-rendered object of Helm 3 came
// from. Helm 3 hands the post-renderer "---\n# Source: <file>\n<document>\n"
// for each document, and kustomize reads them in order, skipping empty
// documents and moving the items of a List to the end, and the patches only
// drop objects ($patch: delete) or rename them. So when every document is
// plainly one object and none was dropped, the objects are the documents
// one to one; otherwise kustomize's reading is replayed and the objects
// matched to it by identity, in order (what matches nothing belongs to the
// next object not yet matched).
func alignSources(manifest []byte, outKeys []string) []string {
	chunks := strings.Split(string(manifest), sourceMarker)[1:]
	out := make([]string, len(outKeys))
	if len(chunks) == len(outKeys) && allPlain(chunks) {
		for i, c := range chunks {
			out[i], _, _ = strings.Cut(c, "\n")
		}
		return out
	}
	in := kustomizeOrder(chunks)
	if len(in) == len(outKeys) {
		for i := range in {
			out[i] = in[i].source
		}
		return out
	}
	j := 0
	for k, key := range outKeys {
		found := -1
		for i := j; i < len(in); i++ {
			if in[i].key == key {
				found = i
				break
			}
		}
		switch {
		case found >= 0:
			out[k] = in[found].source
			j = found + 1
		case j < len(in):
			out[k] = in[j].source
		case len(in) > 0:
			out[k] = in[len(in)-1].source
		}
	}
	return out
}

// allPlain reports whether every document is plainly one object: a
// top-level kind that is not a List, no further document in it. Reading
// the text this way is cheap; a document it cannot vouch for makes
// alignSources replay kustomize.
func allPlain(chunks []string) bool {
	for _, c := range chunks {
		kinds := 0
		for line := range strings.Lines(c) {
			switch {
			case strings.HasPrefix(line, "kind:"):
				kinds++
				v := strings.Trim(strings.TrimSpace(strings.TrimPrefix(line, "kind:")), `"'`)
				if v == "" || strings.HasSuffix(v, "List") {
					return false
				}
			case strings.HasPrefix(line, "---"), strings.HasPrefix(line, "..."):
				return false
			}
		}
		if kinds != 1 {
			return false
		}
	}
	return true
}

// sourceDoc is an object as kustomize reads it, with its template.
type sourceDoc struct {
	source, key string
}

// kustomizeOrder replays how kustomize's resource factory reads Helm 3's
// manifest (resource.Factory.RNodesFromBytes): empty documents dropped, a
// FooList with items replaced by its items, queued after the rest.
func kustomizeOrder(chunks []string) []sourceDoc {
	type queued struct {
		source string
		m      map[string]any
	}
	var q []queued
	for _, c := range chunks {
		src, content, _ := strings.Cut(c, "\n")
		nodes, err := kio.FromBytes([]byte(content))
		if err != nil {
			// kustomize fails on it too, before any alignment.
			return nil
		}
		for _, n := range nodes {
			if n.IsNilOrEmpty() {
				continue
			}
			m, err := n.Map()
			if err != nil {
				return nil
			}
			q = append(q, queued{src, m})
		}
	}
	var out []sourceDoc
	for len(q) > 0 {
		e := q[0]
		q = q[1:]
		kind, _ := e.m["kind"].(string)
		items, hasItems := e.m["items"]
		if !strings.HasSuffix(kind, "List") || !hasItems {
			av, _ := e.m["apiVersion"].(string)
			meta, _ := e.m["metadata"].(map[string]any)
			name, _ := meta["name"].(string)
			ns, _ := meta["namespace"].(string)
			out = append(out, sourceDoc{source: e.source, key: docKey(av, kind, ns, name)})
			continue
		}
		list, _ := items.([]any)
		for _, it := range list {
			if m, ok := it.(map[string]any); ok {
				q = append(q, queued{e.source, m})
			}
		}
	}
	return out
}

func docKey(apiVersion, kind, namespace, name string) string {
	return apiVersion + "|" + kind + "|" + namespace + "|" + name
}
