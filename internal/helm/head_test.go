// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package helm

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	releaseutil3 "helm.sh/helm/v3/pkg/releaseutil"
	sigsyaml "sigs.k8s.io/yaml"
)

// headDocs are documents whose head yaml.v3 and Helm's sigs.k8s.io/yaml
// parse may read differently.
var headDocs = []string{
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    helm.sh/hook: pre-install\n",
	"apiVersion: \"v1\"\nkind: 'Job'\nmetadata:\n  name: \"0a\"\n  annotations:\n    \"helm.sh/hook-weight\": \"-5\"\n",
	"apiVersion: v1\nKind: Secret\nkind: ConfigMap\nmetadata:\n  name: a\n",
	"apiVersion: v1\nkind: yes\nmetadata:\n  name: a\n",
	"apiVersion: v1\nkind: on\nmetadata:\n  name: off\n",
	"apiVersion: 1\nkind: ConfigMap\nmetadata:\n  name: 0x10\n",
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  Name: b\n  name: a\n",
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    helm.sh/hook-weight: -5\n",
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    x: ~\n",
	"apiVersion: v1\nkind: ConfigMap\nmetadata: null\n",
	"apiVersion: v1\nkind: ConfigMap\nmetadata: [a]\n",
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations: [x]\n",
	"apiVersion: v1\nkind: |\n  ConfigMap\nmetadata:\n  name: a\n",
	"apiVersion: v1\nkind: ConfigMap\ndata:\n  a: |\n    text",
	"apiVersion: v1\nkind: ConfigMap\ndata:\n  a: |+\n    text\n",
	"apiVersion: v1\nkind: ConfigMap\ndata:\n  a: >-\n    text",
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  a: \"text\"",
	"apiVersion: v1\nkind: ConfigMap\nkind: Secret\n",
	"apiVersion: v1\nkind: ConfigMap\nMETADATA:\n  name: a\n",
}

// checkParsedDoc asserts what parseDoc promises: a head it calls Helm's is
// Helm's, and a document it calls line-break safe decodes the same with
// a line break after it.
func checkParsedDoc(t *testing.T, doc string) {
	t.Helper()
	p := parseDoc(doc)
	if p.headOK {
		var h releaseutil3.SimpleHead
		require.NoError(t, sigsyaml.Unmarshal([]byte(doc), &h), "a head read from yaml.v3 where Helm's parse fails:\n%s", doc)
		assert.Equal(t, h, p.head, "the head of:\n%s", doc)
	}
	if p.ok && p.m != nil && p.newlineSafe {
		m, ok := decodeDoc(doc + "\n")
		assert.True(t, ok)
		assert.Equal(t, p.m, m, "the document with a line break after it:\n%s", doc)
	}
}

func TestParseDocHead(t *testing.T) {
	for _, doc := range headDocs {
		checkParsedDoc(t, doc)
	}
	// The cases a head must be read by Helm's parse (or the document left
	// to the kustomize path) are told apart, and plain documents are not.
	assert.True(t, parseDoc(headDocs[0]).headOK)
	assert.True(t, parseDoc(headDocs[1]).headOK)
	assert.True(t, parseDoc(headDocs[2]).headOK)
	for _, i := range []int{3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 19} {
		assert.False(t, parseDoc(headDocs[i]).headOK, headDocs[i])
	}
	for _, i := range []int{14, 15, 16} {
		assert.False(t, parseDoc(headDocs[i]).newlineSafe, headDocs[i])
	}
	assert.True(t, parseDoc(headDocs[17]).newlineSafe)
	assert.False(t, parseDoc(headDocs[18]).ok, "yaml.v3 refuses a key twice")
}

func FuzzParseDoc(f *testing.F) {
	for _, doc := range headDocs {
		f.Add(doc)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		checkParsedDoc(t, doc)
	})
}
