// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package diff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/source"
)

// Field change operations (FieldChange.Op).
const (
	// FieldChanged: the field is on both sides with different values.
	FieldChanged = "changed"
	// FieldAdded: the field is in the new render only.
	FieldAdded = "added"
	// FieldRemoved: the field is in the old render only.
	FieldRemoved = "removed"
	// FieldMoved: the same value left one field (From) for another (Field).
	FieldMoved = "moved"
)

// Secret is what a masked value shows.
const Secret = "(secret)"

// maxValue is how long a shown value may be before it is abbreviated.
const maxValue = 60

// FieldChange is one field of a modified object that differs.
type FieldChange struct {
	// Op is changed, added, removed or moved.
	Op string `json:"op"`
	// Field names the field as d1lint names fields
	// (spec.values.replicaCount): in the new render, or in the old one for
	// a removed field.
	Field string `json:"field"`
	// From is the field a moved value was at in the old render.
	From string `json:"from,omitempty"`
	// Old and New are the values, shown as JSON and abbreviated when long
	// ("{a, b, …} (12 keys)", a string's start and its length), or Secret;
	// absent on the side the field is not on (New holds a moved value).
	Old *string `json:"old,omitempty"`
	New *string `json:"new,omitempty"`
	// Secret says that the values are masked: data or stringData of a
	// Secret, or a value postBuild substitution took from a Secret.
	Secret bool `json:"secret,omitempty"`
	// Location is where the field is set: the line of the Flux or
	// kustomize patch that set it when one did, else of the object's own
	// document (for a removed field, in the old render); nil when no
	// document holds it (a generator or transformer made it, a chart
	// rendered the object).
	Location *model.Location `json:"location,omitempty"`
	// Path and FromPath are Field and From as keys and indices, for
	// locating them.
	Path     []string `json:"-"`
	FromPath []string `json:"-"`
}

// sensitive tells which fields of an object hold secrets.
type sensitive struct {
	// vars are, per object, the fields whose value substitution took from
	// a Secret.
	vars map[model.ObjectID][][]string
}

// secret reports whether the field at path of object id holds a secret,
// or holds a field that does.
func (s *sensitive) secret(id model.ObjectID, path []string) bool {
	if id.Kind == "Secret" && id.APIVersion == "v1" && (len(path) == 0 || path[0] == "data" || path[0] == "stringData") {
		return true
	}
	if s == nil {
		return false
	}
	for _, v := range s.vars[id] {
		if prefix(v, path) || prefix(path, v) {
			return true
		}
	}
	return false
}

func prefix(p, of []string) bool {
	return len(p) <= len(of) && slices.Equal(p, of[:len(p)])
}

// secretVars finds the fields of c's objects whose value postBuild
// substitution took from a Secret: a resolved variable that spec.postBuild
// .substitute does not set, and whose last substituteFrom entry to hold it
// is a Secret (Flux reads the entries in order, later ones winning, then
// substitute). A Secret whose keys are unknown (out of band, not in the
// render) is taken to hold every variable: a secret shown is worse than a
// value hidden.
func secretVars(c *model.Cluster) *sensitive {
	s := &sensitive{vars: map[model.ObjectID][][]string{}}
	if c == nil {
		return s
	}
	for _, v := range c.Variables {
		if v.Status != model.VarResolved || len(v.Path) == 0 {
			continue
		}
		k := c.Kustomization(v.Kustomization)
		if k == nil || k.PostBuild == nil {
			continue
		}
		if _, inline := k.PostBuild.Substitute[v.Name]; inline {
			continue
		}
		from := ""
		for _, ref := range k.PostBuild.SubstituteFrom {
			held, known := holds(c, ref.Kind, k.Namespace, ref.Name, v.Name)
			switch {
			case held:
				from = ref.Kind
			case !known && ref.Kind == "Secret":
				from = "Secret"
			}
		}
		if from == "Secret" {
			s.vars[v.Object] = append(s.vars[v.Object], v.Path)
		}
	}
	return s
}

// holds reports whether the ConfigMap or Secret ns/name of c has key in
// its data (or a Secret's stringData); known is false when the object is
// not in the render.
func holds(c *model.Cluster, kind, ns, name, key string) (held, known bool) {
	for _, list := range [][]*model.Object{c.Objects, c.Generated} {
		for _, o := range list {
			if o.Kind != kind || o.Namespace != ns || o.Name != name {
				continue
			}
			for _, f := range []string{"data", "stringData"} {
				if m, ok := o.Object[f].(map[string]any); ok {
					if _, ok := m[key]; ok {
						return true, true
					}
				}
			}
			return false, true
		}
	}
	return false, false
}

// entry is a raw difference, before moves are found.
type entry struct {
	op       string
	path     []string
	old, new any
}

// FieldChanges compares two objects and returns what differs, field by
// field, sorted by field: a field present on one side only is one change
// (not its every leaf); lists are compared element by element; a value
// that left one field for another is one move. d1lint's own annotations
// (InternalAnnotationPrefix) are ignored. Values are shown abbreviated;
// Secret data is masked. Locations are left for the caller.
func FieldChanges(base, head map[string]any) []FieldChange {
	return fieldChanges(model.ObjectID{}, base, head, nil, nil)
}

