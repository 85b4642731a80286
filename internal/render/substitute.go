// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/fluxcd/pkg/envsubst/parse"
	"github.com/fluxcd/pkg/kustomize"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/d1lint/d1lint/internal/model"
)

// storeClient is the in-memory stand-in for the cluster API that
// fluxcd/pkg/kustomize's SubstituteVariables reads substituteFrom ConfigMaps
// and Secrets through. Seeding it from the render keeps Flux's own
// semantics (order, optional, NotFound handling) offline. Only Get is used
// by the library; the embedded nil interface makes any other call fail loudly.
type storeClient struct {
	client.Client
	lookup func(kind, namespace, name string) *stored
}

func (c storeClient) Get(_ context.Context, key client.ObjectKey, obj client.Object, _ ...client.GetOption) error {
	switch o := obj.(type) {
	case *corev1.ConfigMap:
		s := c.lookup("ConfigMap", key.Namespace, key.Name)
		if s == nil {
			return apierrors.NewNotFound(schema.GroupResource{Resource: "configmaps"}, key.Name)
		}
		o.Name, o.Namespace = key.Name, key.Namespace
		o.Data = stringMap(s.obj["data"])
		return nil
	case *corev1.Secret:
		s := c.lookup("Secret", key.Namespace, key.Name)
		if s == nil {
			return apierrors.NewNotFound(schema.GroupResource{Resource: "secrets"}, key.Name)
		}
		o.Name, o.Namespace = key.Name, key.Namespace
		o.Data = secretData(s)
		return nil
	}
	return fmt.Errorf("d1lint: unexpected read of %T", obj)
}

// secretData returns a Secret's data as the API server would: data values
// base64-decoded, stringData merged in. SOPS-encrypted values do not decode;
// their keys still count as defined, so the raw value is kept.
func secretData(s *stored) map[string][]byte {
	out := map[string][]byte{}
	for k, v := range stringMap(s.obj["data"]) {
		if b, err := base64.StdEncoding.DecodeString(v); err == nil {
			out[k] = b
		} else {
			out[k] = []byte(v)
		}
	}
	for k, v := range stringMap(s.obj["stringData"]) {
		out[k] = []byte(v)
	}
	for _, k := range s.keys {
		if _, ok := out[k]; !ok {
			out[k] = []byte("")
		}
	}
	return out
}

func stringMap(v any) map[string]string {
	m, _ := v.(map[string]any)
	out := make(map[string]string, len(m))
	for k, e := range m {
		switch t := e.(type) {
		case string:
			out[k] = t
		case nil:
			out[k] = ""
		default:
			out[k] = fmt.Sprint(t)
		}
	}
	return out
}

// defaultOps are envsubst operators that supply a value for an unset
// variable (fluxcd/pkg/envsubst isDefaultOp).
var defaultOps = map[string]bool{"-": true, "+": true, "=": true, "?": true, ":-": true, ":+": true, ":=": true, ":?": true}

// varUse is a ${VAR} reference found in an object before substitution.
type varUse struct {
	name, expr, field string
	// op is the envsubst operator as its parser names it (parse.FuncNode
	// Name): "" for ${VAR}, ":-", ":=", ":+", ... ("#" without an argument
	// is the length, ${#VAR}).
	op         string
	segs       []string
	hasDefault bool
}

// parseError is a string of an object that Flux's envsubst parser rejects:
// kustomize-controller's substitution of the object fails, and with it the
// whole Kustomization.
type parseError struct {
	field string   // the field, as d1lint shows fields
	segs  []string // its keys and indices
	text  string   // the string that does not parse
	err   error
}

func (e *parseError) Error() string {
	return fmt.Sprintf("field %s: %v", e.field, e.err)
}

func (e *parseError) Unwrap() error { return e.err }

// findVars returns every variable reference in the string leaves (and map
// keys) of obj, parsed with Flux's own envsubst parser. A leaf the parser
// rejects makes Flux's substitution fail for the whole Kustomization; the
// first is returned as a *parseError naming the field. dollar reports
// whether any string holds a '$' at all.
func findVars(obj map[string]any) (uses []varUse, dollar bool, err error) {
	var out []varUse
	var firstErr *parseError
	var walk func(v any, path string, segs []string)
	visit := func(s, path string, segs []string) {
		if !strings.Contains(s, "$") {
			return
		}
		dollar = true
		tree, err := parse.Parse(s)
		if err != nil {
			if firstErr == nil {
				firstErr = &parseError{field: path, segs: segs, text: s, err: err}
			}
			return
		}
		var nodes func(n parse.Node)
		nodes = func(n parse.Node) {
			switch t := n.(type) {
			case *parse.ListNode:
				for _, c := range t.Nodes {
					nodes(c)
				}
			case *parse.FuncNode:
				out = append(out, varUse{name: t.Param, expr: exprOf(t), op: t.Name, field: path, segs: segs, hasDefault: defaultOps[t.Name]})
				for _, a := range t.Args {
					nodes(a)
				}
			}
		}
		nodes(tree.Root)
	}
	walk = func(v any, path string, segs []string) {
		switch t := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(t))
			for k := range t {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				p := k
				if path != "" {
					p = path + "." + k
				}
				s := append(segs[:len(segs):len(segs)], k)
				visit(k, p, s)
				walk(t[k], p, s)
			}
		case []any:
			for i, e := range t {
				walk(e, path+"["+strconv.Itoa(i)+"]", append(segs[:len(segs):len(segs)], strconv.Itoa(i)))
			}
		case string:
			visit(t, path, segs)
		}
	}
	walk(obj, "", nil)
	if firstErr != nil {
		return out, dollar, firstErr
	}
	return out, dollar, nil
}

