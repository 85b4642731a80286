// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
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
	if use, exact := exactUse(ch, values); exact {
		return !slices.Equal(use.Seen(base), use.Seen(full))
	}
	return r.mentions(ch, values, groups)
}

// exactUse is the chart's use of APIVersions, and whether it is all a
// render with these values can do with them.
func exactUse(ch *helm.Chart, values map[string]any) (helm.APIVersionUse, bool) {
	use := ch.APIVersionUse()
	return use, !use.Any && !valuesMention(values, "APIVersions")
}

// seenVersions are the API versions a render of the chart with these
// values can tell apart (helm.APIVersionUse.Seen), or all of them.
func seenVersions(ch *helm.Chart, values map[string]any, versions []string) []string {
	if use, exact := exactUse(ch, values); exact {
		return use.Seen(versions)
	}
	return versions
}

// valuesMention says whether the values, as JSON, hold word.
func valuesMention(values map[string]any, word string) bool {
	b, err := json.Marshal(values)
	return err != nil || bytes.Contains(b, []byte(word))
}

// mentionsEntry is one memoised answer of mentions.
type mentionsEntry struct {
	once  sync.Once
	found bool
}

// mentionsLimit bounds what is read of a packaged subchart when looking
// for a word, as LoadArchive bounds a chart.
const mentionsLimit = 100 << 20

// mentions says whether the chart's files (its subchart packages' files
// included) or the values hold any of words. Memoised per chart and words.
func (r *renderer) mentions(ch *helm.Chart, values map[string]any, words []string) bool {
	if len(words) == 0 {
		return false
	}
	if b, err := json.Marshal(values); err == nil && containsAny(b, words) {
		return true
	}
	key := ch.Digest + "\x00" + strings.Join(words, "\x00")
	v, _ := r.chartMentions.LoadOrStore(key, &mentionsEntry{})
	e := v.(*mentionsEntry)
	e.once.Do(func() {
		for _, f := range ch.Files {
			if filesMention(f.Name, f.Data, words, 0) {
				e.found = true
				return
			}
		}
	})
	return e.found
}

func containsAny(data []byte, words []string) bool {
	for _, w := range words {
		if bytes.Contains(data, []byte(w)) {
			return true
		}
	}
	return false
}

// filesMention checks one file, reading a packaged subchart's files in
// turn (depth guards against a package nested in itself). A package that
// cannot be read counts as mentioning: it is rendered again rather than
// judged on a guess.
func filesMention(name string, data []byte, words []string, depth int) bool {
	if !strings.HasSuffix(name, ".tgz") {
		return containsAny(data, words)
	}
	if depth >= 8 {
		return true
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return true
	}
	defer zr.Close()
	tr := tar.NewReader(io.LimitReader(zr, mentionsLimit))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return false
		}
		if err != nil {
			return true
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return true
		}
		if filesMention(h.Name, b, words, depth+1) {
			return true
		}
	}
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
