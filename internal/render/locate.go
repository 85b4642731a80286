// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/d1lint/d1lint/internal/model"
)

// Locate returns where a field of a rendered object is set: in the patch
// that set it when one did (a Flux Kustomization's spec.patches, applied
// last by kustomize-controller, then the kustomize patches of the build,
// overlay before base), else in the object's own source document. It
// returns nil when none of them holds the field (a generator made it, or a
// transformer such as namespace or images set it). It needs the source
// snapshots: call it before Close.
func (x *Result) Locate(c *model.Cluster, o *model.Object, path []string) *model.Location {
	return x.r.locate(c, c.Kustomization(o.AppliedBy), o, path)
}

// locate is Locate for object o of Kustomization k (nil when unknown). The
// render calls it for an object not in c yet (a field Flux's substitution
// cannot parse): the Kustomization's own patches are then looked for only
// when c already holds its definition.
func (r *renderer) locate(c *model.Cluster, k *model.Kustomization, o *model.Object, path []string) *model.Location {
	if len(path) == 0 || o.HelmRelease != "" {
		// A chart's object is written by a template, not by a document
		// of the render: it stays where the model puts it.
		return nil
	}
	l := &locator{r: r, o: o, path: path}
	if k != nil {
		if loc := l.fluxPatches(c, k); loc != nil {
			return loc
		}
		if k.Revision != nil {
			if dir, ok := r.builder.dirs.Load(revisionKey(*k.Revision)); ok {
				root := dir.(string)
				if loc := l.build(root, filepath.Join(root, filepath.FromSlash(k.Path)), *k.Revision); loc != nil {
					return loc
				}
			}
		}
	}
	return l.base()
}

type locator struct {
	r    *renderer
	o    *model.Object
	path []string
	seen map[string]bool
}

// base looks for the field in the object's source document.
func (l *locator) base() *model.Location {
	if l.o.Location.Line == 0 {
		return nil
	}
	dir, ok := l.r.builder.dirs.Load(revisionKey(l.o.Location))
	if !ok {
		return nil
	}
	file := filepath.Join(dir.(string), filepath.FromSlash(l.o.Location.Path))
	for _, d := range l.r.builder.lines.trees(file) {
		if len(d.Content) == 0 || d.Content[0].Line != l.o.Location.Line {
			continue
		}
		if line := l.walk(d.Content[0], l.path, true); line > 0 {
			loc := l.o.Location
			loc.Line = line
			return &loc
		}
	}
	return nil
}

// fluxPatches looks for the field in the Flux Kustomization's own patches,
// which kustomize-controller applies after the build.
func (l *locator) fluxPatches(c *model.Cluster, k *model.Kustomization) *model.Location {
	patches, _ := k.Spec["patches"].([]any)
	if len(patches) == 0 || k.Location == nil || k.Location.Line == 0 {
		return nil
	}
	// The Kustomization's definition: find its file to read the patch
	// strings with their lines.
	var kobj *model.Object
	for _, o := range c.Objects {
		if o.Kind == "Kustomization" && o.Namespace == k.Namespace && o.Name == k.Name && strings.HasPrefix(o.APIVersion, "kustomize.toolkit.fluxcd.io/") {
			kobj = o
			break
		}
	}
	if kobj == nil {
		return nil
	}
	dir, ok := l.r.builder.dirs.Load(revisionKey(kobj.Location))
	if !ok {
		return nil
	}
	file := filepath.Join(dir.(string), filepath.FromSlash(kobj.Location.Path))
	for _, d := range l.r.builder.lines.trees(file) {
		if len(d.Content) == 0 || d.Content[0].Line != kobj.Location.Line {
			continue
		}
		list := child(child(d.Content[0], "spec"), "patches")
		if list == nil || list.Kind != yaml.SequenceNode {
			return nil
		}
		for i := len(list.Content) - 1; i >= 0; i-- {
			e := list.Content[i]
			if !l.targets(mapOf(child(e, "target"))) {
				continue
			}
			if line := l.inline(child(e, "patch"), mapOf(child(e, "target")) != nil); line > 0 {
				loc := kobj.Location
				loc.Line = line
				return &loc
			}
		}
	}
	return nil
}

