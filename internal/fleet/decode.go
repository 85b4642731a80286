// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package fleet

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"

	"github.com/d1lint/d1lint/internal/source"
)

// Decode parses every YAML document of data into plain maps, with the line
// each starts on. Alias bombs are refused before anything is expanded.
func Decode(data []byte) ([]Doc, error) {
	if err := source.CheckYAML(data, 0); err != nil {
		return nil, err
	}
	var out []Doc
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("decoding YAML: %w", err)
		}
		if len(n.Content) == 0 || n.Content[0].Kind != yaml.MappingNode {
			continue
		}
		var m map[string]any
		if err := n.Decode(&m); err != nil {
			return out, fmt.Errorf("decoding YAML at line %d: %w", n.Content[0].Line, err)
		}
		out = append(out, Doc{Object: m, Line: n.Content[0].Line, node: n.Content[0]})
	}
}

// FieldLine returns the line of the key of the field at fields (spec, sync,
// url) in the document, 0 when the document does not set it or was not
// decoded from YAML.
func (d Doc) FieldLine(fields ...string) int {
	n := d.node
	line := 0
	for _, f := range fields {
		if n == nil || n.Kind != yaml.MappingNode {
			return 0
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			// A repeated key: the YAML decoder keeps the last one.
			if n.Content[i].Value == f {
				next, line = n.Content[i+1], n.Content[i].Line
			}
		}
		n = next
	}
	if n == nil {
		return 0
	}
	return line
}
