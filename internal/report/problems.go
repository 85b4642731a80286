// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/d1lint/d1lint/internal/model"
)

// WriteProblems writes every problem of the fleet's clusters to w, one a
// line ("error: cluster staging: repo@branch:path:line: reason"), as
// build, clusters and graph print them on standard error, and returns how
// many left part of a render out (warnings do not, nor charts missing from
// the chart cache: a matter of set-up, which check reports as D1-0007).
func WriteProblems(w io.Writer, fl *model.Fleet) (int, error) {
	n := 0
	for _, c := range fl.Clusters {
		for _, p := range c.Problems {
			sev := "error"
			if p.Warning || p.Kind == model.ProblemNotRendered || p.Kind == model.ProblemChartMissing {
				// A limitation of d1lint is no mistake of the user's, but
				// the render it leaves incomplete still counts.
				sev = "warning"
			}
			if !p.Warning && p.Kind != model.ProblemChartMissing {
				n++
			}
			if _, err := fmt.Fprintf(w, "%s: cluster %s: %s\n", sev, c.Name, describeProblem(p)); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// describeProblem prints a problem as "repo@branch:path:line: reason",
// without repeating the path when the reason starts with it.
func describeProblem(p *model.Problem) string {
	reason := p.Reason
	if p.Location != nil && p.Location.Path != "" {
		reason = strings.TrimPrefix(reason, p.Location.Path+": ")
	}
	return where(p.Location) + reason
}

// where is the location a line starts with ("" when it names no file).
func where(l *model.Location) string {
	if l == nil || l.Path == "" {
		return ""
	}
	return l.String() + ": "
}
