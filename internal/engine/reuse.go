// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/d1lint/d1lint/internal/cache"
	"github.com/d1lint/d1lint/internal/fleet"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/render"
	"github.com/d1lint/d1lint/internal/schema"
)

// verdictKind is the persistent cache's kind for clusters' verdicts.
const verdictKind = "cluster-verdict"

// keptVerdict is a cluster's verdict as the persistent cache keeps it:
// the URLs of its sources (the report's mappings say which were used),
// and the verdict, with the source revisions its render read and their
// identities.
type keptVerdict struct {
	Sources []string `json:"sources"`
	Verdict *Verdict `json:"verdict"`
}

// reuse reuses the verdicts of clusters an earlier run judged whose
// inputs have not changed since, and keeps the verdicts of those it
// judges: an incremental check renders and evaluates only the clusters a
// change reaches, and reports exactly what a full run would.
//
// A verdict is found by the run's fingerprint (everything but the
// sources: options, settings, team policies, schema locations, chart
// folders; render.Fingerprint) and the cluster's discovery; it stands when
// every source revision its render read has the identity it had
// (source.Resolver.Identify: a commit, or a working tree's content).
type reuse struct {
	j     *judging
	cache *cache.Cache
	run   []byte
	hits  atomic.Int64
}

// newReuse returns the reuse of a streamed check whose options name a
// persistent cache; nil when there is none or it cannot be opened (the
// check then renders every cluster).
func (e *Engine) newReuse(opts Options, j *judging) (*reuse, error) {
	if opts.CacheDir == "" || j.keep {
		return nil, nil
	}
	if len(e.cfg.Policies) > 0 {
		// A team's policy that reads the fleet judges each cluster by the
		// others too: no cluster's verdict is its own to keep.
		cat, err := e.catalogue()
		if err != nil {
			return nil, err
		}
		if cat.ReadsFleet() {
			return nil, nil
		}
	}
	run, err := e.runFingerprint(opts)
	if err != nil {
		return nil, err
	}
	c, err := cache.Open(opts.CacheDir, opts.CacheMaxSize)
	if err != nil {
		return nil, nil
	}
	return &reuse{j: j, cache: c, run: run}, nil
}

// close writes what the cache must remember of the run.
func (u *reuse) close() {
	if u != nil {
		_ = u.cache.Close()
	}
}

// key is where a cluster's verdict is kept.
func (u *reuse) key(spec *fleet.Cluster) (cache.Key, bool) {
	b, err := json.Marshal(spec)
	if err != nil {
		return cache.Key{}, false
	}
	return u.cache.Key(verdictKind, u.run, b), true
}

// reuse is render.Options.Reuse.
func (u *reuse) reuse(spec *fleet.Cluster, identify func(render.Input) string) *model.Cluster {
	k, ok := u.key(spec)
	if !ok {
		return nil
	}
	data, ok := u.cache.Get(verdictKind, k)
	if !ok {
		// This cluster is to be judged: the rules compile meanwhile.
		u.j.e.compileRules()
		return nil
	}
	var kept keptVerdict
	if err := json.Unmarshal(data, &kept); err != nil || kept.Verdict == nil || kept.Verdict.Cluster.Name != spec.Name {
		u.j.e.compileRules()
		return nil
	}
	if kept.Verdict.Inputs == nil {
		u.j.e.compileRules()
		return nil
	}
	for _, in := range kept.Verdict.Inputs {
		if identify(in) != in.Identity {
			u.j.e.compileRules()
			return nil
		}
	}
	c := &model.Cluster{Name: spec.Name, Path: spec.Path, Era: spec.Era, Root: spec.Root}
	for _, url := range kept.Sources {
		c.Sources = append(c.Sources, &model.Source{URL: url})
	}
	u.j.mu.Lock()
	u.j.verdicts[c] = kept.Verdict
	u.j.mu.Unlock()
	u.hits.Add(1)
	return c
}

// keep stores a verdict the check reached on a rendered cluster, unless
// the render was cut short (a bug, a build past its timeout): such a
// verdict says nothing of the inputs.
func (u *reuse) keep(spec *fleet.Cluster, c *model.Cluster, v *Verdict) {
	if v.Inputs == nil || transient(c) {
		return
	}
	k, ok := u.key(spec)
	if !ok {
		return
	}
	kept := keptVerdict{Sources: []string{}, Verdict: v}
	for _, s := range c.Sources {
		kept.Sources = append(kept.Sources, s.URL)
	}
	if b, err := json.Marshal(kept); err == nil {
		_ = u.cache.Put(verdictKind, k, b)
	}
}

// transient reports whether a cluster's render met a problem that another
// run may not meet: an internal error, a build that ran out of time.
func transient(c *model.Cluster) bool {
	return slices.ContainsFunc(c.Problems, func(p *model.Problem) bool {
		return strings.Contains(p.Reason, "internal error") || strings.Contains(p.Reason, "did not finish within")
	})
}

// runFingerprint is what decides every cluster's verdict besides its
// sources: the render's fingerprint, the schema settings and the local
// schemas' listings, the rules' settings, and the team's policies, file by
// file. The built-in rules are part of d1lint's build, which every cache
// key holds.
func (e *Engine) runFingerprint(opts Options) ([]byte, error) {
	rfp, err := render.Fingerprint(opts.Options)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	enc := json.NewEncoder(h)
	if err := enc.Encode(struct {
		Render   string
		Schemas  schema.Options
		Skip     bool
		Settings any
		Conftest any
	}{rfp, opts.Schemas, opts.SkipSchemas, e.settings, e.cfg.Conftest}); err != nil {
		return nil, fmt.Errorf("fingerprinting the run: %w", err)
	}
	for _, l := range opts.Schemas.Locations {
		if dir, _, _ := strings.Cut(l, "{{"); !schema.IsRemote(l) {
			if err := render.Listing(h, dir); err != nil {
				return nil, err
			}
		}
	}
	names := make([]string, 0, len(e.cfg.Policies))
	for n := range e.cfg.Policies {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(h, "policy %s\x00", n)
		if err := hashFS(h, e.cfg.Policies[n]); err != nil {
			return nil, fmt.Errorf("reading the policies of %s: %w", n, err)
		}
	}
	return h.Sum(nil), nil
}

// hashFS writes every file of fsys, by path, to h.
func hashFS(h interface{ Write([]byte) (int, error) }, fsys fs.FS) error {
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(data))
		_, err = h.Write(data)
		return err
	})
}
