// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package report

import (
	"encoding/json"
	"io"
)

// JSON is the machine format: {"version", "clusters", "findings", "summary"}.
type JSON struct{}

// Write implements Reporter.
func (JSON) Write(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
