// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/profile"
	"github.com/d1lint/d1lint/internal/testutil"
	"github.com/d1lint/d1lint/internal/waiver"
)

var update = flag.Bool("update", false, "rewrite golden files")

// sample is a report with a finding of each severity, one in another
// repository, one without a file, one with a field, one the baseline
// already had, text that needs escaping, and waivers of each status.
func sample() *Report {
	fleet := func(path string, line int) *model.Location {
		return &model.Location{Repo: "github.com/acme/d1-fleet", Branch: "main", Path: path, Line: line}
	}
	fl := &model.Fleet{Clusters: []*model.Cluster{
		// dev's Flux sync is in a repository other than the one checked.
		{Name: "dev", Era: "bootstrap", Objects: []*model.Object{{}},
			Flux: model.Flux{Location: &model.Location{Repo: "github.com/acme/dev-fleet", Branch: "main", Path: "clusters/dev/gotk-sync.yaml", Line: 1}}},
		{Name: "prod-eu", Era: "operator", Environment: "production", Root: "flux-system/flux-system",
			Objects: []*model.Object{{}, {}, {}},
			Kustomizations: []*model.Kustomization{
				{Key: "flux-system/flux-system", Status: model.StatusRendered, Location: fleet("clusters/prod-eu/flux-system/flux-instance.yaml", 3)},
				{Key: "shop/flux-shop", Status: model.StatusSkipped, Location: fleet("tenants/shop.yaml", 7)}},
			Sources: []*model.Source{{Resolved: true}, {Resolved: false}},
			Flux:    model.Flux{Location: fleet("clusters/prod-eu/flux-system/flux-instance.yaml", 3)}},
		{Name: "staging", Era: "operator", Environment: "staging", Root: "flux-system/flux-system", Objects: []*model.Object{{}, {}},
			Flux: model.Flux{Location: fleet("clusters/staging/flux-system/flux-instance.yaml", 3)}},
	}}
	fs := []finding.Finding{
		{Rule: "D1-0401", Title: "Variable is not defined for this cluster", Category: "substitution", Severity: finding.Error,
			Cluster: "prod-eu", Object: &finding.Object{APIVersion: "v1", Kind: "ConfigMap", Namespace: "shop", Name: "settings"},
			Location: model.Location{Repo: "github.com/acme/d1-apps", Branch: "production", Path: "components/shop/base/settings.yaml", Line: 4},
			Message:  "ConfigMap shop/settings: ${HOST} in data.host is not defined", Chain: []string{"flux-system/flux-system", "shop/flux-shop"},
			Baseline: finding.New},
		{Rule: "D1-0101", Title: "Multi-tenancy lockdown is off", Category: "multi-tenancy", Severity: finding.Error,
			Cluster: "prod-eu", Location: model.Location{Repo: "github.com/acme/d1-fleet", Branch: "main", Path: "clusters/prod-eu/flux-system/flux-instance.yaml", Line: 1},
			Message:  "cluster prod-eu runs Flux without lockdown: 100% | <b>open</b>, [see](http://x) @acme *now*\nsecond line",
			Baseline: finding.Existing},
		{Rule: "D1-0002", Title: "The render dropped a file or assumed a default", Category: "build", Severity: finding.Warning,
			Cluster: "prod-eu", Message: "a.yaml: symlink dropped", Baseline: finding.New},
		{Rule: "D1-0501", Title: "Object does not match its schema", Category: "schema", Severity: finding.Warning,
			Cluster: "staging", Object: &finding.Object{APIVersion: "v1", Kind: "Service", Namespace: "web", Name: "web"},
			Location: model.Location{Repo: "github.com/acme/d1-fleet", Branch: "main", Path: "apps/web app/service.yaml", Line: 12}, Field: "spec.ports[0].port",
			Message: "Service web/web: spec.ports[0].port: got string, want integer", Chain: []string{"flux-system/flux-system", "flux-system/apps"},
			Baseline: finding.New},
		{Rule: "D1-0002", Title: "The render dropped a file or assumed a default", Category: "build", Severity: finding.Warning,
			Cluster: "dev", Message: "cluster dev declares no Flux sync; assumed flux bootstrap's", Baseline: finding.New},
		{Rule: "acme.conftest", Title: "acme.conftest", Category: "custom", Severity: finding.Info,
			Cluster: "staging", Location: model.Location{Repo: "github.com/acme/d1-fleet", Branch: "main", Path: "clusters/staging/kustomization.yaml"},
			Message: "staging has more than 50 objects", Baseline: finding.New},
	}
	for i := range fs {
		fs[i].SetFingerprint()
	}
	finding.Sort(fs)
	r := New(fl, fs)
	r.Repository, r.Baseline, r.ToolVersion = "github.com/acme/d1-fleet", "origin/main", "v1.2.3"
	r.Rules = []finding.Rule{
		{ID: "D1-0002", Title: "The render dropped a file or assumed a default", Category: "build", Severity: finding.Warning,
			Description: "The renderer dropped a file.", Remediation: "Fix the file.", Package: "d1lint.rules.build.dropped"},
		{ID: "D1-0101", Title: "Multi-tenancy lockdown is off", Category: "multi-tenancy", Severity: finding.Error,
			Description: "Tenants can reach across namespaces.", Remediation: "Set `cluster.multitenant: true`.", Package: "d1lint.rules.multi_tenancy.lockdown"},
		{ID: "D1-0401", Title: "Variable is not defined for this cluster", Category: "substitution", Severity: finding.Error,
			Description: "A ${VAR} has no value.", Remediation: "Define it in runtime-info.", Package: "d1lint.rules.substitution.undefined"},
		{ID: "D1-0501", Title: "Object does not match its schema", Category: "schema", Severity: finding.Error,
			Description: "The schema rejects the object.", Remediation: "Fix the field.", Package: "d1lint.rules.schema.invalid"},
	}
	w := func(rule, cluster, status, expires string, waived int) waiver.Status {
		return waiver.Status{Waiver: config.Waiver{Rule: rule, Cluster: cluster, Reason: "because | reasons", Owner: "platform-team", Expires: expires},
			Status: status, Waived: waived}
	}
	r.Waivers = []waiver.Status{
		w("D1-0401", "prod-*", waiver.Expired, "2026-01-31", 0),
		w("D1-0001", "nowhere", waiver.Stale, "2027-01-31", 0),
		w("D1-0203", "", waiver.Expiring, "2026-12-01", 1),
		w("D1-0105", "staging", waiver.Active, "2027-06-30", 1),
	}
	r.Summary.Waived = 2
	r.Summary.Profile = &profile.Choice{Name: profile.D1, Detected: true, Reason: "cluster prod-eu has runtime-info"}
	return r
}

