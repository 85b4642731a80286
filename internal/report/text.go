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
type Text struct {
	// Color writes severities in colour and locations dimmed, with ANSI
	// escape sequences (for a terminal).
	Color bool
}

// ANSI escape sequences of the text format's colours.
const (
	ansiReset  = "\x1b[0m"
	ansiRed    = "\x1b[1;31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiDim    = "\x1b[2m"
)

// paint wraps s in an ANSI colour when colour is on.
func (t Text) paint(color, s string) string {
	if !t.Color || s == "" {
		return s
	}
	return color + s + ansiReset
}

func severityColor(severity string) string {
	switch severity {
	case finding.Error:
		return ansiRed
	case finding.Warning:
		return ansiYellow
	}
	return ansiCyan
}

// Write implements Reporter.
func (t Text) Write(w io.Writer, r *Report) error {
	var b strings.Builder
	byCluster := r.findingsByCluster()
	for _, c := range r.Clusters {
		fs := byCluster[c.Name]
		env := c.environment()
		fmt.Fprintf(&b, "%s (%s, %d objects)", c.Name, env, c.Objects)
		if len(fs) == 0 {
			b.WriteString(": no findings\n")
			continue
		}
		b.WriteString("\n")
		for _, f := range fs {
			pad := strings.Repeat(" ", max(0, 7-len(f.Severity)))
			fmt.Fprintf(&b, "  %s%s %s  %s", t.paint(severityColor(f.Severity), f.Severity), pad, f.Rule, t.paint(ansiDim, location(f)))
			if r.Existing(f) {
				b.WriteString(" " + t.paint(ansiDim, "(existing)"))
			}
			fmt.Fprintf(&b, "\n          %s\n", strings.ReplaceAll(f.Message, "\n", "\n          "))
		}
	}
	for _, w := range r.Waivers {
		if w.Status == "active" {
			continue
		}
		fmt.Fprintf(&b, "waiver %s %s (owner %s, expires %s): %s\n", w.Rule, w.Status, w.Owner, w.Expires, waiverNote(w.Status))
	}
	t.sources(&b, r.Sources)
	s := r.Summary
	fmt.Fprintf(&b, "\n%d clusters, %d objects and %d Kustomizations checked", s.Clusters, s.Objects, s.Kustomizations)
	if s.Skipped > 0 || s.Unresolved > 0 {
		fmt.Fprintf(&b, " (not rendered: %d Kustomizations; unresolved: %d sources)", s.Skipped, s.Unresolved)
	}
	fmt.Fprintf(&b, ": %s, %s, %s",
		t.count(finding.Error, s.Findings[finding.Error], "errors"),
		t.count(finding.Warning, s.Findings[finding.Warning], "warnings"),
		t.count(finding.Info, s.Findings[finding.Info], "info"))
	if s.Waived > 0 {
		fmt.Fprintf(&b, " (%d waived)", s.Waived)
	}
	if r.Baseline != "" {
		fmt.Fprintf(&b, "; %d new since %s", s.New, r.Baseline)
	}
	if s.Profile != nil {
		fmt.Fprintf(&b, "; profile %s", s.Profile)
	}
	if s.Configuration != "" {
		fmt.Fprintf(&b, "; configuration: %s", s.Configuration)
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// count shows "N errors", coloured when there are any.
func (t Text) count(severity string, n int, noun string) string {
	s := fmt.Sprintf("%d %s", n, noun)
	if n == 0 {
		return s
	}
	return t.paint(severityColor(severity), s)
}

func location(f finding.Finding) string {
	if f.Location.Path == "" {
		return f.Title
	}
	return f.Where()
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

// sources lists where each repository a cluster read was read from, then
// the warnings about the mappings the user gave.
func (t Text) sources(b *strings.Builder, ms []model.Mapping) {
	used, warnings := SourceLines(ms)
	if len(used) > 0 {
		b.WriteString("sources:\n")
		for _, l := range used {
			b.WriteString("  " + l + "\n")
		}
	}
	for _, w := range warnings {
		fmt.Fprintf(b, "%s: %s\n", t.paint(ansiYellow, "warning"), w)
	}
}

// SourceLines are the mappings a render used ("URL@BRANCH → PATH (how)"),
// and the warnings about the mappings the user gave, in order.
func SourceLines(ms []model.Mapping) (used, warnings []string) {
	for _, m := range ms {
		if m.Used {
			used = append(used, m.String())
		}
		if m.Warning != "" {
			warnings = append(warnings, m.Warning)
		}
	}
	return used, warnings
}
