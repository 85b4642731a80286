// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package resourceset

import (
	"fmt"
	"maps"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Group is the API group of ResourceSet and ResourceSetInputProvider.
const Group = "fluxcd.controlplane.io"

// Kind is the kind Expand expands.
const Kind = "ResourceSet"

// ProviderKind is the kind of the objects spec.inputsFrom refers to.
const ProviderKind = "ResourceSetInputProvider"

// Limits on what one ResourceSet may generate. MaxInputSets is Flux
// Operator's own (Flux Operator docs, ResourceSet, "Input strategy": "If the
// number of permutations exceeds 10000, the operator will fail the
// reconciliation"); MaxOutputBytes is d1lint's, to keep a hostile template
// from exhausting memory.
const (
	MaxInputSets   = 10000
	MaxOutputBytes = 64 << 20
)

// Options tune Expand.
type Options struct {
	// Providers returns the ResourceSetInputProvider objects in a namespace (as decoded YAML maps), in a stable order.
	Providers func(namespace string) []map[string]any
	// ProviderInputs are inputs the user gave for providers d1lint cannot read offline, keyed "namespace/name".
	// They also stand for a provider the render does not hold, and they win over a Static provider's defaultValues.
	ProviderInputs map[string][]map[string]any
}

// Result is what a ResourceSet generates.
type Result struct {
	// Objects are the generated objects in Flux Operator's order: every
	// input set of spec.resources[0], then of spec.resources[1], ..., then
	// every input set of spec.resourcesTemplate (and so for each step).
	Objects []Object
	// ServiceAccountName is spec.serviceAccountName ("" when unset).
	ServiceAccountName string
	DependsOn          []Dependency
	// Inputs is the number of input sets.
	Inputs int
	// Excluded are the generated objects Flux Operator skips because their
	// fluxcd.controlplane.io/reconcile annotation is "disabled".
	Excluded []Object
	// Duplicates are the generated objects dropped because an earlier one
	// has the same group, kind, namespace and name (the first one wins).
	Duplicates []Object
	// Steps are the names of spec.steps, in order (nil without steps).
	Steps []string
}

// Object is one generated object.
type Object struct {
	Object map[string]any
	// Input is the input set it was generated from (nil when the ResourceSet has no inputs), InputIndex its position
	// (0 when Input is nil).
	Input      map[string]any
	InputIndex int
	// Resource is the index of its entry in spec.resources, or -1 when it comes from spec.resourcesTemplate.
	Resource int
	// TemplateLine is, for resourcesTemplate, the 1-based line within the template string where the document starts (0 otherwise).
	TemplateLine int
	// Step is the name of the spec.steps entry it comes from ("" without steps);
	// Resource and TemplateLine are then relative to that step.
	Step string
}

// Dependency is one entry of spec.dependsOn.
type Dependency struct {
	APIVersion, Kind, Name, Namespace string
	Ready                             bool
	ReadyExpr                         string
	// ExprError is the CEL parse error of ReadyExpr, "" when it parses.
	ExprError string
}

// NotRenderedError says d1lint cannot know a ResourceSet's inputs offline:
// a limitation of linting before the merge, not the user's mistake.
type NotRenderedError struct{ Reason string }

// Error implements error.
func (e *NotRenderedError) Error() string { return "ResourceSet not rendered: " + e.Reason }

// TemplateError says the ResourceSet is wrong: Flux Operator would fail to
// build it too. Resource is the index of the spec.resources entry at fault,
// or -1 for spec.resourcesTemplate (Line is then the 1-based template line,
// 0 when unknown) and for faults of the spec as a whole. Msg carries the
// template engine's or decoder's message.
type TemplateError struct {
	Resource int
	Line     int
	Msg      string
	// Step is the name of the spec.steps entry at fault, "" without steps.
	Step string
	// Template says the fault is in spec.resourcesTemplate (Resource is then -1).
	Template bool
}

// Error implements error.
func (e *TemplateError) Error() string {
	var where string
	switch {
	case e.Resource >= 0:
		where = fmt.Sprintf("resources[%d]: ", e.Resource)
	case e.Template && e.Line > 0:
		where = fmt.Sprintf("resourcesTemplate line %d: ", e.Line)
	case e.Template:
		where = "resourcesTemplate: "
	}
	if e.Step != "" {
		where = fmt.Sprintf("step %q: %s", e.Step, where)
	}
	return where + e.Msg
}

func specError(format string, args ...any) *TemplateError {
	return &TemplateError{Resource: -1, Msg: fmt.Sprintf(format, args...)}
}

// Expand generates the objects of the ResourceSet rs (a decoded object) as Flux Operator would.
// A *NotRenderedError means d1lint cannot know the inputs offline (a limitation, not the user's mistake);
// a *TemplateError means the ResourceSet is wrong (Flux Operator would fail too): it names the resource index
// (or template line) and carries the template engine's message.
func Expand(rs map[string]any, opts Options) (res *Result, err error) {
	// A linter reads hostile input: whatever slips past the checks below
	// becomes a TemplateError, never a crash of the whole run.
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, specError("internal error expanding the ResourceSet: %v", r)
		}
	}()
	spec, _ := rs["spec"].(map[string]any)
	meta, _ := rs["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	namespace, _ := meta["namespace"].(string)

	res = &Result{}
	res.ServiceAccountName, _ = spec["serviceAccountName"].(string)
	res.DependsOn = dependencies(spec["dependsOn"])

	// Flux Operator checks the spec before computing inputs: steps exclude
	// resources and resourcesTemplate, and every step has one of them
	// (ValidateResourceSetSpec, mirroring the CRD's CEL rules).
	groups, err := resourceGroups(spec)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		if g.step != "" {
			res.Steps = append(res.Steps, g.step)
		}
	}

	sets, err := combinedInputs(spec, name, namespace, opts)
	if err != nil {
		return nil, err
	}
	res.Inputs = len(sets)

	// Flux Operator docs, ResourceSet, "Inputs configuration": with inputsFrom
	// set and no input from the providers, the operator "reconcile[s] an empty
	// set" (garbage-collecting what it applied before): nothing is generated.
	if inputsFrom, _ := spec["inputsFrom"].([]any); len(inputsFrom) > 0 && len(sets) == 0 {
		return res, nil
	}

	b := &budget{left: MaxOutputBytes}
	stepOf := map[string]string{}
	for _, g := range groups {
		objs, excluded, dups, err := g.build(sets, b)
		if err != nil {
			return nil, err
		}
		// Flux Operator docs, ResourceSet, "Steps configuration": "A resource
		// can be defined in only one step, duplicate resources across steps
		// result in a build failure."
		if g.step != "" {
			for _, o := range objs {
				key := objectKey(o.Object)
				if prev, ok := stepOf[key]; ok && prev != g.step {
					return nil, &TemplateError{Resource: o.Resource, Line: o.TemplateLine, Step: g.step, Template: o.Resource < 0,
						Msg: fmt.Sprintf("duplicate resource %s, already defined in step %q", describe(o.Object), prev)}
				}
				stepOf[key] = g.step
			}
		}
		res.Objects = append(res.Objects, objs...)
		res.Excluded = append(res.Excluded, excluded...)
		res.Duplicates = append(res.Duplicates, dups...)
	}

	labels, annotations := commonMetadata(spec)
	for _, o := range res.Objects {
		u := &unstructured.Unstructured{Object: o.Object}
		// Flux Operator labels every applied object with its owner ResourceSet
		// (ssa ResourceManager.SetOwnerLabels with the group
		// resourceset.fluxcd.controlplane.io) and then applies commonMetadata,
		// so commonMetadata may override those labels (Flux Operator docs,
		// ResourceSet, "Common metadata": "Any existing label will be
		// overridden if it matches with a key in this map").
		setMetadata(u, map[string]string{
			"resourceset." + Group + "/name":      name,
			"resourceset." + Group + "/namespace": namespace,
		}, nil)
		setMetadata(u, labels, annotations)
	}
	return res, nil
}

