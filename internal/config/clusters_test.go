// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestClusters: clusters: entries are folder patterns or mappings with
// path, root and name; anything else is refused at its line and column.
func TestClusters(t *testing.T) {
	c, err := Parse([]byte(`clusters:
  - clusters/*
  - path: kubernetes/flux/cluster
    root: kubernetes/flux/cluster/cluster.yaml
    name: home
`), "x/.d1lint.yaml")
	require.NoError(t, err)
	assert.Equal(t, []Cluster{
		{Path: "clusters/*"},
		{Path: "kubernetes/flux/cluster", Root: "kubernetes/flux/cluster/cluster.yaml", Name: "home"},
	}, c.Clusters)

	for in, want := range map[string]string{
		"clusters:\n  - root: a.yaml\n":              "x/.d1lint.yaml:2:5: clusters[0] needs a path",
		"clusters:\n  - path: a\n    roots: x\n":     `x/.d1lint.yaml:3:5: unknown key "roots" in clusters[0]; did you mean "root"?`,
		"clusters:\n  - path: a\n    Name: x\n":      `x/.d1lint.yaml:3:5: unknown key "Name" in clusters[0]; did you mean "name"? (keys are case-sensitive)`,
		"clusters:\n  - [a]\n":                       "x/.d1lint.yaml:2:5: clusters[0]: expected a folder pattern, or a mapping with keys path, root, name, got a list",
		"clusters: clusters/*\n":                     "x/.d1lint.yaml:1:11: clusters: expected a list, each a folder pattern, or a mapping with keys path, root, name, got the string \"clusters/*\"",
		"clusters:\n  - path: a\n    name: [x]\n":    "x/.d1lint.yaml:3:11: clusters[0].name: expected a string, got a list",
		"clusters:\n  - \"\"\n":                      "x/.d1lint.yaml:2:5: clusters[0] needs a path",
		"clusters:\n  - path: a\n    root: {x: 1}\n": "x/.d1lint.yaml:3:11: clusters[0].root: expected a string, got a mapping",
	} {
		_, err := Parse([]byte(in), "x/.d1lint.yaml")
		if assert.Error(t, err, in) {
			assert.ErrorIs(t, err, ErrInvalid, in)
			assert.Contains(t, err.Error(), want, in)
		}
	}
}
