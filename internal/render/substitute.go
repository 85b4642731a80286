// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"context"
	"encoding/base64"
	"fmt"
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
	segs              []string
	hasDefault        bool
}

// findVars returns every variable reference in the string leaves (and map
// keys) of obj, parsed with Flux's own envsubst parser. A leaf the parser
// rejects makes Flux's substitution fail for the whole Kustomization; it is
// returned as an error naming the field. dollar reports whether any string
// holds a '$' at all.
func findVars(obj map[string]any) (uses []varUse, dollar bool, err error) {
	var out []varUse
	var firstErr error
	var walk func(v any, path string, segs []string)
	visit := func(s, path string, segs []string) {
		if !strings.Contains(s, "$") {
			return
		}
		dollar = true
		tree, err := parse.Parse(s)
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("field %s: %w", path, err)
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
				out = append(out, varUse{name: t.Param, expr: exprOf(t), field: path, segs: segs, hasDefault: defaultOps[t.Name]})
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
	return out, dollar, firstErr
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
	if r, ok := bl.substituted.Load(k); ok {
		return r.(*substResult)
	}
	res := b.resources[i].DeepCopy()
	out, err := kustomize.SubstituteVariables(ctx, c, *ks, res)
	r := &substResult{err: err}
	if err == nil && out != nil {
		r.obj = asMap(res)
	}
	actual, _ := bl.substituted.LoadOrStore(k, r)
	return actual.(*substResult)
}
