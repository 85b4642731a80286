// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/d1lint/d1lint/internal/finding"
)

// GitHub is GitHub Actions workflow commands: one annotation per finding
// (::error, ::warning or ::notice), located at the file and line when the
// finding is in the repository being checked. With a baseline, only new
// findings are annotated.
//
// When SummaryPath is set it also appends the Markdown report to that file
// (the job summary), and when OutputPath is set it appends the step's
// outputs errors, warnings, infos and new to that file.
type GitHub struct {
	// SummaryPath is $GITHUB_STEP_SUMMARY; empty to write no summary.
	SummaryPath string
	// OutputPath is $GITHUB_OUTPUT; empty to set no outputs.
	OutputPath string
	// HeadCommit is the commit the summary's links to files of the
	// repository being checked point at (see HeadCommit); empty: the
	// branch each file was read at.
	HeadCommit string
}

// Write implements Reporter.
func (g GitHub) Write(w io.Writer, r *Report) error {
	var b strings.Builder
	existing := 0
	// The same annotation on several clusters (a shared file) is written
	// once, naming the clusters: GitHub shows each line on the diff.
	type annotation struct {
		cmd, props, msg string
		clusters        []string
	}
	var order []string
	byKey := map[string]*annotation{}
	for _, f := range r.Findings {
		if r.Existing(f) {
			existing++
			continue
		}
		var props []string
		msg := f.Message
		switch {
		case r.Local(f):
			props = append(props, "file="+escapeProperty(f.Location.Path))
			if f.Location.Line > 0 {
				props = append(props, fmt.Sprintf("line=%d", f.Location.Line))
			}
		case f.Location.Path != "":
			msg = f.Where() + ": " + msg
		}
		props = append(props, "title="+escapeProperty(f.Rule+": "+f.Title))
		key := githubCommand(f.Severity) + "\x00" + strings.Join(props, ",") + "\x00" + msg
		a, ok := byKey[key]
		if !ok {
			a = &annotation{cmd: githubCommand(f.Severity), props: strings.Join(props, ","), msg: msg}
			byKey[key] = a
			order = append(order, key)
		}
		a.clusters = append(a.clusters, f.Cluster)
	}
	for _, key := range order {
		a := byKey[key]
		msg := a.msg
		if len(a.clusters) > 1 {
			msg += " (clusters " + strings.Join(a.clusters, ", ") + ")"
		}
		fmt.Fprintf(&b, "::%s %s::%s\n", a.cmd, a.props, escapeData(msg))
	}
	if existing > 0 {
		them := "them"
		if existing == 1 {
			them = "it"
		}
		fmt.Fprintf(&b, "%s not annotated: %s had %s already\n", Count(existing, "existing finding"), r.Baseline, them)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	if g.SummaryPath != "" {
		var md bytes.Buffer
		if err := (Markdown{Commit: g.HeadCommit}).Write(&md, r); err != nil {
			return err
		}
		if err := appendFile(g.SummaryPath, md.Bytes()); err != nil {
			return fmt.Errorf("writing the job summary: %w", err)
		}
	}
	if g.OutputPath != "" {
		s := r.Summary
		out := fmt.Sprintf("errors=%d\nwarnings=%d\ninfos=%d\nnew=%d\n",
			s.Findings[finding.Error], s.Findings[finding.Warning], s.Findings[finding.Info], s.New)
		if err := appendFile(g.OutputPath, []byte(out)); err != nil {
			return fmt.Errorf("writing the step outputs: %w", err)
		}
	}
	return nil
}

// HeadCommit is the commit a GitHub Actions run checks, read from the
// environment getenv reads: on a pull_request (or pull_request_target)
// event, the pull request's head commit, .pull_request.head.sha of the
// event payload at $GITHUB_EVENT_PATH ($GITHUB_SHA is then the merge
// commit GitHub made, which no one browses); otherwise $GITHUB_SHA (the
// pushed commit). Empty outside GitHub Actions. An event file that cannot
// be read or has no head commit falls back to $GITHUB_SHA: links are not
// worth failing a check for.
func HeadCommit(getenv func(string) string) string {
	if getenv == nil {
		return ""
	}
	if path := getenv("GITHUB_EVENT_PATH"); path != "" {
		if data, err := os.ReadFile(path); err == nil {
			var ev struct {
				PullRequest *struct {
					Head struct {
						SHA string `json:"sha"`
					} `json:"head"`
				} `json:"pull_request"`
			}
			if json.Unmarshal(data, &ev) == nil && ev.PullRequest != nil && isCommit(ev.PullRequest.Head.SHA) {
				return ev.PullRequest.Head.SHA
			}
		}
	}
	if sha := getenv("GITHUB_SHA"); isCommit(sha) {
		return sha
	}
	return ""
}

// isCommit reports whether s is a full git object name (SHA-1 or SHA-256).
func isCommit(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func githubCommand(severity string) string {
	switch severity {
	case finding.Error:
		return "error"
	case finding.Warning:
		return "warning"
	}
	return "notice"
}

// escapeData escapes the message of a workflow command.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a property value of a workflow command.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// appendFile appends data to a file, creating it when absent.
func appendFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
