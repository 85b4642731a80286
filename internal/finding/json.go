// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package finding

import (
	"bytes"
	"encoding/json"

	"github.com/d1lint/d1lint/internal/model"
)

// wire is a finding as the JSON report documents it
// (docs/report.schema.json): the location flat on the finding.
type wire struct {
	Rule        string   `json:"rule"`
	Title       string   `json:"title"`
	Category    string   `json:"category"`
	Severity    string   `json:"severity"`
	Cluster     string   `json:"cluster"`
	Object      *Object  `json:"object,omitempty"`
	Repo        string   `json:"repo,omitempty"`
	Branch      string   `json:"branch,omitempty"`
	Tag         string   `json:"tag,omitempty"`
	File        string   `json:"file,omitempty"`
	Line        int      `json:"line,omitempty"`
	Message     string   `json:"message"`
	Field       string   `json:"field,omitempty"`
	Chain       []string `json:"chain,omitempty"`
	Fingerprint string   `json:"fingerprint"`
	Baseline    string   `json:"baseline,omitempty"`
}

// MarshalJSON writes the finding in its documented shape: Location as the
// flat fields "repo", "branch", "tag", "file" and "line", each left out when
// empty. HTML characters are escaped or not as the caller's encoder says.
func (f Finding) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(wire{Rule: f.Rule, Title: f.Title, Category: f.Category, Severity: f.Severity, Cluster: f.Cluster,
		Object: f.Object, Repo: f.Location.Repo, Branch: f.Location.Branch, Tag: f.Location.Tag, File: f.Location.Path, Line: f.Location.Line,
		Message: f.Message, Field: f.Field, Chain: f.Chain, Fingerprint: f.Fingerprint, Baseline: f.Baseline})
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), err
}

// UnmarshalJSON reads a finding written by MarshalJSON.
func (f *Finding) UnmarshalJSON(data []byte) error {
	var w wire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*f = Finding{Rule: w.Rule, Title: w.Title, Category: w.Category, Severity: w.Severity, Cluster: w.Cluster,
		Object: w.Object, Location: model.Location{Repo: w.Repo, Branch: w.Branch, Tag: w.Tag, Path: w.File, Line: w.Line},
		Message: w.Message, Field: w.Field, Chain: w.Chain, Fingerprint: w.Fingerprint, Baseline: w.Baseline}
	return nil
}
