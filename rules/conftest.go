// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
)

// Input modes of a team's policy folder: what `input` is.
const (
	// InputModel: d1lint's input, one cluster's model (docs/model.md).
	InputModel = "model"
	// InputConftest: conftest's, as `conftest test --combine` gives it: a
	// list of {"path": <file>, "contents": <object>}, one per rendered
	// object of the cluster.
	InputConftest = "conftest"
)

// InputModes are the input modes, the default first.
var InputModes = []string{InputModel, InputConftest}

// ConftestOptions say how a folder of conftest policies runs.
type ConftestOptions struct {
	// Namespaces are the packages whose rules run, as conftest's
	// --namespace names them (default main); "*" runs every package's, as
	// conftest's --all-namespaces does.
	Namespaces []string
}

// ConftestPrefix starts the rule id of a conftest policy's findings that
// has no METADATA id: "conftest/<package>".
const ConftestPrefix = "conftest/"

// conftestRule is the name of a rule conftest runs: deny, violation or
// warn, alone or followed by _<suffix>s (deny_latest_tag), as conftest
// matches them.
var conftestRule = regexp.MustCompile(`^(deny|violation|warn)(_[a-zA-Z0-9]+)*$`)

// conftestQuery is one conftest rule, prepared.
type conftestQuery struct {
	pkg, rule string
	// file is the first file (folder/path) defining the rule, for messages.
	file string
	// id, title and severity are the finding's: the rule's METADATA (or
	// its package's) custom id, title and custom severity, else
	// conftest/<package>, the package, and error for deny and violation,
	// warning for warn.
	id, title, severity string
	prepared            rego.PreparedEvalQuery
}

// parseConftest parses the policies of a conftest folder, name, keyed
// name/path: Rego v1, or Rego v0 (conftest's syntax before OPA 1.0,
// deny[msg] { ... }) when a file does not parse as v1, so that existing
// policies run unchanged.
func parseConftest(fsys fs.FS, name string) (map[string]*ast.Module, error) {
	ms, err := parseTree(fsys, ".", false, true)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*ast.Module, len(ms))
	for p, m := range ms {
		out[name+"/"+p] = m
	}
	return out, nil
}

// parseEither parses src as Rego v1, else as v0; the error is v1's.
func parseEither(file, src string) (*ast.Module, error) {
	m, err := ast.ParseModuleWithOpts(file, src, ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
	if err == nil {
		return m, nil
	}
	if m0, err0 := ast.ParseModuleWithOpts(file, src, ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV0}); err0 == nil {
		return m0, nil
	}
	return nil, fmt.Errorf("%w: %w", ErrPolicy, err)
}

// loadConftest compiles the conftest folders (names, sorted, read from
// dirs) together, as conftest reads several --policy folders, and prepares
// their rules.
func loadConftest(dirs map[string]fs.FS, opts map[string]ConftestOptions, names []string) ([]conftestQuery, error) {
	modules := map[string]*ast.Module{}
	wanted := map[string]map[string]bool{} // module key → namespaces its folder runs
	for _, name := range names {
		ms, err := parseConftest(dirs[name], name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		ns := opts[name].Namespaces
		if len(ns) == 0 {
			ns = []string{"main"}
		}
		for file, m := range ms {
			pkg := strings.TrimPrefix(m.Package.Path.String(), "data.")
			if pkg == "d1lint" || strings.HasPrefix(pkg, "d1lint.") {
				return nil, fmt.Errorf("%w: %s: package %s is d1lint's namespace; put team policies in a package of your own", ErrPolicy, file, pkg)
			}
			modules[file] = m
			wanted[file] = map[string]bool{}
			for _, n := range ns {
				wanted[file][n] = true
			}
		}
	}
	if err := checkRefused(modules); err != nil {
		return nil, err
	}
	compiler := ast.NewCompiler().WithCapabilities(Capabilities())
	compiler.Compile(modules)
	if compiler.Failed() {
		return nil, fmt.Errorf("%w: %v", ErrPolicy, compiler.Errors)
	}
	files := make([]string, 0, len(modules))
	for f := range modules {
		files = append(files, f)
	}
	sort.Strings(files)
	var out []conftestQuery
	seen := map[string]bool{}
	for _, file := range files {
		m := modules[file]
		pkg := strings.TrimPrefix(m.Package.Path.String(), "data.")
		if !wanted[file]["*"] && !wanted[file][pkg] {
			continue
		}
		for _, r := range m.Rules {
			name := r.Head.Name.String()
			if name == "" && len(r.Head.Reference) > 0 {
				name = r.Head.Reference[0].String()
			}
			if !conftestRule.MatchString(name) || seen[pkg+"."+name] {
				continue
			}
			seen[pkg+"."+name] = true
			q := conftestQuery{pkg: pkg, rule: name, file: file, id: ConftestPrefix + pkg, title: pkg, severity: finding.Error}
			if strings.HasPrefix(name, "warn") {
				q.severity = finding.Warning
			}
			metadata(&q, m, r)
			pq, err := rego.New(rego.Query("data."+pkg+"."+name), rego.Compiler(compiler), rego.StrictBuiltinErrors(true)).
				PrepareForEval(context.Background())
			if err != nil {
				return nil, fmt.Errorf("%w: %w", ErrPolicy, err)
			}
			q.prepared = pq
			out = append(out, q)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].pkg+"."+out[i].rule < out[j].pkg+"."+out[j].rule })
	return out, nil
}

