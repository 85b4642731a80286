// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package source

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// billionLaughs expands to about 10^9 nodes from 300-odd bytes.
const billionLaughs = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`

const fewAliases = `defaults: &defaults
  replicas: 2
  labels: {team: a}
apps:
  - name: one
    <<: *defaults
  - name: two
    <<: *defaults
---
other: *defaults
`

func TestCheckYAMLBillionLaughs(t *testing.T) {
	assert.Less(t, len(billionLaughs), 700)
	start := time.Now()
	err := CheckYAML([]byte(billionLaughs), 0)
	assert.Less(t, time.Since(start), 2*time.Second, "the check must not expand the aliases")
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrYAMLBomb))
	assert.Contains(t, err.Error(), `billion laughs`)
	assert.Contains(t, err.Error(), "> 1000000")
}

func TestCheckYAMLCounts(t *testing.T) {
	n, cycle := expandedYAMLNodes([]byte("a: 1\nb: [x, y]\n"))
	// document, mapping, a, 1, b, sequence, x, y
	assert.Equal(t, int64(8), n)
	assert.Empty(t, cycle)

	n, _ = expandedYAMLNodes([]byte("a: &x [1, 2]\nb: *x\n"))
	// document, mapping, a, seq(3), b, alias->seq(3)
	assert.Equal(t, int64(1+1+1+3+1+3), n)

	assert.NoError(t, CheckYAML([]byte(fewAliases), 0))
	assert.NoError(t, CheckYAML([]byte("a: &x [1, 2]\nb: *x\n"), 10))
	assert.ErrorIs(t, CheckYAML([]byte("a: &x [1, 2]\nb: *x\n"), 9), ErrYAMLBomb)
}

func TestCheckYAMLCycle(t *testing.T) {
	for _, doc := range []string{"a: &a [*a]\n", "&x {b: *x}\n", "a: &a {b: [1, {c: *a}]}\n"} {
		err := CheckYAML([]byte(doc), 0)
		if assert.Error(t, err, doc) {
			assert.ErrorIs(t, err, ErrYAMLBomb, doc)
			assert.Contains(t, err.Error(), "refers to a node containing it", doc)
		}
	}
}

func TestCheckYAMLTolerantOfBadInput(t *testing.T) {
	for _, doc := range []string{"", "a: [", "\t- x: : :", "{\"json\": [1, 2, 3]}", "*undefined", strings.Repeat("[", 20000)} {
		assert.NotPanics(t, func() { assert.NoError(t, CheckYAML([]byte(doc), 0), doc) })
	}
}

func TestIsYAMLFile(t *testing.T) {
	assert.True(t, isYAMLFile("a/b.yaml"))
	assert.True(t, isYAMLFile("a/b.YML"))
	assert.True(t, isYAMLFile("b.json"))
	assert.False(t, isYAMLFile("b.txt"))
	assert.False(t, isYAMLFile("yaml"))
}
