// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/resourceset"
)

// ResourceSets.
//
// Flux Operator reconciles every ResourceSet a Kustomization applies: it
// generates objects from spec.resources (or spec.resourcesTemplate), once
// per input set, and applies them as spec.serviceAccountName. d2 generates
// every tenant this way (Namespace, RBAC, OCIRepository, Kustomization),
// and d1 installs the operator's own HelmRelease with one. So the render
// expands each ResourceSet where its Kustomization applies it: what it
// generates joins that Kustomization's objects, and the Kustomizations it
// generates are walked like any other.

const (
	resourceSetGroup = "fluxcd.controlplane.io/"
	// copyFromAnnotation makes Flux Operator copy a ConfigMap's or
	// Secret's data from "<namespace>/<name>" (Flux Operator docs,
	// ResourceSet: Copying data from existing ConfigMaps and Secrets).
	copyFromAnnotation = "fluxcd.controlplane.io/copyFrom"
)

func isResourceSet(o *model.Object) bool {
	return o.Kind == "ResourceSet" && strings.HasPrefix(o.APIVersion, resourceSetGroup)
}

// expandResourceSets generates the objects of the ResourceSets among a
// Kustomization's applied objects, in their order.
func (c *clusterRender) expandResourceSets(n *node, objects []*model.Object) []*model.Object {
	var out []*model.Object
	for _, o := range objects {
		if o.NotApplied != "" || o.Remote != "" || !isResourceSet(o) {
			continue
		}
		out = append(out, c.expandResourceSet(n, o)...)
	}
	return out
}

// expandResourceSet generates one ResourceSet's objects and records it.
func (c *clusterRender) expandResourceSet(n *node, o *model.Object) []*model.Object {
	ns := nsOrDefault(o.Namespace)
	m := &model.ResourceSet{ObjectID: o.ObjectID, AppliedBy: o.AppliedBy, Location: o.Location}
	m.Namespace = ns
	c.out.ResourceSets = append(c.out.ResourceSets, m)
	res, err := resourceset.Expand(o.Object, resourceset.Options{
		Providers: func(namespace string) []map[string]any {
			var out []map[string]any
			for _, s := range c.list("ResourceSetInputProvider", namespace) {
				out = append(out, s.obj)
			}
			return out
		},
		ProviderInputs: c.r.opts.ProviderInputs,
	})
	if res != nil {
		m.ServiceAccountName, m.Inputs = res.ServiceAccountName, res.Inputs
		for _, d := range res.DependsOn {
			m.DependsOn = append(m.DependsOn, model.ResourceSetDependency{APIVersion: d.APIVersion, Kind: d.Kind,
				Namespace: d.Namespace, Name: d.Name, Ready: d.Ready, ReadyExpr: d.ReadyExpr, ExprError: d.ExprError})
		}
	}
	var nr *resourceset.NotRenderedError
	var te *resourceset.TemplateError
	switch {
	case errors.As(err, &nr):
		// Inputs d1lint cannot know offline (a GitHub pull request
		// provider...): a limitation, and what the ResourceSet would
		// generate is unknown.
		m.Status, m.Reason = model.ResourceSetNotRendered, nr.Reason
		c.problem(&model.Problem{Kind: model.ProblemNotRendered, Kustomization: n.m.Key, Location: &m.Location,
			Reason: fmt.Sprintf("ResourceSet %s: %s; not verified", m.Key(), nr.Reason)})
		return nil
	case errors.As(err, &te):
		l := m.Location
		if te.Resource >= 0 || te.Line > 0 {
			l.Line = c.resourceLine(m.Location, m.Name, te.Resource, te.Line)
		}
		m.Status, m.Reason = model.ResourceSetFailed, te.Error()
		c.problem(&model.Problem{Kind: model.ProblemResourceSet, Kustomization: n.m.Key, Location: &l,
			Reason: fmt.Sprintf("ResourceSet %s: %s (Flux Operator fails to reconcile it)", m.Key(), te.Error())})
		return nil
	case err != nil:
		m.Status, m.Reason = model.ResourceSetFailed, err.Error()
		c.problem(&model.Problem{Kind: model.ProblemResourceSet, Kustomization: n.m.Key, Location: &m.Location,
			Reason: fmt.Sprintf("ResourceSet %s: %v", m.Key(), err)})
		return nil
	}
	if why := c.neverReady(res.DependsOn); why != "" {
		// Flux Operator waits for every dependency before it generates
		// anything: a ResourceSet gated on a CRD the cluster never gets
		// generates nothing, by design (d2's update cluster installs the
		// operator's HelmRelease only where helm-controller runs).
		m.Status, m.Reason = model.ResourceSetWaiting, why
		return nil
	}
	m.Status = model.ResourceSetRendered
	var out []*model.Object
	for _, g := range res.Objects {
		obj := g.Object
		apiVersion, _ := obj["apiVersion"].(string)
		kind, _ := obj["kind"].(string)
		md, _ := obj["metadata"].(map[string]any)
		name, _ := md["name"].(string)
		l := m.Location
		l.Line = c.resourceLine(m.Location, m.Name, g.Resource, g.TemplateLine)
		if apiVersion == "" || kind == "" || name == "" {
			c.problem(&model.Problem{Kind: model.ProblemResourceSet, Kustomization: n.m.Key, Location: &l,
				Reason: fmt.Sprintf("ResourceSet %s generates an object without apiVersion, kind or name (Flux Operator refuses it)", m.Key())})
			continue
		}
		objNS, _ := md["namespace"].(string)
		if scoped, known := namespaced(apiVersion, kind); objNS == "" && (scoped || !known) {
			// Flux Operator applies the generated objects with server-side
			// apply, which defaults nothing: a namespaced object without a
			// namespace fails the ResourceSet. Custom kinds whose scope is
			// unknown are given the benefit of the doubt.
			if known {
				c.problem(&model.Problem{Kind: model.ProblemResourceSet, Kustomization: n.m.Key, Location: &l,
					Reason: fmt.Sprintf("ResourceSet %s generates %s %s without metadata.namespace: Flux Operator's apply fails (namespace not specified)", m.Key(), kind, name)})
				continue
			}
		}
		out = append(out, &model.Object{ObjectID: model.ObjectID{APIVersion: apiVersion, Kind: kind, Namespace: objNS, Name: name},
			Location: l, AppliedBy: o.AppliedBy, Chain: o.Chain, Object: obj, ResourceSet: m.Key(), Input: g.Input})
	}
	m.Objects = len(out)
	return out
}

