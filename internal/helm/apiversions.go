// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package helm

import (
	"bytes"
	"slices"
	"strings"
	"text/template/parse"
)

// APIVersionUse is how a chart's templates read Capabilities.APIVersions,
// found by parsing them as Helm's engine does (text/template, default
// delimiters): only a template action can read it, so the word in a
// template's text (a CRD's description) does not count.
type APIVersionUse struct {
	// Any: a template reads the set some other way than Has with a string
	// literal (ranges over it, asks Has for a variable), or a template
	// could not be read or parsed. Any version can change the render.
	Any bool
	// Queries are the literal arguments of the templates' Has calls,
	// sorted: without Any, a render depends on the API versions only
	// through whether each of these is served.
	Queries []string
}

// Seen is the part of versions (sorted) a render of the chart can tell
// apart: all of them when Any, else the queried versions present. Two
// renders whose versions have the same Seen are the same render.
func (u APIVersionUse) Seen(versions []string) []string {
	if u.Any {
		return versions
	}
	var out []string
	for _, q := range u.Queries {
		if _, ok := slices.BinarySearch(versions, q); ok {
			out = append(out, q)
		}
	}
	return out
}

// APIVersionUse reads the templates of the chart and of its subcharts
// (folders, and packages under charts/) once. Not seen: a template that
// prints Capabilities or the whole root context wholesale (toYaml $), and
// one that reaches APIVersions through tpl and a string from the values;
// callers check the values themselves.
func (c *Chart) APIVersionUse() APIVersionUse {
	c.apiVersionsOnce.Do(func() {
		queries := map[string]bool{}
		for _, f := range c.Files {
			if !templateUses(f.Name, f.Data, 0, queries) {
				c.apiVersions = APIVersionUse{Any: true}
				return
			}
		}
		for q := range queries {
			c.apiVersions.Queries = append(c.apiVersions.Queries, q)
		}
		slices.Sort(c.apiVersions.Queries)
	})
	return c.apiVersions
}

// UsesAPIVersions reports whether a render of the chart can depend on
// Capabilities.APIVersions at all.
func (c *Chart) UsesAPIVersions() bool {
	u := c.APIVersionUse()
	return u.Any || len(u.Queries) > 0
}

// templateUses adds to queries what one file of a chart asks of
// APIVersions: a template, or a subchart package whose templates it reads
// in turn (depth guards against a package nested in itself). It returns
// false when the file reads the set otherwise, or cannot be read.
func templateUses(name string, data []byte, depth int, queries map[string]bool) bool {
	parts := inSubchart(name)
	switch {
	case len(parts) >= 2 && parts[0] == "templates":
		if !bytes.Contains(data, apiVersionsWord) {
			return true
		}
		return parsedUses(name, string(data), queries)
	case len(parts) == 2 && parts[0] == "charts" && strings.HasSuffix(parts[1], ".tgz"):
		return depth < 8 && archiveUses(data, depth+1, queries)
	}
	return true
}

var apiVersionsWord = []byte("APIVersions")

// archiveUses reads a subchart package's templates.
func archiveUses(data []byte, depth int, queries map[string]bool) bool {
	files, err := archiveFiles(data)
	if err != nil {
		return false
	}
	for _, f := range files {
		if !templateUses(f.Name, f.Data, depth, queries) {
			return false
		}
	}
	return true
}

// parsedUses parses a template as Helm's engine would (function names are
// not checked: the parse only looks at the actions' shape) and walks every
// tree it defines.
func parsedUses(name, text string, queries map[string]bool) bool {
	t := parse.New(name)
	t.Mode = parse.SkipFuncCheck
	trees := map[string]*parse.Tree{}
	if _, err := t.Parse(text, "", "", trees); err != nil {
		return false
	}
	w := usesWalker{queries: queries, ok: true}
	for _, tr := range trees {
		if tr != nil && tr.Root != nil {
			w.node(tr.Root)
		}
	}
	return w.ok
}

type usesWalker struct {
	queries map[string]bool
	ok      bool
}

func (w *usesWalker) node(n parse.Node) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			w.node(c)
		}
	case *parse.ActionNode:
		w.node(n.Pipe)
	case *parse.IfNode:
		w.branch(&n.BranchNode)
	case *parse.RangeNode:
		w.branch(&n.BranchNode)
	case *parse.WithNode:
		w.branch(&n.BranchNode)
	case *parse.TemplateNode:
		w.node(n.Pipe)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, v := range n.Decl {
			w.node(v)
		}
		for _, c := range n.Cmds {
			w.command(c)
		}
	case *parse.ChainNode:
		w.node(n.Node)
		w.ident(n.Field)
	case *parse.FieldNode:
		w.ident(n.Ident)
	case *parse.VariableNode:
		w.ident(n.Ident)
	case *parse.StringNode:
		// index or get with the name spelled out: not a shape this
		// reads, so any version counts.
		if strings.Contains(n.Text, "APIVersions") {
			w.ok = false
		}
	}
}

func (w *usesWalker) branch(b *parse.BranchNode) {
	w.node(b.Pipe)
	w.node(b.List)
	w.node(b.ElseList)
}

// command recognises `<...>.APIVersions.Has "literal"`, the one read that
// depends on a single version.
func (w *usesWalker) command(c *parse.CommandNode) {
	if len(c.Args) == 2 && isHas(c.Args[0]) {
		if s, ok := c.Args[1].(*parse.StringNode); ok {
			w.queries[s.Text] = true
			if ch, ok := c.Args[0].(*parse.ChainNode); ok {
				w.node(ch.Node)
			}
			return
		}
	}
	for _, a := range c.Args {
		w.node(a)
	}
}

// isHas: a field path ending in APIVersions.Has, from the dot, a variable
// ($.Capabilities...) or a parenthesised pipeline.
func isHas(n parse.Node) bool {
	var ident []string
	switch n := n.(type) {
	case *parse.FieldNode:
		ident = n.Ident
	case *parse.VariableNode:
		ident = n.Ident
	case *parse.ChainNode:
		ident = n.Field
	default:
		return false
	}
	k := len(ident)
	return k >= 2 && ident[k-2] == "APIVersions" && ident[k-1] == "Has" && !slices.Contains(ident[:k-2], "APIVersions")
}

// ident: any other path through APIVersions reads the set some other way.
func (w *usesWalker) ident(path []string) {
	if slices.Contains(path, "APIVersions") {
		w.ok = false
	}
}
