// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/d1lint/d1lint/internal/openapi"
)

// eraOperator is model.Cluster.Era of a cluster on which Flux Operator
// installs Flux (a FluxInstance).
const eraOperator = "operator"

// operatorKinds are the Flux Operator kinds that notification-controller
// accepts on a cluster Flux Operator installs: the operator patches them
// into the kind enums of every version of the Alert and Receiver CRDs it
// installs, so that Alerts can watch and Receivers can trigger its own
// objects. The bundled Flux CRDs are the upstream ones, without them.
var operatorKinds = []any{"FluxInstance", "ResourceSet", "ResourceSetInputProvider"}

// operatorEnums are the fields whose enums Flux Operator extends, by
// "group/Kind": the path, in JSON Schema keywords, from the root of a CRD
// version's schema to the schema of the field (Alert
// spec.eventSources[].kind, Receiver spec.resources[].kind).
var operatorEnums = map[string][]string{
	"notification.toolkit.fluxcd.io/Alert":    {"properties", "spec", "properties", "eventSources", "items", "properties", "kind"},
	"notification.toolkit.fluxcd.io/Receiver": {"properties", "spec", "properties", "resources", "items", "properties", "kind"},
}

// withOperatorKinds replaces, in cs, the bundled Flux Alert and Receiver
// CRDs with the ones Flux Operator installs. CRDs from the render are left
// as they are: they are what the cluster applies.
func (v *Validator) withOperatorKinds(cs *clusterSchemas) {
	for _, gk := range []string{"notification.toolkit.fluxcd.io/Alert", "notification.toolkit.fluxcd.io/Receiver"} {
		e, ok := cs.crds[gk]
		if !ok {
			continue
		}
		crd, err := v.operatorCRD(e.crd, operatorEnums[gk])
		if err != nil {
			cs.info.Notes = append(cs.info.Notes, fmt.Sprintf("%s is validated without the Flux Operator kinds: %v", gk, err))
			continue
		}
		cs.crds[gk] = &crdEntry{crd: crd, source: e.source, current: e.current}
	}
}

// operatorCRD returns crd with operatorKinds added to the enum at path in
// every version's schema, once per bundled CRD. The patched schemas are
// registered by digest beside the render's, for the loader.
func (v *Validator) operatorCRD(crd *openapi.CRD, path []string) (*openapi.CRD, error) {
	v.omu.Lock()
	defer v.omu.Unlock()
	if v.operator == nil {
		v.operator = map[*openapi.CRD]*openapi.CRD{}
	}
	if out, ok := v.operator[crd]; ok {
		return out, nil
	}
	out := &openapi.CRD{Group: crd.Group, Kind: crd.Kind, Versions: slices.Clone(crd.Versions)}
	for i, cv := range out.Versions {
		if cv.Schema == "" {
			continue
		}
		raw, err := v.bundle.read("schemas/" + cv.Schema + ".json")
		if err != nil {
			return nil, err
		}
		d, b, err := extendEnum(raw, path, operatorKinds)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", crd.Kind, cv.Name, err)
		}
		if b == nil {
			continue // no enum there: any kind is accepted already
		}
		v.rmu.Lock()
		v.renderDocs[d] = b
		v.rmu.Unlock()
		out.Versions[i].Schema = d
	}
	v.operator[crd] = out
	return out, nil
}

// extendEnum adds values to the enum of the schema at path in the schema
// document raw, and returns the new document and its digest; b is nil when
// there is no enum at path. A shared subschema met on the way ($ref into
// the document's definitions) is copied into place first, so the other
// places that share it keep the original.
func extendEnum(raw []byte, path []string, values []any) (digest string, b []byte, err error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return "", nil, fmt.Errorf("decoding schema: %w", err)
	}
	cur := doc
	for _, key := range path {
		next, ok := cur[key].(map[string]any)
		if !ok {
			return "", nil, nil
		}
		if ref, ok := next["$ref"].(string); ok {
			name, local := strings.CutPrefix(ref, "#/definitions/")
			defs, _ := doc["definitions"].(map[string]any)
			def, found := defs[name].(map[string]any)
			if !local || !found {
				return "", nil, nil
			}
			next, err = copyMap(def)
			if err != nil {
				return "", nil, err
			}
			cur[key] = next
		}
		cur = next
	}
	enum, ok := cur["enum"].([]any)
	if !ok {
		return "", nil, nil
	}
	enum = slices.Clone(enum)
	for _, val := range values {
		if !slices.Contains(enum, val) {
			enum = append(enum, val)
		}
	}
	cur["enum"] = enum
	digest, b, err = openapi.Digest(doc)
	if err != nil {
		return "", nil, fmt.Errorf("encoding schema: %w", err)
	}
	return digest, b, nil
}

// copyMap deep-copies a decoded JSON object.
func copyMap(m map[string]any) (map[string]any, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out map[string]any
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	return out, nil
}
