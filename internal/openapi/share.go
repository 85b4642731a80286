// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package openapi

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"slices"
)

// shareThreshold is the size (bytes of JSON, roughly) from which a repeated
// subschema is worth sharing.
const shareThreshold = 256

// share moves every subschema that occurs more than once in doc into
// doc's definitions, once, and refers to it from each place. CRDs generated
// from Go types repeat whole structures (Kyverno's resource filters occur
// dozens of times in a ClusterPolicy); the JSON Schema compiler compiles a
// shared definition once, which makes the largest CRDs several times
// cheaper to compile, and smaller. Validation is unchanged: a $ref to an
// identical schema validates identically. The work is linear in the size
// of doc (subschemas are hashed bottom-up).
func share(doc map[string]any) {
	s := &sharer{info: map[uintptr]nodeInfo{}, count: map[[32]byte]int{}, defs: map[string]any{}}
	s.hashSchema(doc)
	// The root itself is never replaced.
	s.rewriteChildren(doc)
	if len(s.defs) == 0 {
		return
	}
	defs, _ := doc["definitions"].(map[string]any)
	if defs == nil {
		defs = map[string]any{}
	}
	for k, v := range s.defs {
		defs[k] = v
	}
	doc["definitions"] = defs
}

type nodeInfo struct {
	sum  [32]byte
	size int
}

type sharer struct {
	info  map[uintptr]nodeInfo
	count map[[32]byte]int
	defs  map[string]any
}

func ptr(m map[string]any) uintptr { return reflect.ValueOf(m).Pointer() }

// hashSchema hashes a schema and, through the keywords that hold
// subschemas, every subschema in it.
func (s *sharer) hashSchema(m map[string]any) nodeInfo {
	if ni, ok := s.info[ptr(m)]; ok {
		return ni
	}
	h := sha256.New()
	size := 2
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		h.Write([]byte(k))
		h.Write([]byte{0})
		size += len(k) + 4
		ni := s.hashValue(k, m[k])
		h.Write(ni.sum[:])
		size += ni.size
	}
	var ni nodeInfo
	copy(ni.sum[:], h.Sum(nil))
	ni.size = size
	s.info[ptr(m)] = ni
	if size >= shareThreshold {
		s.count[ni.sum]++
	}
	return ni
}

// hashValue hashes the value of keyword k.
func (s *sharer) hashValue(k string, v any) nodeInfo {
	switch t := v.(type) {
	case map[string]any:
		switch k {
		case "properties", "patternProperties", "definitions":
			return s.hashContainer(t)
		}
		return s.hashSchema(t)
	case []any:
		if k == "allOf" || k == "anyOf" || k == "oneOf" || k == "items" {
			h := sha256.New()
			size := 2
			h.Write([]byte{'['})
			for _, e := range t {
				var ni nodeInfo
				if em, ok := e.(map[string]any); ok {
					ni = s.hashSchema(em)
				} else {
					ni = leaf(e)
				}
				h.Write(ni.sum[:])
				size += ni.size + 1
			}
			var ni nodeInfo
			copy(ni.sum[:], h.Sum(nil))
			ni.size = size
			return ni
		}
	}
	return leaf(v)
}

// hashContainer hashes a map of name to subschema (properties).
func (s *sharer) hashContainer(m map[string]any) nodeInfo {
	h := sha256.New()
	size := 2
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	h.Write([]byte{'{'})
	for _, k := range keys {
		h.Write([]byte(k))
		h.Write([]byte{0})
		var ni nodeInfo
		if sm, ok := m[k].(map[string]any); ok {
			ni = s.hashSchema(sm)
		} else {
			ni = leaf(m[k])
		}
		h.Write(ni.sum[:])
		size += len(k) + 4 + ni.size
	}
	var ni nodeInfo
	copy(ni.sum[:], h.Sum(nil))
	ni.size = size
	return ni
}

func leaf(v any) nodeInfo {
	b, _ := json.Marshal(v)
	return nodeInfo{sum: sha256.Sum256(b), size: len(b)}
}

// replace returns what stands at a subschema's place: a $ref to its shared
// definition when it repeats, else the subschema with its own children
// rewritten.
func (s *sharer) replace(m map[string]any) map[string]any {
	ni := s.info[ptr(m)]
	if ni.size >= shareThreshold && s.count[ni.sum] > 1 {
		name := "shared-" + hex.EncodeToString(ni.sum[:8])
		if _, ok := s.defs[name]; !ok {
			s.defs[name] = m // reserve before descending: a repeat inside refers to it too
			s.rewriteChildren(m)
		}
		return map[string]any{"$ref": "#/definitions/" + name}
	}
	s.rewriteChildren(m)
	return m
}

func (s *sharer) rewriteChildren(m map[string]any) {
	for k, v := range m {
		switch t := v.(type) {
		case map[string]any:
			switch k {
			case "properties", "patternProperties", "definitions":
				for name, sub := range t {
					if sm, ok := sub.(map[string]any); ok {
						t[name] = s.replace(sm)
					}
				}
			case "items", "additionalProperties", "not", "additionalItems":
				m[k] = s.replace(t)
			}
		case []any:
			if k == "allOf" || k == "anyOf" || k == "oneOf" || k == "items" {
				for i, e := range t {
					if em, ok := e.(map[string]any); ok {
						t[i] = s.replace(em)
					}
				}
			}
		}
	}
}
