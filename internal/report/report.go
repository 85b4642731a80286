// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package report turns the findings of a check into output: one Report
// model, one Reporter interface, one file per format.
package report

import (
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/waiver"
)

// Version is the version of the JSON report's shape.
const Version = 1

// Report is the outcome of `d1lint check`.
type Report struct {
	// Version is the version of the JSON report's shape (see Version).
	Version int `json:"version"`
	// Repository is the repository being checked, normalised like
	// finding.Repo (github.com/acme/d1-apps). Findings in it are local: their
	// File is relative to the checkout's root. Empty when unknown: every
	// finding then counts as local.
	Repository string `json:"repository,omitempty"`
	// Baseline is the revision that --new-since compared against; empty
	// when no baseline was used.
	Baseline string            `json:"baseline,omitempty"`
	Clusters []Cluster         `json:"clusters"`
	Findings []finding.Finding `json:"findings"`
	// Waivers are the configured waivers with their status.
	Waivers []waiver.Status `json:"waivers"`
	Summary Summary         `json:"summary"`
	// Rules are the rules of the catalogue, sorted by id (for formats that
	// describe rules, such as SARIF).
	Rules []Rule `json:"-"`
	// ToolVersion is d1lint's own version (SARIF tool.driver.version).
	ToolVersion string `json:"-"`
}

// Rule describes one rule of the catalogue.
type Rule struct {
	ID          string
	Title       string
	Category    string
	Severity    string
	Description string
	Remediation string
	// HelpURI is the rule's documentation page; empty for a team's rules.
	HelpURI string
}

// RuleDocs is where the documentation of d1lint's own rules lives:
// RuleDocs + "<id>.md".
const RuleDocs = "https://github.com/d1lint/d1lint/blob/main/docs/rules/"

// InformationURI is d1lint's home page.
const InformationURI = "https://github.com/d1lint/d1lint"

// Cluster says what was checked of one cluster.
type Cluster struct {
	Name           string `json:"name"`
	Era            string `json:"era"`
	Environment    string `json:"environment,omitempty"`
	Objects        int    `json:"objects"`
	Kustomizations int    `json:"kustomizations"`
	// Skipped counts Kustomizations that were not rendered.
	Skipped int `json:"skipped"`
	// Unresolved counts sources that could not be resolved.
	Unresolved int `json:"unresolved"`

	// defined are where the cluster's Flux Kustomizations are defined, by
	// key; sync is where the cluster's Flux sync and runtime-info are.
	defined map[string]*model.Location
	sync    []*model.Location
}

// Summary counts what was checked and found.
type Summary struct {
	Clusters       int            `json:"clusters"`
	Objects        int            `json:"objects"`
	Kustomizations int            `json:"kustomizations"`
	Skipped        int            `json:"skipped"`
	Unresolved     int            `json:"unresolved"`
	Findings       map[string]int `json:"findings"`
	// Waived counts findings accepted by a waiver.
	Waived int `json:"waived"`
	// New counts findings that the baseline did not have (Baseline "new").
	New int `json:"new"`
}

// New builds the report of a checked fleet; findings must be sorted.
func New(fl *model.Fleet, findings []finding.Finding) *Report {
	r := &Report{Version: Version, Clusters: []Cluster{}, Findings: findings, Waivers: []waiver.Status{},
		Summary: Summary{Findings: map[string]int{finding.Error: 0, finding.Warning: 0, finding.Info: 0}}}
	if r.Findings == nil {
		r.Findings = []finding.Finding{}
	}
	for _, c := range fl.Clusters {
		rc := Cluster{Name: c.Name, Era: c.Era, Environment: c.Environment, Objects: len(c.Objects),
			defined: map[string]*model.Location{}}
		for _, k := range c.Kustomizations {
			if k.Location != nil {
				rc.defined[k.Key] = k.Location
			}
			if k.Key == c.Root {
				rc.sync = append(rc.sync, k.Location)
			}
			if k.Status == model.StatusRendered {
				rc.Kustomizations++
			} else {
				rc.Skipped++
			}
		}
		rc.sync = append(rc.sync, c.Flux.Location, c.RuntimeInfoLocation)
		for _, s := range c.Sources {
			if !s.Resolved {
				rc.Unresolved++
			}
		}
		r.Clusters = append(r.Clusters, rc)
		r.Summary.Clusters++
		r.Summary.Objects += rc.Objects
		r.Summary.Kustomizations += rc.Kustomizations
		r.Summary.Skipped += rc.Skipped
		r.Summary.Unresolved += rc.Unresolved
	}
	for _, f := range findings {
		r.Summary.Findings[f.Severity]++
		if f.Baseline == finding.New {
			r.Summary.New++
		}
	}
	return r
}

