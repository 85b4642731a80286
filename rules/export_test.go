// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules

import (
	"context"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
)

// ExampleWith lays a rule's fixture overlay over a copy of the example
// fleet, for the tests that run the engine (package rules_test).
var ExampleWith = exampleWith

// BothIndexes returns input.cluster.index of cl as d1lint computes it, and
// as the library computes it from the objects of an input without one
// (data.d1lint.lib.index.index), for the tests that run the engine.
func BothIndexes(cl *model.Cluster) (ast.Value, ast.Value, error) {
	b, err := builtins()
	if err != nil {
		return nil, nil, err
	}
	compiler := ast.NewCompiler().WithCapabilities(Capabilities())
	if compiler.Compile(b.modules); compiler.Failed() {
		return nil, nil, compiler.Errors
	}
	pq, err := rego.New(rego.Query("x := data.d1lint.lib.index.index"), rego.Compiler(compiler)).PrepareForEval(context.Background())
	if err != nil {
		return nil, nil, err
	}
	input, err := inputWithoutIndex(cl, DefaultSettings())
	if err != nil {
		return nil, nil, err
	}
	rs, err := pq.Eval(context.Background(), rego.EvalParsedInput(input))
	if err != nil {
		return nil, nil, err
	}
	if len(rs) != 1 {
		return nil, nil, fmt.Errorf("%d results", len(rs))
	}
	computed, err := ast.InterfaceToValue(rs[0].Bindings["x"])
	if err != nil {
		return nil, nil, err
	}
	return indexValue(cl.Objects), computed, nil
}

// FindingsWithoutIndex evaluates the built-in cluster-scoped rules on cl
// with an input that has no input.cluster.index: the library computes it.
func FindingsWithoutIndex(cl *model.Cluster, s Settings) ([]finding.Finding, error) {
	b, err := builtins()
	if err != nil {
		return nil, err
	}
	input, err := inputWithoutIndex(cl, s)
	if err != nil {
		return nil, err
	}
	rs, err := b.cluster.Eval(context.Background(), rego.EvalParsedInput(input))
	if err != nil {
		return nil, err
	}
	return decodeAll(rs, cl.Name)
}

// FindingsWithIndex evaluates the built-in cluster-scoped rules on cl as
// Evaluation.Cluster does, without a team's policies.
func FindingsWithIndex(cl *model.Cluster, s Settings) ([]finding.Finding, error) {
	b, err := builtins()
	if err != nil {
		return nil, err
	}
	shared, err := toValue(Input{Version: model.Version, Config: s})
	if err != nil {
		return nil, err
	}
	input, err := clusterInput(cl, shared, nil)
	if err != nil {
		return nil, err
	}
	rs, err := b.cluster.Eval(context.Background(), rego.EvalParsedInput(input))
	if err != nil {
		return nil, err
	}
	return decodeAll(rs, cl.Name)
}

func inputWithoutIndex(cl *model.Cluster, s Settings) (ast.Value, error) {
	cv, err := clusterValue(cl, nil)
	if err != nil {
		return nil, err
	}
	return ast.NewObject(
		[2]*ast.Term{ast.StringTerm("version"), ast.StringTerm(model.Version)},
		[2]*ast.Term{ast.StringTerm("cluster"), ast.NewTerm(cv)},
		[2]*ast.Term{ast.StringTerm("config"), ast.NewTerm(mustValue(s))},
	), nil
}

func mustValue(v any) ast.Value {
	val, err := toValue(v)
	if err != nil {
		panic(err)
	}
	return val
}

func decodeAll(rs rego.ResultSet, cluster string) ([]finding.Finding, error) {
	var out []finding.Finding
	for _, r := range rs {
		f, err := decodeResult(r)
		if err != nil {
			return nil, err
		}
		f.Cluster = cluster
		f.SetFingerprint()
		out = append(out, f)
	}
	finding.Sort(out)
	return out, nil
}
