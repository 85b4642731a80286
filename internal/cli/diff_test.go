// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/diff"
	"github.com/d1lint/d1lint/internal/engine"
	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/revision"
	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/internal/testutil"
)

// TestMain removes the d1 corpus the tests lay out.
func TestMain(m *testing.M) {
	// The commands' persistent cache defaults to $XDG_CACHE_HOME/d1lint:
	// the tests keep theirs apart from the user's.
	cacheHome, err := os.MkdirTemp("", "d1lint-cli-cache-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CACHE_HOME", cacheHome)
	code := m.Run()
	os.RemoveAll(cacheHome)
	testutil.Cleanup()
	os.Exit(code)
}

// d1Copy copies the d1 corpus trio into a fresh folder, as a user has the
// three repositories checked out side by side.
func d1Copy(t *testing.T) testutil.D1 {
	t.Helper()
	d := testutil.D1Corpus(t, false)
	work := t.TempDir()
	for _, repo := range []string{d.Fleet, d.Infra, d.Apps} {
		out, err := exec.Command("cp", "-a", repo, work).CombinedOutput()
		require.NoError(t, err, string(out))
	}
	return testutil.D1{Fleet: filepath.Join(work, "d1-fleet"), Infra: filepath.Join(work, "d1-infra"), Apps: filepath.Join(work, "d1-apps")}
}

// d1Args are the arguments of d1lint diff on the copy.
func d1Args(d testutil.D1, extra ...string) []string {
	return append([]string{"diff", "--fleet", d.Fleet,
		"--source", testutil.D1InfraURL + "=" + d.Infra,
		"--source", testutil.D1AppsURL + "=" + d.Apps}, extra...)
}

// gitIn runs git in dir.
func gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=d1lint test", "-c", "user.email=test@example.invalid",
		"-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "git %v: %s", args, out)
	return strings.TrimSpace(string(out))
}

// edit replaces old (which must occur once) with new in file.
func edit(t *testing.T, file, old, new string) {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	require.Equal(t, 1, strings.Count(string(data), old), "%q in %s", old, file)
	require.NoError(t, os.WriteFile(file, []byte(strings.Replace(string(data), old, new, 1)), 0o644))
}