func TestNewCounts(t *testing.T) {
	r := sample()
	assert.Equal(t, Version, r.Version)
	assert.Equal(t, Summary{Clusters: 3, Objects: 6, Kustomizations: 2, Skipped: 1, Unresolved: 1,
		Findings: map[string]int{finding.Error: 2, finding.Warning: 3, finding.Info: 1}, Waived: 2, New: 5,
		Profile: &profile.Choice{Name: "d1", Detected: true, Reason: "cluster prod-eu has runtime-info"}}, r.Summary,
		"kustomizations counts them all, skipped those not rendered")
	assert.Equal(t, 1, r.Summary.Rendered())
	assert.Equal(t, model.ClusterSummary{Name: "prod-eu", Era: "operator", Environment: "production",
		Sources: []string{"@", "@unresolved"}, Objects: 3, Kustomizations: 2, Skipped: 1, Unresolved: 1}, r.Clusters[1].ClusterSummary)
	var order []string
	for _, f := range r.Findings {
		order = append(order, f.Cluster+" "+f.Rule)
	}
	assert.Equal(t, []string{"dev D1-0002", "prod-eu D1-0401", "prod-eu D1-0101", "prod-eu D1-0002", "staging D1-0501", "staging acme.conftest"}, order,
		"by cluster, then errors before warnings")
}

