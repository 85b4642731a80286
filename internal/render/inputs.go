// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/d1lint/d1lint/internal/fleet"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/source"
)

// Input is one source revision a cluster's render read: the repository
// and ref it asked for, the ignore rules, and the identity of what it got
// (source.Resolver.Identify). A cluster whose every input has the same
// identity as when an earlier run judged it renders the same, so the
// earlier verdict stands (Options.Reuse).
type Input struct {
	URL      string     `json:"url"`
	Ref      source.Ref `json:"ref"`
	Ignore   string     `json:"ignore,omitempty"`
	Identity string     `json:"identity"`
}

// Key identifies the revision asked for, as renderer.resolve does: two
// inputs of one key read the same files when their identities agree.
func (in Input) Key() string {
	return source.NormalizeURL(in.URL) + "\x00" + in.Ref.Branch + "\x00" + in.Ref.Tag + "\x00" + in.Ref.SemVer + "\x00" +
		in.Ref.TagPrefix + "\x00" + in.Ref.Name + "\x00" + in.Ref.Commit + "\x00" + in.Ignore
}

// Reuser decides, before a cluster is rendered, whether an earlier run's
// verdict on it stands (the persistent cache): Reuse returns the cluster's
// stand-in (its name and sources, for the report's mappings) when it
// does, nil when the cluster must be rendered. identify tells the
// identity each input has now. Reuse may be called concurrently.
type Reuser func(spec *fleet.Cluster, identify func(Input) string) *model.Cluster

// inputs records the inputs of one cluster's render; sources resolve
// concurrently (prefetch).
type inputs struct {
	mu   sync.Mutex
	seen map[string]Input
}

// add records an input once.
func (ins *inputs) add(in Input) {
	ins.mu.Lock()
	defer ins.mu.Unlock()
	if ins.seen == nil {
		ins.seen = map[string]Input{}
	}
	ins.seen[in.Key()] = in
}

// list returns the inputs sorted by key: the same render, the same list.
func (ins *inputs) list() []Input {
	ins.mu.Lock()
	defer ins.mu.Unlock()
	out := make([]Input, 0, len(ins.seen))
	for _, k := range slices.Sorted(maps.Keys(ins.seen)) {
		out = append(out, ins.seen[k])
	}
	return out
}

type identityEntry struct {
	once sync.Once
	id   string
}

// identifyInput returns an input's identity now, once per revision and run. A
// revision that cannot be resolved has the error as its identity: it
// matches a later run only if that fails alike.
func (r *renderer) identifyInput(in Input) string {
	v, _ := r.identities.LoadOrStore(in.Key(), &identityEntry{})
	e := v.(*identityEntry)
	e.once.Do(func() {
		id, err := r.resolver.Identify(in.URL, in.Ref, in.Ignore)
		if err != nil {
			id = "!" + strings.TrimSpace(err.Error())
		}
		e.id = id
	})
	return e.id
}

// resolve is renderer.resolve for this cluster, recording the input. The
// identity is taken before the files are read: a file changed meanwhile
// makes the next run render the cluster again, never trust a verdict on
// files it did not read.
func (c *clusterRender) resolve(url string, ref source.Ref, ignore string) (*source.Snapshot, error) {
	in := Input{URL: url, Ref: ref, Ignore: ignore}
	in.Identity = c.r.identifyInput(in)
	c.inputs.add(in)
	return c.r.resolve(url, ref, ignore)
}
