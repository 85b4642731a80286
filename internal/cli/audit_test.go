// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/audit"
	"github.com/d1lint/d1lint/internal/testutil"
)

// readAudit reads the files an audit wrote into dir.
func readAudit(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, name := range audit.Files {
		data, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err, name)
		out[name] = string(data)
	}
	return out
}

func TestAuditExample(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "audit") // created
	r := run(t, "audit", "--config", exampleFleet, "--today", "2026-11-24", "--out", dir)
	require.NoError(t, r.err)
	assert.Empty(t, r.stdout)
	assert.Empty(t, r.stderr, "no progress when standard error is no terminal")
	files := readAudit(t, dir)

	// report.json is check's JSON report.
	check := run(t, "check", "--config", exampleFleet, "--today", "2026-11-24", "--format", "json")
	require.NoError(t, check.err)
	assert.Equal(t, check.stdout, files[audit.JSONFile], "byte for byte")
	var doc struct {
		Summary struct {
			Clusters, Objects, Kustomizations int
			Findings                          map[string]int
		}
	}
	require.NoError(t, json.Unmarshal([]byte(files[audit.JSONFile]), &doc))
	assert.Equal(t, 2, doc.Summary.Clusters)
	assert.Equal(t, 148, doc.Summary.Objects, "the objects of the example's charts included")

	// report.sarif is a valid SARIF 2.1.0 log.
	log, err := sarif.FromBytes([]byte(files[audit.SARIFFile]))
	require.NoError(t, err)
	require.NoError(t, log.Validate())
	require.Len(t, log.Runs, 1)
	assert.Equal(t, "d1lint", *log.Runs[0].Tool.Driver.Name)

	page := files[audit.HTMLFile]
	assertPortable(t, page)
	assert.Contains(t, page, `id="count-clusters">2<`)
	assert.Contains(t, page, `id="count-objects">148<`)
	assert.Contains(t, page, "as of 2026-11-24")
	assert.Contains(t, page, `aria-label="Flux Kustomization graph"`)
	// The promotion drift between main and production is computed: the
	// example's production folders hold older chart versions.
	assert.Contains(t, page, "Promotion drift: main → production")
	assert.NotContains(t, page, "was not computed")
	assert.Contains(t, page, `<section class="drift" id="promotion-prod-eu">`)

	// A second audit into the same folder rewrites it identically.
	require.NoError(t, run(t, "audit", "--config", exampleFleet, "--today", "2026-11-24", "--out", dir).err)
	assert.Equal(t, files, readAudit(t, dir))
}

func TestAuditFindingsAndFailOn(t *testing.T) {
	dir := t.TempDir()
	r := run(t, "audit", "--config", badFleet, "--cluster", "undefined-var,schema-errors", "--out", dir)
	require.NoError(t, r.err, "an audit is a report: findings do not fail it")
	page := readAudit(t, dir)[audit.HTMLFile]
	assert.Contains(t, page, `<article class="finding error" id="finding-`)
	assert.Contains(t, page, "The fleet has no production cluster.")
	assert.Contains(t, page, `<span class="verdict fail" id="verdict">FAIL</span>`)
	assert.Contains(t, page, "(check's default: this audit ran without <code>--fail-on</code>, its exit status is 0)")

	require.NoError(t, os.Remove(filepath.Join(dir, audit.HTMLFile)))
	r = run(t, "audit", "--config", badFleet, "--cluster", "undefined-var,schema-errors", "--out", dir, "--fail-on", "error")
	assertErrClass(t, errFindings, r.err)
	assert.Contains(t, r.err.Error(), "at or above error")
	assert.FileExists(t, filepath.Join(dir, audit.HTMLFile), "written before failing")
	page = readAudit(t, dir)[audit.HTMLFile]
	assert.Regexp(t, `<span class="verdict fail" id="verdict">FAIL</span>\d+ findings? at or above error \(<code>--fail-on error</code>\)`, page, "the verdict by the run's threshold")

	r = run(t, "audit", "--config", badFleet, "--cluster", "good", "--out", dir, "--fail-on", "info", "--policy", "testdata/policies")
	assertErrClass(t, errFindings, r.err)
}

