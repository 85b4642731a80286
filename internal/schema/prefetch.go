// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package schema

import (
	"slices"
	"strings"
	"sync"

	"github.com/d1lint/d1lint/internal/model"
)

// prefetcher compiles, in the background, the schemas the objects handed
// to Prefetch will need. Schemas compile one at a time (one compiler), and
// the first objects of a kind to be validated wait for theirs: compiling
// while the render is still going takes that wait off the validation,
// where the clusters would stand in line behind one core.
type prefetcher struct {
	mu      sync.Mutex
	queue   []prefetchBatch
	running bool
	// The worker's own state (only it reads and writes them): the kinds
	// it has prepared, by "apiVersion/Kind"; the CRDs the render applies,
	// by "group/Kind"; the kinds met before their CRD, by "group/Kind",
	// with their versions.
	seen    map[string]bool
	crds    map[string]*renderCRD
	pending map[string][]string
}

type prefetchBatch struct {
	flux string
	objs []*model.Object
}

// Prefetch starts compiling the schemas objs need, of a cluster running
// Flux version flux, and returns at once. It is a hint: Validate reaches
// the same verdicts whether it was called or not, and compiles what it did
// not prepare. The objects must not change until they are validated.
func (v *Validator) Prefetch(flux string, objs []*model.Object) {
	if v.local != nil || len(objs) == 0 {
		// Team schema locations come first for every object
		// (checkLocal): what they hold is read when validating.
		return
	}
	p := &v.prefetch
	p.mu.Lock()
	defer p.mu.Unlock()
	p.queue = append(p.queue, prefetchBatch{flux: flux, objs: objs})
	if !p.running {
		p.running = true
		go v.prefetchLoop()
	}
}

// prefetchLoop compiles until the queue is empty, then ends; the next
// Prefetch starts it again.
func (v *Validator) prefetchLoop() {
	p := &v.prefetch
	for {
		p.mu.Lock()
		if len(p.queue) == 0 {
			p.running = false
			p.mu.Unlock()
			return
		}
		b := p.queue[0]
		p.queue = p.queue[1:]
		p.mu.Unlock()
		v.prefetchBatch(b)
	}
}

func (v *Validator) prefetchBatch(b prefetchBatch) {
	p := &v.prefetch
	if p.seen == nil {
		p.seen, p.crds, p.pending = map[string]bool{}, map[string]*renderCRD{}, map[string][]string{}
	}
	// A batch's CRDs first: its custom resources may come before them.
	for _, o := range b.objs {
		// Only a chart's CRDs: their maps are shared and never change, so
		// Validate finds them parsed by address (sharedCRD); another
		// object's would be read twice.
		if o.Kind != "CustomResourceDefinition" || o.APIVersion != "apiextensions.k8s.io/v1" || o.NotApplied != "" || o.Remote != "" || !sharedObject(o) {
			continue
		}
		// The first CRD of a kind will do: the clusters of a fleet mostly
		// apply the same.
		spec, _ := o.Object["spec"].(map[string]any)
		names, _ := spec["names"].(map[string]any)
		group, _ := spec["group"].(string)
		kind, _ := names["kind"].(string)
		gk := group + "/" + kind
		if _, ok := p.crds[gk]; ok {
			continue
		}
		rc := v.sharedCRD(o)
		if rc.err != nil {
			continue
		}
		p.crds[gk] = rc
		for _, version := range p.pending[gk] {
			v.prefetchCRD(rc, version)
		}
		delete(p.pending, gk)
	}
	for _, o := range b.objs {
		key := o.APIVersion + "/" + o.Kind
		if o.NotApplied != "" || p.seen[key] {
			continue
		}
		group, version := model.SplitAPIVersion(o.APIVersion)
		gk := group + "/" + o.Kind
		switch rc, ok := p.crds[gk]; {
		case ok:
			v.prefetchCRD(rc, version)
		case strings.HasSuffix(group, ".toolkit.fluxcd.io"):
			if b.flux != "" {
				v.prefetchFlux(b.flux, group, o.Kind, version)
			}
		default:
			k, ok := v.kubeKinds[key]
			if !ok {
				// A custom resource whose CRD the render has not
				// reached yet.
				if !slices.Contains(p.pending[gk], version) {
					p.pending[gk] = append(p.pending[gk], version)
				}
				continue
			}
			_, _ = v.kubeSchema(k)
		}
		p.seen[key] = true
	}
}

// prefetchCRD compiles the schema of one version of a render's CRD.
func (v *Validator) prefetchCRD(rc *renderCRD, version string) {
	if d, err := v.renderSchema(rc, version); err == nil && d != "" {
		_, _ = v.crdSchema(d)
	}
}

// prefetchFlux compiles the schema of a Flux kind of the bundled release
// the cluster runs.
func (v *Validator) prefetchFlux(flux, group, kind, version string) {
	rel, _ := v.fluxRelease(flux)
	for _, c := range rel.CRDs {
		if c.Group == group && c.Kind == kind {
			if cv := c.Version(version); cv != nil && cv.Schema != "" {
				_, _ = v.crdSchema(cv.Schema)
			}
		}
	}
}
