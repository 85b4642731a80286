// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package resourceset

import (
	"encoding/json"
	"fmt"
	"hash/adler32"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	utiljson "k8s.io/apimachinery/pkg/util/json"
)

// source is one provider of input sets: the ResourceSet itself (inline
// spec.inputs) or a ResourceSetInputProvider.
type source struct {
	kind, name, namespace string
	inputs                []map[string]any
}

// inputID is Flux Operator's opaque id of an input set: the decimal
// Adler-32 checksum of a string (Flux Operator docs,
// ResourceSetInputProvider, "Type": "id: the Adler-32 checksum of ...").
func inputID(s string) string {
	return strconv.FormatUint(uint64(adler32.Checksum([]byte(s))), 10)
}

// combinedInputs returns the input sets of the ResourceSet, combined by its
// input strategy.
func combinedInputs(spec map[string]any, name, namespace string, opts Options) ([]map[string]any, error) {
	inline, err := inputList(spec["inputs"], "spec.inputs")
	if err != nil {
		return nil, err
	}
	providers, err := selectProviders(spec, namespace, opts)
	if err != nil {
		return nil, err
	}
	// The ResourceSet is the first source, then the providers sorted by
	// namespace and name (Flux Operator keeps the selected providers in a map
	// keyed by their reference and sorts it), not in spec.inputsFrom order.
	sources := append([]source{{kind: Kind, name: name, namespace: namespace, inputs: inline}}, providers...)
	for _, s := range sources {
		// Flux Operator docs, ResourceSet, "Built-in input fields": every
		// input set carries inputs.provider (apiVersion, kind, name,
		// namespace of the object providing it), which users cannot
		// override.
		for _, in := range s.inputs {
			in["provider"] = map[string]any{
				"apiVersion": Group + "/v1",
				"kind":       s.kind,
				"name":       s.name,
				"namespace":  s.namespace,
			}
		}
	}

	strategy, _ := spec["inputStrategy"].(map[string]any)
	switch sname, _ := strategy["name"].(string); sname {
	case "", "Flatten":
		// Flux Operator docs, ResourceSet, "Input strategy": by default "the
		// resulting inputs are the flattened concatenation of the
		// .spec.inputs input sets with the input sets from each selected
		// ResourceSetInputProvider object".
		var out []map[string]any
		for _, s := range sources {
			out = append(out, s.inputs...)
		}
		if len(out) > MaxInputSets {
			return nil, specError("%d input sets exceed d1lint's limit of %d", len(out), MaxInputSets)
		}
		return out, nil
	case "Permute":
		includeEmpty, _ := strategy["includeEmptyProviders"].(bool)
		return permute(sources, includeEmpty)
	default:
		return nil, specError("unknown input strategy: '%s'", sname)
	}
}

// permute returns the Cartesian product of the sources' input sets, each
// nested under its source's normalized name, with an id derived from the
// permutation (Flux Operator docs, ResourceSet, "Input strategy" and
// "Built-in input fields").
func permute(sources []source, includeEmpty bool) ([]map[string]any, error) {
	type scoped struct {
		key    string
		inputs []map[string]any
	}
	var lists []scoped
	total := uint64(0)
	for _, s := range sources {
		// "When false or unset (default), providers with zero inputs are
		// silently skipped and the remaining providers still permute among
		// themselves."
		if !includeEmpty && len(s.inputs) == 0 {
			continue
		}
		if len(lists) == 0 {
			total = uint64(len(s.inputs))
		} else {
			total *= uint64(len(s.inputs))
		}
		if total > MaxInputSets {
			return nil, specError("adding %s '%s' with %d inputs would exceed the maximum allowed permutations. max: %d, got: %d",
				s.kind, s.name, len(s.inputs), MaxInputSets, total)
		}
		key := normalizeKey(s.name)
		if key == "" {
			return nil, specError("normalized provider name is empty: '%s'", s.name)
		}
		lists = append(lists, scoped{key: key, inputs: s.inputs})
	}
	if len(lists) == 0 {
		return nil, nil
	}
	for _, l := range lists {
		// "if any input provider exports zero inputs the resulting
		// permutation set is empty" (includeEmptyProviders: true).
		if len(l.inputs) == 0 {
			return nil, nil
		}
	}
	// Odometer over the lists: the last source varies fastest, so the
	// permutations come in the order of the sources and of their inputs.
	idx := make([]int, len(lists))
	var out []map[string]any
	for {
		perm := map[string]any{}
		parts := make([]string, len(lists))
		for i, l := range lists {
			// A later source whose name normalizes to the same key replaces
			// the earlier one, as merging the scoped maps does upstream.
			perm[l.key] = l.inputs[idx[i]]
			parts[i] = fmt.Sprintf("%s=%d", l.key, idx[i])
		}
		perm["id"] = inputID(strings.Join(parts, "/"))
		out = append(out, perm)
		i := len(lists) - 1
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < len(lists[i].inputs) {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return out, nil
		}
	}
}