// TestDiffUncommitted: an uncommitted edit of d1-apps' staging overlay
// reaches the staging cluster only, with the changed field.
func TestDiffUncommitted(t *testing.T) {
	d := d1Copy(t)
	r := run(t, d1Args(d)...)
	require.NoError(t, r.err, r.stderr)
	assert.Contains(t, r.stdout, "no change on any of 3 clusters")
	assert.Contains(t, r.stdout, "unchanged: prod-eu, prod-us, staging")

	edit(t, filepath.Join(d.Apps, "components", "backend", "staging", "redis-values.yaml"), `memory: "128Mi"`, `memory: "256Mi"`)
	r = run(t, d1Args(d)...)
	require.NoError(t, r.err, r.stderr)
	assert.Empty(t, r.stderr)
	assert.Contains(t, r.stdout, "base: the HEAD commit of d1-apps, d1-fleet, d1-infra\n")
	assert.Contains(t, r.stdout, "the change reaches 1 of 3 clusters: staging\n")
	assert.Contains(t, r.stdout, "staging: 0 added, 0 removed, 1 modified\n")
	// The value changes in the staging overlay's patch, not in the base
	// HelmRelease: the field is located there.
	assert.Contains(t, r.stdout, "  modified  HelmRelease backend/redis  github.com/controlplaneio-fluxcd/d1-apps@main:components/backend/base/redis.yaml:1\n"+
		"            spec.values.master.resources.limits.memory: \"128Mi\" -> \"256Mi\"  (components/backend/staging/redis-values.yaml:10)\n")
	assert.Contains(t, r.stdout, "unchanged: prod-eu, prod-us")
	assertPortable(t, r.stdout)

	// The same as JSON, valid against docs/diff.schema.json.
	r = run(t, d1Args(d, "--format", "json")...)
	require.NoError(t, r.err, r.stderr)
	validateDiffJSON(t, r.stdout)
	var doc diff.Document
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc))
	assert.Equal(t, []string{"staging"}, doc.Reached)
	require.Len(t, doc.Clusters, 3)
	staging := doc.Clusters[2]
	require.Len(t, staging.Changes, 1)
	require.Len(t, staging.Changes[0].Fields, 1)
	f := staging.Changes[0].Fields[0]
	require.NotNil(t, f.Location)
	assert.Len(t, f.Location.Commit, 40, "the commit the working tree is at")
	f.Location.Commit = ""
	assert.Equal(t, diff.FieldChange{Op: diff.FieldChanged, Field: "spec.values.master.resources.limits.memory", Old: ptr(`"128Mi"`), New: ptr(`"256Mi"`),
		Location: &model.Location{Repo: "github.com/controlplaneio-fluxcd/d1-apps", Branch: "main", Path: "components/backend/staging/redis-values.yaml", Line: 10}}, f)
	assertPortable(t, r.stdout)

	// A mistake in the working tree is a finding the change introduces.
	edit(t, filepath.Join(d.Apps, "components", "backend", "base", "redis.yaml"), "\n  driftDetection:\n", "\n  driftDetecton:\n")
	r = run(t, d1Args(d, "--format", "markdown")...)
	require.NoError(t, r.err, "differences are no failure: %s", r.stderr)
	assert.Contains(t, r.stdout, "## d1lint diff: 1 of 3 clusters change\n")
	assert.Contains(t, r.stdout, "<details><summary>staging: 0 added, 0 removed, 1 modified; 1 finding introduced</summary>")
	assert.Contains(t, r.stdout, "moved spec.driftDetection -&gt; spec.driftDetecton: {\"mode\":\"disabled\"} (components/backend/base/redis.yaml:15)<br>"+
		"spec.values.master.resources.limits.memory: \"128Mi\" -&gt; \"256Mi\" (components/backend/staging/redis-values.yaml:10) |", "a renamed field is a move")
	assert.Contains(t, r.stdout, "| error | D1-0501 | github.com/controlplaneio-fluxcd/d1-apps\\@main:components/backend/base/redis.yaml:15 |")
	assert.Contains(t, r.stdout, "Unchanged: prod-eu, prod-us.")
	golden(t, "diff-uncommitted-markdown.stdout", r.stdout)

	// In a pull request's job summary, the head's files link to the pull
	// request's head commit (from the event payload), not the merge commit.
	const head = "0123456789abcdef0123456789abcdef01234567"
	event := filepath.Join(t.TempDir(), "event.json")
	require.NoError(t, os.WriteFile(event, []byte(`{"pull_request": {"head": {"sha": "`+head+`"}}}`), 0o644))
	r = runEnv(t, map[string]string{"GITHUB_REPOSITORY": "controlplaneio-fluxcd/d1-apps", "GITHUB_EVENT_PATH": event,
		"GITHUB_SHA": "fedcba9876543210fedcba9876543210fedcba98"}, d1Args(d, "--format", "markdown")...)
	require.NoError(t, r.err, r.stderr)
	assert.Contains(t, r.stdout, "([components/backend/staging/redis-values.yaml:10](<https://github.com/controlplaneio-fluxcd/d1-apps/blob/"+head+
		"/components/backend/staging/redis-values.yaml#L10>))")
	assert.NotContains(t, r.stdout, "fedcba98")

	// --cluster leaves the others out.
	r = run(t, d1Args(d, "--cluster", "prod-eu")...)
	require.NoError(t, r.err, r.stderr)
	assert.Contains(t, r.stdout, "no change on any of 1 cluster")
}

