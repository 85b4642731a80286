// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/testutil"
)

// TestCheckD2Corpus is issue 15's acceptance: in the laid-out d2 trio, a
// bare check of d2-fleet (its siblings found beside it, no configuration)
// renders every cluster, the tenants its ResourceSets generate included,
// and the clean repositories give no error but one that is d2's own: the
// Grafana dashboards of d2-infra's monitoring configs hold
// ${DS_PROMETHEUS}, which the Kustomization's postBuild substitution
// (tenants/infra.yaml) turns into an empty string on every cluster.
func TestCheckD2Corpus(t *testing.T) {
	d := testutil.D2Corpus(t)
	r := run(t, "check", "--fleet", d.Fleet, "--format", "json")
	var rep struct {
		Clusters []struct {
			Name           string `json:"name"`
			Objects        int    `json:"objects"`
			Kustomizations int    `json:"kustomizations"`
			Skipped        int    `json:"skipped"`
			Unresolved     int    `json:"unresolved"`
		} `json:"clusters"`
		Findings []struct {
			Rule, Severity, Cluster, Message string
		} `json:"findings"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep), r.stderr)
	require.Len(t, rep.Clusters, 4)
	for _, c := range rep.Clusters {
		assert.Zero(t, c.Skipped, "%s: every Kustomization renders", c.Name)
		assert.Zero(t, c.Unresolved, "%s: every source resolves", c.Name)
		if c.Name != "update" {
			// flux-system, tenants and, per component, the
			// Kustomizations the ResourceSets generate.
			assert.GreaterOrEqual(t, c.Kustomizations, 7, c.Name)
		}
	}
	for _, f := range rep.Findings {
		if f.Severity != "error" {
			continue
		}
		assert.Equal(t, "D1-0401", f.Rule, "%s: %s", f.Cluster, f.Message)
		assert.True(t, strings.Contains(f.Message, "${DS_PROMETHEUS}"), f.Message)
	}

	// With the corpus's charts, what they install (kube-prometheus-stack's
	// CRDs, podinfo's ServiceMonitor on production) is ordered through the
	// ResourceSets' ready dependencies: still no other error.
	r = run(t, "check", "--fleet", d.Fleet, "--format", "json", "--charts", filepath.Join(testutil.SharedCorpus(t), "charts"))
	rep.Findings = nil
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep), r.stderr)
	for _, f := range rep.Findings {
		if f.Severity == "error" {
			assert.Equal(t, "D1-0401", f.Rule, "with charts: %s: %s", f.Cluster, f.Message)
		}
	}

	// The promotion preview of the tag-following production clusters:
	// the next release, from main, against the newest release tags.
	r = run(t, "diff", "--promote", "--fleet", d.Fleet)
	require.NoError(t, r.err, r.stderr)
	assert.Contains(t, r.stdout, "head: the next release of oci://ghcr.io/controlplaneio-fluxcd/d2-apps/backend")
	assert.Contains(t, r.stdout, "the change reaches 2 of 2 clusters: prod-eu, prod-us")
	assert.Regexp(t, `modified  OCIRepository frontend/podinfo-chart  github.com/controlplaneio-fluxcd/d2-apps@main:components/frontend/base/podinfo.yaml:\d+\n\s+spec.ref.semver`, r.stdout,
		"podinfo's chart moves from 6.8.0 (frontend/v0.0.5) to 6.14.0 (main)")
}
