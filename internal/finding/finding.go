// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package finding is d1lint's one finding model: what a rule reports about
// a cluster, located at the file and line that caused it.
package finding

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/d1lint/d1lint/internal/model"
)

// Severities, most severe first.
const (
	Error   = "error"
	Warning = "warning"
	Info    = "info"
)

// Rank orders severities: a higher rank is more severe; unknown is 0.
func Rank(severity string) int {
	switch severity {
	case Error:
		return 3
	case Warning:
		return 2
	case Info:
		return 1
	}
	return 0
}

// ParseSeverity checks a severity name given by a user.
func ParseSeverity(s string) (string, error) {
	if Rank(s) == 0 {
		return "", fmt.Errorf("unknown severity %q (want error, warning or info)", s)
	}
	return s, nil
}

// Object identifies the object a finding is about.
type Object struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
}

// Finding is one violation of one rule on one cluster.
type Finding struct {
	Rule     string  `json:"rule"`
	Title    string  `json:"title"`
	Category string  `json:"category"`
	Severity string  `json:"severity"`
	Cluster  string  `json:"cluster"`
	Object   *Object `json:"object,omitempty"`
	// Location is what caused it: repository, branch, file (Path, relative
	// to the repository root) and line. Its JSON is flat on the finding:
	// "repo", "branch", "file" and "line" (see MarshalJSON); Commit is not
	// part of it.
	Location model.Location `json:"-"`
	Message  string         `json:"message"`
	// Field is the offending field of the object when the rule names one
	// (spec.ref.branch); the location is then the field's line, in the
	// patch that set it when a patch did.
	Field string `json:"field,omitempty"`
	// FieldPath is Field's keys and indices, when the rule gave them.
	FieldPath []string `json:"-"`
	// Chain is the Flux Kustomizations that applied the object, root first.
	Chain []string `json:"chain,omitempty"`
	// Fingerprint identifies the finding across runs and commits: a hash of
	// the rule, cluster, object, field and message (not the file or line,
	// which move with unrelated edits).
	Fingerprint string `json:"fingerprint"`
	// Baseline is set by --new-since: "new" when the baseline revision did
	// not have the finding, "existing" when it did.
	Baseline string `json:"baseline,omitempty"`
}

// Baseline values.
const (
	New      = "new"
	Existing = "existing"
)

// SetFingerprint computes f.Fingerprint.
func (f *Finding) SetFingerprint() {
	h := sha256.New()
	for _, s := range []string{f.Rule, f.Cluster, objKey(f.Object), f.Field, f.Message} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	f.Fingerprint = hex.EncodeToString(h.Sum(nil)[:12])
}

// Sort orders findings deterministically: by cluster, severity (most
// severe first), file, line, rule, object and message.
func Sort(fs []Finding) {
	slices.SortStableFunc(fs, compare)
}

// compare is Sort's order. Each key is computed only when the ones before
// it tie.
func compare(a, b Finding) int {
	if c := cmp.Compare(a.Cluster, b.Cluster); c != 0 {
		return c
	}
	if c := cmp.Compare(Rank(b.Severity), Rank(a.Severity)); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Location.Repo+a.Location.Path, b.Location.Repo+b.Location.Path); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Location.Line, b.Location.Line); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Rule, b.Rule); c != 0 {
		return c
	}
	if c := cmp.Compare(objKey(a.Object), objKey(b.Object)); c != 0 {
		return c
	}
	return cmp.Compare(a.Message, b.Message)
}

// Where is the finding's location as d1lint prints it
// (repo@branch:path:line), or "" when it has no file.
func (f Finding) Where() string {
	if f.Location.Path == "" {
		return ""
	}
	return f.Location.String()
}

func objKey(o *Object) string {
	if o == nil {
		return ""
	}
	return o.APIVersion + "/" + o.Kind + "/" + o.Namespace + "/" + o.Name
}

// FieldString shows a field path as d1lint names fields:
// spec.template.spec.containers[0].image; a key holding a dot or a slash is
// bracketed: metadata.labels["toolkit.fluxcd.io/tenant"].
func FieldString(path []string) string {
	var b strings.Builder
	for _, p := range path {
		if _, err := strconv.Atoi(p); err == nil && b.Len() > 0 {
			b.WriteString("[" + p + "]")
			continue
		}
		if strings.ContainsAny(p, "./[]") {
			b.WriteString("[" + strconv.Quote(p) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}