func TestLocal(t *testing.T) {
	r := sample()
	var local []bool
	var anchors []string
	for _, f := range r.Findings {
		local = append(local, r.Local(f))
		l, what, ok := r.Anchor(f)
		anchors = append(anchors, fmt.Sprintf("%s %s %v", l, what, ok))
	}
	assert.Equal(t, []bool{false, false, true, false, true, true}, local)
	assert.Equal(t, []string{
		"  false",
		"github.com/acme/d1-fleet@main:tenants/shop.yaml:7 Kustomization shop/flux-shop true",
		"github.com/acme/d1-fleet@main:clusters/prod-eu/flux-system/flux-instance.yaml:3 cluster prod-eu true",
		"github.com/acme/d1-fleet@main:clusters/prod-eu/flux-system/flux-instance.yaml:3 cluster prod-eu true",
		"github.com/acme/d1-fleet@main:clusters/staging/flux-system/flux-instance.yaml:3 cluster staging true",
		"github.com/acme/d1-fleet@main:clusters/staging/flux-system/flux-instance.yaml:3 cluster staging true",
	}, anchors)
	r.Repository = ""
	assert.True(t, r.Local(r.Findings[1]), "without a repository every finding with a file is local")
	assert.False(t, r.Local(finding.Finding{}), "a finding without a file is never local")
	_, what, ok := r.Anchor(r.Findings[0])
	assert.True(t, ok, "without a repository any file of the cluster does")
	assert.Equal(t, "cluster dev", what)
}

// formats are the golden cases: every format in a plain environment, and
// text in colour.
func formats(t *testing.T) map[string]Reporter {
	m := map[string]Reporter{"text-color": Text{Color: true}}
	for _, n := range Names() {
		rep, err := NewReporter(n, Env{})
		require.NoError(t, err)
		m[n] = rep
	}
	return m
}

func TestGolden(t *testing.T) {
	for name, rep := range formats(t) {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, rep.Write(&b, sample()))
			testutil.Golden(t, *update, name, b.String())
			if name != "text-color" {
				assert.NotContains(t, b.String(), "\x1b[", "colour only when asked for")
			}
			// Same input, byte-identical output.
			var again bytes.Buffer
			require.NoError(t, rep.Write(&again, sample()))
			assert.True(t, b.String() == again.String(), "two writes differ")
		})
	}
	_, err := NewReporter("yaml", Env{})
	assert.EqualError(t, err, `unknown format "yaml" (want one of github, json, junit, markdown, sarif, text)`)
	assert.Equal(t, []string{"github", "json", "junit", "markdown", "sarif", "text"}, Names())
}

// TestNewReporter: each reporter takes what it needs from the environment.
func TestNewReporter(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	for _, tt := range []struct {
		env  Env
		want bool
	}{
		{Env{Terminal: true}, true},
		{Env{Terminal: true, Getenv: env(map[string]string{"NO_COLOR": "1"})}, false},
		{Env{Terminal: false}, false},
	} {
		rep, err := NewReporter("text", tt.env)
		require.NoError(t, err)
		assert.Equal(t, Text{Color: tt.want}, rep, "%+v", tt.env)
	}
	rep, err := NewReporter("text", Env{Terminal: true, Color: ColorNever, Quiet: true,
		Getenv: env(map[string]string{"TERM_PROGRAM": "vscode"})})
	require.NoError(t, err)
	assert.Equal(t, Text{Quiet: true}, rep, "--color=never: no colour, no links")
	rep, err = NewReporter("text", Env{Terminal: true, Getenv: env(map[string]string{"TERM_PROGRAM": "vscode"})})
	require.NoError(t, err)
	assert.Equal(t, Text{Color: true, Hyperlinks: true}, rep, "a terminal that shows links gets them")
	rep, err = NewReporter("text", Env{Color: ColorAlways, Getenv: env(map[string]string{"TERM_PROGRAM": "vscode"})})
	require.NoError(t, err)
	assert.Equal(t, Text{Color: true}, rep, "--color=always on a pipe: colour, but no links")
	rep, err = NewReporter("github", Env{Getenv: env(map[string]string{"GITHUB_STEP_SUMMARY": "s.md", "GITHUB_OUTPUT": "out"})})
	require.NoError(t, err)
	assert.Equal(t, GitHub{SummaryPath: "s.md", OutputPath: "out"}, rep)
	rep, err = NewReporter("sarif", Env{ToolVersion: "v1.2.3"})
	require.NoError(t, err)
	assert.Equal(t, SARIF{ToolVersion: "v1.2.3"}, rep)

	var failing []string
	for _, n := range Names() {
		rep, err := NewReporter(n, Env{})
		require.NoError(t, err)
		if _, ok := rep.(FailureWriter); ok {
			failing = append(failing, n)
		}
	}
	assert.Equal(t, []string{"json", "sarif"}, failing, "the formats that write a failure document")
}