// normalizeKey turns a source name into a template-friendly key (Flux
// Operator docs, ResourceSet, "Input strategy"): lowercase; spaces and
// punctuation become '_'; characters outside [a-z0-9_] are dropped; the
// non-empty '_'-separated words are rejoined with '_'.
func normalizeKey(name string) string {
	mapped := strings.Map(func(r rune) rune {
		r = unicode.ToLower(r)
		switch {
		case unicode.IsSpace(r) || unicode.IsPunct(r):
			return '_'
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		}
		return -1
	}, name)
	return strings.Join(slices.DeleteFunc(strings.Split(mapped, "_"), func(w string) bool { return w == "" }), "_")
}

// selectProviders resolves spec.inputsFrom to the providers' input sets,
// sorted by name, each provider once.
func selectProviders(spec map[string]any, namespace string, opts Options) ([]source, error) {
	refs, _ := spec["inputsFrom"].([]any)
	if len(refs) == 0 {
		return nil, nil
	}
	var all []map[string]any
	if opts.Providers != nil {
		for _, p := range opts.Providers(namespace) {
			if providerNamespace(p, namespace) == namespace && isProvider(p) {
				all = append(all, p)
			}
		}
	}
	byName := map[string]map[string]any{}
	for _, p := range all {
		byName[objectName(p)] = p
	}
	selected := map[string]map[string]any{}
	for i, r := range refs {
		ref, _ := r.(map[string]any)
		name, _ := ref["name"].(string)
		switch {
		case name != "":
			if _, ok := selected[name]; ok {
				continue
			}
			p, ok := byName[name]
			if !ok {
				// The operator fails when a named provider does not exist
				// ("failed to get provider"); offline, the provider may be
				// applied from elsewhere, so this is a limitation unless the
				// user gave its inputs.
				if _, given := opts.ProviderInputs[namespace+"/"+name]; !given {
					return nil, &NotRenderedError{Reason: fmt.Sprintf("%s %s/%s (spec.inputsFrom[%d]) is not in the render, so its type and inputs are unknown",
						ProviderKind, namespace, name, i)}
				}
				p = map[string]any{"metadata": map[string]any{"name": name, "namespace": namespace}}
			}
			selected[name] = p
		case ref["selector"] != nil:
			sel, err := labelSelector(ref["selector"])
			if err != nil {
				return nil, specError("spec.inputsFrom[%d]: failed to parse selector: %v", i, err)
			}
			for _, p := range all {
				if sel.Matches(labels.Set(objectLabels(p))) {
					selected[objectName(p)] = p
				}
			}
		default:
			return nil, specError("spec.inputsFrom[%d]: input provider reference must have either name or selector set", i)
		}
	}
	names := slices.Sorted(maps.Keys(selected))
	out := make([]source, 0, len(names))
	for _, name := range names {
		inputs, err := providerInputs(selected[name], name, namespace, opts)
		if err != nil {
			return nil, err
		}
		out = append(out, source{kind: ProviderKind, name: name, namespace: namespace, inputs: inputs})
	}
	return out, nil
}

