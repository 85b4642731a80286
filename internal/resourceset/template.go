// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package resourceset

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"text/template"
	"text/template/parse"

	ssautil "github.com/fluxcd/pkg/ssa/utils"
	sprig "github.com/go-task/slim-sprig/v3"
	"github.com/gosimple/slug"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// group is what one build covers: the ResourceSet's spec.resources and
// spec.resourcesTemplate, or those of one of its spec.steps.
type group struct {
	step      string
	resources []any
	template  string
}

// resourceGroups reads spec.resources, spec.resourcesTemplate and
// spec.steps.
func resourceGroups(spec map[string]any) ([]group, error) {
	resources, _ := spec["resources"].([]any)
	tmpl, _ := spec["resourcesTemplate"].(string)
	steps, _ := spec["steps"].([]any)
	if len(steps) == 0 {
		return []group{{resources: resources, template: tmpl}}, nil
	}
	// Flux Operator docs, ResourceSet, "Steps configuration": "The
	// .spec.steps field is mutually exclusive with .spec.resources and
	// .spec.resourcesTemplate" and "At least one of resources or
	// resourcesTemplate must be set for each step".
	if len(resources) > 0 || tmpl != "" {
		return nil, specError("spec.steps is mutually exclusive with spec.resources and spec.resourcesTemplate")
	}
	groups := make([]group, 0, len(steps))
	for i, s := range steps {
		step, _ := s.(map[string]any)
		name, _ := step["name"].(string)
		if name == "" {
			name = fmt.Sprintf("steps[%d]", i)
		}
		g := group{step: name}
		g.resources, _ = step["resources"].([]any)
		g.template, _ = step["resourcesTemplate"].(string)
		if len(g.resources) == 0 && g.template == "" {
			return nil, specError("step %q: at least one of resources or resourcesTemplate must be set", name)
		}
		groups = append(groups, g)
	}
	return groups, nil
}

// build generates the objects of one group from the input sets, in Flux
// Operator's order and with its exclusion and deduplication rules.
func (g group) build(sets []map[string]any, b *budget) (objs, excluded, dups []Object, err error) {
	seen := map[string]bool{}
	// add keeps the first object of each identity (Flux Operator docs,
	// ResourceSet, "Resource deduplication"; "If duplicate resources are
	// defined in both fields, the resources from .spec.resources take
	// precedence") and skips those annotated
	// fluxcd.controlplane.io/reconcile: disabled ("Conditional resource
	// exclusion").
	add := func(o Object, filter bool) {
		if filter {
			u := unstructured.Unstructured{Object: o.Object}
			if u.GetAnnotations()[Group+"/reconcile"] == "disabled" {
				excluded = append(excluded, o)
				return
			}
		}
		key := objectKey(o.Object)
		if filter && seen[key] {
			dups = append(dups, o)
			return
		}
		seen[key] = true
		objs = append(objs, o)
	}
	runs := sets
	if len(runs) == 0 {
		// Without input sets every template is rendered once, with inputs
		// an empty (nil) map, as the operator does.
		runs = []map[string]any{nil}
	}
	for i, r := range g.resources {
		t, err := resourceTemplate(r)
		if err != nil {
			return nil, nil, nil, &TemplateError{Resource: i, Step: g.step, Msg: err.Error()}
		}
		for n, in := range runs {
			out, _, err := t.run(in, b)
			if err != nil {
				return nil, nil, nil, &TemplateError{Resource: i, Step: g.step, Msg: err.Error()}
			}
			// Each entry yields exactly one object: the first document of
			// its rendering, decoded as the operator decodes it (ssa
			// ReadObject), which fails on an empty rendering.
			u, err := ssautil.ReadObject(bytes.NewReader(out))
			if err != nil {
				return nil, nil, nil, &TemplateError{Resource: i, Step: g.step, Msg: "failed to read object: " + err.Error()}
			}
			// The operator neither excludes nor deduplicates the objects of
			// spec.resources when there are no input sets: they are all kept.
			add(Object{Object: u.Object, Input: in, InputIndex: n, Resource: i, Step: g.step}, len(sets) > 0)
		}
	}
	if g.template == "" {
		return objs, excluded, dups, nil
	}
	t, err := parseTemplate(g.template)
	if err != nil {
		return nil, nil, nil, &TemplateError{Resource: -1, Template: true, Line: errLine(err), Step: g.step, Msg: err.Error()}
	}
	for n, in := range runs {
		out, marks, err := t.run(in, b)
		if err != nil {
			return nil, nil, nil, &TemplateError{Resource: -1, Template: true, Line: errLine(err), Step: g.step, Msg: err.Error()}
		}
		docs, err := readDocuments(out, marks, t)
		if err != nil {
			var te *TemplateError
			if errors.As(err, &te) {
				te.Step = g.step
			}
			return nil, nil, nil, err
		}
		for _, d := range docs {
			add(Object{Object: d.obj, Input: in, InputIndex: n, Resource: -1, TemplateLine: d.line, Step: g.step}, true)
		}
	}
	return objs, excluded, dups, nil
}

