// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/d1lint/d1lint/internal/finding"
)

// CustomCategory is the category of findings from a team's own policies
// written conftest-style (finding.CustomCategory).
const CustomCategory = finding.CustomCategory

// customQuery is one prepared query over a team's package: its `report`
// set (findings built with result.fail), or its conftest-style `deny` or
// `warn` set (messages).
type customQuery struct {
	pkg, rule string
	// file is the first file (folder/path) defining the rule, for messages.
	file     string
	prepared rego.PreparedEvalQuery
}

// LoadWithPolicies returns the built-in rules (see Load) with a team's own
// policies, each folder read with fsys (os.DirFS). A team's packages live in
// their own namespace: they may not be under data.d1lint. They are compiled
// with d1lint's library (data.d1lint.lib), as `d1lint policy test` runs them,
// and with the built-in rules only when they read one. The folders named in
// conftest read conftest's input instead of the cluster model (see
// InputConftest); they are compiled on their own, as conftest compiles its
// policy folders.
func LoadWithPolicies(dirs map[string]fs.FS, conftest ...map[string]ConftestOptions) (*Catalogue, error) {
	c, err := Load()
	if err != nil || len(dirs) == 0 {
		return c, err
	}
	ct := map[string]ConftestOptions{}
	for _, m := range conftest {
		for k, v := range m {
			ct[k] = v
		}
	}
	user := map[string]*ast.Module{}
	names := make([]string, 0, len(dirs))
	var ctNames []string
	for name := range dirs {
		if _, ok := ct[name]; ok {
			ctNames = append(ctNames, name)
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	sort.Strings(ctNames)
	if len(ctNames) > 0 {
		if c.conftest, err = loadConftest(dirs, ct, ctNames); err != nil {
			return nil, err
		}
	}
	if len(names) == 0 {
		return c, nil
	}
	for _, name := range names {
		ms, err := parseFS(dirs[name], ".")
		if err != nil {
			if _, v0 := parseTree(dirs[name], ".", false, true); v0 == nil {
				// Rego v0 parses: most likely conftest policies.
				err = fmt.Errorf("%w; the folder is Rego v0, conftest's syntax before OPA 1.0: conftest policies run with --policy-input conftest (or input: conftest under policies: in %s)", err, ".d1lint.yaml")
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for file, m := range ms {
			pkg := strings.TrimPrefix(m.Package.Path.String(), "data.")
			if pkg == "d1lint" || strings.HasPrefix(pkg, "d1lint.") {
				return nil, fmt.Errorf("%w: %s/%s: package %s is d1lint's namespace; put team policies in a package of your own", ErrPolicy, name, file, pkg)
			}
			user[name+"/"+file] = m
		}
	}
	if err := checkRefused(user); err != nil {
		return nil, err
	}
	for _, m := range user {
		c.readsFleet = c.readsFleet || readsFleet(m)
	}
	// Load succeeded, so the built-ins are compiled and this returns them.
	b, err := builtins()
	if err != nil {
		return nil, err
	}
	modules := b.forTeam(user)
	for key, m := range user {
		modules[key] = m
	}
	compiler := ast.NewCompiler().WithCapabilities(Capabilities())
	compiler.Compile(modules)
	if compiler.Failed() {
		return nil, fmt.Errorf("%w: %v", ErrPolicy, compiler.Errors)
	}
	seen := map[string]bool{}
	files := make([]string, 0, len(user))
	for key := range user {
		files = append(files, key)
	}
	sort.Strings(files)
	for _, file := range files {
		m := user[file]
		pkg := m.Package.Path.String()
		for _, r := range m.Rules {
			name := r.Head.Name.String()
			if name != "report" && name != "deny" && name != "warn" || seen[pkg+"."+name] {
				continue
			}
			seen[pkg+"."+name] = true
			pq, err := rego.New(rego.Query(pkg+"."+name+"[x]"), rego.Compiler(compiler), rego.StrictBuiltinErrors(true)).
				PrepareForEval(context.Background())
			if err != nil {
				return nil, fmt.Errorf("%w: %w", ErrPolicy, err)
			}
			c.custom = append(c.custom, customQuery{pkg: strings.TrimPrefix(pkg, "data."), rule: name, file: file, prepared: pq})
		}
	}
	sort.Slice(c.custom, func(i, j int) bool {
		return c.custom[i].pkg+"."+c.custom[i].rule < c.custom[j].pkg+"."+c.custom[j].rule
	})
	return c, nil
}

// evalCustom runs a team's queries for one cluster.
func (c *Catalogue) evalCustom(ctx context.Context, input ast.Value, cluster string) ([]finding.Finding, error) {
	var out []finding.Finding
	for _, q := range c.custom {
		rs, err := q.prepared.Eval(ctx, rego.EvalParsedInput(input))
		if ctx.Err() != nil {
			// A runaway policy is named with its file: it is the one to fix.
			return nil, fmt.Errorf("team policy %s.%s (%s): %w", q.pkg, q.rule, q.file, c.stopped(ctx))
		}
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", q.pkg, q.rule, err)
		}
		for _, r := range rs {
			raw, err := json.Marshal(r.Bindings["x"])
			if err != nil {
				return nil, err
			}
			var f finding.Finding
			if q.rule == "report" {
				if f, err = decode(raw); err != nil {
					return nil, fmt.Errorf("%s.report: %w", q.pkg, err)
				}
			} else {
				f = conftest(q, raw)
			}
			f.Cluster = cluster
			out = append(out, f)
		}
	}
	return out, nil
}

// conftest turns a deny or warn result (a message, or an object with a
// "msg") into a finding named after the package.
func conftest(q customQuery, raw []byte) finding.Finding {
	f := finding.Finding{Rule: q.pkg, Title: q.pkg, Category: CustomCategory, Severity: finding.Error}
	if q.rule == "warn" {
		f.Severity = finding.Warning
	}
	var msg string
	if json.Unmarshal(raw, &msg) == nil {
		f.Message = msg
		return f
	}
	var obj struct {
		Msg string `json:"msg"`
	}
	if json.Unmarshal(raw, &obj) == nil && obj.Msg != "" {
		f.Message = obj.Msg
		return f
	}
	f.Message = string(raw)
	return f
}
