// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"sync"

	"github.com/d1lint/d1lint/internal/helm"
	"github.com/d1lint/d1lint/internal/model"
)

// addedGroups are the API groups of the versions in full that base lacks,
// sorted.
func addedGroups(base, full []string) []string {
	var out []string
	for _, v := range full {
		if _, found := slices.BinarySearch(base, v); found {
			continue
		}
		g, _ := model.SplitAPIVersion(strings.Join(strings.SplitN(v, "/", 3)[:2], "/"))
		if g != "" && !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	slices.Sort(out)
	return out
}

// seesAdded says whether a chart rendered with the API versions base can
// render differently with full. A chart whose templates only ask Has for
// literal versions sees the change exactly when one of those is added; one
// that reads the set some other way, or whose values hold template text
// that may (tpl), is judged by whether its files or values name one of the
// added groups: a template can only test for a version it spells, or
// builds from text it has.
func (r *renderer) seesAdded(ch *helm.Chart, values map[string]any, base, full, groups []string) bool {
	b, err := json.Marshal(values)
	if err != nil {
		return true
	}
	if use, exact := exactUse(ch, b); exact {
		return !slices.Equal(use.Seen(base), use.Seen(full))
	}
	return r.mentions(ch, b, groups)
}

// exactUse is the chart's use of APIVersions, and whether it is all a
// render with these values (as JSON) can do with them.
func exactUse(ch *helm.Chart, values []byte) (helm.APIVersionUse, bool) {
	use := ch.APIVersionUse()
	return use, !use.Any && !bytes.Contains(values, []byte("APIVersions"))
}

// seenVersions are the API versions a render of the chart with these
// values (as JSON) can tell apart (helm.APIVersionUse.Seen), or all of
// them.
func seenVersions(ch *helm.Chart, values []byte, versions []string) []string {
	if use, exact := exactUse(ch, values); exact {
		return use.Seen(versions)
	}
	return versions
}

// mentionsEntry is one memoised answer of mentions.
type mentionsEntry struct {
	once  sync.Once
	found bool
}

// mentions says whether the chart's files (its subchart packages' files
// included) or the values (as JSON) hold any of words. Memoised per chart and words.
func (r *renderer) mentions(ch *helm.Chart, values []byte, words []string) bool {
	if len(words) == 0 {
		return false
	}
	if slices.ContainsFunc(words, func(w string) bool { return bytes.Contains(values, []byte(w)) }) {
		return true
	}
	key := ch.Digest + "\x00" + strings.Join(words, "\x00")
	v, _ := r.chartMentions.LoadOrStore(key, &mentionsEntry{})
	e := v.(*mentionsEntry)
	e.once.Do(func() { e.found = ch.FilesMention(words) })
	return e.found
}

// shippedCRDs are the CustomResourceDefinitions of the chart's crds/
// folders, read without rendering (helm.Chart.ShippedCRDs): Helm installs
// them before it renders the templates, so they are among the cluster's
// API versions from the first render on. Memoised per chart.
func (r *renderer) shippedCRDs(ch *helm.Chart) []*model.Object {
	v, _ := r.chartCRDs.LoadOrStore(ch.Digest, &crdsEntry{})
	e := v.(*crdsEntry)
	e.once.Do(func() {
		for _, m := range ch.ShippedCRDs() {
			e.crds = append(e.crds, &model.Object{ObjectID: model.ObjectID{Kind: "CustomResourceDefinition"}, Object: m})
		}
	})
	return e.crds
}

// crdsEntry is one memoised answer of shippedCRDs.
type crdsEntry struct {
	once sync.Once
	crds []*model.Object
}
