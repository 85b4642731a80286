// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/suggest"
)

// The file is decoded from its YAML node tree, typed by Config itself (a
// field's json tag is its key): every mistake is told at its line and
// column with the form expected, where a decoder into Go values would
// name Go types, or no line at all. Keys are matched exactly, case
// included.

// maxNodes bounds the values decoded once aliases are expanded: a file of
// a megabyte could otherwise alias itself into billions.
const maxNodes = 100_000

// maxMistakes bounds the mistakes told at once.
const maxMistakes = 20

// mistake is one thing wrong in the file, where it is (line 0: the file
// as a whole).
type mistake struct {
	line, col int
	msg       string
}

// mistakes are a file's mistakes, each on its own line, file:line:column
// first, as compilers write them.
type mistakes struct {
	path string
	list []mistake
}

func (m mistakes) Error() string {
	at := func(x mistake) string {
		switch {
		case x.line == 0:
			return m.path + ": " + x.msg
		case x.col == 0:
			return fmt.Sprintf("%s:%d: %s", m.path, x.line, x.msg)
		}
		return fmt.Sprintf("%s:%d:%d: %s", m.path, x.line, x.col, x.msg)
	}
	if len(m.list) == 1 {
		return "invalid configuration " + at(m.list[0])
	}
	lines := make([]string, 0, len(m.list)+1)
	lines = append(lines, fmt.Sprintf("invalid configuration %s: %d mistakes", m.path, len(m.list)))
	for _, x := range m.list {
		lines = append(lines, at(x))
	}
	return strings.Join(lines, "\n")
}

// positions remember where the decoder found each value, and each key of
// a mapping, by path (sources[1].url, rules.D1-0404), for the checks
// that follow decoding.
type positions struct {
	values map[string]*yaml.Node
	keys   map[string]*yaml.Node
}

// decoder fills a Config from a node tree.
type decoder struct {
	positions
	list   []mistake
	budget int
	// active are the anchored nodes being decoded, so that an alias to a
	// node containing it is told rather than followed forever.
	active map[*yaml.Node]bool
}

// decode reads data into c and returns the positions of what it holds
// and the mistakes found.
func decode(data []byte, c *Config) (positions, []mistake) {
	d := &decoder{positions: positions{values: map[string]*yaml.Node{}, keys: map[string]*yaml.Node{}},
		budget: maxNodes, active: map[*yaml.Node]bool{}}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return d.positions, nil // an empty file: every default
		}
		return d.positions, []mistake{syntax(err)}
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		d.fail(&next, "a second YAML document: the file holds one mapping of settings")
	case !errors.Is(err, io.EOF):
		d.list = append(d.list, syntax(err))
	}
	if len(doc.Content) > 0 {
		d.value(doc.Content[0], reflect.ValueOf(c).Elem(), "")
	}
	return d.positions, d.list
}