// TestDiffBase: --base names a revision of the repository being checked;
// what was fixed since is listed as fixed.
func TestDiffBase(t *testing.T) {
	d := d1Copy(t)
	redis := filepath.Join(d.Apps, "components", "backend", "base", "redis.yaml")
	edit(t, redis, "\n  driftDetection:\n", "\n  driftDetecton:\n")
	gitIn(t, d.Apps, "commit", "-q", "-am", "a mistake")
	edit(t, redis, "\n  driftDetecton:\n", "\n  driftDetection:\n")
	edit(t, redis, "replicaCount: 1", "replicaCount: 3")
	gitIn(t, d.Apps, "commit", "-q", "-am", "fixed, and more replicas")

	r := run(t, d1Args(d, "--base", "HEAD~1", "--repository", testutil.D1AppsURL)...)
	require.NoError(t, r.err, r.stderr)
	assert.Contains(t, r.stdout, "base: HEAD~1 of d1-apps\nhead: the working tree\n")
	assert.Contains(t, r.stdout, "the change reaches 1 of 3 clusters: staging\n")
	assert.Contains(t, r.stdout, "staging: 0 added, 0 removed, 1 modified; 1 finding fixed\n")
	assert.Contains(t, r.stdout, "            moved spec.driftDetecton -> spec.driftDetection: {\"mode\":\"disabled\"}  (components/backend/base/redis.yaml:15)\n"+
		"            spec.values.replica.replicaCount: 1 -> 3  (components/backend/base/redis.yaml:32)\n")
	assert.Contains(t, r.stdout, "  fixed      error   D1-0501  github.com/controlplaneio-fluxcd/d1-apps@main:components/backend/base/redis.yaml:15\n")

	// The same repository named by GitHub's environment.
	r = runEnv(t, map[string]string{"GITHUB_REPOSITORY": "controlplaneio-fluxcd/d1-apps"}, d1Args(d, "--base", "HEAD~2")...)
	require.NoError(t, r.err, r.stderr)
	assert.Contains(t, r.stdout, "staging: 0 added, 0 removed, 1 modified\n")
	assert.Contains(t, r.stdout, "            spec.values.replica.replicaCount: 1 -> 3  (components/backend/base/redis.yaml:32)\n")

	// Committed, so nothing is uncommitted.
	r = run(t, d1Args(d)...)
	require.NoError(t, r.err, r.stderr)
	assert.Contains(t, r.stdout, "no change on any of 3 clusters")

	r = run(t, d1Args(d, "--base", "no-such-revision", "--repository", testutil.D1AppsURL)...)
	assertErrClass(t, errUsage, r.err)
}

