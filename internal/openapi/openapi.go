// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package openapi turns the OpenAPI schemas that Kubernetes publishes (the
// API server's swagger.json, a CustomResourceDefinition's
// openAPIV3Schema) into strict JSON Schema (draft 4, as kubeconform
// compiles it): an object that lists its properties admits no others,
// unless Kubernetes itself preserves unknown fields there.
//
// The bundle generator (internal/schema/gen) and the validator (for CRDs
// found in a render) share it, so bundled and on-the-fly schemas read the
// same way.
package openapi

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Strict returns a strict JSON Schema for an OpenAPI v3 (CRD) or v2
// (swagger definition) schema. The input is not modified.
//
// Following the API server:
//   - an object schema with properties and no additionalProperties admits no
//     other field (the structural-schema pruning that drops unknown fields,
//     here made an error, as kubeconform -strict does);
//   - x-kubernetes-preserve-unknown-fields keeps an object open;
//   - x-kubernetes-int-or-string and format int-or-string admit an integer or
//     a string;
//   - x-kubernetes-embedded-resource objects may carry apiVersion, kind and
//     metadata;
//   - descriptions, defaults, examples and other x-kubernetes-* annotations
//     do not take part in validation and are dropped (CEL rules in
//     x-kubernetes-validations cannot be evaluated offline).
func Strict(s map[string]any) map[string]any {
	return strict(s)
}

func strict(s map[string]any) map[string]any {
	out := make(map[string]any, len(s))
	for k, v := range s {
		switch {
		case k == "description", k == "default", k == "example", k == "externalDocs", k == "nullable",
			k == "title", strings.HasPrefix(k, "x-"):
			// Annotations, not assertions.
		case k == "properties", k == "patternProperties", k == "definitions":
			if m, ok := v.(map[string]any); ok {
				props := make(map[string]any, len(m))
				for name, sub := range m {
					if sm, ok := sub.(map[string]any); ok {
						props[name] = strict(sm)
					} else {
						props[name] = sub
					}
				}
				out[k] = props
			}
		case k == "items", k == "additionalProperties", k == "not", k == "additionalItems":
			switch t := v.(type) {
			case map[string]any:
				out[k] = strict(t)
			case []any:
				out[k] = strictList(t)
			default:
				out[k] = v
			}
		case k == "allOf", k == "anyOf", k == "oneOf":
			if l, ok := v.([]any); ok {
				out[k] = strictList(l)
			}
		default:
			out[k] = v
		}
	}
	if s["x-kubernetes-int-or-string"] == true || s["format"] == "int-or-string" {
		// Kubernetes' IntOrString: either JSON type is valid. A CRD usually
		// spells it anyOf [integer, string]; keep what it says and drop the
		// single type it may also carry.
		delete(out, "type")
		delete(out, "format")
		if _, ok := out["anyOf"]; !ok {
			out["oneOf"] = []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}}
		}
	}
	if s["x-kubernetes-embedded-resource"] == true {
		props, _ := out["properties"].(map[string]any)
		if props != nil {
			for _, f := range []string{"apiVersion", "kind"} {
				if _, ok := props[f]; !ok {
					props[f] = map[string]any{"type": "string"}
				}
			}
			if _, ok := props["metadata"]; !ok {
				props["metadata"] = map[string]any{"type": "object"}
			}
		}
	}
	_, hasProps := out["properties"]
	_, hasAdditional := out["additionalProperties"]
	if hasProps && !hasAdditional && s["x-kubernetes-preserve-unknown-fields"] != true {
		out["additionalProperties"] = false
	}
	return out
}

func strictList(l []any) []any {
	out := make([]any, len(l))
	for i, e := range l {
		if m, ok := e.(map[string]any); ok {
			out[i] = strict(m)
		} else {
			out[i] = e
		}
	}
	return out
}

// Digest is a short content address of a JSON document: the first 16 hex
// digits of the SHA-256 of its canonical encoding (encoding/json sorts map
// keys).
func Digest(doc any) (string, []byte, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return "", nil, err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8]), b, nil
}

// CRD is what schema validation needs of a CustomResourceDefinition.
type CRD struct {
	Group string `json:"group"`
	Kind  string `json:"kind"`
	// Versions are in the CRD's order.
	Versions []CRDVersion `json:"versions"`
}

// CRDVersion is one entry of a CRD's spec.versions.
type CRDVersion struct {
	Name       string `json:"name"`
	Served     bool   `json:"served"`
	Storage    bool   `json:"storage,omitempty"`
	Deprecated bool   `json:"deprecated,omitempty"`
	Warning    string `json:"warning,omitempty"`
	// Schema is the digest of the strict schema (see Digest); empty when the
	// version declares none.
	Schema string `json:"schema,omitempty"`
}

