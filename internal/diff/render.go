// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package diff

import (
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/report"
)

// Text writes the comparison for a terminal: which clusters the change
// reaches, then per changed cluster its objects (with the changed fields),
// chart versions and findings, then the unchanged clusters on one line.
func Text(w io.Writer, clusters []Cluster) error {
	var b strings.Builder
	reached := Reached(clusters)
	switch {
	case len(clusters) == 0:
		b.WriteString("no clusters\n")
	case len(reached) == 0:
		fmt.Fprintf(&b, "no change on any of %s\n", plural(len(clusters), "cluster", "clusters"))
	default:
		fmt.Fprintf(&b, "the change reaches %d of %s: %s\n", len(reached), plural(len(clusters), "cluster", "clusters"), strings.Join(reached, ", "))
	}
	for _, c := range clusters {
		if !c.Changed() {
			continue
		}
		fmt.Fprintf(&b, "\n%s%s: %s\n", c.Name, only(c), summary(c))
		dup := duplicates(c.Changes)
		for _, x := range c.Changes {
			fmt.Fprintf(&b, "  %-9s %s  %s\n", x.Kind, objectName(x.Object, dup), x.Location)
			for _, f := range fieldList(x) {
				fmt.Fprintf(&b, "            %s\n", f)
			}
		}
		for _, x := range c.Charts {
			fmt.Fprintf(&b, "  %-9s %s: %s %s -> %s\n", "chart", ObjectName(x.Release), x.Chart, version(x.From), version(x.To))
		}
		for _, set := range []struct {
			what string
			fs   []finding.Finding
		}{{"introduced", c.Introduced}, {"fixed", c.Fixed}} {
			for _, f := range set.fs {
				fmt.Fprintf(&b, "  %-10s %-7s %s  %s\n", set.what, f.Severity, f.Rule, orDash(f.Where()))
				fmt.Fprintf(&b, "             %s\n", strings.ReplaceAll(f.Message, "\n", "\n             "))
			}
		}
	}
	if u := unchanged(clusters); len(u) > 0 {
		fmt.Fprintf(&b, "\nunchanged: %s\n", strings.Join(u, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// MarkdownOptions tune the Markdown rendering.
type MarkdownOptions struct {
	// Title starts the heading ("d1lint diff" when empty); the heading
	// goes on with how many clusters change.
	Title string
	// Level is the heading's level (2 when 0).
	Level int
	// Intro is a paragraph of Markdown under the heading, written as is
	// (escape what comes from users).
	Intro string
}

// Markdown writes the comparison for a pull request comment or a job
// summary: a heading saying how many clusters change, one collapsed
// section per changed cluster (<details>, its summary the counts) with
// tables of the changed objects, chart versions and introduced and fixed
// findings, then the unchanged clusters on one line. Text from the renders
// is escaped, so it can neither break a table nor inject HTML.
func Markdown(w io.Writer, clusters []Cluster, opts MarkdownOptions) error {
	var b strings.Builder
	title := opts.Title
	if title == "" {
		title = "d1lint diff"
	}
	level := opts.Level
	if level <= 0 || level > 6 {
		level = 2
	}
	reached := Reached(clusters)
	head := "no change"
	if len(reached) > 0 {
		head = fmt.Sprintf("%d of %s change", len(reached), plural(len(clusters), "cluster", "clusters"))
	} else if len(clusters) == 0 {
		head = "no clusters"
	}
	fmt.Fprintf(&b, "%s %s: %s\n", strings.Repeat("#", level), MarkdownEscape(title), head)
	if opts.Intro != "" {
		fmt.Fprintf(&b, "\n%s\n", strings.TrimSpace(opts.Intro))
	}
	for _, c := range clusters {
		if !c.Changed() {
			continue
		}
		fmt.Fprintf(&b, "\n<details><summary>%s%s: %s</summary>\n", html.EscapeString(c.Name), html.EscapeString(only(c)), html.EscapeString(summary(c)))
		if len(c.Changes) > 0 {
			dup := duplicates(c.Changes)
			b.WriteString("\n| Change | Object | Location | Fields |\n| --- | --- | --- | --- |\n")
			for _, x := range c.Changes {
				fields := fieldList(x)
				for i, f := range fields {
					fields[i] = MarkdownEscape(f)
				}
				fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", x.Kind, MarkdownEscape(objectName(x.Object, dup)),
					MarkdownEscape(x.Location.String()), orDash(strings.Join(fields, "<br>")))
			}
		}
		if len(c.Charts) > 0 {
			b.WriteString("\nChart versions:\n\n| Release | Chart | From | To |\n| --- | --- | --- | --- |\n")
			for _, x := range c.Charts {
				fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", MarkdownEscape(ObjectName(x.Release)), MarkdownEscape(x.Chart),
					MarkdownEscape(version(x.From)), MarkdownEscape(version(x.To)))
			}
		}
		for _, set := range []struct {
			what string
			fs   []finding.Finding
		}{{"Findings introduced", c.Introduced}, {"Findings fixed", c.Fixed}} {
			if len(set.fs) == 0 {
				continue
			}
			fmt.Fprintf(&b, "\n%s:\n\n| Severity | Rule | Location | Message |\n| --- | --- | --- | --- |\n", set.what)
			for _, f := range set.fs {
				fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", MarkdownEscape(f.Severity), MarkdownEscape(f.Rule),
					orDash(MarkdownEscape(f.Where())), MarkdownEscape(f.Message))
			}
		}
		b.WriteString("\n</details>\n")
	}
	if u := unchanged(clusters); len(u) > 0 {
		fmt.Fprintf(&b, "\nUnchanged: %s.\n", MarkdownEscape(strings.Join(u, ", ")))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// MarkdownEscape makes text safe in a Markdown table cell or paragraph, as
// the check's Markdown report escapes it.
func MarkdownEscape(s string) string { return report.MarkdownEscape(s) }

// fieldList is a change's fields with the "+N more" marker.
func fieldList(x Change) []string {
	out := append([]string(nil), x.Fields...)
	if x.MoreFields > 0 {
		out = append(out, fmt.Sprintf("+%d more", x.MoreFields))
	}
	return out
}

// duplicates are the kind/namespace/name of objects that appear with
// more than one API version among changes: those are named with it.
func duplicates(changes []Change) map[string]bool {
	seen := map[string]string{}
	dup := map[string]bool{}
	for _, x := range changes {
		k := ObjectName(x.Object)
		if v, ok := seen[k]; ok && v != x.Object.APIVersion {
			dup[k] = true
		}
		seen[k] = x.Object.APIVersion
	}
	return dup
}

func objectName(id model.ObjectID, dup map[string]bool) string {
	n := ObjectName(id)
	if dup[n] {
		n += " (" + id.APIVersion + ")"
	}
	return n
}

func unchanged(clusters []Cluster) []string {
	var out []string
	for _, c := range clusters {
		if !c.Changed() {
			out = append(out, c.Name)
		}
	}
	return out
}

func version(v string) string {
	if v == "" {
		return "(none)"
	}
	return v
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
