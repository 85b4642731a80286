// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/diff"
	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/report"
	"github.com/d1lint/d1lint/internal/waiver"
)

// sample is an audit with a finding of each severity (one with text that
// needs escaping, one of a team's rule, one without a file, one in a
// repository on an unknown host), waivers of each status, a Kustomization
// graph with a dependsOn edge, a missing dependsOn target and a failed
// node, and a promotion drift.
func sample() *Data {
	fleetLoc := func(path string, line int) *model.Location {
		return &model.Location{Repo: "github.com/acme/d1-fleet", Branch: "main", Commit: "0123456789abcdef0123", Path: path, Line: line}
	}
	prod := &model.Cluster{Name: "prod-eu", Era: "operator", Environment: "production", Path: "clusters/prod-eu", Root: "flux-system/flux-system",
		Flux:    model.Flux{Version: "2.7.x", Multitenant: true, Location: fleetLoc("clusters/prod-eu/flux-system/flux-instance.yaml", 3)},
		Objects: []*model.Object{{}, {}, {}},
		Sources: []*model.Source{
			{Key: "GitRepository/flux-system/flux-system", Kind: "GitRepository", URL: "https://github.com/acme/d1-fleet.git",
				Ref: map[string]string{"name": "refs/heads/main"}, Resolved: true, Mode: "git", Branch: "main", Commit: "0123456789abcdef0123",
				Note: "git objects of ../d1-fleet"},
			{Key: "OCIRepository/flux-system/charts", Kind: "OCIRepository", URL: "oci://ghcr.io/acme/charts", Ref: map[string]string{"tag": "1.0.0"},
				Reason: "OCIRepository sources are not fetched"},
		},
		Kustomizations: []*model.Kustomization{
			{Key: "flux-system/flux-system", Children: []string{"flux-system/apps", "flux-system/infra"}, Path: "clusters/prod-eu",
				Status: model.StatusRendered, Objects: 2, Revision: fleetLoc("clusters/prod-eu", 0), Location: fleetLoc("clusters/prod-eu/flux-system/flux-instance.yaml", 3)},
			{Key: "flux-system/infra", Parent: "flux-system/flux-system", Path: "./infra", Status: model.StatusRendered, Objects: 1,
				Location: fleetLoc("clusters/prod-eu/infra.yaml", 1)},
			{Key: "flux-system/apps", Parent: "flux-system/flux-system", Path: "./apps", Status: model.StatusFailed, Reason: "kustomize build failed",
				DependsOn: []model.Ref{{Kind: "Kustomization", Namespace: "flux-system", Name: "infra"}, {Kind: "Kustomization", Namespace: "flux-system", Name: "ghost"}},
				Location:  fleetLoc("clusters/prod-eu/apps.yaml", 1)},
		},
		HelmReleases: []*model.HelmRelease{{ObjectID: model.ObjectID{APIVersion: "helm.toolkit.fluxcd.io/v2", Kind: "HelmRelease", Namespace: "shop", Name: "storefront"},
			Chart: "storefront", Version: "1.9.0", Source: "HelmRepository/shop/acme", AppliedBy: "flux-system/apps",
			Location: model.Location{Repo: "github.com/acme/d1-apps", Branch: "production", Path: "shop/release.yaml", Line: 2}}},
		Problems: []*model.Problem{{Kind: model.ProblemBuild, Kustomization: "flux-system/apps", Reason: "apps/kustomization.yaml: <oops>",
			Location: fleetLoc("apps/kustomization.yaml", 0)}},
	}
	staging := &model.Cluster{Name: "staging", Era: "bootstrap", Environment: "staging", Path: "clusters/staging", Root: "flux-system/flux-system",
		Kustomizations: []*model.Kustomization{{Key: "flux-system/flux-system", Status: model.StatusRendered}}}
	fl := &model.Fleet{Version: model.Version, Clusters: []*model.Cluster{prod, staging}}
	fs := []finding.Finding{
		{Rule: "D1-0401", Title: "Variable is not defined for this cluster", Category: "substitution", Severity: finding.Error, Cluster: "prod-eu",
			Object:   &finding.Object{APIVersion: "v1", Kind: "ConfigMap", Namespace: "shop", Name: "settings"},
			Location: model.Location{Repo: "github.com/acme/d1-apps", Branch: "production", Path: "shop/settings yaml.yaml", Line: 4}, Field: "data.host",
			Message: `ConfigMap shop/settings: ${HOST} is <script>alert("x")</script> & undefined`, Chain: []string{"flux-system/flux-system", "flux-system/apps"}},
		{Rule: "D1-0002", Title: "The render dropped a file", Category: "build", Severity: finding.Warning, Cluster: "prod-eu", Message: "a.yaml: symlink dropped"},
		{Rule: "acme.replicas", Title: "acme.replicas", Category: "custom", Severity: finding.Info, Cluster: "staging",
			Location: model.Location{Repo: "gitlab.example/acme/fleet", Branch: "main", Path: "clusters/staging/kustomization.yaml", Line: 7}, Message: "one replica"},
		{Rule: "D1-0101", Title: "Multi-tenancy lockdown is off", Category: "multi-tenancy", Severity: finding.Error, Cluster: "staging",
			Object:  &finding.Object{APIVersion: "kustomize.toolkit.fluxcd.io/v1", Kind: "Kustomization", Namespace: "flux-system", Name: "flux-system"},
			Message: "lockdown is off"},
	}
	for i := range fs {
		fs[i].SetFingerprint()
	}
	finding.Sort(fs)
	r := report.New(fl, fs)
	r.Repository, r.ToolVersion = "github.com/acme/d1-fleet", "v1.2.3"
	r.Rules = []finding.Rule{
		{ID: "D1-0002", Title: "The render dropped a file", Category: "build", Severity: "warning", Description: "Flux drops symlinks.",
			Remediation: "Copy the file.", Package: "d1lint.rules.build.dropped"},
		{ID: "D1-0101", Title: "Multi-tenancy lockdown is off", Category: "multi-tenancy", Severity: "error", Description: "Tenants can do anything.",
			Remediation: "Turn lockdown on.", Package: "d1lint.rules.multi_tenancy.lockdown"},
		{ID: "D1-0401", Title: "Variable is not defined for this cluster", Category: "substitution", Severity: "error",
			Description: "Flux substitutes the empty string.", Remediation: "Define it in runtime-info.", Package: "d1lint.rules.substitution.undefined"},
	}
	w := func(rule, status string, waived int) waiver.Status {
		return waiver.Status{Waiver: config.Waiver{Rule: rule, Cluster: "prod-*", Owner: "team-<a>", Expires: "2026-12-01", Reason: "because"}, Status: status, Waived: waived}
	}
	r.Waivers = []waiver.Status{w("D1-0501", waiver.Expired, 0), w("D1-0502", waiver.Stale, 0), w("D1-0503", waiver.Expiring, 2), w("D1-0504", waiver.Active, 1)}
	r.Summary.Waived = 3
	promo := []diff.Cluster{{Name: "prod-eu",
		Changes: []diff.Change{
			{Kind: diff.Modified, Object: model.ObjectID{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "web"},
				Location: model.Location{Repo: "github.com/acme/d1-apps", Branch: "main", Path: "shop/web.yaml", Line: 3}, AppliedBy: "flux-system/apps",
				Fields: []diff.FieldChange{{Op: diff.FieldChanged, Field: "spec.replicas"}, {Op: diff.FieldChanged, Field: "spec.template.spec.containers[0].image"}}},
			{Kind: diff.Added, Object: model.ObjectID{APIVersion: "v1", Kind: "ConfigMap", Namespace: "shop", Name: "new"},
				Location: model.Location{Repo: "github.com/acme/d1-apps", Branch: "main", Path: "shop/new.yaml", Line: 1}, AppliedBy: "flux-system/apps"},
		},
		Charts: []diff.ChartChange{{Release: model.ObjectID{Kind: "HelmRelease", Namespace: "shop", Name: "storefront"}, Chart: "storefront", From: "1.8.4", To: "1.9.0"}},
	}}
	return &Data{Report: r, Fleet: fl, Promotion: promo, Date: "2026-11-24"}
}

