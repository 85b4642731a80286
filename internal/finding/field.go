// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package finding

import (
	"strconv"
	"strings"
)

// ParseField reads a field path as FieldString writes it
// (spec.template.spec.containers[0].image,
// metadata.labels["toolkit.fluxcd.io/tenant"]) into its keys and indices.
// A malformed bracket ends the path where it starts.
func ParseField(s string) []string {
	var out []string
	for s != "" {
		switch {
		case s[0] == '.':
			s = s[1:]
		case s[0] == '[':
			end := strings.IndexByte(s, ']')
			if strings.HasPrefix(s, `["`) {
				// A quoted key may hold "]": the closing quote ends it.
				q, err := strconv.QuotedPrefix(s[1:])
				if err != nil {
					return out
				}
				key, _ := strconv.Unquote(q)
				out = append(out, key)
				s = strings.TrimPrefix(s[1+len(q):], "]")
				continue
			}
			if end < 0 {
				return out
			}
			out = append(out, s[1:end])
			s = s[end+1:]
		default:
			end := strings.IndexAny(s, ".[")
			if end < 0 {
				end = len(s)
			}
			out = append(out, s[:end])
			s = s[end:]
		}
	}
	return out
}
