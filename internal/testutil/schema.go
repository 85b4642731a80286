// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package testutil

import (
	"os"
	"path/filepath"
	"testing"

	jsonschema "github.com/santhosh-tekuri/jsonschema/v6"
)

// docsSchemaBase is the URL the docs' JSON schemas name themselves by.
const docsSchemaBase = "https://raw.githubusercontent.com/d1lint/d1lint/main/docs/"

// DiffSchema compiles docs/diff.schema.json, with docs/report.schema.json,
// which it refers to for findings, read from the repository (never
// fetched).
func DiffSchema(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	c := jsonschema.NewCompiler()
	for _, name := range []string{"report", "diff"} {
		f, err := os.Open(filepath.Join(Root(tb), "docs", name+".schema.json"))
		if err != nil {
			tb.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		_ = f.Close()
		if err != nil {
			tb.Fatalf("docs/%s.schema.json: %v", name, err)
		}
		if err := c.AddResource(docsSchemaBase+name+".schema.json", doc); err != nil {
			tb.Fatal(err)
		}
	}
	s, err := c.Compile(docsSchemaBase + "diff.schema.json")
	if err != nil {
		tb.Fatalf("docs/diff.schema.json: %v", err)
	}
	return s
}
