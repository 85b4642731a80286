// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package suggest finds what the user most likely meant when a name they
// typed names nothing: a configuration key, a rule id, a cluster, a
// command or a flag. A mistake that names its correction is fixed on the
// next run; one that only says "unknown" sends the user to the docs.
package suggest

import "strings"

// Closest is the option nearest to s: the one equal but for case, else
// the one fewest edits away (case ignored) when that is few enough to be
// a typo (at most two, or a quarter of s for longer words); "" when none
// is. Ties go to the first option, so callers pass options sorted.
func Closest(s string, options []string) string {
	for _, o := range options {
		if strings.EqualFold(o, s) {
			return o
		}
	}
	best, bestD := "", 0
	ls := strings.ToLower(s)
	for _, o := range options {
		d := Distance(ls, strings.ToLower(o))
		if best == "" || d < bestD {
			best, bestD = o, d
		}
	}
	if best == "" || bestD > max(2, len(s)/4) {
		return ""
	}
	return best
}

// Distance is the optimal string alignment distance of a and b: the
// insertions, deletions, substitutions and swaps of neighbours that turn
// one into the other (brnach → branch is one: a swap is the commonest
// typo, and plain Levenshtein would count it as two).
func Distance(a, b string) int {
	x, y := []rune(a), []rune(b)
	rows := make([][]int, len(x)+1)
	for i := range rows {
		rows[i] = make([]int, len(y)+1)
		rows[i][0] = i
	}
	for j := range rows[0] {
		rows[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			rows[i][j] = min(rows[i-1][j]+1, rows[i][j-1]+1, rows[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				rows[i][j] = min(rows[i][j], rows[i-2][j-2]+1)
			}
		}
	}
	return rows[len(x)][len(y)]
}
