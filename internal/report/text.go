// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/waiver"
)

// Text is the terminal format: each cluster's findings under its name, the
// findings several clusters share once under the list of those clusters,
// then the waivers that need attention and a summary.
type Text struct {
	// Color writes severities in colour and locations dimmed, with ANSI
	// escape sequences (for a terminal).
	Color bool
	// Hyperlinks makes each location a link to its local file (OSC 8),
	// for terminals that support them.
	Hyperlinks bool
	// Quiet writes the findings only: no cluster without findings, no
	// waiver, no summary.
	Quiet bool
	// Local finds each location's file in a local checkout, to show it
	// relative to the current folder (nil: locations name repositories).
	Local *LocalFiles
}

// ANSI escape sequences of the text format's colours.
const (
	ansiReset  = "\x1b[0m"
	ansiRed    = "\x1b[1;31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiDim    = "\x1b[2m"
	ansiBold   = "\x1b[1m"
)

// indent is where a finding's second and later lines start, under its
// rule id.
const indent = "          "

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

// entry is one finding as text shows it, with every cluster that has it.
type entry struct {
	finding.Finding
	clusters []string
}

// group is the entries of one cluster, or those a set of clusters share.
type group struct {
	clusters []string
	entries  []*entry
}

// groups merges the findings that are the same in several clusters (same
// rule, severity, location, message and baseline status: a mistake in a
// file they all read) into one entry, and groups the entries by the
// clusters that have them: each cluster's own (in the report's cluster
// order, empty ones too), then each shared set in order of first
// appearance.
func (r *Report) textGroups() (own map[string]*group, shared []*group) {
	byKey := map[string]*entry{}
	var entries []*entry
	for _, f := range r.Findings {
		key := strings.Join([]string{f.Rule, f.Severity, f.Location.String(), f.Message, fmt.Sprint(r.Existing(f))}, "\x00")
		e, ok := byKey[key]
		if !ok {
			e = &entry{Finding: f}
			byKey[key] = e
			entries = append(entries, e)
		}
		if !slices.Contains(e.clusters, f.Cluster) {
			e.clusters = append(e.clusters, f.Cluster)
		}
	}
	own = map[string]*group{}
	bySet := map[string]*group{}
	for _, e := range entries {
		if len(e.clusters) == 1 {
			g := own[e.clusters[0]]
			if g == nil {
				g = &group{clusters: e.clusters}
				own[e.clusters[0]] = g
			}
			g.entries = append(g.entries, e)
			continue
		}
		key := strings.Join(e.clusters, "\x00")
		g := bySet[key]
		if g == nil {
			g = &group{clusters: e.clusters}
			bySet[key] = g
			shared = append(shared, g)
		}
		g.entries = append(g.entries, e)
	}
	return own, shared
}

// Write implements Reporter.
func (t Text) Write(w io.Writer, r *Report) error {
	var b strings.Builder
	own, shared := r.textGroups()
	inShared := map[string]bool{}
	for _, g := range shared {
		for _, c := range g.clusters {
			inShared[c] = true
		}
	}
	for _, c := range r.Clusters {
		g := own[c.Name]
		if g == nil && t.Quiet {
			continue
		}
		fmt.Fprintf(&b, "%s (%s, %s)", t.paint(ansiBold, c.Name), c.environment(), Count(c.Objects, "object"))
		switch {
		case g == nil && inShared[c.Name]:
			b.WriteString(": no findings of its own\n")
			continue
		case g == nil:
			b.WriteString(": no findings\n")
			continue
		}
		b.WriteString("\n")
		t.entries(&b, r, g.entries)
	}
	for _, g := range shared {
		heading := "clusters " + strings.Join(g.clusters, ", ")
		if len(g.clusters) == len(r.Clusters) {
			heading = "all " + Count(len(g.clusters), "cluster")
		}
		fmt.Fprintf(&b, "%s\n", t.paint(ansiBold, heading))
		t.entries(&b, r, g.entries)
	}
	if t.Quiet {
		_, err := io.WriteString(w, b.String())
		return err
	}
	for _, w := range r.Waivers {
		if line := waiverLine(w); line != "" {
			fmt.Fprintf(&b, "%s %s\n", t.paint(ansiYellow, "waiver"), line)
		}
	}
	_, warnings := SourceLines(r.Sources)
	for _, w := range warnings {
		fmt.Fprintf(&b, "%s: %s\n", t.paint(ansiYellow, "warning"), w)
	}
	s := r.Summary
	fmt.Fprintf(&b, "\n%s, %s and %s checked", Count(s.Clusters, "cluster"), Count(s.Objects, "object"), Count(s.Kustomizations, "Kustomization"))
	if s.Skipped > 0 || s.Unresolved > 0 {
		fmt.Fprintf(&b, " (not rendered: %s; unresolved: %s)", Count(s.Skipped, "Kustomization"), Count(s.Unresolved, "source"))
	}
	fmt.Fprintf(&b, ": %s, %s, %s",
		t.count(finding.Error, s.Findings[finding.Error], Count(s.Findings[finding.Error], "error")),
		t.count(finding.Warning, s.Findings[finding.Warning], Count(s.Findings[finding.Warning], "warning")),
		t.count(finding.Info, s.Findings[finding.Info], fmt.Sprintf("%d info", s.Findings[finding.Info])))
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
	if line := r.shardLine(); line != "" {
		b.WriteString(line + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// entries writes findings: severity, rule id and title, then the location
// (when the finding has a file), then the message.
func (t Text) entries(b *strings.Builder, r *Report, es []*entry) {
	for _, e := range es {
		f := e.Finding
		pad := strings.Repeat(" ", max(0, 7-len(f.Severity)))
		fmt.Fprintf(b, "  %s%s %s", t.paint(severityColor(f.Severity), f.Severity), pad, f.Rule)
		if title := r.Rule(f).Title; title != "" && title != f.Rule {
			b.WriteString("  " + title)
		}
		if r.Existing(f) {
			b.WriteString(" " + t.paint(ansiDim, "(existing)"))
		}
		b.WriteString("\n")
		if f.Location.Path != "" {
			b.WriteString(indent + t.location(f.Location) + "\n")
		}
		fmt.Fprintf(b, "%s%s\n", indent, strings.ReplaceAll(f.Message, "\n", "\n"+indent))
	}
}

// location shows where a finding is: ./path:line when its file is in a
// local checkout at or beside the current folder, else
// repo@branch:path:line; dimmed, and a link to the local file when
// hyperlinks are on.
func (t Text) location(l model.Location) string {
	shown, link := l.String(), ""
	if t.Local != nil {
		if rel, abs, ok := t.Local.Find(l); ok {
			shown, link = rel, t.Local.fileURL(abs)
			if l.Line > 0 {
				shown += fmt.Sprintf(":%d", l.Line)
			}
		}
	}
	s := t.paint(ansiDim, shown)
	if t.Hyperlinks && link != "" {
		s = hyperlink(link, s)
	}
	return s
}

// hyperlink wraps text in an OSC 8 hyperlink to url.
func hyperlink(url, text string) string {
	return "\x1b]8;;" + url + "\x1b\\" + text + "\x1b]8;;\x1b\\"
}

// count shows "N errors", coloured when there are any.
func (t Text) count(severity string, n int, s string) string {
	if n == 0 {
		return s
	}
	return t.paint(severityColor(severity), s)
}

// waiverLine says what needs doing about a waiver, without the "waiver"
// it starts with; "" for an active one.
func waiverLine(w waiver.Status) string {
	what := w.Rule
	if scope := waiverScope(w); scope != "" {
		what += " (" + scope + ")"
	}
	switch w.Status {
	case waiver.Expired:
		return fmt.Sprintf("%s expired on %s (owner %s): it no longer waives anything; renew it or fix the findings", what, w.Expires, w.Owner)
	case waiver.Stale:
		return fmt.Sprintf("%s is stale (owner %s, expires %s): it matches no finding; remove it", what, w.Owner, w.Expires)
	case waiver.Expiring:
		return fmt.Sprintf("%s expires on %s, within 14 days (owner %s)", what, w.Expires, w.Owner)
	}
	return ""
}

// waiverScope names what a waiver is limited to ("cluster prod-*, kind
// Secret"); "" when it waives the rule everywhere.
func waiverScope(w waiver.Status) string {
	var parts []string
	for _, p := range [][2]string{{"cluster", w.Cluster}, {"namespace", w.Namespace}, {"kind", w.Kind}, {"name", w.Name}} {
		if p[1] != "" {
			parts = append(parts, p[0]+" "+p[1])
		}
	}
	return strings.Join(parts, ", ")
}

// Count shows a count with its noun in the right number: "1 cluster",
// "2 clusters", "0 errors". noun is singular and takes an s.
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
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
