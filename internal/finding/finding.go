// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package finding is d1lint's one finding model: what a rule reports about
// a cluster, located at the file and line that caused it.
package finding

import (
	"fmt"
	"sort"
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
	// Repo, Branch, File and Line locate what caused it; File is relative
	// to the repository root.
	Repo    string `json:"repo,omitempty"`
	Branch  string `json:"branch,omitempty"`
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
	// Chain is the Flux Kustomizations that applied the object, root first.
	Chain []string `json:"chain,omitempty"`
}

// Sort orders findings deterministically: by cluster, severity (most
// severe first), file, line, rule, object and message.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		switch {
		case a.Cluster != b.Cluster:
			return a.Cluster < b.Cluster
		case Rank(a.Severity) != Rank(b.Severity):
			return Rank(a.Severity) > Rank(b.Severity)
		case a.Repo+a.File != b.Repo+b.File:
			return a.Repo+a.File < b.Repo+b.File
		case a.Line != b.Line:
			return a.Line < b.Line
		case a.Rule != b.Rule:
			return a.Rule < b.Rule
		case objKey(a.Object) != objKey(b.Object):
			return objKey(a.Object) < objKey(b.Object)
		}
		return a.Message < b.Message
	})
}

func objKey(o *Object) string {
	if o == nil {
		return ""
	}
	return o.Kind + "/" + o.Namespace + "/" + o.Name
}
