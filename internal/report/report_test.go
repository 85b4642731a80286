// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/testutil"
)

var update = flag.Bool("update", false, "rewrite golden files")

func sample() *Report {
	fl := &model.Fleet{Clusters: []*model.Cluster{
		{Name: "prod-eu", Era: "operator", Environment: "production",
			Objects:        []*model.Object{{}, {}, {}},
			Kustomizations: []*model.Kustomization{{Status: model.StatusRendered}, {Status: model.StatusSkipped}},
			Sources:        []*model.Source{{Resolved: true}, {Resolved: false}}},
		{Name: "staging", Era: "operator", Environment: "staging", Objects: []*model.Object{{}}},
	}}
	fs := []finding.Finding{
		{Rule: "D1-0401", Title: "Variable is not defined for this cluster", Category: "substitution", Severity: finding.Error,
			Cluster: "prod-eu", Object: &finding.Object{APIVersion: "v1", Kind: "ConfigMap", Namespace: "shop", Name: "settings"},
			Repo: "github.com/acme/d1-apps", Branch: "production", File: "components/shop/base/settings.yaml", Line: 4,
			Message: "ConfigMap shop/settings: ${HOST} in data.host is not defined", Chain: []string{"flux-system/flux-system", "shop/flux-shop"}},
		{Rule: "D1-0002", Title: "The render dropped a file or assumed a default", Category: "build", Severity: finding.Warning,
			Cluster: "prod-eu", Message: "a.yaml: symlink dropped"},
	}
	finding.Sort(fs)
	return New(fl, fs)
}

func TestNewCounts(t *testing.T) {
	r := sample()
	assert.Equal(t, Version, r.Version)
	assert.Equal(t, Summary{Clusters: 2, Objects: 4, Kustomizations: 1, Skipped: 1, Unresolved: 1,
		Findings: map[string]int{finding.Error: 1, finding.Warning: 1, finding.Info: 0}}, r.Summary)
	assert.Equal(t, "D1-0401", r.Findings[0].Rule, "errors sort before warnings")
}

func TestGolden(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			rep, err := Lookup(name)
			require.NoError(t, err)
			var b bytes.Buffer
			require.NoError(t, rep.Write(&b, sample()))
			testutil.Golden(t, *update, name, b.String())
		})
	}
	_, err := Lookup("yaml")
	assert.ErrorContains(t, err, `unknown format "yaml"`)
}

func TestJSONShape(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, JSON{}.Write(&b, sample()))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b.Bytes(), &doc))
	for _, k := range []string{"version", "clusters", "findings", "summary"} {
		assert.Contains(t, doc, k)
	}
	f := doc["findings"].([]any)[0].(map[string]any)
	for _, k := range []string{"rule", "category", "severity", "cluster", "object", "file", "line", "message"} {
		assert.Contains(t, f, k)
	}
}
