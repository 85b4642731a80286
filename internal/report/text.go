// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
)

// Text is the terminal format: findings grouped by cluster, then a summary.
type Text struct{}

// Write implements Reporter.
func (Text) Write(w io.Writer, r *Report) error {
	var b strings.Builder
	byCluster := map[string][]finding.Finding{}
	for _, f := range r.Findings {
		byCluster[f.Cluster] = append(byCluster[f.Cluster], f)
	}
	for _, c := range r.Clusters {
		fs := byCluster[c.Name]
		env := c.Environment
		if env == "" {
			env = "no environment"
		}
		fmt.Fprintf(&b, "%s (%s, %d objects)", c.Name, env, c.Objects)
		if len(fs) == 0 {
			b.WriteString(": no findings\n")
			continue
		}
		b.WriteString("\n")
		for _, f := range fs {
			fmt.Fprintf(&b, "  %-7s %s  %s\n", f.Severity, f.Rule, location(f))
			fmt.Fprintf(&b, "          %s\n", f.Message)
		}
	}
	for _, w := range r.Waivers {
		if w.Status == "active" {
			continue
		}
		fmt.Fprintf(&b, "waiver %s %s (owner %s, expires %s): %s\n", w.Rule, w.Status, w.Owner, w.Expires, waiverNote(w.Status))
	}
	s := r.Summary
	fmt.Fprintf(&b, "\n%d clusters, %d objects and %d Kustomizations checked", s.Clusters, s.Objects, s.Kustomizations)
	if s.Skipped > 0 || s.Unresolved > 0 {
		fmt.Fprintf(&b, " (not rendered: %d Kustomizations; unresolved: %d sources)", s.Skipped, s.Unresolved)
	}
	fmt.Fprintf(&b, ": %d errors, %d warnings, %d info", s.Findings[finding.Error], s.Findings[finding.Warning], s.Findings[finding.Info])
	if s.Waived > 0 {
		fmt.Fprintf(&b, " (%d waived)", s.Waived)
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func location(f finding.Finding) string {
	if f.File == "" {
		return f.Title
	}
	return model.Location{Repo: f.Repo, Branch: f.Branch, Path: f.File, Line: f.Line}.String()
}

func waiverNote(status string) string {
	switch status {
	case "expired":
		return "expired: it no longer waives anything; renew it or fix the findings"
	case "stale":
		return "stale: it matches no finding; remove it"
	case "expiring":
		return "expires within 14 days"
	}
	return status
}
