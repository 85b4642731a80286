// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package audit

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/diff"
	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/report"
)

// twin is a copy of a cluster under another name: every occurrence of the
// old name (in its paths) replaced.
func twin(t *testing.T, c *model.Cluster, name string) *model.Cluster {
	t.Helper()
	data, err := json.Marshal(c)
	require.NoError(t, err)
	var out model.Cluster
	require.NoError(t, json.Unmarshal([]byte(strings.ReplaceAll(string(data), c.Name, name)), &out))
	return &out
}

// twins is the sample with prod-us, prod-eu's twin: the same finding in
// both, the same drift, which introduces a finding and fixes one.
func twins(t *testing.T) *Data {
	d := sample()
	prod := d.Fleet.Clusters[0]
	us := twin(t, prod, "prod-us")
	d.Fleet.Clusters = append(d.Fleet.Clusters, us)
	fs := append([]finding.Finding(nil), d.Report.Findings...)
	for _, f := range d.Report.Findings {
		if f.Cluster == prod.Name {
			f.Cluster = us.Name
			fs = append(fs, f)
		}
	}
	finding.Sort(fs)
	r := report.New(d.Fleet, fs)
	r.Repository, r.ToolVersion, r.Rules, r.Waivers, r.Summary.Waived = d.Report.Repository, d.Report.ToolVersion, d.Report.Rules, d.Report.Waivers, d.Report.Summary.Waived
	d.Report = r
	introduced := finding.Finding{Rule: "D1-0401", Title: "Variable is not defined for this cluster", Severity: finding.Error, Category: "substitution",
		Location: model.Location{Repo: "github.com/acme/d1-apps", Branch: "main", Path: "shop/web.yaml", Line: 9},
		Object:   &finding.Object{Kind: "Deployment", Namespace: "shop", Name: "web"}, Message: "${IMAGE_TAG} is undefined"}
	fixed := finding.Finding{Rule: "D1-0002", Title: "The render dropped a file", Severity: finding.Warning, Category: "build", Message: "b.yaml: symlink dropped"}
	d.Promotion[0].Introduced = []finding.Finding{introduced}
	d.Promotion[0].Fixed = []finding.Finding{fixed}
	other := d.Promotion[0]
	other.Name = "prod-us"
	d.Promotion = append(d.Promotion, other)
	return d
}

func TestSharedFindingsAndInventories(t *testing.T) {
	d := twins(t)
	out := render(t, d)
	AssertSelfContained(t, out)

	// One card per finding, listing the clusters it is found in.
	assert.Equal(t, 4, strings.Count(out, `<article class="finding `), "prod-eu's two findings, found in prod-us too, and staging's two")
	assert.Contains(t, out, `<dt>2 clusters</dt><dd><ul class="clusters-of"><li><a href="#cluster-prod-eu">prod-eu</a></li><li><a href="#cluster-prod-us">prod-us</a></li></ul></dd>`)
	assert.Contains(t, out, `id="count-error">3<`, "the counts still count each cluster's findings")
	assert.Contains(t, out, `FAIL</span>3 findings at or above error`)

	// prod-us's inventory is prod-eu's but for its name: shown once.
	assert.Equal(t, 2, strings.Count(out, `aria-label="Flux Kustomization graph"`), "prod-eu's and staging's graphs")
	assert.Contains(t, out, `<p class="same">Its graph, sources, Kustomizations, HelmReleases and problems are those of <a href="#cluster-prod-eu">prod-eu</a>, with prod-us in place of prod-eu.</p>`)
	assert.Equal(t, 2, strings.Count(out, `<table class="kustomizations">`), "prod-eu's and staging's")
	assert.Contains(t, out, `<summary><b>prod-us</b><span class="meta">production · 3 Kustomizations (1 failed) · 1 HelmRelease · 3 objects · 1 problem · </span>`, "its own summary line")

	// The drift is the same in both: one section, listing what the
	// promotion introduces and fixes.
	assert.Equal(t, 1, strings.Count(out, `<section class="drift"`))
	assert.Contains(t, out, `<section class="drift" id="promotion-prod-eu">
<h3>2 clusters <span class="badge added">1 added</span> <span class="badge removed">0 removed</span> <span class="badge modified">1 modified</span> <span class="badge modified">1 chart version</span> <span class="badge introduced">1 introduced</span> <span class="badge fixed">1 fixed</span></h3>
<ul class="clusters-of"><li>prod-eu</li><li id="promotion-prod-us">prod-us</li></ul>
<p class="same">Shown for prod-eu; the others' drifts are the same, with their own name wherever this one names prod-eu.</p>`)
	assert.Contains(t, out, `<h4>Findings the promotion would introduce (1)</h4>
<ul class="found">
<li><span class="sev error">error</span> <a class="mono" href="https://github.com/d1lint/d1lint/blob/main/docs/rules/D1-0401.md">D1-0401</a> Variable is not defined for this cluster at <span class="loc"><a href="https://github.com/acme/d1-apps/blob/main/shop/web.yaml#L9">github.com/<wbr>acme/<wbr>d1-apps@main:shop/<wbr>web.yaml:9</a></span> (Deployment shop/<wbr>web): ${IMAGE_TAG} is undefined</li>`)
	assert.Contains(t, out, `<h4>Findings the promotion would fix (1)</h4>
<ul class="found">
<li><span class="sev warning">warning</span> <a class="mono" href="https://github.com/d1lint/d1lint/blob/main/docs/rules/D1-0002.md">D1-0002</a> The render dropped a file: b.yaml: symlink dropped</li>`)
}

