// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"encoding/json"
	"fmt"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/profile"
	"github.com/d1lint/d1lint/internal/render"
	"github.com/d1lint/d1lint/internal/report"
	"github.com/d1lint/d1lint/internal/waiver"
	"github.com/d1lint/d1lint/rules"
)

// verdictJSON is a Verdict as it is written for `d1lint merge` and the
// persistent cache: everything finishing a check reads of the cluster.
// The cluster's summary is written once, in its digest.
type verdictJSON struct {
	Digest      rules.ClusterDigest        `json:"digest"`
	Defined     map[string]*model.Location `json:"defined,omitempty"`
	Sync        []*model.Location          `json:"sync,omitempty"`
	Evidence    profile.Evidence           `json:"evidence"`
	Annotations waiver.Annotations         `json:"annotations,omitempty"`
	Findings    []finding.Finding          `json:"findings"`
	Repository  string                     `json:"repository,omitempty"`
	Inputs      []render.Input             `json:"inputs,omitempty"`
}

// MarshalJSON writes the verdict for UnmarshalJSON: what a check keeps of
// a cluster, with nothing of the machine it ran on.
func (v Verdict) MarshalJSON() ([]byte, error) {
	fs := v.Findings
	if fs == nil {
		fs = []finding.Finding{}
	}
	return json.Marshal(verdictJSON{Digest: v.Digest, Defined: v.Cluster.Defined, Sync: v.Cluster.Sync, Evidence: v.Evidence,
		Annotations: v.Annotations, Findings: fs, Repository: v.Repository, Inputs: v.Inputs})
}

// UnmarshalJSON reads a verdict MarshalJSON wrote.
func (v *Verdict) UnmarshalJSON(data []byte) error {
	var w verdictJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	if w.Digest.Name == "" {
		return fmt.Errorf("a cluster's verdict without its name")
	}
	for i := range w.Findings {
		// The field's keys and indices are what the field reads as; the
		// finding is located already, and only they are not written.
		if f := &w.Findings[i]; f.Field != "" {
			f.FieldPath = finding.ParseField(f.Field)
		}
	}
	*v = Verdict{Cluster: report.Cluster{ClusterSummary: w.Digest.ClusterSummary, Defined: w.Defined, Sync: w.Sync},
		Digest: w.Digest, Evidence: w.Evidence, Annotations: w.Annotations, Findings: w.Findings, Repository: w.Repository, Inputs: w.Inputs}
	return nil
}