// tmpl is a parsed template with what maps its output back to its lines.
type tmpl struct {
	t *template.Template
	// input is the input set the inputs function returns during a run.
	input map[string]any
	// textAt maps the first byte of each text node to its offset in the
	// source: text/template writes a text node's bytes with one Write call,
	// so the writer can tell which source line each output line came from.
	textAt map[*byte]int
	lines  []int // offsets of the source's line starts
}

// resourceTemplate turns a spec.resources entry into its template: the
// operator serialises the entry (JSON) to YAML with sigs.k8s.io/yaml, whose
// keys come sorted, and templates that text.
func resourceTemplate(r any) (*tmpl, error) {
	raw, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("failed to convert template to YAML: %w", err)
	}
	y, err := yaml.JSONToYAML(raw)
	if err != nil {
		return nil, fmt.Errorf("failed to convert template to YAML: %w", err)
	}
	t, err := parseTemplate(string(y))
	if err != nil {
		return nil, fmt.Errorf("failed to parse template: %w", err)
	}
	return t, nil
}

func init() {
	// Flux Operator configures its slugify (gosimple/slug) for label values:
	// at most 63 characters, cut between words. These are package-level
	// settings of gosimple/slug, which nothing else in d1lint uses.
	slug.MaxLength = 63
	slug.EnableSmartTruncate = true
}

// parseTemplate parses a template as Flux Operator does (Flux Operator docs,
// ResourceSet, "Templating functions"): Go text/template with << >>
// delimiters, the slim-sprig functions (its hermetic set: no time, random
// or environment functions), slugify, toYaml/mustToYaml, inputs returning
// the input set, and missingkey=error, so a missing input key fails.
func parseTemplate(src string) (*tmpl, error) {
	t := &tmpl{}
	funcs := sprig.HermeticTxtFuncMap()
	boundFuncs(funcs)
	funcs["slugify"] = slug.Make
	funcs["inputs"] = func() any { return t.input }
	funcs["toYaml"] = func(v any) string {
		s, err := mustToYaml(v)
		if err != nil {
			return ""
		}
		return s
	}
	funcs["mustToYaml"] = mustToYaml
	tt, err := template.New("resourceset").Delims("<<", ">>").Funcs(funcs).Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, err
	}
	t.t = tt
	t.textAt = map[*byte]int{}
	for _, sub := range tt.Templates() {
		if sub.Tree != nil && sub.Root != nil {
			t.collectText(sub.Root)
		}
	}
	t.lines = []int{0}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			t.lines = append(t.lines, i+1)
		}
	}
	return t, nil
}

// mustToYaml encodes a value as YAML with sigs.k8s.io/yaml, as the
// operator's toYaml does.
func mustToYaml(v any) (string, error) {
	b, err := yaml.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func (t *tmpl) collectText(n parse.Node) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			t.collectText(c)
		}
	case *parse.TextNode:
		if len(n.Text) > 0 {
			t.textAt[&n.Text[0]] = int(n.Pos)
		}
	case *parse.IfNode:
		t.collectText(n.List)
		t.collectText(n.ElseList)
	case *parse.RangeNode:
		t.collectText(n.List)
		t.collectText(n.ElseList)
	case *parse.WithNode:
		t.collectText(n.List)
		t.collectText(n.ElseList)
	}
}

// line returns the 1-based source line of a byte offset.
func (t *tmpl) line(off int) int {
	return sort.Search(len(t.lines), func(i int) bool { return t.lines[i] > off })
}

// budget is the output d1lint still accepts from one ResourceSet.
type budget struct{ left int }

var errTooLarge = fmt.Errorf("the generated YAML exceeds d1lint's limit of %d MiB", MaxOutputBytes>>20)

// mark says output bytes [out, out+n) are the text at source offset src.
type mark struct{ out, src, n int }

type writer struct {
	buf   bytes.Buffer
	b     *budget
	t     *tmpl
	marks []mark
}

func (w *writer) Write(p []byte) (int, error) {
	if len(p) > w.b.left {
		return 0, errTooLarge
	}
	w.b.left -= len(p)
	if len(p) > 0 {
		if src, ok := w.t.textAt[&p[0]]; ok {
			w.marks = append(w.marks, mark{out: w.buf.Len(), src: src, n: len(p)})
		}
	}
	return w.buf.Write(p)
}

