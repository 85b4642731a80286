// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package fleet

import (
	"strings"
	"testing"
)

// FuzzDecode: a file of a cluster folder decodes to documents or an error,
// never a panic, and every document starts on a line of the file.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nspec:\n  sync:\n    url: https://x\n    ref: refs/heads/main\n",
		"---\n- list\n---\nkind: Kustomization\nspec: {path: ./x}\n",
		"a: &a [x, x]\nb: [*a, *a]\n",
		"a: 1\na: 2\n",
		"{",
		"!!binary aGk=\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, _ := Decode(data)
		// YAML breaks lines at "\n", "\r\n" and a lone "\r".
		lines := strings.Count(strings.ReplaceAll(string(data), "\r\n", "\n"), "\r") + strings.Count(string(data), "\n") + 1
		for _, d := range docs {
			if d.Line < 1 || d.Line > lines {
				t.Fatalf("document at line %d of a %d-line file", d.Line, lines)
			}
			for _, field := range [][]string{{"spec", "sync", "url"}, {"spec", "path"}, {"metadata", "name"}} {
				if l := d.FieldLine(field...); l < 0 || l > lines {
					t.Fatalf("field %v at line %d of a %d-line file", field, l, lines)
				}
			}
		}
	})
}

// FuzzRefFromSync: every FluxInstance spec.sync.ref names exactly one
// kind of ref.
func FuzzRefFromSync(f *testing.F) {
	for _, s := range []string{"refs/heads/main", "refs/tags/v1", "refs/pull/1/head", "", "main", "refs/heads/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ref string) {
		r := RefFromSync(ref)
		set := 0
		for _, v := range []string{r.Branch, r.Tag, r.Name, r.SemVer, r.Commit} {
			if v != "" {
				set++
			}
		}
		if set > 1 || (set == 0 && ref != "refs/heads/" && ref != "refs/tags/") {
			t.Fatalf("%q gives %+v", ref, r)
		}
	})
}
