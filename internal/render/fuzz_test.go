// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"strings"
	"testing"
)

// FuzzFindVars: variable discovery over any string a manifest holds (as a
// value or as a key) finds references in that field or names the field
// Flux's parser refuses, and never panics.
func FuzzFindVars(f *testing.F) {
	for _, s := range []string{
		"${cluster_env}", "${a:=b}", "${a:-${b}}", "${a:+x}", "${a:?msg}", "${#a}", "${a:1:2}", "${a^^}",
		"${a/x/y}", "$${a}", "${", "${a", "$a", "${a:-", "${}", "${a}${b:=c}$", "\\${a}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		obj := map[string]any{"data": map[string]any{"k": s, s: "v"}}
		uses, dollar, err := findVars(obj)
		if dollar != strings.Contains(s, "$") {
			t.Fatalf("dollar = %v for %q", dollar, s)
		}
		if err != nil && !strings.Contains(err.Error(), "field data.") {
			t.Fatalf("error without its field: %v", err)
		}
		for _, u := range uses {
			if !strings.HasPrefix(u.field, "data.") {
				t.Fatalf("use %+v outside the fields holding %q", u, s)
			}
			if !strings.HasPrefix(u.expr, "${") || !strings.HasSuffix(u.expr, "}") {
				t.Fatalf("use %+v has expression %q", u, u.expr)
			}
		}
	})
}

// FuzzCheckYAML: the reader that names a broken file's line, run on any
// file a build reads, blames a line of that file and never panics.
func FuzzCheckYAML(f *testing.F) {
	for _, s := range []string{"a: 1\n", "a: 1\na: 2\n", "a:\n  - [\n", "\xff", "a: b: c\n", "---\nk: v\n---\n{k: }}\n", strings.Repeat("[", 200)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		bad := checkYAML(data)
		if bad == nil {
			return
		}
		if lines := strings.Count(string(data), "\n") + 1; bad.line < 0 || bad.line > lines {
			t.Fatalf("blamed line %d of a %d-line file: %s", bad.line, lines, bad.msg)
		}
		if bad.msg == "" {
			t.Fatal("a problem without a message")
		}
	})
}