// fluxCRDComponents maps the API groups of Flux's CRDs to the controller
// that installs them, and "<plural>.<group>" to it where the group's kinds
// come with different controllers (image automation).
var fluxCRDComponents = map[string]string{
	"source.toolkit.fluxcd.io":                       "source-controller",
	"kustomize.toolkit.fluxcd.io":                    "kustomize-controller",
	"helm.toolkit.fluxcd.io":                         "helm-controller",
	"notification.toolkit.fluxcd.io":                 "notification-controller",
	"source.extensions.fluxcd.io":                    "source-watcher",
	"imagerepositories.image.toolkit.fluxcd.io":      "image-reflector-controller",
	"imagepolicies.image.toolkit.fluxcd.io":          "image-reflector-controller",
	"imageupdateautomations.image.toolkit.fluxcd.io": "image-automation-controller",
}

// defaultFluxComponents are the controllers a FluxInstance installs when
// it lists none (Flux Operator docs, FluxInstance: spec.components).
var defaultFluxComponents = []string{"source-controller", "kustomize-controller", "helm-controller", "notification-controller"}

// neverReady says why a ResourceSet's dependencies can never all exist on
// the cluster: a CustomResourceDefinition of a Flux controller the
// cluster's Flux installation does not include. "" when they may.
func (c *clusterRender) neverReady(deps []resourceset.Dependency) string {
	installed := c.out.Flux.Components
	if len(installed) == 0 {
		installed = defaultFluxComponents
	}
	for _, d := range deps {
		if d.Kind != "CustomResourceDefinition" {
			continue
		}
		_, group, _ := strings.Cut(d.Name, ".")
		comp, ok := fluxCRDComponents[d.Name]
		if !ok {
			comp, ok = fluxCRDComponents[group]
		}
		if ok && !slices.Contains(installed, comp) {
			return fmt.Sprintf("waits for CustomResourceDefinition %s, which only %s installs, and this cluster's Flux does not include it: Flux Operator generates nothing", d.Name, comp)
		}
	}
	return ""
}

// readyAfter are the Kustomizations a generated Kustomization is Ready
// after: the ResourceSet that generates it waits for its dependsOn
// entries with ready: true before it generates anything.
func (c *clusterRender) readyAfter(o *model.Object) []model.Ref {
	if o.ResourceSet == "" {
		return nil
	}
	var out []model.Ref
	for _, rs := range c.out.ResourceSets {
		if rs.Key() != o.ResourceSet {
			continue
		}
		for _, d := range rs.DependsOn {
			if !d.Ready || d.Kind != "Kustomization" || !strings.HasPrefix(d.APIVersion, "kustomize.toolkit.fluxcd.io/") {
				continue
			}
			ns := d.Namespace
			if ns == "" {
				ns = rs.Namespace
			}
			out = append(out, model.Ref{Kind: d.Kind, Namespace: ns, Name: d.Name})
		}
	}
	return out
}