func TestTextColor(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Text{Color: true}.Write(&b, sample()))
	assert.Contains(t, b.String(), ansiRed+"error"+ansiReset+"   D1-0401")
	assert.Contains(t, b.String(), ansiDim+"github.com/acme/d1-apps@production:components/shop/base/settings.yaml:4"+ansiReset)
	assert.Contains(t, b.String(), ansiDim+"(existing)"+ansiReset)
}

func TestJSONShape(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, JSON{}.Write(&b, sample()))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b.Bytes(), &doc))
	for _, k := range []string{"version", "repository", "baseline", "clusters", "findings", "waivers", "summary"} {
		assert.Contains(t, doc, k)
	}
	assert.NotContains(t, doc, "rules", "the catalogue is not part of the JSON report")
	f := doc["findings"].([]any)[1].(map[string]any)
	for _, k := range []string{"rule", "category", "severity", "cluster", "file", "line", "message", "fingerprint", "baseline"} {
		assert.Contains(t, f, k)
	}
}

// reportSchema compiles docs/report.schema.json.
func reportSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	root := testutil.Root(t)
	schemaFile, err := os.Open(filepath.Join(root, "docs", "report.schema.json"))
	require.NoError(t, err)
	defer schemaFile.Close()
	doc, err := jsonschema.UnmarshalJSON(schemaFile)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	const id = "https://raw.githubusercontent.com/d1lint/d1lint/main/docs/report.schema.json"
	require.NoError(t, c.AddResource(id, doc))
	schema, err := c.Compile(id)
	require.NoError(t, err)
	return schema
}

// validate checks a JSON report against docs/report.schema.json.
func validate(t *testing.T, name string, data []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	require.NoError(t, err, name)
	assert.NoError(t, reportSchema(t).Validate(inst), name)
}

// TestJSONSchema validates JSON reports against docs/report.schema.json:
// this package's golden and the CLI's.
func TestJSONSchema(t *testing.T) {
	schema := reportSchema(t)

	var b bytes.Buffer
	require.NoError(t, JSON{}.Write(&b, sample()))
	docs := map[string][]byte{"sample": b.Bytes()}
	for _, name := range []string{"testdata/golden/json.golden", "../cli/testdata/golden/check-bad-json.stdout.golden",
		"../cli/testdata/golden/check-fleet-bootstrap-json.stdout.golden"} {
		data, err := os.ReadFile(filepath.FromSlash(name))
		require.NoError(t, err)
		docs[name] = data
	}
	for name, data := range docs {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		require.NoError(t, err, name)
		assert.NoError(t, schema.Validate(inst), name)
	}

	// The schema is strict: a field it does not know fails.
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(`{"version": 1, "clusters": [], "findings": [], "waivers": [],
		"summary": {"clusters": 0, "objects": 0, "kustomizations": 0, "skipped": 0, "unresolved": 0,
		"findings": {"error": 0, "warning": 0, "info": 0}, "waived": 0, "new": 0}, "extra": true}`))
	require.NoError(t, err)
	assert.Error(t, schema.Validate(inst))
}