// TestAuditWaivers: the page shows each configured waiver with its status.
func TestAuditWaivers(t *testing.T) {
	bad, err := filepath.Abs("../../fixtures/bad/fleet")
	require.NoError(t, err)
	cfg := filepath.Join(t.TempDir(), ".d1lint.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(`fleet: `+bad+`
waivers:
  - rule: D1-0401
    cluster: undefined-var
    name: variables
    reason: the ConfigMap is filled by an operator
    owner: platform-team
    expires: 2026-12-01
  - rule: D1-0401
    name: mailer
    reason: old exception
    owner: mail-team
    expires: 2026-01-31
  - rule: D1-0001
    cluster: nowhere
    reason: nothing matches this
    owner: nobody
    expires: 2027-01-31
`), 0o644))
	dir := t.TempDir()
	require.NoError(t, run(t, "audit", "--config", cfg, "--cluster", "undefined-var", "--today", "2026-11-23", "--out", dir).err)
	page := readAudit(t, dir)[audit.HTMLFile]
	for _, s := range []string{"expiring", "expired", "stale"} {
		assert.Contains(t, page, `<span class="badge `+s+`">1 `+s+`</span>`)
		assert.Contains(t, page, `<td><span class="badge `+s+`">`+s+`</span></td>`)
	}
	assert.Contains(t, page, `<span class="badge active">0 active</span>`)
	assert.Contains(t, page, `id="count-waived">1<`)
}

func TestAuditUsage(t *testing.T) {
	file := filepath.Join(t.TempDir(), "report")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o644))
	out := filepath.Join(t.TempDir(), "out")
	for name, args := range map[string][]string{
		"no --out":        {"audit", "--config", exampleFleet},
		"--out is a file": {"audit", "--config", exampleFleet, "--out", file},
		"bad --fail-on":   {"audit", "--config", exampleFleet, "--out", out, "--fail-on", "fatal"},
		"bad --today":     {"audit", "--config", exampleFleet, "--out", out, "--today", "tomorrow"},
		"an argument":     {"audit", "--config", exampleFleet, "--out", out, "extra"},
		"unknown cluster": {"audit", "--config", exampleFleet, "--out", out, "--cluster", "nowhere"},
	} {
		t.Run(name, func(t *testing.T) {
			r := run(t, args...)
			assertErrClass(t, errUsage, r.err)
			assert.NoFileExists(t, filepath.Join(out, audit.HTMLFile))
		})
	}
	r := run(t, "audit", "--config", exampleFleet)
	assert.Contains(t, r.err.Error(), "--out")
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Equal(t, "x", string(data), "the file named by --out is left alone")
}

// TestAuditProgress: progress goes to standard error on a terminal, on
// one line each message overwrites, then the line that says what was
// written; nothing otherwise, nor with --quiet.
func TestAuditProgress(t *testing.T) {
	for _, tt := range []struct {
		terminal, quiet bool
	}{{true, false}, {false, false}, {true, true}} {
		var stdout, stderr bytes.Buffer
		s := Streams{Out: &stdout, Err: &stderr, Getenv: func(string) string { return "" }}
		s.ui = &ui{color: "auto", quiet: tt.quiet}
		cmd := newAuditCommandWith(s, func(w io.Writer) bool {
			assert.Same(t, &stderr, w, "the terminal check is on standard error")
			return tt.terminal
		})
		cmd.SetOut(&stdout)
		cmd.SetErr(&stderr)
		dir := t.TempDir()
		cmd.SetArgs([]string{"--config", exampleFleet, "--today", "2026-11-24", "--out", dir})
		require.NoError(t, cmd.ExecuteContext(context.Background()))
		assert.Empty(t, stdout.String())
		if !tt.terminal || tt.quiet {
			assert.Empty(t, stderr.String(), "%+v", tt)
			continue
		}
		out := stderr.String()
		for _, msg := range []string{"rendering 2 clusters…", "rendering 1/2 clusters…", "rendering 2/2 clusters…", "computing the promotion drift…",
			"writing report.json, report.sarif, report.html to " + dir + "…"} {
			assert.Contains(t, out, "\r"+msg, "each message starts the line again")
		}
		assert.Regexp(t, `\revaluating \d+ rules over 2 clusters…`, out)
		assert.NotContains(t, out, "\x1b", "no escape sequence: dumb terminals show it too")
		assert.True(t, strings.HasSuffix(out, "\rwrote "+filepath.Join(dir, "report.html")+": 2 clusters, 0 errors, 0 warnings, 0 info\n"),
			"the progress line is cleared before the last line: %q", out)
	}
}

// TestAuditD1Corpus audits the real d1 trio: every cluster, its graph, its
// sources at the branches it follows, and the promotion drift (none: the
// corpus's main and production hold the same files).
func TestAuditD1Corpus(t *testing.T) {
	d := testutil.D1Corpus(t, false)
	dir := filepath.Join(t.TempDir(), "audit")
	r := run(t, "audit", "--fleet", d.Fleet, "--today", "2026-11-24", "--out", dir,
		"--source", testutil.D1InfraURL+"="+d.Infra, "--source", testutil.D1AppsURL+"="+d.Apps)
	require.NoError(t, r.err, r.stderr)
	// The sources were given as absolute paths, which the page shows as
	// given (so no assertPortable here).
	page := readAudit(t, dir)[audit.HTMLFile]
	assert.Contains(t, page, `id="count-clusters">3<`)
	// 158 objects, and the OCIRepository and HelmRelease that the
	// flux-operator ResourceSet of each cluster generates.
	assert.Contains(t, page, `id="count-objects">164<`)
	// A graph per cluster, or a link to the cluster with the same one.
	assert.Equal(t, 3, strings.Count(page, `aria-label="Flux Kustomization graph"`)+strings.Count(page, `<p class="same">`))
	for _, c := range []string{"prod-eu", "prod-us"} {
		assert.Contains(t, page, `id="promotion-`+c+`"`)
	}
	assert.Contains(t, page, "refs/<wbr>heads/<wbr>production", "paths break after their slashes")
}