// StorageVersion is the version the API server stores, the natural
// replacement for a removed or deprecated one; the newest served version
// when none is marked.
func (c *CRD) StorageVersion() string {
	for _, v := range c.Versions {
		if v.Storage {
			return v.Name
		}
	}
	for i := len(c.Versions) - 1; i >= 0; i-- {
		if c.Versions[i].Served {
			return c.Versions[i].Name
		}
	}
	return ""
}

// Version returns the entry for name, or nil.
func (c *CRD) Version(name string) *CRDVersion {
	for i := range c.Versions {
		if c.Versions[i].Name == name {
			return &c.Versions[i]
		}
	}
	return nil
}

// ParseCRD reads an apiextensions.k8s.io/v1 CustomResourceDefinition (as a
// decoded object) and returns it with the strict schema of each version,
// keyed by digest.
func ParseCRD(obj map[string]any) (*CRD, map[string][]byte, error) {
	crd, raws, err := ReadCRD(obj)
	if err != nil {
		return nil, nil, err
	}
	schemas := map[string][]byte{}
	for i, raw := range raws {
		if raw == nil {
			continue
		}
		d, b, err := crd.VersionSchema(i, raw)
		if err != nil {
			return nil, nil, err
		}
		crd.Versions[i].Schema, schemas[d] = d, b
	}
	return crd, schemas, nil
}

// ReadCRD is ParseCRD without the versions' schemas: each version's Schema
// is left empty, and its openAPIV3Schema is returned at its index (nil
// when it declares none), for VersionSchema. Building a strict schema
// costs far more than reading the CRD, and most versions of most CRDs
// never meet an object.
func ReadCRD(obj map[string]any) (*CRD, []map[string]any, error) {
	if av, _ := obj["apiVersion"].(string); av != "apiextensions.k8s.io/v1" {
		return nil, nil, fmt.Errorf("not an apiextensions.k8s.io/v1 CustomResourceDefinition (apiVersion %q)", av)
	}
	spec, _ := obj["spec"].(map[string]any)
	names, _ := spec["names"].(map[string]any)
	crd := &CRD{}
	crd.Group, _ = spec["group"].(string)
	crd.Kind, _ = names["kind"].(string)
	if crd.Group == "" || crd.Kind == "" {
		return nil, nil, fmt.Errorf("CustomResourceDefinition has no spec.group or spec.names.kind")
	}
	versions, _ := spec["versions"].([]any)
	var raws []map[string]any
	for _, e := range versions {
		v, _ := e.(map[string]any)
		name, _ := v["name"].(string)
		if name == "" {
			continue
		}
		cv := CRDVersion{Name: name}
		cv.Served, _ = v["served"].(bool)
		cv.Storage, _ = v["storage"].(bool)
		cv.Deprecated, _ = v["deprecated"].(bool)
		cv.Warning, _ = v["deprecationWarning"].(string)
		var raw map[string]any
		if sch, ok := v["schema"].(map[string]any); ok {
			raw, _ = sch["openAPIV3Schema"].(map[string]any)
		}
		crd.Versions = append(crd.Versions, cv)
		raws = append(raws, raw)
	}
	if len(crd.Versions) == 0 {
		return nil, nil, fmt.Errorf("CustomResourceDefinition %s.%s has no versions", crd.Kind, crd.Group)
	}
	return crd, raws, nil
}

// VersionSchema is the strict schema of the CRD's version i, built from
// its openAPIV3Schema raw (as ReadCRD returned it, not modified), with its
// digest.
func (c *CRD) VersionSchema(i int, raw map[string]any) (string, []byte, error) {
	name := c.Versions[i].Name
	d, b, err := Digest(ObjectSchema(raw, c.Group+"/"+name, c.Kind, false))
	if err != nil {
		return "", nil, fmt.Errorf("%s %s: %w", c.Kind, name, err)
	}
	return d, b, nil
}

// MetadataRef is the $ref a custom resource schema uses for metadata: the
// ObjectMeta definition of the Kubernetes release the validator validates
// against, as the API server checks it for every custom resource. Schemas
// are served under one base URL; definitions live under /k8s/.
const MetadataRef = "/k8s/" + objectMetaRef

