// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/d1lint/d1lint/internal/finding"
)

// SARIF is SARIF 2.1.0, for GitHub code scanning and other SARIF viewers:
// one run, d1lint's rules, one result per finding.
//
// GitHub code scanning rejects a whole log when one result has no location,
// a location with no file, or a file given as a web address (https://):
// every result is located at a file of the repository being checked,
// relative to its root (uriBaseId %SRCROOT%). A finding in that repository
// (Report.Local) is located at its own file and line. Any other finding (in
// another repository, or without a file) is shown at its Report.Anchor (the
// Kustomization that brings the other repository in, or the cluster's Flux
// sync); its message then starts with repo@branch:path:line, and its
// properties hold that location, its web address (url) and what it is
// shown at (shownAt). A finding without an anchor is left out, and a tool
// execution notification counts those.
type SARIF struct {
	// ToolVersion is d1lint's version in a failure log (WriteFailure); a
	// report's log takes Report.ToolVersion.
	ToolVersion string
}

// SARIFBaseID is the uriBaseId of every artifact location: the root of the
// checkout of Report.Repository.
const SARIFBaseID = "%SRCROOT%"

// FingerprintKey is the key of a result's partialFingerprints that holds
// finding.Fingerprint.
const FingerprintKey = "d1lint/v1"

// Write implements Reporter.
func (SARIF) Write(w io.Writer, r *Report) error {
	return writeSARIF(w, SARIFLog(r))
}

// WriteFailure implements FailureWriter: a SARIF log for a check that could
// not run, with one run with no results and an invocation that failed with
// cause, as a tool execution notification.
func (s SARIF) WriteFailure(w io.Writer, cause error) error {
	run := newRun(s.ToolVersion)
	inv := sarif.NewInvocation().WithExecutionSuccessful(false)
	inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel(sarif.LevelError).
		WithMessage(sarif.NewTextMessage(cause.Error())))
	run.AddInvocation(inv)
	doc := sarif.NewReport()
	doc.AddRun(run)
	return writeSARIF(w, doc)
}

// SARIFLog builds the SARIF log of a report.
func SARIFLog(r *Report) *sarif.Report {
	run := newRun(r.ToolVersion)
	rules := sarifRules(r)
	index := map[string]int{}
	for i, x := range rules {
		index[x.ID] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule(x))
	}
	unlocated := 0
	for _, f := range r.Findings {
		msg := f.Message
		props := sarif.NewPropertyBag().Add("cluster", f.Cluster)
		var loc *sarif.Location
		if r.Local(f) {
			loc = sarifLocation(f.Location.Path, f.Location.Line)
		} else {
			a, what, ok := r.Anchor(f)
			if !ok {
				unlocated++
				continue
			}
			loc = sarifLocation(a.Path, a.Line).WithMessage(sarif.NewTextMessage(what))
			props.Add("shownAt", what)
			if where := f.Where(); where != "" {
				msg = where + ": " + msg
				props.Add("location", where)
				if u := BlobURL(f.Location); u != "" {
					props.Add("url", u)
				}
			}
		}
		res := sarif.NewRuleResult(f.Rule).WithRuleIndex(index[f.Rule]).WithLevel(sarifLevel(f.Severity)).
			WithMessage(sarif.NewTextMessage(msg)).WithLocations([]*sarif.Location{loc})
		if f.Fingerprint != "" {
			res.WithPartialFingerprints(map[string]string{FingerprintKey: f.Fingerprint})
		}
		if f.Object != nil {
			props.Add("object", *f.Object)
		}
		if len(f.Chain) > 0 {
			props.Add("chain", f.Chain)
		}
		if f.Field != "" {
			props.Add("field", f.Field)
		}
		res.WithProperties(props)
		if r.Baseline != "" {
			switch f.Baseline {
			case finding.New:
				res.WithBaselineState("new")
			case finding.Existing:
				res.WithBaselineState("unchanged")
			}
		}
		run.AddResult(res)
	}
	if unlocated > 0 {
		repo := r.Repository
		if repo == "" {
			repo = "the repository"
		}
		inv := sarif.NewInvocation().WithExecutionSuccessful(true)
		inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel(sarif.LevelWarning).WithMessage(sarif.NewTextMessage(
			fmt.Sprintf("%d finding(s) left out: neither they nor their cluster have a file in %s to show them at; the other formats report them", unlocated, repo))))
		run.AddInvocation(inv)
	}
	doc := sarif.NewReport()
	doc.AddRun(run)
	return doc
}

// sarifLocation is a file of the repository being checked and a line
// (line 1 when unknown: GitHub code scanning wants a line).
func sarifLocation(path string, line int) *sarif.Location {
	art := sarif.NewArtifactLocation().WithURI(escapePath(path)).WithURIBaseID(SARIFBaseID)
	phys := sarif.NewPhysicalLocation().WithArtifactLocation(art).WithRegion(sarif.NewRegion().WithStartLine(max(line, 1)))
	loc := sarif.NewLocationWithPhysicalLocation(phys)
	loc.ID = 0
	return loc
}

// newRun is a run of d1lint with no rules and no results.
func newRun(toolVersion string) *sarif.Run {
	run := sarif.NewRunWithInformationURI("d1lint", InformationURI)
	if toolVersion != "" {
		run.Tool.Driver.WithVersion(toolVersion)
	}
	return run
}

// sarifRules are the catalogue's rules and those of findings it does not
// list (a team's), sorted by id.
func sarifRules(r *Report) []finding.Rule {
	seen := map[string]bool{}
	var out []finding.Rule
	for _, x := range r.Rules {
		if !seen[x.ID] {
			seen[x.ID] = true
			out = append(out, x)
		}
	}
	for _, f := range r.Findings {
		if !seen[f.Rule] {
			seen[f.Rule] = true
			out = append(out, r.Rule(f))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func sarifRule(x finding.Rule) *sarif.ReportingDescriptor {
	helpURI := x.HelpURI()
	d := sarif.NewRule(x.ID)
	if x.Title != "" {
		d.ShortDescription = sarif.NewMultiformatMessageString().WithText(x.Title)
	}
	if x.Description != "" {
		d.FullDescription = sarif.NewMultiformatMessageString().WithText(x.Description)
	}
	if x.Remediation != "" || helpURI != "" {
		text, md := x.Remediation, x.Remediation
		if helpURI != "" {
			if md != "" {
				text += "\n\n"
				md += "\n\n"
			}
			text += "Documentation: " + helpURI
			md += "[" + x.ID + " documentation](" + helpURI + ")"
		}
		d.Help = sarif.NewMultiformatMessageString().WithText(text).WithMarkdown(md)
	}
	if helpURI != "" {
		d.WithHelpURI(helpURI)
	}
	d.DefaultConfiguration = sarif.NewReportingConfiguration().WithLevel(sarifLevel(x.Severity))
	props := sarif.NewPropertyBag().Add("category", x.Category)
	if x.Category != "" {
		props.AddTag(x.Category)
	}
	d.WithProperties(props)
	return d
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(severity string) string {
	switch severity {
	case finding.Error:
		return sarif.LevelError
	case finding.Warning:
		return sarif.LevelWarning
	}
	return sarif.LevelNote
}

// writeSARIF writes a log indented, without HTML escaping, newline-ended.
func writeSARIF(w io.Writer, doc *sarif.Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("writing SARIF: %w", err)
	}
	return nil
}
