// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package schema

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/model"
)

// prefetched waits for the prefetch to end and returns the schemas
// compiled, by URL.
func prefetched(t *testing.T, v *Validator) []string {
	t.Helper()
	require.Eventually(t, func() bool {
		v.prefetch.mu.Lock()
		defer v.prefetch.mu.Unlock()
		return !v.prefetch.running
	}, 10*time.Second, time.Millisecond)
	v.smu.RLock()
	defer v.smu.RUnlock()
	var urls []string
	for url, c := range v.compiled {
		if c.err == nil {
			urls = append(urls, url)
		}
	}
	return urls
}

// TestPrefetch: the schemas objects need compile once Prefetch is handed
// them, a custom resource's as soon as its chart's CRD arrives, even in a
// later batch; Validate then reaches the verdicts it reaches without.
func TestPrefetch(t *testing.T) {
	objects := func() []*model.Object {
		crd := obj(t, gadgetsCRD)
		crd.Chart = "gadgets@1.0.0" // a chart's: its map is shared
		return []*model.Object{
			obj(t, "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: k, namespace: flux-system}\nspec: {interval: 1m, path: ./x, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}\n"),
			obj(t, deployment),
			obj(t, "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g, namespace: ns}\nspec: {size: big}\n"),
			crd,
		}
	}
	objs := objects()
	v := newValidator(t, Options{})
	v.Prefetch("2.7.x", objs[:3])
	urls := prefetched(t, v)
	assert.Len(t, urls, 2, "Deployment and Kustomization; the Gadget waits for its CRD: %v", urls)
	v.Prefetch("2.7.x", objs[3:])
	urls = prefetched(t, v)
	assert.Len(t, urls, 4, "the CRD's own schema, and the Gadget's: %v", urls)
	crdURLs := 0
	for _, u := range urls {
		if strings.HasPrefix(u, "crd/") {
			crdURLs++
		}
	}
	assert.Equal(t, 2, crdURLs, "the Kustomization's bundled CRD and the Gadget's: %v", urls)

	with := &model.Cluster{Name: "c", Flux: model.Flux{Version: "2.7.x"}, Objects: objs}
	v.Validate(with)
	without := &model.Cluster{Name: "c", Flux: model.Flux{Version: "2.7.x"}, Objects: objects()}
	newValidator(t, Options{}).Validate(without)
	assert.Equal(t, without.Schemas, with.Schemas)
	for i := range objs {
		assert.Equal(t, without.Objects[i].Schema, with.Objects[i].Schema, objs[i].Kind)
	}
	require.NotNil(t, objs[2].Schema)
	assert.Equal(t, model.SchemaInvalid, objs[2].Schema.Status)
}