// copied returns the object a lookup finds, with the data Flux Operator
// copies into a ConfigMap or Secret annotated copyFrom (at most a few
// hops: a copy of a copy).
func (c *clusterRender) copied(kind string, s *stored) *stored {
	for range 4 {
		if s == nil || (kind != "ConfigMap" && kind != "Secret") {
			return s
		}
		md, _ := s.obj["metadata"].(map[string]any)
		ann, _ := md["annotations"].(map[string]any)
		from, _ := ann[copyFromAnnotation].(string)
		srcNS, srcName, ok := strings.Cut(from, "/")
		if from == "" || !ok {
			return s
		}
		src := c.lookup(kind, srcNS, srcName)
		if src == nil {
			// The operator fails to copy: the object has no data.
			return s
		}
		s = &stored{obj: withCopiedData(kind, s.obj, src.obj), from: s.from, loc: s.loc}
		if _, again := nestedMap(nestedMap(src.obj, "metadata"), "annotations")[copyFromAnnotation]; !again {
			return s
		}
	}
	return s
}

// withCopiedData is obj with the data of src, as Flux Operator's copier
// writes it: a ConfigMap's data and binaryData; a Secret's data, and its
// type when obj sets none.
func withCopiedData(kind string, obj, src map[string]any) map[string]any {
	out := maps.Clone(obj)
	delete(out, "data")
	if v, ok := src["data"]; ok {
		out["data"] = v
	}
	switch kind {
	case "ConfigMap":
		if v, ok := src["binaryData"]; ok {
			out["binaryData"] = v
		}
	case "Secret":
		if v, ok := src["stringData"]; ok {
			out["stringData"] = v
		}
		if _, ok := obj["type"]; !ok {
			t, _ := src["type"].(string)
			if t == "" {
				t = "Opaque"
			}
			out["type"] = t
		}
	}
	return out
}

// fillCopies gives the model's copyFrom ConfigMaps and Secrets the data
// Flux Operator copies into them, so the rules that read data (credentials,
// substitution) see what the cluster holds.
func (c *clusterRender) fillCopies(objects []*model.Object) {
	for _, o := range objects {
		if o.Kind != "ConfigMap" && o.Kind != "Secret" || o.APIVersion != "v1" {
			continue
		}
		if _, ok := nestedMap(nestedMap(o.Object, "metadata"), "annotations")[copyFromAnnotation]; !ok {
			continue
		}
		if s := c.copied(o.Kind, &stored{obj: o.Object}); s != nil {
			o.Object = s.obj
		}
	}
}

// resourceLine is the line of a ResourceSet's resource: spec.resources[i],
// or line templateLine of spec.resourcesTemplate; the ResourceSet's own
// line when its file cannot be read.
func (c *clusterRender) resourceLine(rs model.Location, name string, resource, templateLine int) int {
	lines := c.r.resourceSetLines(rs, name)
	switch {
	case lines == nil:
	case resource >= 0 && resource < len(lines.resources):
		return lines.resources[resource]
	case resource < 0 && templateLine > 0 && lines.template > 0:
		return lines.template + templateLine - 1
	}
	return rs.Line
}

// rsLines are the lines of a ResourceSet's templates in its file: of each
// spec.resources entry, and of the first line of spec.resourcesTemplate.
type rsLines struct {
	resources []int
	template  int
}

// resourceSetLines reads the lines of a ResourceSet's templates once per
// file and revision, for every cluster (nil when the file cannot be read).
func (r *renderer) resourceSetLines(rs model.Location, name string) *rsLines {
	key := revisionKey(rs) + "\x00" + rs.Path + "\x00" + name
	if v, ok := r.rsLines.Load(key); ok {
		return v.(*rsLines)
	}
	lines := readResourceSetLines(r, rs, name)
	v, _ := r.rsLines.LoadOrStore(key, lines)
	return v.(*rsLines)
}

func readResourceSetLines(r *renderer, rs model.Location, name string) *rsLines {
	dir, ok := r.builder.dirs.Load(revisionKey(rs))
	if !ok || rs.Path == "" {
		return nil
	}
	data, err := os.ReadFile(filepath.Join(dir.(string), filepath.FromSlash(rs.Path)))
	if err != nil {
		return nil
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	for {
		var doc yaml.Node
		if dec.Decode(&doc) != nil {
			return nil
		}
		if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
			continue
		}
		root := doc.Content[0]
		if scalar(child(root, "kind")) != "ResourceSet" || scalar(child(child(root, "metadata"), "name")) != name {
			continue
		}
		out := &rsLines{}
		spec := child(root, "spec")
		if rsrc := child(spec, "resources"); rsrc != nil && rsrc.Kind == yaml.SequenceNode {
			for _, e := range rsrc.Content {
				out.resources = append(out.resources, e.Line)
			}
		}
		if t := child(spec, "resourcesTemplate"); t != nil {
			out.template = t.Line
			if t.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
				out.template++ // a block scalar starts on the line after its indicator
			}
		}
		return out
	}
}
