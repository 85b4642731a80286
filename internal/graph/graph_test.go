// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package graph

import (
	"bytes"
	"flag"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/testutil"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name, got string) {
	t.Helper()
	testutil.Golden(t, *update, name, got)
}

// testCluster is a root applying infra and apps; apps depends on infra and
// on a Kustomization that exists nowhere, and failed to build; apps applies
// shop, skipped because its source could not be resolved.
func testCluster() *model.Cluster {
	fleet := &model.Location{Repo: "github.com/acme/d1-fleet", Branch: "main", Path: "clusters/test"}
	return &model.Cluster{
		Name: "test",
		Root: "flux-system/flux-system",
		Kustomizations: []*model.Kustomization{
			{
				Key: "flux-system/flux-system", Namespace: "flux-system", Name: "flux-system",
				Children: []string{"flux-system/apps", "flux-system/infra"},
				Path:     "clusters/test", Status: model.StatusRendered, Revision: fleet,
			},
			{
				Key: "flux-system/infra", Namespace: "flux-system", Name: "infra", Parent: "flux-system/flux-system",
				Path: "./infra", Status: model.StatusRendered,
				Revision: &model.Location{Repo: "github.com/acme/d1-infra", Branch: "production", Path: "./infra"},
			},
			{
				Key: "flux-system/apps", Namespace: "flux-system", Name: "apps", Parent: "flux-system/flux-system",
				Children: []string{"shop/shop"},
				Path:     "./apps", Status: model.StatusFailed, Reason: "kustomize build failed",
				Revision: &model.Location{Repo: "github.com/acme/d1-fleet", Branch: "main", Path: "./apps"},
				DependsOn: []model.Ref{
					{Kind: "Kustomization", Namespace: "flux-system", Name: "infra"},
					{Kind: "Kustomization", Namespace: "flux-system", Name: "ghost"},
				},
			},
			{
				Key: "shop/shop", Namespace: "shop", Name: "shop", Parent: "flux-system/apps",
				Path: `./shop/"quoted"`, Status: model.StatusSkipped, Reason: "source not resolved",
			},
		},
	}
}

func write(t *testing.T, c *model.Cluster, format string) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, Write(&b, c, format))
	return b.String()
}

func TestDOT(t *testing.T) {
	got := write(t, testCluster(), "dot")
	golden(t, "test.dot", got)

	assert.True(t, strings.HasPrefix(got, "digraph \"test\" {\n"))
	assert.True(t, strings.HasSuffix(got, "}\n"))
	assert.Contains(t, got, `k0 [label="flux-system/flux-system\nd1-fleet@main\nclusters/test"];`)
	assert.Contains(t, got, `k1 [label="flux-system/infra\nd1-infra@production\n./infra"];`)
	assert.Contains(t, got, `k2 [label="flux-system/apps\nd1-fleet@main\n./apps\n[failed]", color=red, fontcolor=red];`)
	assert.Contains(t, got, `k3 [label="shop/shop\n./shop/\"quoted\"\n[skipped]", color=orange, style=dashed];`)
	assert.Contains(t, got, "  k0 -> k1;\n")
	assert.Contains(t, got, "  k0 -> k2;\n")
	assert.Contains(t, got, "  k2 -> k3;\n")
	// apps depends on infra: the edge goes from the dependent to its
	// dependency, and its label reads that way.
	assert.Contains(t, got, "  k2 -> k1 [style=dashed, label=\"depends on\"];\n")
	assert.Contains(t, got, "  k2 -> \"flux-system/ghost (missing)\" [style=dashed, label=\"depends on\"];\n")
	assert.NotContains(t, got, "k1 -> k2", "no edge from the dependency to the dependent")
	assert.NotContains(t, got, "->  ", "every edge has both ends")
}

func TestMermaid(t *testing.T) {
	got := write(t, testCluster(), "mermaid")
	golden(t, "test.mermaid", got)

	assert.True(t, strings.HasPrefix(got, "flowchart LR\n"))
	assert.Contains(t, got, `  k0["flux-system/flux-system<br/>d1-fleet@main<br/>clusters/test"]`+"\n")
	assert.Contains(t, got, `  k3["shop/shop<br/>./shop/#quot;quoted#quot;<br/>[skipped]"]`+"\n")
	assert.NotContains(t, got, "\\n", "Mermaid labels break lines with <br/>")
	assert.Contains(t, got, "  k0 --> k1\n")
	assert.Contains(t, got, "  k0 --> k2\n")
	assert.Contains(t, got, "  k2 --> k3\n")
	assert.Contains(t, got, "  k2 -. depends on .-> k1\n")
	assert.Contains(t, got, "  m0[\"flux-system/ghost (missing)\"]\n  class m0 failed\n  k2 -. depends on .-> m0\n")
	assert.Contains(t, got, "  class k2 failed\n")
	assert.Contains(t, got, "  class k3 skipped\n")
	assert.NotContains(t, got, "class k0 ")
	assert.NotContains(t, got, "class k1 ")
	assert.True(t, strings.HasSuffix(got, "classDef skipped stroke:#e90,stroke-dasharray:4\n"))
}

func TestEdgesAreSorted(t *testing.T) {
	// The order of children and dependsOn in the model does not change the output.
	a, b := testCluster(), testCluster()
	b.Kustomizations[0].Children = []string{"flux-system/infra", "flux-system/apps"}
	deps := b.Kustomizations[2].DependsOn
	b.Kustomizations[2].DependsOn = []model.Ref{deps[1], deps[0]}
	for _, f := range Formats {
		assert.Equal(t, write(t, a, f), write(t, b, f), f)
	}
}

func TestEmptyCluster(t *testing.T) {
	c := &model.Cluster{Name: "empty"}
	assert.Equal(t, "digraph \"empty\" {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n}\n", write(t, c, "dot"))
	assert.Equal(t, "flowchart LR\n  classDef failed stroke:#d00,color:#d00\n  classDef skipped stroke:#e90,stroke-dasharray:4\n", write(t, c, "mermaid"))
}

func TestUnknownFormat(t *testing.T) {
	var b bytes.Buffer
	err := Write(&b, testCluster(), "svg")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"svg"`)
	assert.Contains(t, err.Error(), "dot, mermaid")
	assert.Zero(t, b.Len(), "nothing is written for an unknown format")

	assert.Error(t, Write(&b, testCluster(), ""))
	assert.Error(t, Write(&b, testCluster(), "DOT"), "formats are case-sensitive")
}

func TestFormats(t *testing.T) {
	assert.Equal(t, []string{"dot", "mermaid"}, Formats)
	for _, f := range Formats {
		var b bytes.Buffer
		assert.NoError(t, Write(&b, testCluster(), f), f)
		assert.NotZero(t, b.Len(), f)
	}
}
