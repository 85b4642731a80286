// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package helm

import (
	"strings"
)

// Violation is one way the values break a chart's values.schema.json.
type Violation struct {
	// Path leads from the top-level values to the offending value, e.g.
	// ["replicaCount"] or ["redis", "auth", "enabled"]; empty for the
	// values as a whole. A subchart's violations are under its name (or
	// alias), as Helm validates them.
	Path []string
	// Message says what is wrong, e.g. "got string, want integer".
	Message string
}

// text is "path: message", or the message alone for the values as a whole.
func (v Violation) text() string {
	if len(v.Path) == 0 {
		return v.Message
	}
	return strings.Join(v.Path, ".") + ": " + v.Message
}

// ValuesError is returned by Render when the coalesced values (the chart's
// and its subcharts' defaults with the request's values over them) do not
// meet the values.schema.json of the chart or of an enabled subchart:
// Helm, and so helm-controller, refuses to install them.
type ValuesError struct {
	// Violations, sorted by path.
	Violations []Violation
}

// Error lists the violations on one line.
func (e *ValuesError) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = v.text()
	}
	return "values don't meet the chart's schema: " + strings.Join(parts, "; ")
}

// DependencyError is returned by Render when dependencies that Chart.yaml
// lists, and that are enabled (by their condition and tags, given the
// values, as Helm decides), are not vendored under charts/.
type DependencyError struct {
	// Missing names them, as Chart.yaml does; a subchart's own missing
	// dependency is named after the subchart, "parent/dependency".
	Missing []string
}

// Error names the missing dependencies and says how to vendor them.
func (e *DependencyError) Error() string {
	return "chart dependencies not vendored under charts/: " + strings.Join(e.Missing, ", ") +
		"; charts must come with their dependencies vendored (helm dependency build)"
}
