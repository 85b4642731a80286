// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
)

// SARIF is SARIF 2.1.0, for GitHub code scanning and other SARIF viewers:
// one run, d1lint's rules, one result per rule, file and line (a file
// several clusters share is one result naming them all).
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
	alerts, unlocated := sarifAlerts(r)
	for _, a := range alerts {
		f := a.findings[0]
		props := sarif.NewPropertyBag().Add("clusters", a.clusters())
		loc := sarifLocation(a.at.Path, a.at.Line)
		if a.shownAt != "" {
			loc.WithMessage(sarif.NewTextMessage(a.shownAt))
			props.Add("shownAt", a.shownAt)
			if where := f.Where(); where != "" {
				props.Add("location", where)
				if u := BlobURL(f.Location); u != "" {
					props.Add("url", u)
				}
			}
		}
		res := sarif.NewRuleResult(f.Rule).WithRuleIndex(index[f.Rule]).WithLevel(sarifLevel(a.severity())).
			WithMessage(sarif.NewTextMessage(a.message())).WithLocations([]*sarif.Location{loc})
		res.WithPartialFingerprints(map[string]string{FingerprintKey: a.fingerprint()})
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
			res.WithBaselineState(a.baselineState())
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
			leftOut(unlocated, repo))))
		run.AddInvocation(inv)
	}
	doc := sarif.NewReport()
	doc.AddRun(run)
	return doc
}

// sarifAlert is one SARIF result: the findings of one rule shown at one
// file and line, whatever cluster they are on. A file shared by several
// clusters (a base, a component, a tenant's RoleBinding) is one alert in
// code scanning, naming its clusters, not one per cluster.
type sarifAlert struct {
	at model.Location
	// shownAt names what a finding of another repository (or without a
	// file) is shown at; empty for a local finding.
	shownAt  string
	findings []finding.Finding
}

// sarifAlerts groups the findings of r into alerts, in the order of their
// first finding, and counts the findings that have nowhere to be shown.
func sarifAlerts(r *Report) ([]*sarifAlert, int) {
	var out []*sarifAlert
	byKey := map[string]*sarifAlert{}
	unlocated := 0
	for _, f := range r.Findings {
		a := &sarifAlert{at: f.Location}
		if !r.Local(f) {
			loc, what, ok := r.Anchor(f)
			if !ok {
				unlocated++
				continue
			}
			a.at, a.shownAt = loc, what
		}
		// A finding of another repository is grouped by its own location
		// too: two files behind one Kustomization are two alerts.
		key := strings.Join([]string{f.Rule, a.at.Path, strconv.Itoa(max(a.at.Line, 1)), a.shownAt, f.Where()}, "\x00")
		if x, ok := byKey[key]; ok {
			x.findings = append(x.findings, f)
			continue
		}
		a.findings = []finding.Finding{f}
		byKey[key] = a
		out = append(out, a)
	}
	return out, unlocated
}

// clusters are the alert's clusters, sorted, each once.
func (a *sarifAlert) clusters() []string {
	var out []string
	for _, f := range a.findings {
		out = append(out, f.Cluster)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// severity is the most severe of the alert's findings.
func (a *sarifAlert) severity() string {
	s := a.findings[0].Severity
	for _, f := range a.findings[1:] {
		if finding.Rank(f.Severity) > finding.Rank(s) {
			s = f.Severity
		}
	}
	return s
}

// message is the findings' message, followed by the clusters that have
// it; findings that say different things are one line each. A finding
// shown at another file starts with its own location.
func (a *sarifAlert) message() string {
	var msgs []string
	clusters := map[string][]string{}
	for _, f := range a.findings {
		m := f.Message
		if a.shownAt != "" && f.Where() != "" {
			m = f.Where() + ": " + m
		}
		if _, ok := clusters[m]; !ok {
			msgs = append(msgs, m)
		}
		if !slices.Contains(clusters[m], f.Cluster) {
			clusters[m] = append(clusters[m], f.Cluster)
		}
	}
	lines := make([]string, len(msgs))
	for i, m := range msgs {
		cs := clusters[m]
		slices.Sort(cs)
		what := "cluster "
		if len(cs) > 1 {
			what = "clusters "
		}
		lines[i] = m + " (" + what + strings.Join(cs, ", ") + ")"
	}
	return strings.Join(lines, "\n")
}

// fingerprint identifies the alert across runs: the finding's own
// fingerprint when the alert has one finding, else a hash of the rule, the
// finding's repository and file, the object, the field and the distinct
// messages (not the line, which moves, nor the clusters, which come and
// go).
func (a *sarifAlert) fingerprint() string {
	if len(a.findings) == 1 && a.findings[0].Fingerprint != "" {
		return a.findings[0].Fingerprint
	}
	f := a.findings[0]
	obj := ""
	if f.Object != nil {
		obj = f.Object.APIVersion + "/" + f.Object.Kind + "/" + f.Object.Namespace + "/" + f.Object.Name
	}
	var msgs []string
	for _, x := range a.findings {
		msgs = append(msgs, x.Message)
	}
	slices.Sort(msgs)
	h := sha256.New()
	for _, s := range append([]string{f.Rule, f.Location.Repo, f.Location.Path, a.at.Path, obj, f.Field}, slices.Compact(msgs)...) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// baselineState is new when any of the alert's findings is new.
func (a *sarifAlert) baselineState() string {
	for _, f := range a.findings {
		if f.Baseline == finding.New {
			return "new"
		}
	}
	return "unchanged"
}

// sarifLocation is a file of the repository being checked and a line
// (line 1 when unknown: GitHub code scanning wants a line).
func sarifLocation(path string, line int) *sarif.Location {
	art := sarif.NewArtifactLocation().WithURI(escapePath(path)).WithURIBaseID(SARIFBaseID)
	phys := sarif.NewPhysicalLocation().WithArtifactLocation(art).WithRegion(sarif.NewRegion().WithStartLine(max(line, 1)))
	return sarif.NewLocationWithPhysicalLocation(phys)
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

// writeSARIF writes a log indented, without HTML escaping, newline-ended,
// and without the placeholders go-sarif fills every object with (empty
// arrays and objects, -1 for an absent index or offset): SARIF's own
// defaults say the same, and a reader sees only what d1lint says.
func writeSARIF(w io.Writer, doc *sarif.Report) error {
	raw, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("writing SARIF: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("writing SARIF: %w", err)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(prune(v)); err != nil {
		return fmt.Errorf("writing SARIF: %w", err)
	}
	return nil
}

// prune drops from a decoded JSON value the members of objects that are
// empty arrays, empty objects (after pruning) or the number -1 (SARIF's
// "absent" for every index, offset, rank and id). Array elements are kept,
// and so is an empty "results": SARIF reads it as "nothing found", and its
// absence as "not run".
func prune(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			e = prune(e)
			switch y := e.(type) {
			case []any:
				if len(y) == 0 && k != "results" {
					delete(x, k)
					continue
				}
			case map[string]any:
				if len(y) == 0 {
					delete(x, k)
					continue
				}
			case json.Number:
				if y == "-1" {
					delete(x, k)
					continue
				}
			}
			x[k] = e
		}
	case []any:
		for i, e := range x {
			x[i] = prune(e)
		}
	}
	return v
}

// leftOut is the note on the findings SARIF leaves out.
func leftOut(n int, repo string) string {
	if n == 1 {
		return fmt.Sprintf("1 finding left out: neither it nor its cluster has a file in %s to show it at; the other formats report it", repo)
	}
	return fmt.Sprintf("%d findings left out: neither they nor their clusters have a file in %s to show them at; the other formats report them", n, repo)
}
