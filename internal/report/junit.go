// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/d1lint/d1lint/internal/finding"
)

// JUnit is JUnit XML, for CI systems that show test reports: one test
// suite per cluster, one test case per finding (a <failure> of the
// finding's severity for errors and warnings, a passing case with the
// message as system-out for info), and one passing case for a cluster
// with no findings. Findings a baseline already had are marked
// "(existing)" in their name.
type JUnit struct{}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitFailure `xml:"failure"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// Write implements Reporter.
func (JUnit) Write(w io.Writer, r *Report) error {
	doc := junitSuites{Name: "d1lint"}
	byCluster := map[string][]finding.Finding{}
	for _, f := range r.Findings {
		byCluster[f.Cluster] = append(byCluster[f.Cluster], f)
	}
	for _, c := range r.Clusters {
		suite := junitSuite{Name: c.Name}
		fs := byCluster[c.Name]
		if len(fs) == 0 {
			suite.Cases = append(suite.Cases, junitCase{Name: "no findings", Classname: c.Name})
		}
		for _, f := range fs {
			tc := junitCase{Name: f.Rule + ": " + strings.Join(strings.Fields(f.Message), " "), Classname: c.Name}
			if r.Existing(f) {
				tc.Name += " (existing)"
			}
			if r.Local(f) {
				tc.File, tc.Line = f.Location.Path, f.Location.Line
			}
			details := junitDetails(r, f)
			if finding.AtLeast(f.Severity, finding.Warning) {
				tc.Failure = &junitFailure{Message: f.Title, Type: f.Severity, Text: details}
				suite.Failures++
			} else {
				tc.SystemOut = details
			}
			suite.Cases = append(suite.Cases, tc)
		}
		suite.Tests = len(suite.Cases)
		doc.Tests += suite.Tests
		doc.Failures += suite.Failures
		doc.Suites = append(doc.Suites, suite)
	}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("writing JUnit XML: %w", err)
	}
	_, err = io.WriteString(w, xml.Header+string(out)+"\n")
	return err
}

// junitDetails describes a finding, one property a line.
func junitDetails(r *Report, f finding.Finding) string {
	lines := []string{f.Message, "rule: " + f.Rule + " (" + f.Title + ")", "severity: " + f.Severity}
	if loc := f.Where(); loc != "" {
		lines = append(lines, "location: "+loc)
	}
	if f.Object != nil {
		lines = append(lines, "object: "+objectString(f.Object))
	}
	if f.Field != "" {
		lines = append(lines, "field: "+f.Field)
	}
	if len(f.Chain) > 0 {
		lines = append(lines, "applied by: "+strings.Join(f.Chain, " > "))
	}
	if r.Existing(f) {
		lines = append(lines, "baseline: existing in "+r.Baseline)
	}
	if u := r.Rule(f).HelpURI(); u != "" {
		lines = append(lines, "help: "+u)
	}
	return strings.Join(lines, "\n")
}

// objectString shows an object as apiVersion Kind namespace/name.
func objectString(o *finding.Object) string {
	name := o.Name
	if o.Namespace != "" {
		name = o.Namespace + "/" + name
	}
	return o.APIVersion + " " + o.Kind + " " + name
}