func TestSARIF(t *testing.T) {
	r := sample()
	var b bytes.Buffer
	require.NoError(t, SARIF{}.Write(&b, r))
	// The output validates against the SARIF 2.1.0 schema (embedded in go-sarif).
	doc, err := sarif.FromBytes(b.Bytes())
	require.NoError(t, err)
	require.NoError(t, doc.Validate())
	require.NoError(t, SARIFLog(r).Validate())

	require.Len(t, doc.Runs, 1)
	run := doc.Runs[0]
	assert.Equal(t, "d1lint", *run.Tool.Driver.Name)
	assert.Equal(t, "v1.2.3", *run.Tool.Driver.Version)
	var ids []string
	for _, x := range run.Tool.Driver.Rules {
		ids = append(ids, *x.ID)
	}
	assert.Equal(t, []string{"D1-0002", "D1-0101", "D1-0401", "D1-0501", "acme.conftest"}, ids, "catalogue rules, then the findings' own")
	// dev's finding has no file in the repository to be shown at.
	require.Len(t, run.Results, len(r.Findings)-1)
	require.Len(t, run.Invocations, 1)
	assert.Equal(t, "1 finding left out: neither it nor its cluster has a file in github.com/acme/d1-fleet to show it at; the other formats report it",
		*run.Invocations[0].ToolExecutionNotifications[0].Message.Text)
	var uris []string
	for i, res := range run.Results {
		f := r.Findings[i+1]
		assert.Equal(t, f.Rule, *res.RuleID)
		assert.Equal(t, f.Rule, ids[res.RuleIndex], "ruleIndex points at the rule")
		assert.Equal(t, f.Fingerprint, res.PartialFingerprints[FingerprintKey])
		// GitHub code scanning rejects a log with a result that has no
		// location, or a location that is not a relative file.
		require.Len(t, res.Locations, 1, f.Rule)
		phys := res.Locations[0].PhysicalLocation
		require.NotNil(t, phys)
		assert.Equal(t, SARIFBaseID, *phys.ArtifactLocation.URIBaseID)
		assert.False(t, strings.Contains(*phys.ArtifactLocation.URI, ":"), "a relative uri")
		assert.GreaterOrEqual(t, *phys.Region.StartLine, 1)
		uris = append(uris, fmt.Sprintf("%s:%d", *phys.ArtifactLocation.URI, *phys.Region.StartLine))
	}
	assert.Equal(t, []string{"tenants/shop.yaml:7", "clusters/prod-eu/flux-system/flux-instance.yaml:1",
		"clusters/prod-eu/flux-system/flux-instance.yaml:3", "apps/web%20app/service.yaml:12", "clusters/staging/kustomization.yaml:1"}, uris)
	out := b.String()
	assert.Contains(t, out, `"url": "https://github.com/acme/d1-apps/blob/production/components/shop/base/settings.yaml#L4"`)
	assert.Contains(t, out, `"text": "github.com/acme/d1-apps@production:components/shop/base/settings.yaml:4: ConfigMap shop/settings`)
	assert.Contains(t, out, `"baselineState": "unchanged"`)
	assert.Contains(t, out, `"baselineState": "new"`)
}

