// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package diff compares two renders of a fleet: which objects each cluster
// gains, loses or changes, which Helm chart versions move, and which
// findings a change introduces or fixes.
package diff

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
)

// Change kinds.
const (
	Added    = "added"
	Removed  = "removed"
	Modified = "modified"
)

// Sides of a comparison, for Cluster.Only.
const (
	Base = "base"
	Head = "head"
)

// MaxFields is how many changed fields a Change lists; the rest are
// counted in Change.MoreFields.
const MaxFields = 20

// InternalAnnotationPrefix starts the annotations d1lint itself adds
// (build --provenance); they are not part of the desired state and are
// ignored when objects are compared.
const InternalAnnotationPrefix = "d1lint.io/"

// Change is one object that differs between the two renders of a cluster.
type Change struct {
	// Kind is added, removed or modified.
	Kind string `json:"kind"`
	// Object names the object.
	Object model.ObjectID `json:"object"`
	// Location is where the object is defined: in the new render, or in
	// the old one for a removed object.
	Location model.Location `json:"location"`
	// AppliedBy is the Flux Kustomization that applies it.
	AppliedBy string `json:"appliedBy,omitempty"`
	// Fields are the changed fields of a modified object, with their old
	// and new values and where each is set, sorted by field; at most
	// MaxFields of them.
	Fields []FieldChange `json:"fields,omitempty"`
	// MoreFields is how many more fields changed than Fields lists.
	MoreFields int `json:"moreFields,omitempty"`
}

