// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package diff

import (
	"encoding/json"
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
			for _, f := range x.Fields {
				line := fieldText(f)
				if f.Location != nil {
					line += "  (" + relativeTo(*f.Location, x.Location) + ")"
				}
				fmt.Fprintf(&b, "            %s\n", line)
			}
			if x.MoreFields > 0 {
				fmt.Fprintf(&b, "            +%d more\n", x.MoreFields)
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
	// Repository and Commit, when both are set, link the locations of the
	// new render that are in Repository (github.com/acme/d1-apps) to that
	// commit: in a pull request, its head commit (report.HeadCommit).
	Repository, Commit string
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
				var fields []string
				for _, f := range x.Fields {
					cell := MarkdownEscape(fieldText(f))
					if f.Location != nil {
						// A removed field is where the old render had it.
						cell += " (" + opts.link(*f.Location, relativeTo(*f.Location, x.Location), f.Op != FieldRemoved) + ")"
					}
					fields = append(fields, cell)
				}
				if x.MoreFields > 0 {
					fields = append(fields, fmt.Sprintf("+%d more", x.MoreFields))
				}
				fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", x.Kind, MarkdownEscape(objectName(x.Object, dup)),
					opts.link(x.Location, x.Location.String(), x.Kind != Removed), orDash(strings.Join(fields, "<br>")))
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

// fieldText shows a changed field: "field: old -> new", "(absent)" for
// the side it is not on, or "moved from -> field: value".
func fieldText(f FieldChange) string {
	val := func(v *string) string {
		if v == nil {
			return "(absent)"
		}
		return *v
	}
	if f.Op == FieldMoved {
		return "moved " + f.From + " -> " + f.Field + ": " + val(f.New)
	}
	return f.Field + ": " + val(f.Old) + " -> " + val(f.New)
}

// relativeTo shows loc as path:line when it is in the same repository and
// revision as the object's location of, else in full.
func relativeTo(loc, of model.Location) string {
	if loc.Repo == of.Repo && loc.Branch == of.Branch && loc.Tag == of.Tag && loc.Commit == of.Commit {
		s := loc.Path
		if loc.Line > 0 {
			s += fmt.Sprintf(":%d", loc.Line)
		}
		return s
	}
	return loc.String()
}

// link is text, escaped, linked to loc at opts.Commit when loc is a file
// of opts.Repository in the new render (head).
func (opts MarkdownOptions) link(loc model.Location, text string, head bool) string {
	if !head || opts.Repository == "" || opts.Commit == "" || loc.Repo != opts.Repository || loc.Path == "" {
		return MarkdownEscape(text)
	}
	u := report.BlobURL(model.Location{Repo: loc.Repo, Branch: opts.Commit, Path: loc.Path, Line: loc.Line})
	if u == "" || !strings.HasPrefix(loc.Repo, "github.com/") {
		return MarkdownEscape(text)
	}
	return fmt.Sprintf("[%s](<%s>)", MarkdownEscape(text), u)
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

// JSONVersion is the version of the JSON document's shape
// (docs/diff.schema.json).
const JSONVersion = 1

// Document is the JSON output of d1lint diff (docs/diff.schema.json).
type Document struct {
	// Version is JSONVersion.
	Version int `json:"version"`
	// Base and Head say what was compared ("origin/main of d1-apps", "the
	// working tree").
	Base string `json:"base"`
	Head string `json:"head"`
	// Reached are the clusters the change reaches (Reached), in order.
	Reached []string `json:"reached"`
	// Clusters are every cluster compared, unchanged ones included.
	Clusters []Cluster `json:"clusters"`
}

// JSON writes the comparison as a Document, indented, without HTML
// escaping, newline-ended.
func JSON(w io.Writer, base, head string, clusters []Cluster) error {
	doc := Document{Version: JSONVersion, Base: base, Head: head, Reached: Reached(clusters), Clusters: clusters}
	if doc.Reached == nil {
		doc.Reached = []string{}
	}
	if doc.Clusters == nil {
		doc.Clusters = []Cluster{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("writing the diff as JSON: %w", err)
	}
	return nil
}