// metadata takes the finding's id, title and severity from the rule's
// METADATA, else its package's: custom id, title, custom severity.
func metadata(q *conftestQuery, m *ast.Module, r *ast.Rule) {
	var found []*ast.Annotations
	found = append(found, r.Annotations...)
	for _, a := range m.Annotations {
		if a.Scope == "package" || a.Scope == "subpackages" {
			found = append(found, a)
		}
	}
	// The rule's own METADATA wins over the package's: read last.
	for _, a := range slices.Backward(found) {
		if a.Title != "" {
			q.title = a.Title
		}
		if id, ok := a.Custom["id"].(string); ok && id != "" {
			q.id = id
		}
		if s, ok := a.Custom["severity"].(string); ok && finding.Rank(s) > 0 {
			q.severity = s
		}
	}
}

// conftestDoc is one element of conftest's combined input.
type conftestDoc struct {
	obj  *model.Object
	term *ast.Term
}

// conftestInput is one cluster's rendered objects as conftest --combine
// gives them: {"path", "contents"} for each object Flux applies to the
// cluster, sorted by path as conftest sorts its files (apply order within
// a file).
func conftestInput(cl *model.Cluster) ([]conftestDoc, error) {
	var objs []*model.Object
	for _, o := range cl.Objects {
		if o.NotApplied == "" && o.Remote == "" {
			objs = append(objs, o)
		}
	}
	slices.SortStableFunc(objs, func(a, b *model.Object) int { return strings.Compare(a.Location.Path, b.Location.Path) })
	out := make([]conftestDoc, 0, len(objs))
	for _, o := range objs {
		v, err := toValue(map[string]any{"path": o.Location.Path, "contents": o.Object})
		if err != nil {
			return nil, fmt.Errorf("%s %s/%s: %w", o.Kind, o.Namespace, o.Name, err)
		}
		out = append(out, conftestDoc{obj: o, term: ast.NewTerm(v)})
	}
	return out, nil
}