// fieldChanges is FieldChanges for object id, masking the fields bs (old
// render) or hs (new render) say are secret.
func fieldChanges(id model.ObjectID, base, head map[string]any, bs, hs *sensitive) []FieldChange {
	var raw []entry
	walk(nil, base, head, &raw)
	raw = moves(raw)
	out := make([]FieldChange, 0, len(raw))
	for _, e := range raw {
		fc := FieldChange{Op: e.op, Path: e.path, Field: fieldName(e.path)}
		secret := func(p []string) bool { return bs.secret(id, p) || hs.secret(id, p) }
		fc.Secret = secret(e.path)
		switch e.op {
		case FieldMoved:
			fc.FromPath, fc.From = e.old.(movedFrom).path, fieldName(e.old.(movedFrom).path)
			fc.Secret = fc.Secret || secret(fc.FromPath)
			fc.New = show(e.new, fc.Secret)
		case FieldAdded:
			fc.New = show(e.new, fc.Secret)
		case FieldRemoved:
			fc.Old = show(e.old, fc.Secret)
		default:
			fc.Old, fc.New = show(e.old, fc.Secret), show(e.new, fc.Secret)
		}
		out = append(out, fc)
	}
	slices.SortStableFunc(out, func(a, b FieldChange) int { return strings.Compare(a.Field, b.Field) })
	return out
}

// fieldName names a path as d1lint names fields; the whole object when
// the path is empty.
func fieldName(path []string) string {
	if len(path) == 0 {
		return "(object)"
	}
	return finding.FieldString(path)
}

// Fields returns the names of the fields that differ between two objects,
// sorted (FieldChanges' fields; a move is named by where the value went).
func Fields(base, head map[string]any) []string {
	var out []string
	for _, fc := range FieldChanges(base, head) {
		out = append(out, fc.Field)
	}
	return out
}

func walk(path []string, a, b any, out *[]entry) {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			break
		}
		internal := len(path) == 2 && path[0] == "metadata" && path[1] == "annotations"
		for _, k := range unionKeys(av, bv) {
			if internal && strings.HasPrefix(k, InternalAnnotationPrefix) {
				continue
			}
			x, inA := av[k]
			y, inB := bv[k]
			p := append(path[:len(path):len(path)], k)
			switch {
			case inA && !inB:
				*out = append(*out, entry{op: FieldRemoved, path: p, old: x})
			case inB && !inA:
				*out = append(*out, entry{op: FieldAdded, path: p, new: y})
			default:
				walk(p, x, y, out)
			}
		}
		return
	case []any:
		bv, ok := b.([]any)
		if !ok {
			break
		}
		for i := 0; i < len(av) || i < len(bv); i++ {
			p := append(path[:len(path):len(path)], strconv.Itoa(i))
			switch {
			case i >= len(bv):
				*out = append(*out, entry{op: FieldRemoved, path: p, old: av[i]})
			case i >= len(av):
				*out = append(*out, entry{op: FieldAdded, path: p, new: bv[i]})
			default:
				walk(p, av[i], bv[i], out)
			}
		}
		return
	default:
		if scalarEqual(a, b) {
			return
		}
	}
	// Two leaves that differ, or two values of different shapes.
	*out = append(*out, entry{op: FieldChanged, path: path, old: a, new: b})
}

// movedFrom is the old side of a move entry: where the value was.
type movedFrom struct{ path []string }

// moves pairs a removed field with an added one that holds the same value
// and turns the pair into one move. A candidate with the same last key is
// preferred (a field that changed parents), then one with the same parent
// (a renamed key), then any; a bare true, false, null or "" moves only
// between fields of the same key, as such values match by chance. A
// removed or added map whose values moved in part is split into its
// fields, so that replica.replicaCount -> replicaCount is found too.
func moves(raw []entry) []entry {
	raw = pairs(raw, false)
	// The maps that did not move whole, split into their leaves.
	var leaves []entry
	for _, e := range raw {
		if e.op == FieldRemoved || e.op == FieldAdded {
			leaves = append(leaves, flatten(e)...)
		}
	}
	leaves = pairs(leaves, true)
	moved := map[string]bool{}
	var out []entry
	for _, e := range leaves {
		if e.op == FieldMoved {
			moved[fieldName(e.old.(movedFrom).path)], moved[fieldName(e.path)] = true, true
			out = append(out, e)
		}
	}
	for _, e := range raw {
		if e.op != FieldRemoved && e.op != FieldAdded {
			out = append(out, e)
			continue
		}
		// An entry none of whose leaves moved stays whole.
		ls := flatten(e)
		if !slices.ContainsFunc(ls, func(l entry) bool { return moved[fieldName(l.path)] }) {
			out = append(out, e)
			continue
		}
		for _, l := range ls {
			if !moved[fieldName(l.path)] {
				out = append(out, l)
			}
		}
	}
	return out
}