// build looks for the field in the patches of the kustomization in dir and
// of its bases and components, the overlay first.
func (l *locator) build(root, dir string, rev model.Location) *model.Location {
	if l.seen == nil {
		l.seen = map[string]bool{}
	}
	if l.seen[dir] || !strings.HasPrefix(dir+string(filepath.Separator), root+string(filepath.Separator)) {
		return nil
	}
	l.seen[dir] = true
	kfile := kustomizationFile(dir)
	if kfile == "" {
		// Flux's generated kustomization has no patches; its subfolders
		// with a kustomization file are bases.
		var found *model.Location
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if found != nil || err != nil || p == dir || !d.IsDir() {
				return nil
			}
			if kustomizationFile(p) != "" {
				found = l.build(root, p, rev)
				return filepath.SkipDir
			}
			return nil
		})
		return found
	}
	docs := l.r.builder.lines.trees(kfile)
	if len(docs) == 0 || len(docs[0].Content) == 0 {
		return nil
	}
	k := docs[0].Content[0]
	at := func(file string, line int) *model.Location {
		rel, err := filepath.Rel(root, file)
		if err != nil {
			return nil
		}
		loc := rev
		loc.Path, loc.Line = filepath.ToSlash(rel), line
		return &loc
	}
	// Later patches win: look at them last to first.
	for _, field := range []string{"patches", "patchesJson6902"} {
		list := child(k, field)
		if list == nil || list.Kind != yaml.SequenceNode {
			continue
		}
		for i := len(list.Content) - 1; i >= 0; i-- {
			e := list.Content[i]
			target := mapOf(child(e, "target"))
			if !l.targets(target) {
				continue
			}
			if p := child(e, "path"); p != nil && p.Value != "" {
				file := filepath.Join(dir, filepath.FromSlash(p.Value))
				for _, d := range l.r.builder.lines.trees(file) {
					if len(d.Content) > 0 {
						if line := l.patchDoc(d.Content[0], target != nil); line > 0 {
							return at(file, line)
						}
					}
				}
				continue
			}
			if line := l.inline(child(e, "patch"), target != nil); line > 0 {
				return at(kfile, line)
			}
		}
	}
	if list := child(k, "patchesStrategicMerge"); list != nil && list.Kind == yaml.SequenceNode {
		for i := len(list.Content) - 1; i >= 0; i-- {
			e := list.Content[i]
			if looksInline(e.Value) {
				if line := l.inline(e, false); line > 0 {
					return at(kfile, line)
				}
				continue
			}
			file := filepath.Join(dir, filepath.FromSlash(e.Value))
			for _, d := range l.r.builder.lines.trees(file) {
				if len(d.Content) > 0 {
					if line := l.patchDoc(d.Content[0], false); line > 0 {
						return at(file, line)
					}
				}
			}
		}
	}
	for _, field := range []string{"components", "resources", "bases"} {
		list := child(k, field)
		if list == nil || list.Kind != yaml.SequenceNode {
			continue
		}
		for i := len(list.Content) - 1; i >= 0; i-- {
			sub := filepath.Join(dir, filepath.FromSlash(list.Content[i].Value))
			if st, err := os.Stat(sub); err == nil && st.IsDir() {
				if loc := l.build(root, sub, rev); loc != nil {
					return loc
				}
			}
		}
	}
	return nil
}

// inline looks for the field in a patch given as a string; it returns the
// line in the enclosing file.
func (l *locator) inline(n *yaml.Node, targeted bool) int {
	if n == nil || n.Kind != yaml.ScalarNode || n.Value == "" {
		return 0
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(n.Value), &doc); err != nil || len(doc.Content) == 0 {
		return 0
	}
	line := l.patchDoc(doc.Content[0], targeted)
	if line == 0 {
		return 0
	}
	// A block scalar's text starts on the line after its indicator.
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return n.Line + line
	}
	return n.Line + line - 1
}

// patchDoc returns the line where a patch document sets the field: a JSON
// 6902 list of operations, or a strategic-merge patch (which must name the
// object unless a target selects it).
func (l *locator) patchDoc(n *yaml.Node, targeted bool) int {
	switch n.Kind {
	case yaml.SequenceNode:
		if !targeted {
			return 0
		}
		for i := len(n.Content) - 1; i >= 0; i-- {
			op := n.Content[i]
			kind := scalar(child(op, "op"))
			if kind != "add" && kind != "replace" && kind != "copy" && kind != "move" {
				continue
			}
			segs := pointer(scalar(child(op, "path")))
			if len(segs) > len(l.path) || !prefix(segs, l.path) {
				continue
			}
			if v := child(op, "value"); v != nil {
				if line := l.walkFrom(v, l.path[len(segs):], len(segs)); line > 0 {
					return line
				}
			}
			return op.Line
		}
	case yaml.MappingNode:
		if !targeted && !l.names(n) {
			return 0
		}
		return l.walk(n, l.path, true)
	}
	return 0
}

// names reports whether a strategic-merge patch is about the object.
func (l *locator) names(n *yaml.Node) bool {
	if scalar(child(n, "kind")) != l.o.Kind {
		return false
	}
	name := scalar(child(child(n, "metadata"), "name"))
	// A namePrefix or nameSuffix of the build renames the object after the
	// patch matched it by its original name.
	return name != "" && strings.Contains(l.o.Name, name)
}

