// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/policies"
)

// builtins are the built-in rules, parsed and compiled at most once per
// process: every Load and LoadWithPolicies share them. The embedded policies
// never change, so neither does the outcome, an error included.
var builtins = sync.OnceValues(compileBuiltins)

// builtinCompiles counts the compilations of the built-in rules; a test
// checks there is one.
var builtinCompiles atomic.Int64

// compiledBuiltins are the built-in rules ready to evaluate. Nothing in it
// is modified once compiled, so every Catalogue shares it: a prepared query
// may be evaluated concurrently.
type compiledBuiltins struct {
	// modules are the parsed policies by file. The compiler works on copies
	// of them, so they stay as parsed.
	modules map[string]*ast.Module
	rules   []finding.Rule
	// cluster evaluates the rules of one cluster (finding.ScopeCluster),
	// fleet those over every cluster's summary (finding.ScopeFleet).
	cluster, fleet rego.PreparedEvalQuery
}

// parsedBuiltins are the built-in policies parsed, with their rules'
// METADATA, read at most once per process: checking a configuration's
// rule ids needs the METADATA only, and should not wait for a compilation.
var parsedBuiltins = sync.OnceValues(func() (*compiledBuiltins, error) {
	modules, err := parseFS(policies.FS, ".")
	if err != nil {
		return nil, err
	}
	rules, err := readMetadata(modules)
	if err != nil {
		return nil, err
	}
	return &compiledBuiltins{modules: modules, rules: rules}, nil
})

// BuiltinRules returns the METADATA of the built-in rules, sorted by id,
// without compiling them (Load compiles).
func BuiltinRules() ([]finding.Rule, error) {
	p, err := parsedBuiltins()
	if err != nil {
		return nil, err
	}
	return slices.Clone(p.rules), nil
}

func compileBuiltins() (*compiledBuiltins, error) {
	builtinCompiles.Add(1)
	parsed, err := parsedBuiltins()
	if err != nil {
		return nil, err
	}
	modules, rules := parsed.modules, parsed.rules
	compiler := ast.NewCompiler().WithCapabilities(Capabilities())
	compiler.Compile(modules)
	if compiler.Failed() {
		return nil, fmt.Errorf("%w: %v", ErrPolicy, compiler.Errors)
	}
	out := &compiledBuiltins{modules: modules, rules: rules}
	for _, q := range []struct {
		scope string
		to    *rego.PreparedEvalQuery
	}{{finding.ScopeCluster, &out.cluster}, {finding.ScopeFleet, &out.fleet}} {
		pq, err := rego.New(
			rego.Query(scopeQuery(rules, q.scope)),
			rego.Compiler(compiler),
			rego.StrictBuiltinErrors(true),
		).PrepareForEval(context.Background())
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrPolicy, err)
		}
		*q.to = pq
	}
	return out, nil
}

// libraryPackage is the package of d1lint's library, which team policies
// import (data.d1lint.lib.result.fail).
const libraryPackage = "data.d1lint.lib"

// forTeam returns the built-in modules a team's policies are compiled with:
// the library alone, unless they may read a built-in rule, then all of
// them. The library alone keeps the built-in rules from being compiled a
// second time.
func (b *compiledBuiltins) forTeam(team map[string]*ast.Module) map[string]*ast.Module {
	out := make(map[string]*ast.Module, len(b.modules)+len(team))
	all := readsBuiltinRules(team)
	for file, m := range b.modules {
		if pkg := m.Package.Path.String(); all || pkg == libraryPackage || strings.HasPrefix(pkg, libraryPackage+".") {
			out[file] = m
		}
	}
	return out
}

// readsBuiltinRules reports whether a module may read documents under
// data.d1lint other than the library: a reference into them, or one whose
// path up to there is computed (data[x]) or is data or data.d1lint whole.
func readsBuiltinRules(modules map[string]*ast.Module) bool {
	found := false
	for _, m := range modules {
		ast.WalkRefs(m, func(r ast.Ref) bool {
			found = found || readsBeyondLibrary(r)
			return found
		})
		if found {
			return true
		}
	}
	return false
}

func readsBeyondLibrary(r ast.Ref) bool {
	if !r.HasPrefix(ast.DefaultRootRef) {
		return false
	}
	for i, want := range []string{"d1lint", "lib"} {
		if len(r) <= i+1 {
			return true
		}
		s, ok := r[i+1].Value.(ast.String)
		if !ok {
			return true
		}
		if string(s) != want {
			// data.team... is the team's own; data.d1lint.rules... is not.
			return i > 0
		}
	}
	return false
}
