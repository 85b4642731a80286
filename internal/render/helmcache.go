// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"crypto/sha256"
	"fmt"

	"github.com/d1lint/d1lint/internal/cache"
	"github.com/d1lint/d1lint/internal/helm"
)

// chartKind is the persistent cache's kind for chart renders: keyed by the
// render request (renderKey: chart digest, values, release, namespace,
// capabilities, post-rendering), holding the render's objects.
const chartKind = "helm-render"

// cachedRender reads a chart render from the persistent cache.
func (r *renderer) cachedRender(key string) (*helm.Result, bool) {
	b, ok := r.cache.Get(chartKind, r.cache.Key(chartKind, []byte(key)))
	if !ok {
		return nil, false
	}
	res, err := r.decodeRender(b)
	if err != nil {
		// An entry of a d1lint that wrote otherwise: render again.
		return nil, false
	}
	return res, true
}

// storeRender writes a chart render to the persistent cache; a render the
// codec cannot store (a value of another type) is simply not kept.
func (r *renderer) storeRender(key string, res *helm.Result) {
	if r.cache == nil {
		return
	}
	// Encoded and written on the side: the objects are read only, and
	// the largest render, often the last to end, would otherwise hold up
	// its clusters by as long as encoding its megabytes takes. close
	// waits for the writes.
	r.stores.Go(func() {
		b, err := encodeRender(res)
		if err != nil {
			return
		}
		// A cache that cannot be written costs the next run a render,
		// not this run its result.
		_ = r.cache.Put(chartKind, r.cache.Key(chartKind, []byte(key)), b)
	})
}

// encodeRender encodes a render's objects: for each, its template, whether
// it is a crds/ object, its hook, and the object's own encoding (so that
// decodeRender can share equal objects).
func encodeRender(res *helm.Result) ([]byte, error) {
	records := make([]any, len(res.Objects))
	for i, o := range res.Objects {
		ob, err := cache.AppendValue(nil, o.Object)
		if err != nil {
			return nil, fmt.Errorf("object %d of %s: %w", i, o.Template, err)
		}
		records[i] = []any{o.Template, o.CRD, o.Hook, string(ob)}
	}
	return cache.AppendValue(nil, records)
}

// decodeRender decodes what encodeRender wrote. Objects of equal encodings
// are one map for the whole run, as renders of one release share the
// objects of their CRDs (helm.Object: read only), so that later stages
// validate and convert each once.
func (r *renderer) decodeRender(b []byte) (*helm.Result, error) {
	v, rest, err := cache.DecodeValue(b)
	if err != nil {
		return nil, err
	}
	records, ok := v.([]any)
	if !ok || len(rest) != 0 {
		return nil, fmt.Errorf("%w: not a render", cache.ErrValue)
	}
	res := &helm.Result{Objects: make([]helm.Object, len(records))}
	for i, rec := range records {
		f, ok := rec.([]any)
		if !ok || len(f) != 4 {
			return nil, fmt.Errorf("%w: not a render", cache.ErrValue)
		}
		template, ok1 := f[0].(string)
		crd, ok2 := f[1].(bool)
		hook, ok3 := f[2].(string)
		ob, ok4 := f[3].(string)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return nil, fmt.Errorf("%w: not a render", cache.ErrValue)
		}
		obj, err := r.internObject(ob)
		if err != nil {
			return nil, err
		}
		res.Objects[i] = helm.Object{Object: obj, Template: template, CRD: crd, Hook: hook}
	}
	return res, nil
}

// internObject decodes one object, once per distinct encoding in the run.
func (r *renderer) internObject(ob string) (map[string]any, error) {
	sum := sha256.Sum256([]byte(ob))
	d, _ := r.interned.Do(sum, func() decoded {
		v, rest, err := cache.DecodeValue([]byte(ob))
		if err != nil {
			return decoded{err: err}
		}
		m, ok := v.(map[string]any)
		if !ok || len(rest) != 0 {
			return decoded{err: fmt.Errorf("%w: not an object", cache.ErrValue)}
		}
		return decoded{m: m}
	})
	return d.m, d.err
}

// decoded is one object decoded from the persistent cache, or why not.
type decoded struct {
	m   map[string]any
	err error
}