func render(t *testing.T, d *Data) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, HTML(&b, d))
	return b.String()
}

func TestHTML(t *testing.T) {
	d := sample()
	out := render(t, d)
	assert.Equal(t, out, render(t, sample()), "deterministic")
	AssertSelfContained(t, out)

	// Escaped: text from findings never becomes markup.
	assert.Equal(t, 1, strings.Count(out, "<script"), "the page's own script only")
	assert.Contains(t, out, "${HOST} is &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; undefined")
	assert.Contains(t, out, "team-&lt;a&gt;")
	assert.Contains(t, out, "apps/kustomization.yaml: &lt;oops&gt;")

	// The overview: counts, and the matrix with a column per category.
	assert.Contains(t, out, `id="count-error">2<`)
	assert.Contains(t, out, `id="count-warning">1<`)
	assert.Contains(t, out, `id="count-info">1<`)
	assert.Contains(t, out, `id="count-waived">3<`)
	for _, c := range []string{"multi-tenancy", "branch-mapping", "dependency-ordering", "substitution", "schema", "credentials", "build", "custom"} {
		assert.Contains(t, out, "<th>"+c+"</th>")
	}
	assert.Contains(t, out, `<tr><th><a href="#cluster-prod-eu">prod-eu</a></th><td>production</td><td class="cell clean">0</td>`)

	// Findings: location linked on github.com only, field, rule's documentation.
	// Paths may break after each slash, nowhere else.
	assert.Contains(t, out, `<a href="https://github.com/acme/d1-apps/blob/production/shop/settings%20yaml.yaml#L4">github.com/<wbr>acme/<wbr>d1-apps@production:shop/<wbr>settings yaml.yaml:4</a>`)
	assert.Contains(t, out, `<dd class="loc">gitlab.example/<wbr>acme/<wbr>fleet@main:clusters/<wbr>staging/<wbr>kustomization.yaml:7</dd>`)
	assert.Contains(t, out, `<dl><dt>Cluster</dt><dd><ul class="clusters-of"><li><a href="#cluster-prod-eu">prod-eu</a></li></ul></dd>`)
	assert.Contains(t, out, `<dt>Applied by</dt><dd class="mono">flux-system/<wbr>flux-system → flux-system/<wbr>apps</dd>`)
	assert.Contains(t, out, "<code>data.host</code>")
	assert.Contains(t, out, `<a class="rule" href="https://github.com/d1lint/d1lint/blob/main/docs/rules/D1-0401.md">D1-0401</a>`)
	assert.Contains(t, out, "<p>Flux substitutes the empty string.</p><p><b>How to fix:</b> Define it in runtime-info.</p>")
	assert.Contains(t, out, `<span class="rule">acme.replicas</span>`)
	assert.Contains(t, out, `<details class="rule error" id="rule-D1-0401-error" open>
<summary><span class="sev error">error</span><a class="rule" href="https://github.com/d1lint/d1lint/blob/main/docs/rules/D1-0401.md">D1-0401</a><b>Variable is not defined for this cluster</b><span class="cat">substitution</span> <span class="meta">· 1 finding in 1 cluster</span></summary>`,
		"a few findings: their rules are open")
	assert.Equal(t, 4, strings.Count(out, `<article class="finding `))

	// Waivers with each status.
	for _, s := range []string{"active", "expiring", "expired", "stale"} {
		assert.Contains(t, out, `<span class="badge `+s+`">1 `+s+`</span>`)
		assert.Contains(t, out, `<td><span class="badge `+s+`">`+s+`</span></td>`)
	}

	// Inventory.
	assert.Contains(t, out, "2.7.x (multi-tenancy lockdown on)")
	assert.Contains(t, out, `<td class="mono">main @ <span title="0123456789abcdef0123">0123456789ab</span></td>`)
	assert.Contains(t, out, `<span class="badge unresolved">unresolved</span> OCIRepository sources are not fetched`)
	assert.Contains(t, out, `<td>storefront</td><td>1.9.0</td><td class="mono">HelmRepository/<wbr>shop/<wbr>acme</td>`)
	assert.Contains(t, out, `<td class="mono">GitRepository flux-system/<wbr>flux-system</td>`, "a source's kind, then its namespace/name")
	// Cluster sections are collapsed, their summary line counts.
	assert.Contains(t, out, `<details class="cluster" id="cluster-prod-eu">
<summary><b>prod-eu</b><span class="meta">production · 3 Kustomizations (1 failed) · 1 HelmRelease · 3 objects · 1 problem · </span><span class="n error" title="1 error">1</span><span class="n warning" title="1 warning">1</span></summary>`)
	assert.NotRegexp(t, `<details class="cluster"[^>]*\bopen\b`, out)
	assert.Contains(t, out, `<li><a href="#finding-2"><span class="sev error">error</span> D1-0401</a> Variable is not defined for this cluster</li>`, "a cluster lists its findings")

	// The header: the verdict and the commits audited.
	assert.Contains(t, out, `<span class="verdict fail" id="verdict">FAIL</span>2 findings at or above error (check's default: this audit ran without <code>--fail-on</code>, its exit status is 0)`)
	assert.Contains(t, out, `<li><code>https:/<wbr>/<wbr>github.com/<wbr>acme/<wbr>d1-fleet.git</code> (name refs/heads/main): main at <code title="0123456789abcdef0123">0123456789ab</code> · 1 cluster</li>`)
	assert.NotContains(t, out, "oci:/<wbr>/<wbr>ghcr.io/<wbr>acme/<wbr>charts</code> (", "an unresolved source is no audited commit")
	assert.Contains(t, out, `<span class="badge failed">failed</span> kustomize build failed`)

	// Promotion drift.
	assert.Contains(t, out, "Promotion drift: main → production")
	assert.Contains(t, out, `<span class="badge added">1 added</span> <span class="badge removed">0 removed</span> <span class="badge modified">1 modified</span> <span class="badge modified">1 chart version</span>`)
	assert.Contains(t, out, "spec.replicas, spec.template.spec.containers[0].image")
	assert.Contains(t, out, "<td>storefront</td><td>1.8.4</td><td>1.9.0</td>")
	assert.Less(t, strings.Index(out, "ConfigMap shop/<wbr>new"), strings.Index(out, "Deployment shop/<wbr>web"), "added before modified")
	assert.Contains(t, out, `<details open><summary>2 object changes, 1 chart version</summary>`, "a short drift is open")
	assert.Contains(t, out, `<thead><tr><th>HelmRelease</th><th>Chart</th><th>production</th><th>main</th></tr></thead>`)

	// Not computed.
	d.Promotion, d.PromotionNote = nil, "no git repository"
	out = render(t, d)
	assert.Contains(t, out, `<p class="not-computed">The promotion drift between main and production was not computed: no git repository.</p>`)
	d.Promotion = []diff.Cluster{}
	assert.Contains(t, render(t, d), "The fleet has no production cluster.")
}