// ObjectSchema is the strict schema of a custom resource: the CRD's
// openAPIV3Schema, with apiVersion and kind pinned and metadata validated
// as ObjectMeta (the API server checks both whatever the CRD says).
func ObjectSchema(raw map[string]any, apiVersion, kind string, _ bool) map[string]any {
	doc := Strict(raw)
	props, _ := doc["properties"].(map[string]any)
	if props == nil {
		props = map[string]any{}
		doc["properties"] = props
		if doc["additionalProperties"] == nil && raw["x-kubernetes-preserve-unknown-fields"] != true {
			doc["additionalProperties"] = false
		}
	}
	if doc["type"] == nil {
		doc["type"] = "object"
	}
	props["apiVersion"] = map[string]any{"type": "string", "enum": []any{apiVersion}}
	props["kind"] = map[string]any{"type": "string", "enum": []any{kind}}
	props["metadata"] = map[string]any{"$ref": MetadataRef}
	share(doc)
	return doc
}

// Kind is a Kubernetes built-in kind and the definition that describes it.
type Kind struct {
	Group   string `json:"group,omitempty"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
	// Ref is the definition's name, e.g. io.k8s.api.apps.v1.Deployment.
	Ref string `json:"ref"`
}

// APIVersion is "group/version", or "version" for the core group.
func (k Kind) APIVersion() string {
	if k.Group == "" {
		return k.Version
	}
	return k.Group + "/" + k.Version
}

const (
	quantityRef   = "io.k8s.apimachinery.pkg.api.resource.Quantity"
	objectMetaRef = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
)

// Kubernetes converts the API server's OpenAPI v2 document (swagger.json)
// into strict JSON Schema, one document per definition (so that a
// validator loads and compiles only what the kinds it meets reach), and
// lists the kinds it serves (definitions with exactly one
// x-kubernetes-group-version-kind). References between definitions become
// relative ("io.k8s.api.core.v1.PodSpec"): documents are served side by
// side, named after their definition.
func Kubernetes(swagger []byte) (map[string]any, []Kind, error) {
	var doc struct {
		Definitions map[string]map[string]any `json:"definitions"`
	}
	if err := json.Unmarshal(swagger, &doc); err != nil {
		return nil, nil, fmt.Errorf("reading swagger.json: %w", err)
	}
	if len(doc.Definitions) == 0 {
		return nil, nil, fmt.Errorf("swagger.json has no definitions")
	}
	defs := make(map[string]any, len(doc.Definitions))
	var kinds []Kind
	for name, d := range doc.Definitions {
		if name == quantityRef {
			// resource.Quantity marshals as a string but unmarshals numbers
			// too (cpu: 1); manifests use both.
			defs[name] = map[string]any{"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "number"}}}
			continue
		}
		defs[name] = relativeRefs(Strict(d))
		gvks, _ := d["x-kubernetes-group-version-kind"].([]any)
		if len(gvks) != 1 {
			continue
		}
		g, _ := gvks[0].(map[string]any)
		k := Kind{Ref: name}
		k.Group, _ = g["group"].(string)
		k.Version, _ = g["version"].(string)
		k.Kind, _ = g["kind"].(string)
		if k.Kind == "" || k.Version == "" {
			continue
		}
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		a, b := kinds[i], kinds[j]
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Version < b.Version
	})
	return defs, kinds, nil
}

// relativeRefs rewrites "#/definitions/X" references to "X", in place.
func relativeRefs(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if s, ok := e.(string); ok && k == "$ref" {
				t[k] = strings.TrimPrefix(s, "#/definitions/")
				continue
			}
			relativeRefs(e)
		}
	case []any:
		for _, e := range t {
			relativeRefs(e)
		}
	}
	return v
}

// Index lists what a schema bundle holds. Schemas are stored once each, by
// digest; the index refers to them by digest.
type Index struct {
	// Kubernetes are the bundled Kubernetes releases, newest first.
	Kubernetes []KubeRelease `json:"kubernetes"`
	// Sets are groups of CRDs: one per Flux release ("flux"), and one per
	// other project.
	Sets []CRDSet `json:"sets"`
}

// KubeRelease is the built-in kinds of one Kubernetes release.
type KubeRelease struct {
	// Version is the release, e.g. "1.37.2".
	Version string `json:"version"`
	// Source is the module the schemas come from ("module@version").
	Source string `json:"source"`
	// Definitions are the digests of the definitions' documents, by name.
	Definitions map[string]string `json:"definitions"`
	// Kinds are the kinds it serves.
	Kinds []Kind `json:"kinds"`
}

// CRDSet is a group of CRDs bundled together.
type CRDSet struct {
	// Name is "flux" for a Flux release, else the project's name.
	Name string `json:"name"`
	// Version is the Flux release ("2.7.5") or the project's module version.
	Version string `json:"version"`
	// Source is where the CRDs come from ("module@version/dir").
	Source string `json:"source"`
	CRDs   []CRD  `json:"crds"`
}
