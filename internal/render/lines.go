// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"bytes"
	"errors"
	"io"
	"os"
	"sync"

	"gopkg.in/yaml.v3"
)

// docPos is where one YAML document of a file starts, and what it names.
type docPos struct {
	kind, name, namespace string
	line                  int
}

// lineIndex maps objects back to the line of the file that defines them. It
// parses each file once (files are immutable snapshots) and is shared by every
// cluster.
type lineIndex struct {
	mu    sync.Mutex
	files map[string][]docPos
	nodes map[string][]*yaml.Node
}

func newLineIndex() *lineIndex {
	return &lineIndex{files: map[string][]docPos{}, nodes: map[string][]*yaml.Node{}}
}

// trees returns the YAML documents of file, parsed once.
func (x *lineIndex) trees(file string) []*yaml.Node {
	x.mu.Lock()
	defer x.mu.Unlock()
	docs, ok := x.nodes[file]
	if !ok {
		docs = parseTrees(file)
		x.nodes[file] = docs
	}
	return docs
}

func parseTrees(file string) []*yaml.Node {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var out []*yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		n := &yaml.Node{}
		if err := dec.Decode(n); err != nil {
			return out
		}
		out = append(out, n)
	}
}

func (x *lineIndex) docs(path string) []docPos {
	x.mu.Lock()
	d, ok := x.files[path]
	x.mu.Unlock()
	if ok {
		return d
	}
	d = parseDocs(path)
	x.mu.Lock()
	x.files[path] = d
	x.mu.Unlock()
	return d
}

// line returns the line where the object kind/name starts in path (0 when
// unknown). With one document in the file, that document is the answer even
// when a transformer renamed the object.
func (x *lineIndex) line(path, kind, name, namespace string) int {
	docs := x.docs(path)
	if len(docs) == 1 {
		return docs[0].line
	}
	best := 0
	for _, d := range docs {
		if d.kind == kind && d.name == name {
			if d.namespace == namespace {
				return d.line
			}
			if best == 0 {
				best = d.line
			}
		}
	}
	return best
}

func parseDocs(path string) []docPos {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var out []docPos
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) || err != nil {
			break
		}
		if len(n.Content) == 0 || n.Content[0].Kind != yaml.MappingNode {
			continue
		}
		m := n.Content[0]
		p := docPos{line: m.Line}
		for i := 0; i+1 < len(m.Content); i += 2 {
			switch m.Content[i].Value {
			case "kind":
				p.kind = m.Content[i+1].Value
			case "metadata":
				md := m.Content[i+1]
				for j := 0; j+1 < len(md.Content); j += 2 {
					switch md.Content[j].Value {
					case "name":
						p.name = md.Content[j+1].Value
					case "namespace":
						p.namespace = md.Content[j+1].Value
					}
				}
			}
		}
		out = append(out, p)
	}
	return out
}