func TestGraphLayout(t *testing.T) {
	d := sample()
	g := layout(d.Fleet.Clusters[0], d.Report.Findings)
	nodes := map[string]nodeView{}
	for _, n := range g.Nodes {
		nodes[n.Key] = n
	}
	require.Len(t, nodes, 4, "three Kustomizations and the missing dependsOn target")
	root, apps, infra, ghost := nodes["flux-system/flux-system"], nodes["flux-system/apps"], nodes["flux-system/infra"], nodes["flux-system/ghost"]

	// Columns by depth; children on consecutive rows by key, the parent on
	// its first child's row: the root at the top left.
	assert.Equal(t, apps.X, infra.X)
	assert.Greater(t, apps.X, root.X+root.W)
	assert.Less(t, apps.Y, infra.Y, "children sorted by key")
	assert.Equal(t, apps.Y, root.Y)
	assert.Equal(t, svgMargin, root.Y)
	assert.Equal(t, svgMargin, root.X)
	assert.Equal(t, apps.X, ghost.X, "a missing target sits in its dependent's column")
	assert.Greater(t, ghost.Y, infra.Y, "under the tree")

	// Status classes; findings and problems flag nodes.
	assert.Equal(t, "node rendered", root.Class)
	assert.Equal(t, "node rendered", infra.Class)
	assert.Equal(t, "node failed flagged", apps.Class)
	assert.Equal(t, 2, apps.Badge, "the D1-0401 finding (its chain ends at apps) and the build problem")
	assert.Contains(t, apps.Tip, "status: failed (kustomize build failed)")
	assert.Contains(t, apps.Tip, "error D1-0401: ConfigMap shop/settings")
	assert.Contains(t, apps.Tip, "problem build-error: apps/kustomization.yaml: <oops>")
	assert.Equal(t, "node missing flagged", ghost.Class)

	var parents int
	depends := map[string]string{}
	for _, e := range g.Edges {
		switch e.Class {
		case "edge parent":
			parents++
			// Out of the root's right side, through its column's lane.
			assert.Regexp(t, fmt.Sprintf(`^M%d %d (H\d+ )?C\d+ \d+ \d+ \d+ %d \d+$`, root.X+root.W, root.Y+nodeHeight/2, apps.X), e.D)
		case "edge depends":
			depends[e.Tip] = e.D
		}
	}
	assert.Equal(t, 2, parents)
	require.Len(t, depends, 2)
	// dependsOn edges go from the dependent (apps) to its dependency, as
	// arcs right of their column: from apps' right side, a little below its
	// middle, beyond the column and back to infra's right side, a little
	// above its middle (the arrowhead).
	arc := regexp.MustCompile(`^M(\d+) (\d+) C(\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$`)
	for dep, n := range map[string]nodeView{"flux-system/infra": infra, "flux-system/ghost": ghost} {
		d := depends["flux-system/apps depends on "+dep]
		m := arc.FindStringSubmatch(d)
		require.NotNil(t, m, "%s: %s", dep, d)
		v := make([]int, 9)
		for i := 1; i <= 8; i++ {
			v[i], _ = strconv.Atoi(m[i])
		}
		assert.Equal(t, []int{apps.X + apps.W, apps.Y + nodeHeight/2 + 6}, v[1:3], "starts at the dependent")
		assert.Equal(t, []int{n.X + n.W, n.Y + nodeHeight/2 - 6}, v[7:9], "ends at the dependency")
		assert.Greater(t, v[3], max(apps.X+apps.W, n.X+n.W), "bulges right of the column")
		assert.Equal(t, v[3], v[5])
		assert.LessOrEqual(t, v[3], g.Width)
	}
	// Nested arcs: the one spanning more rows reaches further right.
	ri, rg := arc.FindStringSubmatch(depends["flux-system/apps depends on flux-system/infra"]), arc.FindStringSubmatch(depends["flux-system/apps depends on flux-system/ghost"])
	xi, _ := strconv.Atoi(ri[3])
	xg, _ := strconv.Atoi(rg[3])
	assert.Greater(t, xg, xi)

	// A finding about a Flux Kustomization flags that Kustomization.
	sg := layout(d.Fleet.Clusters[1], d.Report.Findings)
	require.Len(t, sg.Nodes, 1)
	assert.Equal(t, "node rendered flagged", sg.Nodes[0].Class)
	assert.Positive(t, sg.Width)
	assert.Positive(t, sg.Height)
}