// TestSARIFOneAlertPerFileAndLine: a file three clusters share is one
// code-scanning alert naming the clusters, not three.
func TestSARIFOneAlertPerFileAndLine(t *testing.T) {
	rb := func(cluster string, line int, msg string) finding.Finding {
		f := finding.Finding{Rule: "D1-0105", Severity: finding.Warning, Cluster: cluster,
			Object:   &finding.Object{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding", Namespace: "shop", Name: "admin"},
			Location: model.Location{Repo: "github.com/acme/d1-apps", Branch: "main", Path: "tenants/shop/rbac.yaml", Line: line},
			Message:  msg, Baseline: finding.Existing}
		f.SetFingerprint()
		return f
	}
	fs := []finding.Finding{
		rb("staging", 9, "RoleBinding shop/admin grants cluster-admin"),
		rb("prod-us", 9, "RoleBinding shop/admin grants cluster-admin"),
		rb("prod-eu", 9, "RoleBinding shop/admin grants cluster-admin"),
		rb("prod-eu", 20, "RoleBinding shop/admin binds a ServiceAccount of another namespace"),
	}
	fs[1].Severity, fs[1].Baseline = finding.Error, finding.New
	r := New(&model.Fleet{}, fs)
	r.Repository, r.Baseline = "github.com/acme/d1-apps", "origin/main"
	var b bytes.Buffer
	require.NoError(t, SARIF{}.Write(&b, r))
	doc, err := sarif.FromBytes(b.Bytes())
	require.NoError(t, err)
	require.NoError(t, doc.Validate())
	res := doc.Runs[0].Results
	require.Len(t, res, 2, "one alert per rule, file and line")
	assert.Equal(t, "RoleBinding shop/admin grants cluster-admin (clusters prod-eu, prod-us, staging)", *res[0].Message.Text)
	assert.Equal(t, []any{"prod-eu", "prod-us", "staging"}, res[0].Properties.Properties["clusters"])
	assert.Equal(t, sarif.LevelError, res[0].Level, "the most severe of the clusters'")
	assert.Equal(t, "new", *res[0].BaselineState, "new on one cluster is new")
	assert.Equal(t, 9, *res[0].Locations[0].PhysicalLocation.Region.StartLine)
	assert.NotEqual(t, fs[0].Fingerprint, res[0].PartialFingerprints[FingerprintKey], "the alert's own fingerprint, not one cluster's")
	assert.Equal(t, "RoleBinding shop/admin binds a ServiceAccount of another namespace (cluster prod-eu)", *res[1].Message.Text)
	assert.Equal(t, []any{"prod-eu"}, res[1].Properties.Properties["clusters"])
	assert.Equal(t, fs[3].Fingerprint, res[1].PartialFingerprints[FingerprintKey], "one finding keeps its fingerprint")

	// The same three findings in another order make the same alert.
	var b2 bytes.Buffer
	r2 := New(&model.Fleet{}, []finding.Finding{fs[2], fs[0], fs[1], fs[3]})
	r2.Repository, r2.Baseline = r.Repository, r.Baseline
	require.NoError(t, SARIF{}.Write(&b2, r2))
	doc2, err := sarif.FromBytes(b2.Bytes())
	require.NoError(t, err)
	assert.Equal(t, res[0].PartialFingerprints, doc2.Runs[0].Results[0].PartialFingerprints)
}

// TestSARIFNoPlaceholders: the log says nothing go-sarif fills in by
// default (-1 for an absent index, empty arrays and objects).
func TestSARIFNoPlaceholders(t *testing.T) {
	var logs [][]byte
	var b bytes.Buffer
	require.NoError(t, SARIF{}.Write(&b, sample()))
	logs = append(logs, b.Bytes())
	var f bytes.Buffer
	require.NoError(t, SARIF{ToolVersion: "v1"}.WriteFailure(&f, errors.New("boom")))
	logs = append(logs, f.Bytes())
	for _, out := range logs {
		var v any
		require.NoError(t, json.Unmarshal(out, &v))
		var walk func(path string, v any)
		walk = func(path string, v any) {
			switch x := v.(type) {
			case map[string]any:
				assert.NotEmpty(t, x, path)
				for k, e := range x {
					walk(path+"."+k, e)
				}
			case []any:
				if !strings.HasSuffix(path, ".results") { // an empty results says that nothing was found
					assert.NotEmpty(t, x, path)
				}
				for i, e := range x {
					walk(fmt.Sprintf("%s[%d]", path, i), e)
				}
			case float64:
				assert.GreaterOrEqual(t, x, 0.0, path)
			}
		}
		walk("", v)
		assert.NotContains(t, string(out), `"index"`)
	}
}

func TestSARIFFailure(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, SARIF{ToolVersion: "v1.2.3"}.WriteFailure(&b, errors.New("loading the built-in rules: boom")))
	doc, err := sarif.FromBytes(b.Bytes())
	require.NoError(t, err)
	require.NoError(t, doc.Validate())
	inv := doc.Runs[0].Invocations[0]
	assert.False(t, *inv.ExecutionSuccessful)
	assert.Equal(t, "loading the built-in rules: boom", *inv.ToolExecutionNotifications[0].Message.Text)
	assert.Empty(t, doc.Runs[0].Results)
	assert.Contains(t, b.String(), `"results": []`, "a run that found nothing says so")
}

// TestJSONFailure: a check that could not run still writes a JSON report,
// valid against the schema, with the cause in "error" and nothing checked.
func TestJSONFailure(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, JSON{}.WriteFailure(&b, errors.New("loading the built-in rules: <boom> & bust")))
	testutil.Golden(t, *update, "json-failure", b.String())
	validate(t, "json-failure", b.Bytes())
	var r Report
	require.NoError(t, json.Unmarshal(b.Bytes(), &r))
	assert.Equal(t, Version, r.Version)
	assert.Equal(t, "loading the built-in rules: <boom> & bust", r.Error)
	assert.Empty(t, r.Findings)
	assert.Empty(t, r.Clusters)
}

