// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package audit writes the audit of a fleet into a folder: the check's
// report as JSON and SARIF (through internal/report's reporters), and one
// self-contained HTML page for people (report.html: inline CSS and SVG, one
// small inline script for the graphs' zoom, which the page's
// Content-Security-Policy allows by its hash; no external resource) with
// the verdict and the audited commits, the fleet overview, every finding
// (those clusters share merged) with its rule's documentation, the
// waivers, each cluster's inventory and Flux Kustomization graph, and the
// promotion drift between main and production.
//
// Every file is deterministic: the same data gives the same bytes.
package audit

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/d1lint/d1lint/internal/diff"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/report"
)

// The files Write creates in the audit folder.
const (
	JSONFile  = "report.json"
	SARIFFile = "report.sarif"
	HTMLFile  = "report.html"
)

// Files lists the files Write creates, in the order it writes them.
var Files = []string{JSONFile, SARIFFile, HTMLFile}

// Data is what an audit reports.
type Data struct {
	// Report is the check's report: findings (located, waived, sorted),
	// waivers with their status, summary, rules and tool version.
	Report *report.Report
	// Fleet is the rendered fleet the report was made from (inventory and
	// Kustomization graphs).
	Fleet *model.Fleet
	// Promotion is the drift between main and production: what each
	// production cluster would gain, lose or change, and which chart
	// versions would move, if main were promoted. Nil when it was not
	// computed; empty when nothing drifts.
	Promotion []diff.Cluster
	// PromotionNote says why Promotion was not computed, when it was not.
	PromotionNote string
	// Releases are the OCI artifacts production clusters read at a
	// release tag: for them Promotion compares the newest release with
	// the next one, cut from main (engine.PromotionResult.Releases).
	Releases []string
	// Main and Production name the branches Promotion compares (main and
	// production when empty).
	Main, Production string
	// Date is the day the audit is as of (YYYY-MM-DD; waivers expire
	// against it). Empty leaves it out of the page.
	Date string
	// FailOn is the --fail-on threshold the audit ran with (error, warning
	// or info): the page's verdict is pass or fail by it. Empty: the audit
	// ran without one; the verdict is then by error, check's default.
	FailOn string
}

// Write writes report.json, report.sarif and report.html into dir, creating
// dir (and its parents) when missing. Each file is built in memory before it
// is written, so that a failure leaves no truncated file behind.
func Write(dir string, d *Data) error {
	if d == nil || d.Report == nil || d.Fleet == nil {
		return errors.New("audit: no report or fleet to write")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	writers := map[string]func(*bytes.Buffer) error{
		JSONFile:  func(b *bytes.Buffer) error { return report.JSON{}.Write(b, d.Report) },
		SARIFFile: func(b *bytes.Buffer) error { return report.SARIF{}.Write(b, d.Report) },
		HTMLFile:  func(b *bytes.Buffer) error { return HTML(b, d) },
	}
	for _, name := range Files {
		var b bytes.Buffer
		if err := writers[name](&b); err != nil {
			return fmt.Errorf("audit: %s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
	}
	return nil
}