// run executes the template with one input set. Text/template recovers the
// panics of template functions itself; anything else is turned into an
// error here.
func (t *tmpl) run(in map[string]any, b *budget) (out []byte, marks []mark, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("template execution panicked: %v", r)
		}
	}()
	t.input = in
	w := &writer{b: b, t: t}
	// The operator executes with nil data: templates reach the input set
	// through the inputs function only.
	if err := t.t.Execute(w, nil); err != nil {
		return nil, nil, err
	}
	return w.buf.Bytes(), w.marks, nil
}

// srcLine maps an output offset to its template line: exact inside text
// written from the template, else the line where the last text before it
// ended (the action that printed it follows that text).
func (t *tmpl) srcLine(marks []mark, off int) int {
	i := sort.Search(len(marks), func(i int) bool { return marks[i].out > off }) - 1
	if i < 0 {
		return 1
	}
	m := marks[i]
	if off < m.out+m.n {
		return t.line(m.src + off - m.out)
	}
	return t.line(m.src + m.n - 1)
}

type document struct {
	obj  map[string]any
	line int
}

// readDocuments splits a rendered resourcesTemplate into documents and
// decodes them as the operator does (fluxcd/pkg/ssa ReadObjects over
// apimachinery's YAML reader): a line starting with "---" separates
// documents and may be followed only by spaces or a comment; empty
// documents are skipped; a List yields its items; documents without
// apiVersion, kind or metadata.name, and kustomize.config.k8s.io
// Kustomizations, are dropped silently.
func readDocuments(out []byte, marks []mark, t *tmpl) ([]document, error) {
	if trimmed := bytes.TrimLeft(out, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '{' {
		// apimachinery decodes a stream that starts with '{' as JSON as a
		// whole: its documents have no lines of their own.
		objs, err := ssautil.ReadObjects(bytes.NewReader(out))
		line := t.srcLine(marks, len(out)-len(trimmed))
		if err != nil {
			return nil, &TemplateError{Resource: -1, Template: true, Line: line, Msg: "failed to read objects from multi-doc YAML: " + err.Error()}
		}
		docs := make([]document, 0, len(objs))
		for _, o := range objs {
			docs = append(docs, document{obj: o.Object, line: line})
		}
		return docs, nil
	}
	var docs []document
	var cur bytes.Buffer
	start, contentAt := -1, -1
	flush := func() error {
		if cur.Len() == 0 {
			return nil
		}
		line := 0
		if contentAt >= 0 {
			line = t.srcLine(marks, contentAt)
		} else {
			line = t.srcLine(marks, start)
		}
		objs, err := decodeDocument(cur.Bytes())
		if err != nil {
			return &TemplateError{Resource: -1, Template: true, Line: line, Msg: "failed to read objects from multi-doc YAML: " + err.Error()}
		}
		for _, o := range objs {
			docs = append(docs, document{obj: o, line: line})
		}
		cur.Reset()
		start, contentAt = -1, -1
		return nil
	}
	for off := 0; off < len(out); {
		end := bytes.IndexByte(out[off:], '\n')
		if end < 0 {
			end = len(out)
		} else {
			end += off + 1
		}
		l := out[off:end]
		if rest, ok := bytes.CutPrefix(l, []byte("---")); ok {
			if r := strings.TrimSpace(string(rest)); r != "" && r[0] != '#' {
				return nil, &TemplateError{Resource: -1, Template: true, Line: t.srcLine(marks, off),
					Msg: "failed to read objects from multi-doc YAML: invalid Yaml document separator: " + r}
			}
			if err := flush(); err != nil {
				return nil, err
			}
		} else {
			if start < 0 {
				start = off
			}
			if s := strings.TrimSpace(string(l)); contentAt < 0 && s != "" && s[0] != '#' {
				contentAt = off + len(l) - len(bytes.TrimLeft(l, " \t"))
			}
			cur.Write(l)
		}
		off = end
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return docs, nil
}

// decodeDocument decodes one YAML document with the operator's decoder and
// filters.
func decodeDocument(doc []byte) ([]map[string]any, error) {
	objs, err := ssautil.ReadObjects(bytes.NewReader(doc))
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(objs))
	for _, o := range objs {
		out = append(out, o.Object)
	}
	return out, nil
}

// errLine reads the line number text/template puts in its messages
// ("template: resourceset:12: ..." or "template: resourceset:12:7: ...").
func errLine(err error) int {
	msg := err.Error()
	const p = "template: resourceset:"
	i := strings.Index(msg, p)
	if i < 0 {
		return 0
	}
	n := 0
	for _, c := range msg[i+len(p):] {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
		if n > 1<<30 {
			return 0
		}
	}
	return n
}