func TestGitHub(t *testing.T) {
	dir := t.TempDir()
	summary, output := filepath.Join(dir, "summary.md"), filepath.Join(dir, "output")
	require.NoError(t, os.WriteFile(summary, []byte("earlier step\n"), 0o644))
	require.NoError(t, os.WriteFile(output, []byte("other=1\n"), 0o644))
	r := sample()
	var b bytes.Buffer
	require.NoError(t, GitHub{SummaryPath: summary, OutputPath: output}.Write(&b, r))

	var stdout bytes.Buffer
	require.NoError(t, GitHub{}.Write(&stdout, r))
	assert.Equal(t, stdout.String(), b.String(), "the files do not change stdout")
	assert.NotContains(t, b.String(), "D1-0101", "with a baseline, existing findings are not annotated")
	assert.Contains(t, b.String(), "::error title=D1-0401%3A Variable is not defined for this cluster::github.com/acme/d1-apps@production:")
	assert.Contains(t, b.String(), "::warning file=apps/web app/service.yaml,line=12,title=D1-0501%3A ")

	var md bytes.Buffer
	require.NoError(t, Markdown{}.Write(&md, r))
	got, err := os.ReadFile(summary)
	require.NoError(t, err)
	assert.Equal(t, "earlier step\n"+md.String(), string(got), "the summary is appended")
	got, err = os.ReadFile(output)
	require.NoError(t, err)
	assert.Equal(t, "other=1\nerrors=2\nwarnings=3\ninfos=1\nnew=5\n", string(got))

	// Without a baseline every finding is annotated.
	r.Baseline = ""
	b.Reset()
	require.NoError(t, GitHub{}.Write(&b, r))
	assert.Contains(t, b.String(), "::error file=clusters/prod-eu/flux-system/flux-instance.yaml,line=1,title=D1-0101%3A Multi-tenancy lockdown is off::"+
		"cluster prod-eu runs Flux without lockdown: 100%25 | <b>open</b>, [see](http://x) @acme *now*%0Asecond line\n")

	err = GitHub{OutputPath: filepath.Join(dir, "missing", "output")}.Write(&b, r)
	assert.ErrorIs(t, err, os.ErrNotExist)
}

