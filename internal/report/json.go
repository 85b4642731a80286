// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package report

import (
	"encoding/json"
	"io"

	"github.com/d1lint/d1lint/internal/model"
)

// JSON is the machine format: {"version", "clusters", "findings", "summary"}.
type JSON struct{}

// Write implements Reporter.
func (JSON) Write(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteFailure implements FailureWriter: a report of the current version
// with the cause in "error" and nothing checked (no clusters, findings or
// waivers; every count 0).
func (j JSON) WriteFailure(w io.Writer, cause error) error {
	r := New(&model.Fleet{}, nil)
	r.Error = cause.Error()
	return j.Write(w, r)
}
