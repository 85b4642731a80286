// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
)

// Markdown is a report for pull request comments, job summaries and
// audits: a headline with the counts, a table of findings per cluster, the
// waivers and the baseline. Text from findings is escaped, so it can
// neither break a table nor inject HTML, links or mentions.
type Markdown struct {
	// Commit, when set, is the commit of the repository being checked
	// (Report.Repository) that links to its files point at: in a pull
	// request, its head commit (HeadCommit), so that a link shows the line
	// as the pull request has it. Empty: links point at the branch each
	// file was read at.
	Commit string
}

// Write implements Reporter.
func (m Markdown) Write(w io.Writer, r *Report) error {
	var b strings.Builder
	s := r.Summary
	total := s.Findings[finding.Error] + s.Findings[finding.Warning] + s.Findings[finding.Info]
	if total == 0 {
		b.WriteString("## d1lint: no findings\n\n")
	} else {
		fmt.Fprintf(&b, "## d1lint: %s, %s, %s\n\n", plural(s.Findings[finding.Error], "error"),
			plural(s.Findings[finding.Warning], "warning"), plural(s.Findings[finding.Info], "info"))
	}
	fmt.Fprintf(&b, "%s, %s and %s checked", plural(s.Clusters, "cluster"), plural(s.Objects, "object"),
		plural(s.Kustomizations, "Kustomization"))
	if s.Skipped > 0 || s.Unresolved > 0 {
		fmt.Fprintf(&b, " (not rendered: %s; unresolved: %s)", plural(s.Skipped, "Kustomization"), plural(s.Unresolved, "source"))
	}
	b.WriteString(".")
	if s.Waived > 0 {
		fmt.Fprintf(&b, " %s waived.", plural(s.Waived, "finding"))
	}
	if r.Repository != "" {
		fmt.Fprintf(&b, " Repository: %s.", MarkdownEscape(r.Repository))
	}
	if s.Profile != nil {
		fmt.Fprintf(&b, " Profile: %s.", MarkdownEscape(s.Profile.String()))
	}
	if s.Configuration != "" {
		fmt.Fprintf(&b, " Configuration: %s.", MarkdownEscape(s.Configuration))
	}
	b.WriteString("\n")
	if line := r.shardLine(); line != "" {
		// One shard's summary, not the fleet's.
		fmt.Fprintf(&b, "\n%s.\n", MarkdownEscape(strings.ToUpper(line[:1])+line[1:]))
	}
	if r.Baseline != "" {
		fmt.Fprintf(&b, "\nBaseline %s: %s, %d already there (marked existing).\n",
			MarkdownEscape(r.Baseline), plural(s.New, "new finding"), total-s.New)
	}

	byCluster := r.findingsByCluster()
	for _, c := range r.Clusters {
		fs := byCluster[c.Name]
		env := c.environment()
		fmt.Fprintf(&b, "\n### %s (%s, %s)", MarkdownEscape(c.Name), MarkdownEscape(env), plural(c.Objects, "object"))
		if len(fs) == 0 {
			b.WriteString(": no findings\n")
			continue
		}
		b.WriteString("\n\n| Severity | Rule | Location | Message |\n| --- | --- | --- | --- |\n")
		for _, f := range fs {
			sev := f.Severity
			if r.Existing(f) {
				sev += " (existing)"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", sev, mdRule(r.Rule(f), f), mdLocation(r, f, m.Commit), MarkdownEscape(f.Message))
		}
	}

	if len(r.Waivers) > 0 {
		b.WriteString("\n### Waivers\n\n| Rule | Scope | Owner | Expires | Status | Waived | Reason |\n| --- | --- | --- | --- | --- | --- | --- |\n")
		for _, x := range r.Waivers {
			var scope []string
			for _, kv := range [][2]string{{"cluster", x.Cluster}, {"namespace", x.Namespace}, {"kind", x.Kind}, {"name", x.Name}} {
				if kv[1] != "" {
					scope = append(scope, kv[0]+" "+kv[1])
				}
			}
			if len(scope) == 0 {
				scope = []string{"everywhere"}
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %d | %s |\n", MarkdownEscape(x.Rule), MarkdownEscape(strings.Join(scope, ", ")),
				MarkdownEscape(x.Owner), MarkdownEscape(x.Expires), MarkdownEscape(x.Status), x.Waived, MarkdownEscape(x.Reason))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdRule is a rule's id, linked to its documentation, with its title as
// the link's title.
func mdRule(x finding.Rule, f finding.Finding) string {
	helpURI := x.HelpURI()
	if helpURI == "" {
		return MarkdownEscape(f.Rule)
	}
	title := strings.NewReplacer(`"`, "'", `\`, "/", "\n", " ", "\r", " ").Replace(x.Title)
	return fmt.Sprintf("[%s](<%s> \"%s\")", MarkdownEscape(f.Rule), helpURI, MarkdownEscape(title))
}

// mdLocation is a finding's file and line (with its repository and branch
// when it is in another repository), linked to the file on GitHub: at
// commit when the file is in the repository being checked and commit is
// set, else at the branch it was read at.
func mdLocation(r *Report, f finding.Finding, commit string) string {
	if f.Location.Path == "" {
		return "-"
	}
	text := f.Where()
	link := f.Location
	if r.Local(f) {
		text = f.Location.Path
		if f.Location.Line > 0 {
			text += fmt.Sprintf(":%d", f.Location.Line)
		}
		if commit != "" && r.Repository != "" {
			link = model.Location{Repo: r.Repository, Branch: commit, Path: f.Location.Path, Line: f.Location.Line}
		}
	}
	if u := BlobURL(link); u != "" && strings.HasPrefix(link.Repo, "github.com/") {
		return fmt.Sprintf("[%s](<%s>)", MarkdownEscape(text), u)
	}
	return MarkdownEscape(text)
}

// MarkdownEscape makes text safe in a Markdown table cell or paragraph:
// HTML and Markdown punctuation are escaped, line breaks become <br>.
func MarkdownEscape(s string) string {
	var b strings.Builder
	for _, c := range strings.ReplaceAll(s, "\r\n", "\n") {
		switch c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\n', '\r':
			b.WriteString("<br>")
		case '\\', '`', '*', '_', '[', ']', '|', '$', '~', '@', '#', '!':
			b.WriteByte('\\')
			b.WriteRune(c)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// plural is "1 error", "2 errors"; "info" stays "info".
func plural(n int, noun string) string {
	if n == 1 || noun == "info" {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