// TestHeadCommit: on a pull_request event the links point at the pull
// request's head commit (from the event payload), not GITHUB_SHA (the
// merge commit); on a push, at GITHUB_SHA.
func TestHeadCommit(t *testing.T) {
	const head, merge = "0123456789abcdef0123456789abcdef01234567", "fedcba9876543210fedcba9876543210fedcba98"
	dir := t.TempDir()
	pr := filepath.Join(dir, "pull_request.json")
	require.NoError(t, os.WriteFile(pr, []byte(`{"action": "synchronize", "number": 7,
		"pull_request": {"head": {"ref": "feature", "sha": "`+head+`"}, "base": {"ref": "main", "sha": "`+merge[:39]+`0"}}}`), 0o644))
	push := filepath.Join(dir, "push.json")
	require.NoError(t, os.WriteFile(push, []byte(`{"ref": "refs/heads/main", "after": "`+merge+`"}`), 0o644))
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"pull_request": {"head": {"sha": "not-a-commit"}}}`), 0o644))
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	for _, tt := range []struct {
		name string
		vars map[string]string
		want string
	}{
		{"pull request", map[string]string{"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": pr, "GITHUB_SHA": merge}, head},
		{"push", map[string]string{"GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": push, "GITHUB_SHA": merge}, merge},
		{"no event file", map[string]string{"GITHUB_EVENT_PATH": filepath.Join(dir, "missing.json"), "GITHUB_SHA": merge}, merge},
		{"head that is no commit", map[string]string{"GITHUB_EVENT_PATH": bad, "GITHUB_SHA": merge}, merge},
		{"outside GitHub Actions", nil, ""},
		{"GITHUB_SHA that is no commit", map[string]string{"GITHUB_SHA": "main"}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, HeadCommit(env(tt.vars)))
		})
	}
	assert.Empty(t, HeadCommit(nil))

	// The github and markdown formats link local findings to that commit.
	vars := env(map[string]string{"GITHUB_EVENT_PATH": pr, "GITHUB_SHA": merge})
	rep, err := NewReporter("github", Env{Getenv: vars})
	require.NoError(t, err)
	assert.Equal(t, head, rep.(GitHub).HeadCommit)
	rep, err = NewReporter("markdown", Env{Getenv: vars})
	require.NoError(t, err)
	var md bytes.Buffer
	require.NoError(t, rep.Write(&md, sample()))
	out := md.String()
	assert.Contains(t, out, "[apps/web app/service.yaml:12](<https://github.com/acme/d1-fleet/blob/"+head+"/apps/web%20app/service.yaml#L12>)",
		"a file of the repository being checked, at the pull request's head")
	assert.NotContains(t, out, "/blob/main/apps/", "not at the base branch")
	assert.NotContains(t, out, merge, "not at the merge commit")
	assert.Contains(t, out, "(<https://github.com/acme/d1-apps/blob/production/components/shop/base/settings.yaml#L4>)",
		"a file of another repository stays at the branch it was read at")
}

func TestGitHubEscaping(t *testing.T) {
	assert.Equal(t, "100%25 a:b,c%0D%0Ad", escapeData("100% a:b,c\r\nd"))
	assert.Equal(t, "100%25 a%3Ab%2Cc%0D%0Ad", escapeProperty("100% a:b,c\r\nd"))
}

func TestMarkdownEscape(t *testing.T) {
	assert.Equal(t, `a \| b &lt;script&gt; &amp; \[x\](y) \@me \*em\* \_u\_ \${V} \`+"`c\\`"+`<br>d`,
		MarkdownEscape("a | b <script> & [x](y) @me *em* _u_ ${V} `c`\r\nd"))
}

func TestJUnit(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, JUnit{}.Write(&b, sample()))
	var doc junitSuites
	require.NoError(t, xml.Unmarshal(b.Bytes(), &doc))
	assert.Equal(t, 6, doc.Tests, "one case per finding")
	assert.Equal(t, 5, doc.Failures, "errors and warnings fail")
	require.Len(t, doc.Suites, 3)
	assert.Equal(t, "dev", doc.Suites[0].Name)
	assert.Nil(t, doc.Suites[2].Cases[1].Failure, "info passes")
	assert.Equal(t, "staging has more than 50 objects", doc.Suites[2].Cases[1].SystemOut[:32])

	// A cluster without findings has one passing case.
	r := sample()
	r.Findings = r.Findings[1:]
	b.Reset()
	require.NoError(t, JUnit{}.Write(&b, r))
	var doc2 junitSuites
	require.NoError(t, xml.Unmarshal(b.Bytes(), &doc2))
	assert.Equal(t, "no findings", doc2.Suites[0].Cases[0].Name)
	assert.Nil(t, doc2.Suites[0].Cases[0].Failure)
	assert.Contains(t, b.String(), "(existing)")
}

// TestGitHubOneAnnotationPerLine: a finding in a shared file, reported on
// several clusters, is annotated once, naming the clusters.
func TestGitHubOneAnnotationPerLine(t *testing.T) {
	f := finding.Finding{Rule: "D1-0501", Title: "Object does not match its schema", Severity: finding.Error,
		Location: model.Location{Repo: "github.com/acme/d1-fleet", Path: "apps/web.yaml", Line: 7}, Message: "Deployment web: spec.replicas: got string, want integer"}
	a, b := f, f
	a.Cluster, b.Cluster = "prod-eu", "prod-us"
	r := &Report{Repository: "github.com/acme/d1-fleet", Findings: []finding.Finding{a, b}}
	var out strings.Builder
	require.NoError(t, GitHub{}.Write(&out, r))
	assert.Equal(t, "::error file=apps/web.yaml,line=7,title=D1-0501%3A Object does not match its schema::Deployment web: spec.replicas: got string, want integer (clusters prod-eu, prod-us)\n", out.String())
}