// providerInputs returns the input sets a provider exports.
func providerInputs(p map[string]any, name, namespace string, opts Options) ([]map[string]any, error) {
	key := namespace + "/" + name
	if given, ok := opts.ProviderInputs[key]; ok {
		return inputMaps(given, "inputs given for "+ProviderKind+" "+key)
	}
	spec, _ := p["spec"].(map[string]any)
	typ, _ := spec["type"].(string)
	if typ != "Static" {
		return nil, &NotRenderedError{Reason: fmt.Sprintf("%s %s is of type %s, whose inputs d1lint cannot read offline; give them with the provider inputs option",
			ProviderKind, key, typeName(typ))}
	}
	// Flux Operator docs, ResourceSetInputProvider, "Type": Static "exports
	// a single input map with the values from the field .spec.defaultValues
	// and the additional value id: the Adler-32 checksum of the
	// ResourceSetInputProvider UID". The UID exists only on the cluster:
	// offline, Flux Operator's own `flux-operator build resourceset
	// --inputs-from-provider` uses the checksum of the provider's name, and
	// so does d1lint. The id is set first, so a defaultValues id does not
	// replace it.
	defaults, _ := spec["defaultValues"].(map[string]any)
	in := map[string]any{"id": inputID(name)}
	for k, v := range defaults {
		if _, ok := in[k]; !ok {
			in[k] = v
		}
	}
	return inputMaps([]map[string]any{in}, ProviderKind+" "+key+" spec.defaultValues")
}

func typeName(t string) string {
	if t == "" {
		return "(unset)"
	}
	return t
}

// inputList reads spec.inputs: a list of maps.
func inputList(v any, what string) ([]map[string]any, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, specError("%s: not a list", what)
	}
	maps := make([]map[string]any, 0, len(list))
	for i, e := range list {
		m, ok := e.(map[string]any)
		if e == nil {
			// A null entry is an empty input set, as an empty JSON object is.
			m, ok = map[string]any{}, true
		}
		if !ok {
			return nil, specError("%s[%d]: not a map", what, i)
		}
		maps = append(maps, m)
	}
	return inputMaps(maps, what)
}

// inputMaps copies input sets through JSON, as the operator stores them
// (apiextensions JSON values) and reads them back with apimachinery's JSON
// decoder: integers become int64 and floats float64 whatever the caller's
// YAML decoder produced, so templates print them as the operator does.
func inputMaps(in []map[string]any, what string) ([]map[string]any, error) {
	out := make([]map[string]any, 0, len(in))
	for i, m := range in {
		b, err := json.Marshal(m)
		if err != nil {
			return nil, specError("%s[%d]: %v", what, i, err)
		}
		var c map[string]any
		if err := utiljson.Unmarshal(b, &c); err != nil {
			return nil, specError("%s[%d]: %v", what, i, err)
		}
		if c == nil {
			c = map[string]any{}
		}
		out = append(out, c)
	}
	return out, nil
}

func labelSelector(v any) (labels.Selector, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode selector: %w", err)
	}
	var ls metav1.LabelSelector
	if err := json.Unmarshal(b, &ls); err != nil {
		return nil, fmt.Errorf("decode selector: %w", err)
	}
	return metav1.LabelSelectorAsSelector(&ls)
}

func isProvider(p map[string]any) bool {
	kind, _ := p["kind"].(string)
	apiVersion, _ := p["apiVersion"].(string)
	return kind == ProviderKind && strings.HasPrefix(apiVersion, Group+"/")
}

func objectName(p map[string]any) string {
	meta, _ := p["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	return name
}

func providerNamespace(p map[string]any, def string) string {
	meta, _ := p["metadata"].(map[string]any)
	if ns, _ := meta["namespace"].(string); ns != "" {
		return ns
	}
	return def
}

func objectLabels(p map[string]any) map[string]string {
	meta, _ := p["metadata"].(map[string]any)
	return stringMap(meta["labels"])
}