// TestDiffPromote: what main has that production does not reaches the
// production clusters, with the chart version it moves, and without any
// checkout.
func TestDiffPromote(t *testing.T) {
	d := d1Copy(t)
	// The corpus's main and production hold the same files: main moves on.
	redis := filepath.Join(d.Apps, "components", "backend", "base", "redis.yaml")
	edit(t, redis, "version: 27.0.12", "version: 27.1.0")
	edit(t, redis, "replicaCount: 1", "replicaCount: 2")
	gitIn(t, d.Apps, "commit", "-q", "-am", "redis 27.1.0, two replicas")
	head := gitIn(t, d.Apps, "rev-parse", "HEAD")
	prodHead := gitIn(t, d.Apps, "rev-parse", "production")

	r := run(t, d1Args(d, "--promote")...)
	require.NoError(t, r.err, r.stderr)
	assert.Contains(t, r.stdout, "base: the production clusters as they are (branch production)\n")
	assert.Contains(t, r.stdout, "github.com/controlplaneio-fluxcd/d1-apps")
	assert.Contains(t, r.stdout, "the change reaches 2 of 2 clusters: prod-eu, prod-us\n")
	assert.NotContains(t, r.stdout, "staging", "only production clusters")
	for _, c := range []string{"prod-eu", "prod-us"} {
		// No chart cache is given: the chart each side pins is missing
		// from it, so the warning moves from one version to the other.
		assert.Contains(t, r.stdout, c+": 0 added, 0 removed, 1 modified; 1 chart version, 1 finding introduced, 1 finding fixed\n")
	}
	assert.Contains(t, r.stdout, "  introduced warning D1-0007  github.com/controlplaneio-fluxcd/d1-apps@production:components/backend/base/redis.yaml:1\n"+
		"             HelmRelease backend/redis: chart redis 27.1.0 (oci://registry-1.docker.io/bitnamicharts) is not in git and no chart cache is configured")
	assert.Contains(t, r.stdout, "  modified  HelmRelease backend/redis  github.com/controlplaneio-fluxcd/d1-apps@production:components/backend/base/redis.yaml:1\n"+
		"            spec.chart.spec.version: \"27.0.12\" -> \"27.1.0\"  (components/backend/base/redis.yaml:10)\n"+
		"            spec.values.replica.replicaCount: 1 -> 2  (components/backend/base/redis.yaml:32)\n")
	assert.Contains(t, r.stdout, "  chart     HelmRelease backend/redis: redis 27.0.12 -> 27.1.0\n")
	assert.Equal(t, prodHead, gitIn(t, d.Apps, "rev-parse", "production"), "production is untouched")
	assert.Equal(t, "main", gitIn(t, d.Apps, "rev-parse", "--abbrev-ref", "HEAD"), "nothing was checked out")

	r = run(t, d1Args(d, "--promote", "--format", "markdown")...)
	require.NoError(t, r.err, r.stderr)
	assert.Contains(t, r.stdout, "| HelmRelease backend/redis | redis | 27.0.12 | 27.1.0 |")
	golden(t, "diff-promote-markdown.stdout", r.stdout)

	// What the nightly audit calls.
	f := &diffFlags{}
	f.fleet, f.sources = d.Fleet, []string{testutil.D1InfraURL + "=" + d.Infra, testutil.D1AppsURL + "=" + d.Apps}
	opts, ec, err := f.load(func(string) string { return "" }, engine.ConfigFile{})
	require.NoError(t, err)
	e := engine.New(ec)
	p, err := e.Promotion(context.Background(), opts)
	require.NoError(t, err)
	assert.Equal(t, "main", p.Main)
	assert.Equal(t, "production", p.Production)
	var apps *revision.Promoted
	for i, repo := range p.Repositories {
		if repo.URL == source.NormalizeURL(testutil.D1AppsURL) {
			apps = &p.Repositories[i]
		}
	}
	require.NotNil(t, apps, "d1-apps is promoted: %+v", p.Repositories)
	assert.Equal(t, prodHead, apps.From)
	assert.Equal(t, head, apps.To)
	require.Len(t, p.Clusters, 2)
	assert.Equal(t, []string{"prod-eu", "prod-us"}, diff.Reached(p.Clusters))
	assert.Equal(t, []diff.ChartChange{{Release: p.Clusters[0].Charts[0].Release, Chart: "redis", From: "27.0.12", To: "27.1.0"}}, p.Clusters[0].Charts)

	// A mistake on main is a finding the promotion would bring to production.
	edit(t, redis, "\n  driftDetection:\n", "\n  driftDetecton:\n")
	gitIn(t, d.Apps, "commit", "-q", "-am", "a mistake")
	p, err = e.Promotion(context.Background(), opts)
	require.NoError(t, err)
	for _, c := range p.Clusters {
		c.Introduced = slices.DeleteFunc(c.Introduced, func(f finding.Finding) bool { return f.Rule == "D1-0007" })
		if assert.Len(t, c.Introduced, 1, c.Name) {
			assert.Equal(t, "D1-0501", c.Introduced[0].Rule)
			assert.Equal(t, "production", c.Introduced[0].Location.Branch)
			assert.Equal(t, 15, c.Introduced[0].Location.Line)
		}
	}

	// Production already has what main has: nothing to promote.
	gitIn(t, d.Apps, "branch", "-f", "production", "main")
	gitIn(t, d.Infra, "branch", "-f", "production", "main")
	r = run(t, d1Args(d, "--promote")...)
	require.NoError(t, r.err, r.stderr)
	assert.Contains(t, r.stdout, "no change on any of 2 clusters")
	// main read from git objects (not a working tree): the same commit.
	gitIn(t, d.Apps, "checkout", "-q", "--detach")
	gitIn(t, d.Infra, "checkout", "-q", "--detach")
	r = run(t, d1Args(d, "--promote")...)
	require.NoError(t, r.err, r.stderr)
	assert.Contains(t, r.stdout, "no change on any of 2 clusters")
	assert.Contains(t, r.stdout, "no repository's production branch differs from its main branch")
}

