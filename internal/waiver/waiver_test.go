// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package waiver

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
)

var today = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func f(rule, cluster, ns, name, severity string) finding.Finding {
	return finding.Finding{Rule: rule, Cluster: cluster, Severity: severity, Message: "m",
		Object: &finding.Object{APIVersion: "v1", Kind: "ConfigMap", Namespace: ns, Name: name}}
}

func fleet() *model.Fleet {
	return &model.Fleet{Clusters: []*model.Cluster{{Name: "prod-eu", Objects: []*model.Object{{
		ObjectID: model.ObjectID{APIVersion: "v1", Kind: "ConfigMap", Namespace: "shop", Name: "inline"},
		Object: map[string]any{"metadata": map[string]any{"annotations": map[string]any{
			AnnotationPrefix + "D1-0401": "the value comes from a sidecar",
		}}},
	}}}}}
}

func TestApply(t *testing.T) {
	cfg := &config.Config{
		Rules: map[string]config.RuleSetting{"D1-0404": {Disabled: true}, "D1-0203": {Severity: "info"}},
		Waivers: []config.Waiver{
			{Rule: "D1-0401", Cluster: "prod-*", Namespace: "shop", Name: "settings*", Reason: "r", Owner: "o", Expires: "2027-06-30"},
			{Rule: "D1-0401", Cluster: "staging", Reason: "r", Owner: "o", Expires: "2026-11-22"},
			{Rule: "D1-0401", Name: "nothing-like-this", Reason: "r", Owner: "o", Expires: "2027-06-30"},
			{Rule: "D1-0101", Reason: "r", Owner: "o", Expires: "2026-12-01"},
		},
	}
	in := []finding.Finding{
		f("D1-0401", "prod-eu", "shop", "settings-v2", finding.Error), // waived by the first waiver
		f("D1-0401", "prod-eu", "blog", "settings", finding.Error),    // outside its namespace
		f("D1-0401", "staging", "shop", "settings", finding.Error),    // its waiver expired yesterday
		f("D1-0401", "prod-eu", "shop", "inline", finding.Error),      // inline waiver
		f("D1-0404", "prod-eu", "", "x", finding.Info),                // rule disabled
		f("D1-0203", "prod-eu", "", "y", finding.Warning),             // re-graded
		f("D1-0101", "prod-eu", "", "z", finding.Error),               // expiring waiver still waives
	}
	res := Apply(fleet(), in, cfg, today)
	var left []string
	for _, x := range res.Findings {
		left = append(left, x.Rule+" "+x.Cluster+" "+x.Object.Namespace+"/"+x.Object.Name+" "+x.Severity)
	}
	assert.Equal(t, []string{
		"D1-0401 prod-eu blog/settings error",
		"D1-0401 staging shop/settings error",
		"D1-0203 prod-eu /y info",
	}, left)
	assert.Equal(t, 3, res.Waived)
	assert.Equal(t, 1, res.Inline)
	var states []string
	for _, w := range res.Waivers {
		states = append(states, w.Status)
	}
	assert.Equal(t, []string{Expired, Stale, Expiring, Active}, states)
	assert.Equal(t, 1, res.Waivers[3].Waived)
}

func TestNoConfig(t *testing.T) {
	in := []finding.Finding{f("D1-0401", "a", "b", "c", finding.Error)}
	res := Apply(&model.Fleet{}, in, nil, today)
	assert.Equal(t, in, res.Findings)
	assert.Empty(t, res.Waivers)
}
