// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/testutil"
)

// shared is a report of three clusters that read the same file: one
// mistake in it is found on every cluster, another on two of them, and
// each cluster has one of its own but staging.
func shared() *Report {
	fl := &model.Fleet{Clusters: []*model.Cluster{
		{Name: "dev", Environment: "dev", Objects: []*model.Object{{}}},
		{Name: "prod-eu", Environment: "production", Objects: []*model.Object{{}, {}}},
		{Name: "staging", Environment: "staging", Objects: []*model.Object{{}}},
	}}
	infra := model.Location{Repo: "github.com/acme/d1-infra", Branch: "main", Path: "monitoring/controllers/base/release.yaml", Line: 9}
	common := func(cluster string) finding.Finding {
		return finding.Finding{Rule: "D1-0501", Title: "Object does not match its schema", Severity: finding.Error, Cluster: cluster,
			Location: infra, Message: "HelmRelease monitoring/kube-prometheus-stack: spec.interval: got integer, want string"}
	}
	two := func(cluster string) finding.Finding {
		return finding.Finding{Rule: "D1-0203", Title: "Cross-namespace reference", Severity: finding.Warning, Cluster: cluster,
			Location: model.Location{Repo: "github.com/acme/d1-fleet", Branch: "main", Path: "tenants/shop.yaml", Line: 3},
			Message:  "Kustomization shop/apps refers to a source in flux-system"}
	}
	fs := []finding.Finding{
		common("dev"), common("prod-eu"), common("staging"), two("dev"), two("prod-eu"),
		{Rule: "D1-0401", Title: "Variable is not defined for this cluster", Severity: finding.Error, Cluster: "dev",
			Location: model.Location{Repo: "github.com/acme/d1-fleet", Branch: "main", Path: "clusters/dev/apps.yaml", Line: 12},
			Message:  "${HOST} is not defined for cluster dev"},
		{Rule: "D1-0401", Title: "Variable is not defined for this cluster", Severity: finding.Error, Cluster: "prod-eu",
			Location: model.Location{Repo: "github.com/acme/d1-fleet", Branch: "main", Path: "clusters/prod-eu/apps.yaml", Line: 12},
			Message:  "${HOST} is not defined for cluster prod-eu"},
	}
	finding.Sort(fs)
	r := New(fl, fs)
	r.Rules = []finding.Rule{{ID: "D1-0501", Title: "Object does not match its schema (catalogue)"}}
	return r
}

func TestTextMergesSharedFindings(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Text{}.Write(&b, shared()))
	out := b.String()
	testutil.Golden(t, *update, "text-shared", out)
	assert.Equal(t, 1, strings.Count(out, "spec.interval: got integer"), "a mistake every cluster shares is written once")
	assert.Equal(t, 1, strings.Count(out, "refers to a source in flux-system"), "so is one two clusters share")
	assert.Contains(t, out, "all 3 clusters\n  error   D1-0501  Object does not match its schema (catalogue)\n")
	assert.Contains(t, out, "clusters dev, prod-eu\n  warning D1-0203  Cross-namespace reference\n")
	assert.Contains(t, out, "staging (staging, 1 object): no findings of its own\n")
	assert.Equal(t, 2, strings.Count(out, "is not defined for cluster"), "findings that differ stay under their cluster")
	assert.Contains(t, out, "3 clusters, 4 objects and 0 Kustomizations checked: 5 errors, 2 warnings, 0 info",
		"the summary counts every cluster's findings")
}

func TestTextQuiet(t *testing.T) {
	var b bytes.Buffer
	r := sample()
	require.NoError(t, Text{Quiet: true}.Write(&b, r))
	out := b.String()
	assert.Contains(t, out, "prod-eu (production, 3 objects)\n  error   D1-0401")
	for _, chatter := range []string{"no findings", "waiver", "checked", "profile"} {
		assert.NotContains(t, out, chatter)
	}
	b.Reset()
	r.Findings = nil
	require.NoError(t, Text{Quiet: true}.Write(&b, r))
	assert.Empty(t, b.String(), "nothing found, nothing said")
}