// unsupported matches the shell parameter expansions that Flux's envsubst
// parser (fluxcd/pkg/envsubst parse.go) has no rule for, at a "${" that is
// no "$${" escape: after the name, parseFunc knows only ':', '=', ',', '^',
// '/', '#', '%' and '}', so ${VAR-x}, ${VAR+x}, ${VAR?x}, ${VAR[0]} and
// ${VAR@Q} fail with "missing closing brace"; ${!VAR} is no name ("unable
// to parse variable name").
var unsupported = regexp.MustCompile(`(^|[^$])(\$\{(!|[\p{L}\p{N}_]+([-+?\[@])))`)

// hint says which construct of s Flux's envsubst does not support, and what
// to write instead, or "" when the parse error is of another kind.
func hint(s string) string {
	m := unsupported.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	switch m[3] {
	case "!":
		return "indirect references (${!VAR}) are not supported by Flux's envsubst"
	}
	name := strings.TrimSuffix(m[3], m[4])
	switch m[4] {
	case "-":
		return fmt.Sprintf("${%s-...} (without a colon) is not supported by Flux's envsubst: write ${%s:-...} or ${%s:=...}, which also replace an empty value", name, name, name)
	case "+":
		return fmt.Sprintf("${%s+...} is not supported by Flux's envsubst (and it reads ${%s:+...} as ${%s:-...})", name, name, name)
	case "?":
		return fmt.Sprintf("${%s?...} is not supported by Flux's envsubst (and ${%s:?...} never fails: it substitutes the message)", name, name)
	case "[":
		return fmt.Sprintf("arrays (${%s[...]}) are not supported by Flux's envsubst", name)
	default:
		return fmt.Sprintf("${%s@...} transformations are not supported by Flux's envsubst", name)
	}
}

func exprOf(n *parse.FuncNode) string {
	if n.Name == "" && len(n.Args) == 0 {
		return "${" + n.Param + "}"
	}
	var args []string
	for _, a := range n.Args {
		if t, ok := a.(*parse.TextNode); ok {
			args = append(args, t.Value)
		} else {
			args = append(args, "…")
		}
	}
	return "${" + n.Param + n.Name + strings.Join(args, "") + "}"
}

// varStatus says what Flux does with a reference.
func varStatus(u varUse, vars map[string]string, substituted bool) string {
	switch _, ok := vars[u.name]; {
	case !substituted:
		return model.VarNotSubstituted
	case ok:
		return model.VarResolved
	case u.hasDefault:
		return model.VarDefaulted
	default:
		return model.VarUndefined
	}
}

// substResult is the outcome of Flux's substitution of one object.
type substResult struct {
	obj map[string]any // nil when Flux skipped the object
	err error
}

// varNames is the sorted, joined set of defined variable names: Flux
// validates every name before substituting, so the set is part of what
// decides the outcome.
func varNames(vars map[string]string) string {
	names := make([]string, 0, len(vars))
	for k := range vars {
		names = append(names, k)
	}
	slices.Sort(names)
	return strings.Join(names, "\x00")
}

// substitute runs fluxcd/pkg/kustomize's SubstituteVariables on object i of
// build b, memoised across clusters. The outcome depends only on the object,
// on the set of defined variable names, and on the values of the variables
// the object references; clusters that agree on those share the work (every
// staging cluster substitutes ${ENVIRONMENT} the same way).
func (bl *builder) substitute(ctx context.Context, c storeClient, ks *unstructured.Unstructured, b *built, i int, names string, vars map[string]string) *substResult {
	var key strings.Builder
	key.WriteString(b.key)
	fmt.Fprintf(&key, "\x01%d\x01%s\x01", i, names)
	for _, u := range b.uses[i] {
		if v, ok := vars[u.name]; ok {
			fmt.Fprintf(&key, "%s=%q\x01", u.name, v)
		} else {
			fmt.Fprintf(&key, "%s!\x01", u.name)
		}
	}
	k := key.String()
	r, _ := bl.substituted.Do(k, func() *substResult {
		if leafSubstitution {
			if obj, ok := substituteLeaves(ctx, c, ks, b.maps[i]); ok {
				return &substResult{obj: obj}
			}
		}
		res := b.resources[i].DeepCopy()
		out, err := kustomize.SubstituteVariables(ctx, c, *ks, res)
		r := &substResult{err: err}
		if err == nil && out != nil {
			r.obj = asMap(res)
		}
		return r
	})
	return r
}