// yamlLine is how yaml.v3 starts the messages of syntax errors.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// syntax turns a YAML syntax error into a mistake at its line.
func syntax(err error) mistake {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return mistake{line: line, msg: "not valid YAML: " + strings.TrimPrefix(msg, m[0])}
	}
	return mistake{msg: "not valid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

func (d *decoder) fail(n *yaml.Node, format string, args ...any) {
	if len(d.list) < maxMistakes {
		d.list = append(d.list, mistake{line: n.Line, col: n.Column, msg: fmt.Sprintf(format, args...)})
	}
}

// join appends a key to a path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// value decodes n into v; path names v in messages. A null (or an empty
// value) leaves v as it is: the key counts as absent.
func (d *decoder) value(n *yaml.Node, v reflect.Value, path string) {
	if d.budget--; d.budget < 0 {
		if d.budget == -1 {
			d.fail(n, "more than %d values once aliases are expanded: refused", maxNodes)
		}
		return
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil || d.active[n.Alias] {
			d.fail(n, "%s: alias *%s refers to a value that contains it", path, n.Value)
			return
		}
		d.active[n.Alias] = true
		defer delete(d.active, n.Alias)
		d.value(n.Alias, v, path)
		return
	}
	d.values[path] = n
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return
	}
	t := v.Type()
	switch t.Kind() {
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		d.value(n, p.Elem(), path)
		v.Set(p)
	case reflect.Struct:
		if sh, ok := v.Addr().Interface().(shorthand); ok && n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" {
			_, index := fields(t)
			v.Field(index[sh.shorthandKey()]).SetString(n.Value)
			return
		}
		d.object(n, v, path)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.wrongType(n, t, path)
			return
		}
		s := reflect.MakeSlice(t, len(n.Content), len(n.Content))
		for i, e := range n.Content {
			d.value(e, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.wrongType(n, t, path)
			return
		}
		m := reflect.MakeMapWithSize(t, len(n.Content)/2)
		d.pairs(n, path, func(k string, val *yaml.Node) {
			e := reflect.New(t.Elem()).Elem()
			d.value(val, e, join(path, k))
			m.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), e)
		})
		v.Set(m)
	case reflect.String:
		// A date written plainly is a timestamp to YAML, and is meant as
		// the text it is.
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" && n.ShortTag() != "!!timestamp" {
			d.wrongType(n, t, path)
			return
		}
		v.SetString(n.Value)
	case reflect.Bool:
		var b bool
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
			d.wrongType(n, t, path)
			return
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64:
		var i int64
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&i) != nil || v.OverflowInt(i) {
			d.wrongType(n, t, path)
			return
		}
		v.SetInt(i)
	case reflect.Interface:
		// Free-form data (a ResourceSet input's value): taken as YAML
		// decodes it. Aliases were followed above, within the same
		// bounds as every setting.
		var x any
		if err := n.Decode(&x); err != nil {
			d.fail(n, "%s: %v", path, err)
			return
		}
		if x != nil {
			v.Set(reflect.ValueOf(x))
		}
	default:
		// Config holds no other kind; a field of one must be taught here.
		d.fail(n, "%s: d1lint cannot read this setting (a %s)", path, t.Kind())
	}
}

// shorthand is a setting that may be written as one string, which then
// sets the key shorthandKey names (a clusters entry: its path).
type shorthand interface{ shorthandKey() string }

// pairs calls fn with each key of a mapping and its value, in the file's
// order; a key that is not a string, or written twice, is a mistake.
func (d *decoder) pairs(n *yaml.Node, path string, fn func(key string, val *yaml.Node)) {
	first := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" && k.ShortTag() != "!!int" && k.ShortTag() != "!!float" {
			d.fail(k, "%s: a key must be a name, got %s", where(path), got(k))
			continue
		}
		if f := first[k.Value]; f != nil {
			d.fail(k, "%s is set twice (first at line %d)", join(path, k.Value), f.Line)
			continue
		}
		first[k.Value] = k
		d.keys[join(path, k.Value)] = k
		fn(k.Value, val)
	}
}

// object decodes a mapping into a struct, by json tag.
func (d *decoder) object(n *yaml.Node, v reflect.Value, path string) {
	t := v.Type()
	if n.Kind != yaml.MappingNode {
		d.wrongType(n, t, path)
		return
	}
	names, index := fields(t)
	d.pairs(n, path, func(k string, val *yaml.Node) {
		i, ok := index[k]
		if !ok {
			d.fail(d.keys[join(path, k)], "unknown key %q %s; %s", k, where(path), suggestKey(k, names))
			delete(d.keys, join(path, k))
			return
		}
		d.value(val, v.Field(i), join(path, k))
	})
}

// where names a path in a message about one of its keys.
func where(path string) string {
	if path == "" {
		return "at the top level"
	}
	return "in " + path
}

// fields lists a struct's keys (json tags), in declaration order, and
// their field indices.
func fields(t reflect.Type) ([]string, map[string]int) {
	var names []string
	index := map[string]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		names = append(names, name)
		index[name] = i
	}
	return names, index
}

