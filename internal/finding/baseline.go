// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package finding

// AtLeast reports whether severity is at or above threshold (error is
// above warning, which is above info).
func AtLeast(severity, threshold string) bool {
	return Rank(severity) >= Rank(threshold)
}

// Failing counts the findings that fail a check at threshold: those at or
// above it, except the ones a baseline already had (Baseline Existing).
func Failing(fs []Finding, threshold string) int {
	n := 0
	for _, f := range fs {
		if AtLeast(f.Severity, threshold) && f.Baseline != Existing {
			n++
		}
	}
	return n
}

// MarkBaseline compares findings with those of a baseline by fingerprint:
// each finding of fs is marked Existing when before has it, New otherwise.
// It returns how many are new.
func MarkBaseline(fs []Finding, before []Finding) (newCount int) {
	had := fingerprints(before)
	for i := range fs {
		if had[fs[i].key()] {
			fs[i].Baseline = Existing
		} else {
			fs[i].Baseline = New
			newCount++
		}
	}
	return newCount
}

// Unmatched returns the findings of fs whose fingerprint other does not
// have, in order: what a change introduces (fs the new side, other the
// old) or fixes (the other way round).
func Unmatched(fs, other []Finding) []Finding {
	had := fingerprints(other)
	var out []Finding
	for _, f := range fs {
		if !had[f.key()] {
			out = append(out, f)
		}
	}
	return out
}

// fingerprints is the set of the findings' fingerprints (key).
func fingerprints(fs []Finding) map[string]bool {
	out := make(map[string]bool, len(fs))
	for _, f := range fs {
		out[f.key()] = true
	}
	return out
}

// key is the finding's fingerprint; a finding without one counts with the
// fingerprint SetFingerprint would give it.
func (f Finding) key() string {
	if f.Fingerprint == "" {
		f.SetFingerprint()
	}
	return f.Fingerprint
}