func TestGraphCycle(t *testing.T) {
	c := &model.Cluster{Name: "c", Root: "flux-system/flux-system", Kustomizations: []*model.Kustomization{
		{Key: "flux-system/flux-system", Status: model.StatusRendered},
		{Key: "a/a", Parent: "b/b", Children: []string{"b/b"}, Status: model.StatusRendered},
		{Key: "b/b", Parent: "a/a", Children: []string{"a/a"}, Status: model.StatusRendered, DependsOn: []model.Ref{{Namespace: "b", Name: "b"}}},
	}}
	g := layout(c, nil)
	require.Len(t, g.Nodes, 3, "every Kustomization is drawn once, cycles too")
	at := map[[2]int]string{}
	for _, n := range g.Nodes {
		p := [2]int{n.X, n.Y}
		assert.Empty(t, at[p], "%s and %s overlap", at[p], n.Key)
		at[p] = n.Key
	}
}

func TestWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "audit")
	require.NoError(t, Write(dir, sample()))
	for _, name := range Files {
		st, err := os.Stat(filepath.Join(dir, name))
		require.NoError(t, err)
		assert.Positive(t, st.Size(), name)
	}
	data, err := os.ReadFile(filepath.Join(dir, JSONFile))
	require.NoError(t, err)
	var doc struct {
		Version  int
		Findings []finding.Finding
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	assert.Equal(t, report.Version, doc.Version)
	assert.Len(t, doc.Findings, 4)

	data, err = os.ReadFile(filepath.Join(dir, SARIFFile))
	require.NoError(t, err)
	log, err := sarif.FromBytes(data)
	require.NoError(t, err)
	require.NoError(t, log.Validate())

	assert.Error(t, Write(dir, &Data{}), "nothing to write")
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	assert.Error(t, Write(file, sample()), "a file is no folder")
}