// Local reports whether a finding is in the repository being checked, so
// that its File can be annotated in the checkout.
func (r *Report) Local(f finding.Finding) bool {
	return f.File != "" && (r.Repository == "" || f.Repo == r.Repository)
}

// Anchor is where, in the repository being checked, a finding that is not
// local (Local) can be shown: the definition of the Flux Kustomization
// nearest to the object in the finding's chain that is defined in the
// repository, else the cluster's Flux sync (root Kustomization, FluxInstance
// or gotk-sync.yaml) or runtime-info. what names it ("Kustomization
// flux-system/apps", "cluster prod-eu"); ok is false when the cluster has
// nothing in the repository.
func (r *Report) Anchor(f finding.Finding) (loc model.Location, what string, ok bool) {
	for _, c := range r.Clusters {
		if c.Name != f.Cluster {
			continue
		}
		for i := len(f.Chain) - 1; i >= 0; i-- {
			if l := c.defined[f.Chain[i]]; r.inRepository(l) {
				return *l, "Kustomization " + f.Chain[i], true
			}
		}
		for _, l := range c.sync {
			if r.inRepository(l) {
				return *l, "cluster " + c.Name, true
			}
		}
	}
	return model.Location{}, "", false
}

func (r *Report) inRepository(l *model.Location) bool {
	return l != nil && l.Path != "" && (r.Repository == "" || l.Repo == r.Repository)
}

// Rule returns the description of a rule: the catalogue's, or one made
// from the finding for a rule the catalogue does not list (a team's).
func (r *Report) Rule(f finding.Finding) Rule {
	for _, x := range r.Rules {
		if x.ID == f.Rule {
			return x
		}
	}
	return Rule{ID: f.Rule, Title: f.Title, Category: f.Category, Severity: f.Severity}
}

// Existing reports whether a baseline was used and already had the finding.
func (r *Report) Existing(f finding.Finding) bool {
	return r.Baseline != "" && f.Baseline == finding.Existing
}

// BlobURL is the web address of a finding's file on its repository's host,
// https://<repo>/blob/<branch>/<path>#L<line>; empty without a file or
// branch.
func BlobURL(f finding.Finding) string {
	if f.Repo == "" || f.File == "" || f.Branch == "" {
		return ""
	}
	u := "https://" + f.Repo + "/blob/" + escapePath(f.Branch) + "/" + escapePath(f.File)
	if f.Line > 0 {
		u += fmt.Sprintf("#L%d", f.Line)
	}
	return u
}

// escapePath percent-encodes each segment of a slash-separated path.
func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// Where is a finding's location as d1lint prints it
// (repo@branch:path:line), or "" when it has no file.
func Where(f finding.Finding) string {
	if f.File == "" {
		return ""
	}
	return model.Location{Repo: f.Repo, Branch: f.Branch, Path: f.File, Line: f.Line}.String()
}

// Reporter writes a report in one format.
type Reporter interface {
	Write(w io.Writer, r *Report) error
}

// Formats are the output formats by name, in their default setup (no
// colour, no GitHub files); the CLI sets the fields of Text and GitHub.
var Formats = map[string]Reporter{
	"text":     Text{},
	"json":     JSON{},
	"sarif":    SARIF{},
	"github":   GitHub{},
	"junit":    JUnit{},
	"markdown": Markdown{},
}

// Names lists the format names, sorted.
func Names() []string {
	var out []string
	for n := range Formats {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Lookup finds the reporter of a format.
func Lookup(name string) (Reporter, error) {
	r, ok := Formats[name]
	if !ok {
		return nil, fmt.Errorf("unknown format %q (want one of %s)", name, strings.Join(Names(), ", "))
	}
	return r, nil
}

// findingsByCluster groups the findings by cluster, each in report order.
func (r *Report) findingsByCluster() map[string][]finding.Finding {
	out := map[string][]finding.Finding{}
	for _, f := range r.Findings {
		out[f.Cluster] = append(out[f.Cluster], f)
	}
	return out
}

// environment names the cluster's environment for headings.
func (c Cluster) environment() string {
	if c.Environment == "" {
		return "no environment"
	}
	return c.Environment
}