// ChartChange is a HelmRelease whose chart version differs.
type ChartChange struct {
	Release model.ObjectID `json:"release"`
	// Chart is the chart's name in the new render ("old → new" when the
	// release changed charts).
	Chart string `json:"chart"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// Cluster is what changes on one cluster.
type Cluster struct {
	Name string `json:"name"`
	// Only says that the cluster exists in one render only: "base" or
	// "head"; empty when it exists in both.
	Only    string        `json:"only,omitempty"`
	Changes []Change      `json:"changes"`
	Charts  []ChartChange `json:"charts,omitempty"`
	// Introduced and Fixed are the findings the change adds and removes
	// (by fingerprint).
	Introduced []finding.Finding `json:"introduced,omitempty"`
	Fixed      []finding.Finding `json:"fixed,omitempty"`
}

// Count is how many changes of kind (added, removed, modified) c has.
func (c Cluster) Count(kind string) int {
	n := 0
	for _, x := range c.Changes {
		if x.Kind == kind {
			n++
		}
	}
	return n
}

// Changed reports whether anything differs on the cluster: an object, a
// chart, a finding, or the cluster itself.
func (c Cluster) Changed() bool {
	return c.Only != "" || len(c.Changes) > 0 || len(c.Charts) > 0 || len(c.Introduced) > 0 || len(c.Fixed) > 0
}

// Reached returns the names of the clusters that change, in order.
func Reached(clusters []Cluster) []string {
	var out []string
	for _, c := range clusters {
		if c.Changed() {
			out = append(out, c.Name)
		}
	}
	return out
}

// Fleets compares two renders cluster by cluster. Every cluster of either
// render is returned, sorted by name, unchanged ones included (Changed
// tells them apart). Objects are matched by API version, kind, namespace
// and name; changes are sorted by namespace, kind, name and API version.
// A nil fleet has no clusters.
func Fleets(base, head *model.Fleet) []Cluster {
	bc, hc := clustersByName(base), clustersByName(head)
	names := unionKeys(bc, hc)
	out := make([]Cluster, 0, len(names))
	for _, n := range names {
		b, h := bc[n], hc[n]
		c := Clusters(b, h)
		c.Name = n
		switch {
		case b == nil:
			c.Only = Head
		case h == nil:
			c.Only = Base
		}
		out = append(out, c)
	}
	return out
}

func clustersByName(fl *model.Fleet) map[string]*model.Cluster {
	out := map[string]*model.Cluster{}
	if fl == nil {
		return out
	}
	for _, c := range fl.Clusters {
		if c != nil {
			out[c.Name] = c
		}
	}
	return out
}

// Clusters compares two renders of one cluster; either may be nil (the
// cluster exists in one render only: all its objects are added or
// removed). Name and Only are left for the caller.
func Clusters(base, head *model.Cluster) Cluster {
	var bo, ho []*model.Object
	var bh, hh []*model.HelmRelease
	if base != nil {
		bo, bh = base.Objects, base.HelmReleases
	}
	if head != nil {
		ho, hh = head.Objects, head.HelmReleases
	}
	return Cluster{Changes: objects(bo, ho, secretVars(base), secretVars(head)), Charts: Charts(bh, hh)}
}

// Objects compares two lists of objects of one cluster. An object the
// render holds twice (two Kustomizations apply it) is matched occurrence
// by occurrence. The data of Secrets is masked; Clusters masks the values
// substitution took from Secrets too.
func Objects(base, head []*model.Object) []Change {
	return objects(base, head, nil, nil)
}

// objects is Objects, masking what bs and hs say is secret.
func objects(base, head []*model.Object, bs, hs *sensitive) []Change {
	bm, bkeys := indexObjects(base)
	hm, hkeys := indexObjects(head)
	changes := []Change{}
	for _, k := range bkeys {
		b := bm[k]
		h, ok := hm[k]
		if !ok {
			changes = append(changes, Change{Kind: Removed, Object: b.ObjectID, Location: b.Location, AppliedBy: b.AppliedBy})
			continue
		}
		fields := fieldChanges(h.ObjectID, b.Object, h.Object, bs, hs)
		if len(fields) == 0 {
			continue
		}
		c := Change{Kind: Modified, Object: h.ObjectID, Location: h.Location, AppliedBy: h.AppliedBy, Fields: fields}
		if len(fields) > MaxFields {
			c.Fields, c.MoreFields = fields[:MaxFields:MaxFields], len(fields)-MaxFields
		}
		changes = append(changes, c)
	}
	for _, k := range hkeys {
		if _, ok := bm[k]; !ok {
			h := hm[k]
			changes = append(changes, Change{Kind: Added, Object: h.ObjectID, Location: h.Location, AppliedBy: h.AppliedBy})
		}
	}
	sort.SliceStable(changes, func(i, j int) bool {
		a, b := changes[i], changes[j]
		if ka, kb := idKey(a.Object), idKey(b.Object); ka != kb {
			return ka < kb
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Location.String() < b.Location.String()
	})
	return changes
}

// idKey orders objects by namespace, kind, name and API version.
func idKey(id model.ObjectID) string {
	return id.Namespace + "\x00" + id.Kind + "\x00" + id.Name + "\x00" + id.APIVersion
}

// indexObjects keys objects by identity (and occurrence), keys in order.
func indexObjects(objs []*model.Object) (map[string]*model.Object, []string) {
	out := make(map[string]*model.Object, len(objs))
	keys := make([]string, 0, len(objs))
	seen := map[string]int{}
	for _, o := range objs {
		if o == nil {
			continue
		}
		k := idKey(o.ObjectID)
		n := seen[k]
		seen[k] = n + 1
		if n > 0 {
			k += "\x00#" + strconv.Itoa(n)
		}
		out[k] = o
		keys = append(keys, k)
	}
	return out, keys
}

// Charts compares the HelmReleases of two renders of a cluster: the
// releases in both whose chart or chart version differs, sorted by
// namespace and name. Releases are matched by kind, namespace and name
// (an API version upgrade is no chart change).
func Charts(base, head []*model.HelmRelease) []ChartChange {
	key := func(h *model.HelmRelease) string { return h.Namespace + "\x00" + h.Name }
	bm := map[string]*model.HelmRelease{}
	for _, h := range base {
		if h != nil {
			bm[key(h)] = h
		}
	}
	var out []ChartChange
	done := map[string]bool{}
	for _, h := range head {
		if h == nil || done[key(h)] {
			continue
		}
		done[key(h)] = true
		b, ok := bm[key(h)]
		if !ok || (b.Version == h.Version && b.Chart == h.Chart) {
			continue
		}
		chart := h.Chart
		if b.Chart != h.Chart {
			chart = b.Chart + " → " + h.Chart
		}
		out = append(out, ChartChange{Release: h.ObjectID, Chart: chart, From: b.Version, To: h.Version})
	}
	sort.SliceStable(out, func(i, j int) bool { return idKey(out[i].Release) < idKey(out[j].Release) })
	return out
}

// Findings fills the Introduced and Fixed findings of each cluster: those
// of head whose fingerprint base does not have, and those of base whose
// fingerprint head does not have, each sorted with finding.Sort. Findings
// of clusters that are not in clusters are left out.
func Findings(clusters []Cluster, base, head []finding.Finding) {
	idx := map[string]int{}
	for i := range clusters {
		idx[clusters[i].Name] = i
		clusters[i].Introduced, clusters[i].Fixed = nil, nil
	}
	for _, f := range finding.Unmatched(head, base) {
		if i, ok := idx[f.Cluster]; ok {
			clusters[i].Introduced = append(clusters[i].Introduced, f)
		}
	}
	for _, f := range finding.Unmatched(base, head) {
		if i, ok := idx[f.Cluster]; ok {
			clusters[i].Fixed = append(clusters[i].Fixed, f)
		}
	}
	for i := range clusters {
		finding.Sort(clusters[i].Introduced)
		finding.Sort(clusters[i].Fixed)
	}
}

// ObjectName shows an object as kind namespace/name (kind name for a
// cluster-scoped one).
func ObjectName(id model.ObjectID) string {
	if id.Namespace == "" {
		return id.Kind + " " + id.Name
	}
	return id.Kind + " " + id.Namespace + "/" + id.Name
}

// summary is "N added, M removed, K modified", with the chart and finding
// counts when there are any.
func summary(c Cluster) string {
	s := fmt.Sprintf("%d added, %d removed, %d modified", c.Count(Added), c.Count(Removed), c.Count(Modified))
	var extra []string
	if n := len(c.Charts); n > 0 {
		extra = append(extra, plural(n, "chart version", "chart versions"))
	}
	if n := len(c.Introduced); n > 0 {
		extra = append(extra, plural(n, "finding", "findings")+" introduced")
	}
	if n := len(c.Fixed); n > 0 {
		extra = append(extra, plural(n, "finding", "findings")+" fixed")
	}
	if len(extra) > 0 {
		s += "; " + strings.Join(extra, ", ")
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// only describes a cluster that exists in one render only.
func only(c Cluster) string {
	switch c.Only {
	case Head:
		return " (new cluster)"
	case Base:
		return " (cluster removed)"
	}
	return ""
}

// unionKeys are the keys of a and b, sorted, each once.
func unionKeys[A, B any](a map[string]A, b map[string]B) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}