func TestClusterLinks(t *testing.T) {
	d := sample()
	d.Report.Findings[0].Cluster = "prod eu/<1>"
	out := render(t, d)
	assert.Contains(t, out, `<li><a href="#cluster-prod_eu_1_">prod eu/&lt;1&gt;</a></li>`, "a card links to the cluster's section by its id")
	assert.Contains(t, out, `<details class="cluster" id="cluster-prod_eu_1_">`)
}

func TestInventoriesThatDiffer(t *testing.T) {
	d := twins(t)
	us := d.Fleet.Clusters[2]
	us.HelmReleases = nil
	us.Kustomizations[1].Objects = 7
	d.Promotion[1].Charts = nil
	out := render(t, d)
	assert.NotContains(t, out, `<p class="same">`)
	assert.Equal(t, 3, strings.Count(out, `aria-label="Flux Kustomization graph"`))
	assert.Equal(t, 2, strings.Count(out, `<section class="drift"`), "drifts that differ have a section each")
}

func TestVerdict(t *testing.T) {
	r := &report.Report{Findings: []finding.Finding{
		{Rule: "a", Severity: finding.Warning}, {Rule: "b", Severity: finding.Info},
		{Rule: "c", Severity: finding.Error, Baseline: finding.Existing},
	}}
	assert.Equal(t, verdict{Pass: true, Threshold: finding.Error, Default: true}, newVerdict(r, ""), "an existing error does not fail")
	assert.Equal(t, verdict{Pass: true, Threshold: finding.Error}, newVerdict(r, finding.Error))
	assert.Equal(t, verdict{Threshold: finding.Warning, Failing: 1}, newVerdict(r, finding.Warning))
	assert.Equal(t, verdict{Threshold: finding.Info, Failing: 2}, newVerdict(r, finding.Info))

	d := sample()
	d.FailOn = finding.Info
	assert.Contains(t, render(t, d), `<span class="verdict fail" id="verdict">FAIL</span>4 findings at or above info (<code>--fail-on info</code>)`)
	d.Report.Findings = nil
	assert.Contains(t, render(t, d), `<span class="verdict pass" id="verdict">PASS</span>no finding at or above info (<code>--fail-on info</code>)`)
}

func TestCommits(t *testing.T) {
	fl := &model.Fleet{Clusters: []*model.Cluster{
		{Name: "a", Sources: []*model.Source{
			{URL: "https://github.com/acme/apps.git", Ref: map[string]string{"branch": "main"}, Resolved: true, Mode: "git", Branch: "main", Commit: "aaaaaaaaaaaaaaaa"},
			{URL: "https://github.com/acme/apps.git", Ref: map[string]string{"branch": "main"}, Resolved: true, Mode: "git", Branch: "main", Commit: "aaaaaaaaaaaaaaaa"},
			{URL: "oci://ghcr.io/acme/x", Resolved: false},
		}},
		{Name: "b", Sources: []*model.Source{
			{URL: "https://github.com/acme/apps.git", Ref: map[string]string{"branch": "main"}, Resolved: true, Mode: "git", Branch: "main", Commit: "aaaaaaaaaaaaaaaa"},
			{URL: "https://github.com/acme/apps.git", Ref: map[string]string{"semver": "1.x"}, Resolved: true, Mode: "git", Tag: "v1.2.0", Commit: "bbbbbbbbbbbbbbbb"},
			{URL: "https://github.com/acme/fleet.git", Resolved: true, Mode: "worktree", Branch: "main"},
		}},
	}}
	assert.Equal(t, []commitView{
		{URL: "https://github.com/acme/apps.git", Follows: "branch main", Read: "main", Commit: "aaaaaaaaaaaaaaaa", Short: "aaaaaaaaaaaa", Mode: "git", Clusters: 2},
		{URL: "https://github.com/acme/apps.git", Follows: "semver 1.x", Read: "tag v1.2.0", Commit: "bbbbbbbbbbbbbbbb", Short: "bbbbbbbbbbbb", Mode: "git", Clusters: 1},
		{URL: "https://github.com/acme/fleet.git", Read: "main", Mode: "worktree", Clusters: 1},
	}, commits(fl))
}

func TestAnonymous(t *testing.T) {
	assert.Equal(t, "clusters/\x00/a.yaml \x00 production prod-x x-prod \x00", anonymous("clusters/prod/a.yaml prod production prod-x x-prod prod", "prod"))
	assert.Equal(t, "\x00/\x00", anonymous("prod/prod", "prod"), "occurrences one character apart")
	assert.Equal(t, anonymous("clusters/a/x", "a"), anonymous("clusters/b/x", "b"))
}

func TestDriftOnly(t *testing.T) {
	d := sample()
	d.Promotion = []diff.Cluster{{Name: "prod-new", Only: "head"}, {Name: "prod-eu"}}
	out := render(t, d)
	assert.Contains(t, out, "This cluster exists only after the promotion.")
	assert.Contains(t, out, `<section class="drift" id="promotion-prod-eu">
<h3>prod-eu <span class="badge active">no drift</span></h3>`)
}