// setMetadata merges labels and annotations into the object's, as
// fluxcd/pkg/ssa's SetCommonMetadata does.
func setMetadata(u *unstructured.Unstructured, labels, annotations map[string]string) {
	if len(labels) > 0 {
		l := u.GetLabels()
		if l == nil {
			l = map[string]string{}
		}
		maps.Copy(l, labels)
		u.SetLabels(l)
	}
	if len(annotations) > 0 {
		a := u.GetAnnotations()
		if a == nil {
			a = map[string]string{}
		}
		maps.Copy(a, annotations)
		u.SetAnnotations(a)
	}
}

func commonMetadata(spec map[string]any) (labels, annotations map[string]string) {
	cm, _ := spec["commonMetadata"].(map[string]any)
	return stringMap(cm["labels"]), stringMap(cm["annotations"])
}

func stringMap(v any) map[string]string {
	m, _ := v.(map[string]any)
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		} else if v != nil {
			out[k] = fmt.Sprint(v)
		}
	}
	return out
}

// objectKey identifies an object as Flux Operator deduplicates it: by
// group, kind, namespace and name. The Flux Operator docs (ResourceSet,
// "Resource deduplication") say apiVersion; the operator drops the version
// (two versions of one group are one object on the cluster), and so does
// this.
func objectKey(obj map[string]any) string {
	u := unstructured.Unstructured{Object: obj}
	gv, _ := schema.ParseGroupVersion(u.GetAPIVersion())
	return strings.Join([]string{gv.Group, u.GetKind(), u.GetNamespace(), u.GetName()}, "/")
}

func describe(obj map[string]any) string {
	u := unstructured.Unstructured{Object: obj}
	if ns := u.GetNamespace(); ns != "" {
		return u.GetKind() + "/" + ns + "/" + u.GetName()
	}
	return u.GetKind() + "/" + u.GetName()
}