// evalConftest runs the conftest queries on one cluster. Each message of
// a rule evaluated on the combined input is attributed to the objects
// whose single-object input ([obj]) produces it too, and located at their
// file and line. A message that only the combination produces, or that
// every object produces alone (a rule about what the input lacks), is the
// cluster's, located at its root, and says so. Objects are evaluated one
// by one only for a rule that has messages on the combined input.
func (c *Catalogue) evalConftest(ctx context.Context, cl *model.Cluster) ([]finding.Finding, error) {
	if len(c.conftest) == 0 {
		return nil, nil
	}
	docs, err := conftestInput(cl)
	if err != nil {
		return nil, err
	}
	terms := make([]*ast.Term, len(docs))
	for i, d := range docs {
		terms[i] = d.term
	}
	all := ast.NewArray(terms...)
	var out []finding.Finding
	for _, q := range c.conftest {
		msgs, err := q.messages(ctx, c, all)
		if err != nil {
			return nil, err
		}
		if len(msgs) == 0 {
			continue
		}
		// The objects whose single-object input gives each message.
		owners := map[string][]*model.Object{}
		for _, d := range docs {
			own, err := q.messages(ctx, c, ast.NewArray(d.term))
			if err != nil {
				return nil, err
			}
			for _, m := range own {
				// A message only an input of this object alone gives is
				// not one of the cluster's.
				if slices.ContainsFunc(msgs, func(x conftestMessage) bool { return x.key == m.key }) &&
					!slices.Contains(owners[m.key], d.obj) {
					owners[m.key] = append(owners[m.key], d.obj)
				}
			}
		}
		done := map[string]bool{}
		for _, m := range msgs {
			if done[m.key] {
				continue
			}
			done[m.key] = true
			objs := owners[m.key]
			note := " (from the cluster's objects combined; no single object gives it)"
			if len(objs) > 1 && len(objs) == len(docs) {
				// Every object gives it alone (a rule about what the
				// input lacks): it is about none of them in particular.
				objs, note = nil, " (about the cluster: every object alone gives it)"
			}
			for _, o := range objs {
				f := q.finding(cl.Name, m.text)
				f.Object = &finding.Object{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: o.Namespace, Name: o.Name}
				f.Location = model.Location{Repo: o.Location.Repo, Branch: o.Location.Branch, Tag: o.Location.Tag, Path: o.Location.Path, Line: o.Location.Line}
				f.Chain = o.Chain
				out = append(out, f)
			}
			if len(objs) > 0 {
				continue
			}
			f := q.finding(cl.Name, m.text+note)
			if l := cl.Discovery; l != nil && l.Location != nil {
				f.Location = model.Location{Repo: l.Location.Repo, Branch: l.Location.Branch, Tag: l.Location.Tag, Path: l.Location.Path, Line: l.Location.Line}
			} else {
				f.Location = model.Location{Path: cl.Path}
			}
			out = append(out, f)
		}
	}
	return out, nil
}

// conftestMessage is one result of a conftest rule: its text, and its
// JSON (key) to tell results apart.
type conftestMessage struct {
	key, text string
}

// messages evaluates the rule on input: a set or array of messages
// (strings, or objects with a msg), or true for a rule without messages.
func (q conftestQuery) messages(ctx context.Context, c *Catalogue, input ast.Value) ([]conftestMessage, error) {
	rs, err := q.prepared.Eval(ctx, rego.EvalParsedInput(input))
	if ctx.Err() != nil {
		// A runaway policy is named with its file: it is the one to fix.
		return nil, fmt.Errorf("team policy %s.%s (%s): %w", q.pkg, q.rule, q.file, c.stopped(ctx))
	}
	if err != nil {
		return nil, fmt.Errorf("%s.%s: %w", q.pkg, q.rule, err)
	}
	var out []conftestMessage
	for _, r := range rs {
		for _, e := range r.Expressions {
			var values []any
			switch v := e.Value.(type) {
			case []any:
				values = v
			case bool:
				if v {
					values = []any{q.rule + " in " + q.pkg}
				}
			default:
				values = []any{v}
			}
			for _, v := range values {
				raw, err := json.Marshal(v)
				if err != nil {
					return nil, err
				}
				out = append(out, conftestMessage{key: string(raw), text: messageText(v, raw)})
			}
		}
	}
	return out, nil
}

// messageText is a result's message: the string, or an object's msg.
func messageText(v any, raw []byte) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if m, ok := x["msg"].(string); ok && m != "" {
			return m
		}
	}
	return string(raw)
}

func (q conftestQuery) finding(cluster, msg string) finding.Finding {
	return finding.Finding{Rule: q.id, Title: q.title, Category: CustomCategory, Severity: q.severity, Cluster: cluster, Message: msg}
}
