// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package docs_test checks that the documentation matches the code: the
// README's package table names every package of the module once, with the
// d1lint packages it really imports.
package docs_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/d1lint/d1lint/"

// packages maps every package of the module that has non-test Go files
// (by folder, slash-separated) to the module's packages it imports.
func packages(t *testing.T, root string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); p != root && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		require.NoError(t, err)
		rel, err := filepath.Rel(root, filepath.Dir(p))
		require.NoError(t, err)
		pkg := filepath.ToSlash(rel)
		imports := out[pkg]
		if imports == nil {
			imports = []string{}
		}
		for _, imp := range f.Imports {
			if path, ok := strings.CutPrefix(strings.Trim(imp.Path.Value, `"`), module); ok && !slices.Contains(imports, path) {
				imports = append(imports, path)
			}
		}
		slices.Sort(imports)
		out[pkg] = imports
		return nil
	})
	require.NoError(t, err)
	return out
}

// table reads the README's package table: package, stage, imports.
func table(t *testing.T, readme string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	in := false
	for line := range strings.Lines(readme) {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "| package | stage | imports |") {
			in = true
			continue
		}
		if !in || strings.HasPrefix(line, "| ---") {
			continue
		}
		if !strings.HasPrefix(line, "|") {
			break
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		require.Len(t, cells, 3, "a row has three cells: %s", line)
		pkg := strings.Trim(strings.TrimSpace(cells[0]), "`")
		_, dup := out[pkg]
		assert.False(t, dup, "%s has one row", pkg)
		imports := []string{}
		for _, f := range strings.Split(cells[2], ",") {
			if f = strings.Trim(strings.TrimSpace(f), "`"); f != "" && f != "-" {
				imports = append(imports, f)
			}
		}
		slices.Sort(imports)
		out[pkg] = imports
	}
	require.NotEmpty(t, out, "README.md has a table headed | package | stage | imports |")
	return out
}

func TestReadmePackageTable(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	rows := table(t, string(readme))
	pkgs := packages(t, "..")
	for pkg, imports := range pkgs {
		row, ok := rows[pkg]
		if !assert.True(t, ok, "README.md's package table has no row for %s", pkg) {
			continue
		}
		assert.Equal(t, imports, row, "README.md: the d1lint packages %s imports", pkg)
	}
	for pkg := range rows {
		_, ok := pkgs[pkg]
		assert.True(t, ok, "README.md's package table names %s, which is no package", pkg)
	}
}
