// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package helm

import (
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	releaseutil3 "helm.sh/helm/v3/pkg/releaseutil"
	releaseutil4 "helm.sh/helm/v4/pkg/release/v1/util"
)

// helmSplit3 and helmSplit4 are Helm's own SplitManifests, as a list in
// the order Helm reads them.
func helmSplit3(s string) []string {
	m := releaseutil3.SplitManifests(s)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Sort(releaseutil3.BySplitManifestsOrder(keys))
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

func helmSplit4(s string) []string {
	m := releaseutil4.SplitManifests(s)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Sort(releaseutil4.BySplitManifestsOrder(keys))
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

// TestSplitManifests: the scans split exactly as Helm's regular
// expressions do, on the usual manifests and on random text made of the
// pieces that matter (dashes, every kind of space, line breaks).
func TestSplitManifests(t *testing.T) {
	cases := []string{
		"",
		"---",
		"a: 1",
		"---\na: 1\n---\nb: 2\n",
		"a: 1\n---\n---\nb: 2",
		"a: 1\n--- \t\n\nb: 2\n---",
		"a: 1\n---b: 2\n----\nc: 3",
		"  \n\t---\na: 1\n  ---\nb: 2",
		"a: |\n  ---\n  x\n---\n# only a comment\n---\n\v\n---\nc: 3\r\n---\r\nd: 4",
		"\u00a0---\na: 1\u0085\n---\u2028b",
		"------\n--- ---\n---\t# x\n...\n---",
	}
	pieces := []string{"---", "-", "--", "\n", "\r\n", " ", "\t", "\f", "\v", "\u00a0", "\u0085", "a", "b: 1", "#", "..."}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range r.IntN(16) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		cases = append(cases, b.String())
	}
	for _, c := range cases {
		require.Equal(t, helmSplit3(c), nilIfEmpty(splitManifests3(c)), "helm 3: %q", c)
		require.Equal(t, helmSplit4(c), nilIfEmpty(splitManifests4(c)), "helm 4: %q", c)
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return []string{}
	}
	return s
}

// FuzzSplitManifests: the scans split any text exactly as Helm's regular
// expressions do.
func FuzzSplitManifests(f *testing.F) {
	for _, s := range []string{"", "---", "a: 1\n---\nb: 2\n", "a\n---\n---\nb", "------\n--- x\n\t\n---\r\n", "\u00a0---\n\v---"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		require.Equal(t, helmSplit3(s), nilIfEmpty(splitManifests3(s)), "helm 3: %q", s)
		require.Equal(t, helmSplit4(s), nilIfEmpty(splitManifests4(s)), "helm 4: %q", s)
	})
}
