// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/tester"

	"github.com/d1lint/d1lint/policies"
)

// TestResult is the outcome of one Rego test.
type TestResult struct {
	Package, Name string
	Pass          bool
	Message       string
}

// testsMaxHeapGrowth bounds the heap's growth while RunTests runs (a
// variable so that tests of RunTests stay small).
var testsMaxHeapGrowth = DefaultMaxHeapGrowth

// testTimeout bounds each Rego test, as `opa test` does by default (a
// variable so that a test of the heap bound is not cut short by it on a
// busy machine).
var testTimeout = 5 * time.Second

// RunTests runs every Rego test (rules named test_*) found in fsys, with the
// same capabilities the rules are evaluated with. With withLibrary, d1lint's
// library (data.d1lint.lib) is loaded too, for a team's own policies.
func RunTests(ctx context.Context, fsys fs.FS, withLibrary ...bool) ([]TestResult, error) {
	modules := map[string]*ast.Module{}
	if len(withLibrary) > 0 && withLibrary[0] {
		lib, err := fs.Sub(policies.FS, "lib")
		if err != nil {
			return nil, err
		}
		libMods, err := parseFS(lib, ".")
		if err != nil {
			return nil, err
		}
		for k, m := range libMods {
			modules["d1lint/lib/"+k] = m
		}
	}
	// A team's tests may be conftest's, in Rego v0 (see parseConftest).
	team := len(withLibrary) > 0 && withLibrary[0]
	own, err := parseTree(fsys, ".", true, team)
	if err != nil {
		return nil, err
	}
	if err := checkRefused(own); err != nil {
		return nil, err
	}
	for k, m := range own {
		modules[k] = m
	}
	compiler := ast.NewCompiler().WithCapabilities(Capabilities()).WithEnablePrintStatements(true)
	// Tests run the policies: the heap bound of a check applies.
	ctx, stop := watchHeap(ctx, testsMaxHeapGrowth)
	defer stop()
	ch, err := tester.NewRunner().SetTimeout(testTimeout).SetCompiler(compiler).RaiseBuiltinErrors(true).CapturePrintOutput(true).Run(ctx, modules)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrPolicy, err)
	}
	var out []TestResult
	var runaway error
	for r := range ch {
		tr := TestResult{Package: strings.TrimPrefix(r.Package, "data."), Name: r.Name, Pass: r.Pass()}
		switch {
		case r.Error != nil && errors.Is(context.Cause(ctx), ErrMemoryLimit):
			// The run is over (the tests left are cancelled too): the
			// first test stopped is the one named.
			if runaway == nil {
				runaway = fmt.Errorf("test %s.%s: %w", tr.Package, tr.Name, context.Cause(ctx))
			}
		case r.Error != nil:
			tr.Message = r.Error.Error()
		case r.Fail:
			tr.Message = "failed"
			if r.FailedAt != nil {
				tr.Message = fmt.Sprintf("failed at %s: %s", r.FailedAt.Location, r.FailedAt)
			}
		}
		if len(r.Output) > 0 {
			tr.Message = strings.TrimSpace(tr.Message + "\n" + string(r.Output))
		}
		out = append(out, tr)
	}
	if runaway != nil {
		return nil, runaway
	}
	return out, nil
}
