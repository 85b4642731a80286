// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package report turns the findings of a check into output: one Report
// model, one Reporter interface, one file per format.
package report

import (
	"fmt"
	"io"
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
	Version  int               `json:"version"`
	Clusters []Cluster         `json:"clusters"`
	Findings []finding.Finding `json:"findings"`
	// Waivers are the configured waivers with their status.
	Waivers []waiver.Status `json:"waivers"`
	Summary Summary         `json:"summary"`
}

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
}

// New builds the report of a checked fleet; findings must be sorted.
func New(fl *model.Fleet, findings []finding.Finding) *Report {
	r := &Report{Version: Version, Clusters: []Cluster{}, Findings: findings, Waivers: []waiver.Status{},
		Summary: Summary{Findings: map[string]int{finding.Error: 0, finding.Warning: 0, finding.Info: 0}}}
	if r.Findings == nil {
		r.Findings = []finding.Finding{}
	}
	for _, c := range fl.Clusters {
		rc := Cluster{Name: c.Name, Era: c.Era, Environment: c.Environment, Objects: len(c.Objects)}
		for _, k := range c.Kustomizations {
			if k.Status == model.StatusRendered {
				rc.Kustomizations++
			} else {
				rc.Skipped++
			}
		}
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
	}
	return r
}

// Reporter writes a report in one format.
type Reporter interface {
	Write(w io.Writer, r *Report) error
}

// Formats are the output formats by name.
var Formats = map[string]Reporter{
	"text": Text{},
	"json": JSON{},
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