func TestTextLocalFiles(t *testing.T) {
	// The fleet checkout is the current folder's sub-folder fleet, the
	// infra checkout is beside the current folder, the apps one further
	// up.
	root := t.TempDir()
	cwd := filepath.Join(root, "a", "work")
	write := func(p string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte("x: 1\n"), 0o644))
	}
	write(filepath.Join(cwd, "fleet", "clusters", "dev", "apps.yaml"))
	write(filepath.Join(root, "a", "infra", "monitoring", "controllers", "base", "release.yaml"))
	write(filepath.Join(root, "far", "away", "apps", "shop.yaml"))
	// A checkout found beside the fleet, on branch main: its working tree
	// stands for main; a detached one stands for no branch.
	write(filepath.Join(root, "a", "apps", "apps", "web.yaml"))
	write(filepath.Join(root, "a", "apps", ".git", "HEAD"))
	require.NoError(t, os.WriteFile(filepath.Join(root, "a", "apps", ".git", "HEAD"), []byte("ref: refs/heads/main\n"), 0o644))
	write(filepath.Join(root, "a", "detached", "apps", "web.yaml"))
	require.NoError(t, os.WriteFile(filepath.Join(root, "a", "detached", ".git"), []byte("gitdir: ../wt\n"), 0o644))
	write(filepath.Join(root, "a", "wt", "HEAD"))
	require.NoError(t, os.WriteFile(filepath.Join(root, "a", "wt", "HEAD"), []byte("0123456789abcdef0123456789abcdef01234567\n"), 0o644))
	require.NoError(t, os.MkdirAll(cwd, 0o755))
	l := NewLocalFiles([]model.Mapping{
		{Repo: "github.com/acme/d1-fleet", Branch: "main", Path: "fleet"},
		{Repo: "github.com/acme/d1-infra", Branch: "main", Path: filepath.Join(root, "a", "infra")},
		{Repo: "github.com/acme/d1-apps", Branch: "main", Path: filepath.Join(root, "far", "away")},
		{Repo: "github.com/acme/d1-fleet", Branch: "production", Path: "fleet", Revision: "origin/production"},
		{Repo: "github.com/acme/web", Path: "../apps"},
		{Repo: "github.com/acme/detached", Path: "../detached"},
	}, cwd)
	for _, tt := range []struct {
		loc  model.Location
		want string
	}{
		{model.Location{Repo: "github.com/acme/d1-fleet", Branch: "main", Path: "clusters/dev/apps.yaml", Line: 3}, "./fleet/clusters/dev/apps.yaml"},
		{model.Location{Repo: "github.com/acme/d1-infra", Branch: "main", Path: "monitoring/controllers/base/release.yaml"}, "../infra/monitoring/controllers/base/release.yaml"},
		{model.Location{Repo: "github.com/acme/d1-apps", Branch: "main", Path: "apps/shop.yaml"}, ""},                // too far up
		{model.Location{Repo: "github.com/acme/d1-fleet", Branch: "main", Path: "clusters/gone.yaml"}, ""},           // not there
		{model.Location{Repo: "github.com/acme/d1-fleet", Branch: "staging", Path: "clusters/dev/apps.yaml"}, ""},    // no folder for that branch
		{model.Location{Repo: "github.com/acme/d1-fleet", Branch: "production", Path: "clusters/dev/apps.yaml"}, ""}, // read at a revision
		{model.Location{Repo: "github.com/acme/web", Branch: "main", Path: "apps/web.yaml"}, "../apps/apps/web.yaml"},
		{model.Location{Repo: "github.com/acme/web", Branch: "production", Path: "apps/web.yaml"}, ""}, // not checked out
		{model.Location{Repo: "github.com/acme/detached", Branch: "main", Path: "apps/web.yaml"}, ""},
	} {
		rel, abs, ok := l.Find(tt.loc)
		assert.Equal(t, tt.want, rel, "%s", tt.loc)
		assert.Equal(t, tt.want != "", ok, "%s", tt.loc)
		if ok {
			assert.True(t, filepath.IsAbs(abs))
		}
	}

	r := New(&model.Fleet{Clusters: []*model.Cluster{{Name: "dev"}}}, []finding.Finding{{Rule: "D1-0401", Severity: finding.Error, Cluster: "dev",
		Location: model.Location{Repo: "github.com/acme/d1-fleet", Branch: "main", Path: "clusters/dev/apps.yaml", Line: 3}, Message: "m"}})
	var b bytes.Buffer
	require.NoError(t, Text{Local: l}.Write(&b, r))
	assert.Contains(t, b.String(), "\n          ./fleet/clusters/dev/apps.yaml:3\n")
	assert.NotContains(t, b.String(), "\x1b]8;;", "no hyperlink unless asked for")

	b.Reset()
	require.NoError(t, Text{Local: l, Color: true, Hyperlinks: true}.Write(&b, r))
	url := "file://" + l.host + filepath.ToSlash(filepath.Join(cwd, "fleet", "clusters", "dev", "apps.yaml"))
	assert.Contains(t, b.String(), "\x1b]8;;"+url+"\x1b\\"+ansiDim+"./fleet/clusters/dev/apps.yaml:3"+ansiReset+"\x1b]8;;\x1b\\")
}

func TestUseColor(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	for _, tt := range []struct {
		name     string
		mode     string
		terminal bool
		env      func(string) string
		want     bool
	}{
		{"auto on a terminal", "", true, env(), true},
		{"auto on a pipe", ColorAuto, false, env(), false},
		{"always beats NO_COLOR", ColorAlways, false, env("NO_COLOR", "1"), true},
		{"never beats FORCE_COLOR", ColorNever, true, env("FORCE_COLOR", "1"), false},
		{"NO_COLOR beats FORCE_COLOR", "", true, env("NO_COLOR", "1", "FORCE_COLOR", "1"), false},
		{"FORCE_COLOR colours a pipe", "", false, env("FORCE_COLOR", "1"), true},
		{"FORCE_COLOR beats TERM=dumb", "", true, env("FORCE_COLOR", "3", "TERM", "dumb"), true},
		{"FORCE_COLOR=0 turns it off", "", true, env("FORCE_COLOR", "0"), false},
		{"TERM=dumb", "", true, env("TERM", "dumb"), false},
		{"no environment", "", true, nil, true},
	} {
		assert.Equal(t, tt.want, UseColor(tt.mode, tt.terminal, tt.env), tt.name)
	}
	assert.True(t, SupportsHyperlinks(env("TERM_PROGRAM", "vscode")))
	assert.True(t, SupportsHyperlinks(env("VTE_VERSION", "7600")))
	assert.False(t, SupportsHyperlinks(env("VTE_VERSION", "4600")))
	assert.False(t, SupportsHyperlinks(env("TERM_PROGRAM", "vscode", "CI", "true")), "CI logs show no links")
	assert.True(t, SupportsHyperlinks(env("FORCE_HYPERLINK", "1", "CI", "true")))
	assert.False(t, SupportsHyperlinks(env("FORCE_HYPERLINK", "0", "TERM_PROGRAM", "iTerm.app")))
	assert.False(t, SupportsHyperlinks(env("TERM", "xterm-256color")), "unknown terminals get none")
}

func TestCount(t *testing.T) {
	assert.Equal(t, "0 clusters", Count(0, "cluster"))
	assert.Equal(t, "1 cluster", Count(1, "cluster"))
	assert.Equal(t, "2 errors", Count(2, "error"))
}