// externalRefs match what would make a page load something from
// elsewhere: scripts with a source, stylesheets, images, frames, fonts,
// imports, event handler attributes.
var externalRefs = []*regexp.Regexp{
	regexp.MustCompile(`(?i)<script\b[^>]*\bsrc\b`),
	regexp.MustCompile(`(?i)<link\b`),
	regexp.MustCompile(`(?i)<(img|iframe|object|embed|video|audio|source|image|use)\b`),
	regexp.MustCompile(`(?i)@import`),
	regexp.MustCompile(`(?i)url\(\s*['"]?\s*(https?:|//|data:|file:)`),
	regexp.MustCompile(`(?i)\bsrc\s*=\s*['"]?\s*(https?:|//)`),
	regexp.MustCompile(`(?i)<(\w+)\b[^>]*\b(xlink:href|srcset|background)\s*=`),
	regexp.MustCompile(`(?i)\bon[a-z]+\s*=\s*['"]`),
}

// linkTag matches an element with an href to the web.
var linkTag = regexp.MustCompile(`(?i)<(\w+)\b[^>]*\bhref\s*=\s*['"]?\s*(https?:|//)`)

var (
	scriptTag = regexp.MustCompile(`(?is)<script\b([^>]*)>(.*?)</script>`)
	cspMeta   = regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`)
)

// AssertSelfContained fails when an HTML page loads anything from
// elsewhere: only <a> links may point at the web (documentation, files).
// Its one inline script must be the one its Content-Security-Policy
// allows by hash, and the policy must allow nothing else.
func AssertSelfContained(t *testing.T, page string) {
	t.Helper()
	for _, re := range externalRefs {
		assert.NotRegexp(t, re, page, "the page refers to something outside itself")
	}
	for _, m := range linkTag.FindAllStringSubmatch(page, -1) {
		assert.Equal(t, "a", strings.ToLower(m[1]), "only links (<a>) may point at the web: %s", m[0])
	}
	scripts := scriptTag.FindAllStringSubmatch(page, -1)
	require.Len(t, scripts, 1, "one inline script: the graphs' pan and zoom")
	assert.Empty(t, scripts[0][1], "no attributes on the script")
	csp := cspMeta.FindStringSubmatch(page)
	require.NotNil(t, csp, "a Content-Security-Policy")
	sum := sha256.Sum256([]byte(scripts[0][2]))
	assert.Equal(t, "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+
		"'; base-uri 'none'; form-action 'none'", html.UnescapeString(csp[1]), "the policy allows the page's script and nothing from elsewhere")
}
