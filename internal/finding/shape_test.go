// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package finding

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/model"
)

// TestJSONShape: the location is flat on the finding, each field left out
// when empty, in the documented order; the commit is not part of it.
func TestJSONShape(t *testing.T) {
	f := Finding{Rule: "D1-0401", Title: "t", Category: "substitution", Severity: Error, Cluster: "prod-eu",
		Object:   &Object{APIVersion: "v1", Kind: "ConfigMap", Namespace: "shop", Name: "settings"},
		Location: model.Location{Repo: "github.com/acme/d1-apps", Branch: "production", Commit: "abc", Path: "a <b>.yaml", Line: 4},
		Message:  "x & y", Field: "data.host", FieldPath: []string{"data", "host"}, Chain: []string{"flux-system/flux-system"}, Baseline: New}
	f.SetFingerprint()
	data, err := json.Marshal(f)
	require.NoError(t, err)
	assert.Equal(t, `{"rule":"D1-0401","title":"t","category":"substitution","severity":"error","cluster":"prod-eu",`+
		`"object":{"apiVersion":"v1","kind":"ConfigMap","namespace":"shop","name":"settings"},`+
		`"repo":"github.com/acme/d1-apps","branch":"production","file":"a \u003cb\u003e.yaml","line":4,"message":"x \u0026 y",`+
		`"field":"data.host","chain":["flux-system/flux-system"],"fingerprint":"`+f.Fingerprint+`","baseline":"new"}`, string(data),
		"json.Marshal escapes HTML")

	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode([]Finding{{Rule: "r", Message: "<m>"}}))
	assert.Equal(t, `[{"rule":"r","title":"","category":"","severity":"","cluster":"","message":"<m>","fingerprint":""}]`+"\n", b.String(),
		"an encoder that does not escape HTML gets it unescaped; an empty location is left out")

	var back Finding
	require.NoError(t, json.Unmarshal(data, &back))
	want := f
	want.Location.Commit, want.FieldPath = "", nil
	assert.Equal(t, want, back)
}

func TestWhere(t *testing.T) {
	assert.Equal(t, "", Finding{Location: model.Location{Repo: "github.com/acme/x"}}.Where(), "no file, no location")
	assert.Equal(t, "github.com/acme/x@main:a.yaml:3", Finding{Location: model.Location{Repo: "github.com/acme/x", Branch: "main", Path: "a.yaml", Line: 3}}.Where())
}

func TestSort(t *testing.T) {
	loc := func(repo, path string, line int) model.Location {
		return model.Location{Repo: repo, Path: path, Line: line}
	}
	fs := []Finding{
		{Cluster: "b", Severity: Error, Rule: "R1"},
		{Cluster: "a", Severity: Info, Rule: "R1"},
		{Cluster: "a", Severity: Error, Rule: "R2", Location: loc("r", "x.yaml", 9)},
		{Cluster: "a", Severity: Error, Rule: "R1", Location: loc("r", "x.yaml", 9), Message: "2"},
		{Cluster: "a", Severity: Error, Rule: "R1", Location: loc("r", "x.yaml", 9), Message: "1"},
		{Cluster: "a", Severity: Error, Rule: "R3", Location: loc("r", "x.yaml", 2)},
		{Cluster: "a", Severity: Error, Rule: "R9", Location: loc("q", "z.yaml", 50)},
	}
	Sort(fs)
	var got []string
	for _, f := range fs {
		got = append(got, f.Cluster+" "+f.Severity+" "+f.Where()+" "+f.Rule+" "+f.Message)
	}
	assert.Equal(t, []string{
		"a error q:z.yaml:50 R9 ",
		"a error r:x.yaml:2 R3 ",
		"a error r:x.yaml:9 R1 1",
		"a error r:x.yaml:9 R1 2",
		"a error r:x.yaml:9 R2 ",
		"a info  R1 ",
		"b error  R1 ",
	}, got, "cluster, severity, file, line, rule, message")
}

func TestAtLeastAndFailing(t *testing.T) {
	assert.True(t, AtLeast(Error, Warning))
	assert.True(t, AtLeast(Warning, Warning))
	assert.False(t, AtLeast(Info, Warning))
	fs := []Finding{{Severity: Error}, {Severity: Error, Baseline: Existing}, {Severity: Warning, Baseline: New}, {Severity: Info}}
	assert.Equal(t, 1, Failing(fs, Error), "an existing finding does not fail")
	assert.Equal(t, 2, Failing(fs, Warning))
	assert.Equal(t, 3, Failing(fs, Info))
}

func TestMarkBaseline(t *testing.T) {
	mk := func(msg string, line int) Finding {
		f := Finding{Rule: "D1-0401", Cluster: "prod-eu", Message: msg, Location: model.Location{Path: "a.yaml", Line: line}}
		f.SetFingerprint()
		return f
	}
	before := []Finding{mk("kept", 3), mk("fixed", 4), {Rule: "D1-0002", Cluster: "prod-eu", Message: "no fingerprint"}}
	now := []Finding{mk("kept", 30), mk("new", 5), mk("no fingerprint", 0)}
	now[2].Rule = "D1-0002"
	now[2].SetFingerprint()
	assert.Equal(t, 1, MarkBaseline(now, before))
	assert.Equal(t, []string{Existing, New, Existing}, []string{now[0].Baseline, now[1].Baseline, now[2].Baseline},
		"a finding that moved is the same finding; one without a fingerprint counts by the one it would have")

	msgs := func(fs []Finding) (out []string) {
		for _, f := range fs {
			out = append(out, f.Message)
		}
		return out
	}
	assert.Equal(t, []string{"new"}, msgs(Unmatched(now, before)), "introduced")
	assert.Equal(t, []string{"fixed"}, msgs(Unmatched(before, now)), "fixed")
}

func TestRuleHelpURI(t *testing.T) {
	assert.Equal(t, RuleDocs+"D1-0401.md", Rule{ID: "D1-0401", Category: "substitution", Package: "d1lint.rules.substitution.undefined_var"}.HelpURI())
	assert.Empty(t, Rule{ID: "acme.deny", Category: CustomCategory, Package: "d1lint.rules.x"}.HelpURI(), "custom")
	assert.Empty(t, Rule{ID: "ACME-001", Category: "security"}.HelpURI(), "a team's rule known from its findings only")
	assert.Empty(t, Rule{ID: "ACME-002", Category: "security", Package: "acme.rules.x"}.HelpURI(), "a team's package")
}
