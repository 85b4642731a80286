// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package helm

import (
	"strings"
	"unicode"
)

// splitManifests3 is Helm 3's releaseutil.SplitManifests, in order and
// without its regular expression: the file is trimmed, split at every
// match of (?:^|\s*\n)---\s* and each non-empty piece trimmed. The
// regular expression, run over megabytes of rendered CRDs, was a quarter
// of a render's time; this scan finds the same matches (leftmost-first,
// greedy \s*, where \s is RE2's [\t\n\f\r ]), which TestSplitManifests
// checks against Helm's own function.
func splitManifests3(bigFile string) []string {
	s := strings.TrimSpace(bigFile)
	var docs []string
	add := func(d string) {
		if d != "" {
			docs = append(docs, strings.TrimSpace(d))
		}
	}
	beg := 0 // the start of the current piece
	pos := 0 // where the search for the next match starts
	for pos <= len(s) {
		start, end := -1, -1
		if pos == 0 && strings.HasPrefix(s, "---") {
			// The ^ branch, preferred at the start of the text.
			start, end = 0, 3
		} else {
			// \s*\n---: a run of \s ending in \n, followed by ---. The
			// leftmost start is the start of the first such run from pos.
			i := pos
			for i < len(s) {
				if !isRE2Space(s[i]) {
					i++
					continue
				}
				j := i
				for j < len(s) && isRE2Space(s[j]) {
					j++
				}
				if s[j-1] == '\n' && strings.HasPrefix(s[j:], "---") {
					start, end = i, j+3
					break
				}
				i = j
			}
		}
		if start < 0 {
			break
		}
		for end < len(s) && isRE2Space(s[end]) {
			end++
		}
		add(s[beg:start])
		beg, pos = end, end
	}
	add(s[beg:])
	return docs
}

// isRE2Space is RE2's \s: [\t\n\f\r ].
func isRE2Space(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// splitManifests4 is Helm 4's release/v1/util.SplitManifests, in order:
// the file's leading space is trimmed, it is split at every line starting
// with --- ((?m)^---[ \t]*), pieces of only space are dropped and the
// others' leading space trimmed.
func splitManifests4(bigFile string) []string {
	s := strings.TrimLeftFunc(bigFile, unicode.IsSpace)
	var docs []string
	add := func(d string) {
		if strings.TrimSpace(d) != "" {
			docs = append(docs, strings.TrimLeftFunc(d, unicode.IsSpace))
		}
	}
	beg := 0
	for lineStart := 0; lineStart < len(s); {
		if strings.HasPrefix(s[lineStart:], "---") {
			end := lineStart + 3
			for end < len(s) && (s[end] == ' ' || s[end] == '\t') {
				end++
			}
			add(s[beg:lineStart])
			beg = end
		}
		nl := strings.IndexByte(s[lineStart:], '\n')
		if nl < 0 {
			break
		}
		lineStart += nl + 1
	}
	add(s[beg:])
	return docs
}
