// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package source

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"path"
	"strings"

	"gopkg.in/yaml.v3"
)

// DefaultMaxYAMLNodes is the default limit on the number of nodes a YAML or
// JSON file may expand to once its aliases are resolved.
const DefaultMaxYAMLNodes = 1_000_000

// ErrYAMLBomb is wrapped by the error CheckYAML returns for a document whose
// aliases would expand beyond the limit (a "billion laughs" document) or
// into themselves.
var ErrYAMLBomb = errors.New("YAML alias expansion too large")

// CheckYAML parses every document of data into yaml.Node trees without
// expanding aliases and counts the nodes the documents would have once
// every alias is replaced by a copy of its anchor. It returns an error
// wrapping ErrYAMLBomb when the count exceeds maxNodes (0 or less means
// DefaultMaxYAMLNodes) or when an alias refers to a node that contains it.
// Data that does not parse is not this function's concern: the documents
// before the syntax error are counted and nil is returned if they are fine.
func CheckYAML(data []byte, maxNodes int) error {
	if maxNodes <= 0 {
		maxNodes = DefaultMaxYAMLNodes
	}
	// An alias can only refer to an anchor, and every anchor is written
	// with '&' (also in UTF-16, where the byte 0x26 still appears): without
	// one, nothing can expand and the parse is skipped.
	if !bytes.ContainsRune(data, '&') {
		return nil
	}
	n, cycle := expandedYAMLNodes(data)
	if cycle != "" {
		return fmt.Errorf("%w (a \"billion laughs\" document): alias *%s refers to a node containing it", ErrYAMLBomb, cycle)
	}
	if n > int64(maxNodes) {
		return fmt.Errorf("%w (a \"billion laughs\" document): %d nodes > %d", ErrYAMLBomb, n, maxNodes)
	}
	return nil
}

// isYAMLFile reports whether the file at the slash-separated path p is
// checked by CheckYAML when materialised.
func isYAMLFile(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// expandedYAMLNodes returns the expanded node count of all documents in
// data, and the name of an alias that refers to a node containing it, if
// any. Parsing stops at the first syntax error.
func expandedYAMLNodes(data []byte) (total int64, cycle string) {
	defer func() {
		// yaml.v3 recovers its own failures; this is a last resort so that
		// hostile input can never crash d1lint.
		if recover() != nil {
			cycle = ""
		}
	}()
	c := nodeCounter{memo: map[*yaml.Node]int64{}, active: map[*yaml.Node]bool{}}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			return total, c.cycle // io.EOF, or a syntax error: stop counting
		}
		total = satAdd(total, c.count(&doc))
		if c.cycle != "" {
			return total, c.cycle
		}
	}
}

// nodeCounter counts nodes after alias expansion, memoising the expanded
// size of every anchored node so that nested aliases cost nothing extra.
type nodeCounter struct {
	memo   map[*yaml.Node]int64
	active map[*yaml.Node]bool // anchored nodes being counted (cycle guard)
	cycle  string
}

func (c *nodeCounter) count(n *yaml.Node) int64 {
	if n == nil || c.cycle != "" {
		return 0
	}
	if n.Kind == yaml.AliasNode {
		t := n.Alias
		if t == nil {
			return 1
		}
		if c.active[t] {
			c.cycle = n.Value
			return 0
		}
		if v, ok := c.memo[t]; ok {
			return v
		}
		return c.count(t)
	}
	if v, ok := c.memo[n]; ok {
		return v
	}
	if n.Anchor != "" {
		c.active[n] = true
		defer delete(c.active, n)
	}
	total := int64(1)
	for _, ch := range n.Content {
		total = satAdd(total, c.count(ch))
	}
	if n.Anchor != "" {
		c.memo[n] = total
	}
	return total
}

// satAdd adds two non-negative counts, saturating at math.MaxInt64.
func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}