func TestDiffUsage(t *testing.T) {
	d := d1Copy(t)
	for _, args := range [][]string{
		d1Args(d, "--format", "yaml"),
		d1Args(d, "--promote", "--base", "HEAD"),
		d1Args(d, "extra"),
		d1Args(d, "--cluster", "nope"),
	} {
		r := run(t, args...)
		assertErrClass(t, errUsage, r.err)
	}
}

// validateDiffJSON checks d1lint diff --format json output against
// docs/diff.schema.json (which refers to docs/report.schema.json).
func validateDiffJSON(t *testing.T, out string) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	require.NoError(t, err)
	assert.NoError(t, testutil.DiffSchema(t).Validate(inst))
}

func ptr(s string) *string { return &s }

// TestDiffPromoteFleet: when production clusters follow the fleet's
// production branch, the fleet is promoted too.
func TestDiffPromoteFleet(t *testing.T) {
	d := d1Copy(t)
	for _, c := range []string{"prod-eu", "prod-us"} {
		edit(t, filepath.Join(d.Fleet, "clusters", c, "flux-system", "flux-instance.yaml"), `ref: "refs/heads/main"`, `ref: "refs/heads/production"`)
	}
	gitIn(t, d.Fleet, "commit", "-q", "-am", "production clusters follow production")
	gitIn(t, d.Fleet, "branch", "production")
	edit(t, filepath.Join(d.Fleet, "clusters", "prod-eu", "runtime-info.yaml"), "eu.example.com", "eu2.example.com")
	gitIn(t, d.Fleet, "commit", "-q", "-am", "a new domain for prod-eu")

	// Nothing is uncommitted: the base still reads the fleet's production
	// branch from its git objects.
	r := run(t, d1Args(d, "--fleet-branch", "main")...)
	require.NoError(t, r.err, r.stderr)
	assert.Contains(t, r.stdout, "no change on any of 3 clusters")

	// The fleet's working tree stands for main: production is read from
	// git objects, and main's copy takes its place.
	r = run(t, d1Args(d, "--promote", "--fleet-branch", "main")...)
	require.NoError(t, r.err, r.stderr)
	assert.Contains(t, r.stdout, "github.com/controlplaneio-fluxcd/d1-fleet")
	assert.Contains(t, r.stdout, "the change reaches 1 of 2 clusters: prod-eu\n")
	assert.Contains(t, r.stdout, "  modified  ConfigMap flux-system/flux-runtime-info  github.com/controlplaneio-fluxcd/d1-fleet@production:clusters/prod-eu/runtime-info.yaml:1\n"+
		"            data.CLUSTER_DOMAIN: \"eu.example.com\" -> \"eu2.example.com\"  (clusters/prod-eu/runtime-info.yaml:14)\n")
	// The value substitution put in from the runtime-info ConfigMap is
	// located at the ${CLUSTER_DOMAIN} reference.
	assert.Contains(t, r.stdout, "            spec.values.ingress.hosts[0].host: \"podinfo.eu.example.com\" -> \"podinfo.eu2.example.com\"  (components/frontend/base/podinfo.yaml:39)\n")
	assert.Contains(t, r.stdout, "  modified  HelmRelease frontend/podinfo  github.com/controlplaneio-fluxcd/d1-apps@production:")

	// The working tree stands for production (most clusters' roots sync
	// it): it already holds main, so the promotion changes nothing.
	r = run(t, d1Args(d, "--promote")...)
	require.NoError(t, r.err, r.stderr)
	assert.Contains(t, r.stdout, "no change on any of 2 clusters")

	// ... unless production is checked out.
	gitIn(t, d.Fleet, "checkout", "-q", "production")
	r = run(t, d1Args(d, "--promote")...)
	require.NoError(t, r.err, r.stderr)
	assert.Contains(t, r.stdout, "the change reaches 1 of 2 clusters: prod-eu\n")
	assert.Contains(t, r.stdout, "data.CLUSTER_DOMAIN")
}