// pairs turns removed/added pairs of equal values into moves; with
// sameKey, only pairs of the same last key.
func pairs(raw []entry, sameKey bool) []entry {
	used := make([]bool, len(raw))
	for i, r := range raw {
		if r.op != FieldRemoved {
			continue
		}
		best, bestScore := -1, -1
		for j, a := range raw {
			if a.op != FieldAdded || used[j] || !deepEqual(r.old, a.new) {
				continue
			}
			score := 0
			switch {
			case last(r.path) == last(a.path):
				score = 2
			case slices.Equal(r.path[:len(r.path)-1], a.path[:len(a.path)-1]):
				score = 1
			}
			if (sameKey || trivial(r.old)) && score < 2 {
				continue
			}
			if score > bestScore {
				best, bestScore = j, score
			}
		}
		if best >= 0 {
			used[i], used[best] = true, true
			raw[best] = entry{op: FieldMoved, path: raw[best].path, old: movedFrom{r.path}, new: raw[best].new}
		}
	}
	var out []entry
	for i, e := range raw {
		if !used[i] || e.op == FieldMoved {
			out = append(out, e)
		}
	}
	return out
}

// flatten splits a removed or added map into its leaves (maps within
// maps; lists and scalars are leaves).
func flatten(e entry) []entry {
	v := e.old
	if e.op == FieldAdded {
		v = e.new
	}
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return []entry{e}
	}
	var out []entry
	for _, k := range sortedKeys(m) {
		c := entry{op: e.op, path: append(e.path[:len(e.path):len(e.path)], k)}
		if e.op == FieldAdded {
			c.new = m[k]
		} else {
			c.old = m[k]
		}
		out = append(out, flatten(c)...)
	}
	return out
}

func last(p []string) string {
	if len(p) == 0 {
		return ""
	}
	return p[len(p)-1]
}

// trivial values match by chance.
func trivial(v any) bool {
	switch x := v.(type) {
	case nil, bool:
		return true
	case string:
		return x == ""
	}
	return false
}

// deepEqual compares two values, numbers by value (see scalarEqual).
func deepEqual(a, b any) bool {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for k, x := range av {
			y, ok := bv[k]
			if !ok || !deepEqual(x, y) {
				return false
			}
		}
		return true
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for i := range av {
			if !deepEqual(av[i], bv[i]) {
				return false
			}
		}
		return true
	}
	return scalarEqual(a, b)
}

// scalarEqual compares two leaves; numbers compare by value whatever
// their Go type (YAML decoders differ on int64 and float64).
func scalarEqual(a, b any) bool {
	if x, ok := number(a); ok {
		if y, ok := number(b); ok {
			return x == y || (math.IsNaN(x) && math.IsNaN(y))
		}
		return false
	}
	switch a.(type) {
	case map[string]any, []any:
		return false
	}
	switch b.(type) {
	case map[string]any, []any:
		return false
	}
	return reflect.DeepEqual(a, b)
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint64:
		return float64(n), true
	case float32:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// show is a value as a FieldChange shows it: JSON, abbreviated when
// longer than maxValue, credentials taken out of URLs; Secret when secret.
func show(v any, secret bool) *string {
	s := display(v)
	if secret {
		s = Secret
	}
	return &s
}

func display(v any) string {
	switch x := v.(type) {
	case string:
		if r := source.RedactURL(x); r != strings.TrimSpace(x) {
			// A URL with credentials in it (RedactURL also trims).
			x = r
		}
		if utf8.RuneCountInString(x) <= maxValue && !strings.ContainsAny(x, "\n\r") {
			return jsonText(x)
		}
		head, _, multi := strings.Cut(x, "\n")
		r := []rune(head)
		if len(r) > maxValue-20 {
			head = string(r[:maxValue-20])
		}
		note := fmt.Sprintf("%d chars", utf8.RuneCountInString(x))
		if multi {
			note = fmt.Sprintf("%d lines, %s", strings.Count(strings.TrimSuffix(x, "\n"), "\n")+1, note)
		}
		return strings.TrimSuffix(jsonText(head), `"`) + `…" (` + note + ")"
	case map[string]any:
		if s := jsonText(x); len(s) <= maxValue {
			return s
		}
		keys := sortedKeys(x)
		shown := ""
		for i, k := range keys {
			next := shown + k
			if i > 0 {
				next = shown + ", " + k
			}
			if len(next) > maxValue-20 {
				shown += ", …"
				break
			}
			shown = next
		}
		return "{" + strings.TrimPrefix(shown, ", ") + "} (" + plural(len(x), "key", "keys") + ")"
	case []any:
		if s := jsonText(x); len(s) <= maxValue {
			return s
		}
		return "[…] (" + plural(len(x), "item", "items") + ")"
	}
	return jsonText(v)
}

// jsonText is v as compact JSON, without HTML escaping.
func jsonText(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Not JSON (a YAML timestamp decoded as a time, NaN): Go's form.
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