// targets reports whether a patch target selector selects the object.
func (l *locator) targets(sel map[string]string) bool {
	if sel == nil {
		return true
	}
	group, version := model.SplitAPIVersion(l.o.APIVersion)
	for key, want := range map[string]string{"group": group, "version": version, "kind": l.o.Kind, "name": l.o.Name, "namespace": l.o.Namespace} {
		pat, ok := sel[key]
		if !ok || pat == "" {
			continue
		}
		re, err := regexp.Compile("^(?:" + pat + ")$")
		if err != nil || !re.MatchString(want) {
			return false
		}
	}
	if s := sel["labelSelector"]; s != "" && !matchSelector(s, l.o.Object, "labels") {
		return false
	}
	if s := sel["annotationSelector"]; s != "" && !matchSelector(s, l.o.Object, "annotations") {
		return false
	}
	return true
}

// matchSelector evaluates the equality terms of a label selector ("a=b,c");
// terms it cannot read count as matching.
func matchSelector(sel string, obj map[string]any, field string) bool {
	md, _ := obj["metadata"].(map[string]any)
	m, _ := md[field].(map[string]any)
	for _, term := range strings.Split(sel, ",") {
		term = strings.TrimSpace(term)
		switch {
		case strings.Contains(term, "!="):
			kv := strings.SplitN(term, "!=", 2)
			if v, _ := m[strings.TrimSpace(kv[0])].(string); v == strings.TrimSpace(kv[1]) {
				return false
			}
		case strings.Contains(term, "="):
			kv := strings.SplitN(strings.Replace(term, "==", "=", 1), "=", 2)
			if v, _ := m[strings.TrimSpace(kv[0])].(string); v != strings.TrimSpace(kv[1]) {
				return false
			}
		case strings.ContainsAny(term, " ()"):
			// Set-based terms: not evaluated.
		case term != "":
			if _, ok := m[term]; !ok {
				return false
			}
		}
	}
	return true
}

// walk follows path from a mapping node and returns the line of the last
// key, or 0 when the document does not hold the whole path. With merge, a
// list item is found by its merge key (name) rather than by position.
func (l *locator) walk(n *yaml.Node, path []string, merge bool) int {
	return l.walkAt(n, path, 0, merge)
}

func (l *locator) walkFrom(n *yaml.Node, path []string, depth int) int {
	if len(path) == 0 {
		return n.Line
	}
	return l.walkAt(n, path, depth, false)
}

func (l *locator) walkAt(n *yaml.Node, path []string, depth int, merge bool) int {
	line := n.Line
	for i, seg := range path {
		switch n.Kind {
		case yaml.MappingNode:
			v := child(n, seg)
			if v == nil {
				return 0
			}
			for j := 0; j+1 < len(n.Content); j += 2 {
				if n.Content[j+1] == v {
					line = n.Content[j].Line
				}
			}
			n = v
		case yaml.SequenceNode:
			idx, err := strconv.Atoi(seg)
			if err != nil {
				return 0
			}
			// A list item is found by its name, as strategic merge matches
			// items (a patch moves the items it touches to the front of the
			// list, so positions differ between the render and its sources).
			if name := l.mergeName(l.path[:depth+i+1]); merge && name != "" {
				found := false
				for _, item := range n.Content {
					if scalar(child(item, "name")) == name {
						n, line, found = item, item.Line, true
						break
					}
				}
				if !found {
					return 0
				}
				continue
			}
			if idx < 0 || idx >= len(n.Content) {
				return 0
			}
			n = n.Content[idx]
			line = n.Line
		default:
			return 0
		}
	}
	return line
}

// mergeName is the name of the rendered list item at path (the last
// segment an index), the key strategic merge matches list items by.
func (l *locator) mergeName(path []string) string {
	var cur any = l.o.Object
	for _, seg := range path {
		switch t := cur.(type) {
		case map[string]any:
			cur = t[seg]
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(t) {
				return ""
			}
			cur = t[i]
		default:
			return ""
		}
	}
	m, _ := cur.(map[string]any)
	name, _ := m["name"].(string)
	return name
}

func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

func mapOf(n *yaml.Node) map[string]string {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	m := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		m[n.Content[i].Value] = n.Content[i+1].Value
	}
	return m
}

// pointer splits a JSON pointer (RFC 6901) into keys.
func pointer(p string) []string {
	if p == "" || p == "/" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, s := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	return parts
}

func prefix(p, of []string) bool {
	if len(p) > len(of) {
		return false
	}
	for i := range p {
		if p[i] != of[i] && !(p[i] == "-" && isIndex(of[i])) {
			return false
		}
	}
	return true
}

func isIndex(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}