// wrongType tells that n is not of the form t's setting takes.
func (d *decoder) wrongType(n *yaml.Node, t reflect.Type, path string) {
	name := path
	if name == "" {
		name = "the file"
	}
	msg := fmt.Sprintf("%s: expected %s, got %s", name, expected(t), got(n))
	if tip := tips[t]; tip != nil {
		msg += tip(path, n)
	} else if n.Kind == yaml.ScalarNode && t.Kind() == reflect.String {
		msg += fmt.Sprintf(" (quote it: %q)", n.Value)
	}
	d.fail(n, "%s", msg)
}

// hints describe the settings whose form a type alone says too little of.
var hints = map[reflect.Type]string{
	reflect.TypeFor[Config]():                 "a mapping of settings (fleet, sources, rules, ...; see the JSON Schema)",
	reflect.TypeFor[RuleSetting]():            "a mapping such as {disabled: true} or {severity: warning}",
	reflect.TypeFor[map[string]RuleSetting](): "a mapping of rule ids to settings, such as {D1-0404: {disabled: true}}",
	reflect.TypeFor[model.Branches]():         "a mapping of environments to branches, such as {staging: main, production: production}",
	reflect.TypeFor[map[string][]string]():    "a mapping of names to lists of strings",
	reflect.TypeFor[Cluster]():                "a folder pattern, or a mapping with keys path, root, name",
}

// tips add to a wrong type's message what the user most likely meant.
var tips = map[reflect.Type]func(path string, n *yaml.Node) string{
	reflect.TypeFor[RuleSetting](): func(path string, n *yaml.Node) string {
		id := path[strings.LastIndex(path, ".")+1:]
		if n.Kind != yaml.ScalarNode {
			return ""
		}
		switch v := strings.ToLower(n.Value); v {
		case "off", "false", "no", "disabled", "disable", "0":
			return fmt.Sprintf("; to turn the rule off, write %s: {disabled: true}", id)
		case "error", "warning", "info":
			return fmt.Sprintf("; to re-grade the rule, write %s: {severity: %s}", id, v)
		case "on", "true", "yes", "enabled", "enable", "1":
			return "; a rule is on unless disabled: remove the entry"
		}
		return ""
	},
}

// expected describes the form of a setting of type t.
func expected(t reflect.Type) string {
	if h, ok := hints[t]; ok {
		return h
	}
	switch t.Kind() {
	case reflect.Pointer:
		return expected(t.Elem())
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64:
		return "a whole number"
	case reflect.Slice:
		if h, ok := hints[t.Elem()]; ok {
			return "a list, each " + h
		}
		switch e := t.Elem(); e.Kind() {
		case reflect.String:
			return "a list of strings"
		case reflect.Struct:
			names, _ := fields(e)
			return "a list of mappings with keys " + strings.Join(names, ", ")
		}
		return "a list"
	case reflect.Map:
		if t.Elem().Kind() == reflect.String {
			return "a mapping of names to strings"
		}
		return "a mapping"
	case reflect.Struct:
		names, _ := fields(t)
		return "a mapping with keys " + strings.Join(names, ", ")
	}
	return t.Kind().String()
}

// got describes what the file holds instead.
func got(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case "!!str":
		return fmt.Sprintf("the string %q", n.Value)
	case "!!int", "!!float":
		return "the number " + n.Value
	case "!!bool":
		return n.Value
	case "!!null":
		return "nothing"
	}
	return strconv.Quote(n.Value)
}

// suggestKey proposes the key the user likely meant, else lists the keys.
func suggestKey(k string, names []string) string {
	s := suggest.Closest(k, names)
	switch {
	case s == "":
		return "expected one of " + strings.Join(names, ", ")
	case strings.EqualFold(s, k):
		return fmt.Sprintf("did you mean %q? (keys are case-sensitive)", s)
	}
	return fmt.Sprintf("did you mean %q?", s)
}

// sortMistakes orders mistakes by where they are in the file.
func sortMistakes(list []mistake) {
	slices.SortStableFunc(list, func(a, b mistake) int {
		if a.line != b.line {
			return a.line - b.line
		}
		return a.col - b.col
	})
}
