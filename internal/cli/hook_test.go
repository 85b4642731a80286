// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/testutil"
)

func TestReadPushes(t *testing.T) {
	in := "refs/heads/main 1111111111111111111111111111111111111111 refs/heads/main 2222222222222222222222222222222222222222\n" +
		"refs/heads/gone 0000000000000000000000000000000000000000 refs/heads/gone 3333333333333333333333333333333333333333\n\n"
	got, err := readPushes(strings.NewReader(in))
	require.NoError(t, err)
	require.Len(t, got, 1, "a deleted ref has nothing to check")
	assert.Equal(t, "1111111111111111111111111111111111111111", got[0].localSHA)
	_, err = readPushes(strings.NewReader("garbage\n"))
	assert.ErrorIs(t, err, ErrUsage)
}

func TestStandsFor(t *testing.T) {
	assert.Equal(t, "main", standsFor("refs/heads/main", nil))
	assert.Equal(t, "production", standsFor("refs/heads/production", nil))
	assert.Equal(t, "main", standsFor("refs/heads/feature/x", nil), "a feature branch merges into main")
	assert.Equal(t, "prod", standsFor("refs/heads/prod", map[string]string{"production": "prod"}))
	assert.Equal(t, "main", standsFor("refs/tags/v1", nil))
}

func TestHookScript(t *testing.T) {
	s := hookScript("d1lint", []string{"--source", "https://github.com/acme/d1-infra.git=../d1 infra", "--cluster", "it's"})
	assert.Contains(t, s, hookMarker)
	assert.Contains(t, s, chainedHook)
	assert.Contains(t, s, `exec d1lint hook run pre-push --source 'https://github.com/acme/d1-infra.git=../d1 infra' --cluster 'it'\''s' -- "$@"`)
}

// hookRepo is a git repository made with go-git (no git process), holding
// a one-cluster fleet, as the current folder of the test.
type hookRepo struct {
	dir  string
	repo *git.Repository
	n    int
}

const hookInstance = `apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata:
  name: flux
  namespace: flux-system
spec:
  distribution:
    version: 2.7.x
    registry: ghcr.io/fluxcd
  sync:
    kind: GitRepository
    url: https://example.com/acme/fleet.git
    ref: refs/heads/main
    path: clusters/one
`

const (
	goodSettings = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  key: value\n"
	// badSettings has a field ConfigMaps do not have: a schema error.
	badSettings = goodSettings + "spec: {}\n"
)

func newHookRepo(t *testing.T) *hookRepo {
	dir := t.TempDir()
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
	})
	require.NoError(t, err)
	t.Chdir(dir)
	return &hookRepo{dir: dir, repo: repo}
}

// commit writes files and commits them on main.
func (r *hookRepo) commit(t *testing.T, subject string, files map[string]string) string {
	t.Helper()
	testutil.WriteFiles(t, r.dir, files)
	w, err := r.repo.Worktree()
	require.NoError(t, err)
	require.NoError(t, w.AddWithOptions(&git.AddOptions{All: true}))
	r.n++
	sig := &object.Signature{Name: "t", Email: "t@example.invalid", When: time.Date(2026, 1, 1, r.n, 0, 0, 0, time.UTC)}
	h, err := w.Commit(subject, &git.CommitOptions{Author: sig, Committer: sig})
	require.NoError(t, err)
	return h.String()
}

// runHook runs the pre-push hook in-process with git's standard input.
func runHook(t *testing.T, stdin string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := NewRootCommand(Streams{Out: &stdout, Err: &stderr, Getenv: func(string) string { return "" }})
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetArgs([]string{"hook", "run", "pre-push", "--", "test", "/remote.git"})
	err := cmd.ExecuteContext(context.Background())
	return result{stdout: stdout.String(), stderr: stderr.String(), err: err}
}

// TestHookChecksEveryPushedCommit: a bad commit followed by its fix is
// blocked, naming the bad commit; commits checked before are not checked
// again.
func TestHookChecksEveryPushedCommit(t *testing.T) {
	r := newHookRepo(t)
	base := r.commit(t, "fleet", map[string]string{"clusters/one/flux-system/flux-instance.yaml": hookInstance, "clusters/one/settings.yaml": goodSettings})
	require.NoError(t, r.repo.Storer.SetReference(plumbing.NewHashReference(plumbing.NewRemoteReferenceName("test", "main"), plumbing.NewHash(base))))
	bad := r.commit(t, "settings: a spec", map[string]string{"clusters/one/settings.yaml": badSettings})
	fix := r.commit(t, "settings: no spec after all", map[string]string{"clusters/one/settings.yaml": goodSettings})

	push := "refs/heads/main " + fix + " refs/heads/main " + base + "\n"
	got := runHook(t, push)
	require.ErrorIs(t, got.err, ErrFindings, got.stdout)
	assert.Contains(t, got.err.Error(), "commit "+bad[:7]+" (settings: a spec)")
	assert.Contains(t, got.err.Error(), "push blocked")
	assert.Contains(t, got.stdout, "d1lint: commit "+bad[:7]+" (settings: a spec) of refs/heads/main:\n")
	assert.Contains(t, got.stdout, "clusters/one/settings.yaml:8", "the bad commit's report")
	assert.NotContains(t, got.stdout, fix[:7], "the check stops at the first bad commit")

	again := runHook(t, push)
	require.ErrorIs(t, again.err, ErrFindings)
	assert.Contains(t, again.err.Error(), "commit "+bad[:7]+" (settings: a spec) (cached)", "the stored result of that commit is replayed")
	assert.Contains(t, again.stdout, "clusters/one/settings.yaml:8")

	// The same commits pushed to a new branch: what no remote-tracking
	// ref reaches is checked, the bad commit included.
	branch := runHook(t, "refs/heads/topic "+fix+" refs/heads/topic 0000000000000000000000000000000000000000\n")
	require.ErrorIs(t, branch.err, ErrFindings)
	assert.Contains(t, branch.err.Error(), bad[:7])

	// Once the remote has the bad commit, pushing the fix alone passes.
	fixOnly := runHook(t, "refs/heads/main "+fix+" refs/heads/main "+bad+"\n")
	require.NoError(t, fixOnly.err, fixOnly.stdout)
	assert.Contains(t, fixOnly.stdout, "0 errors")

	// A good commit before the tip is checked and named in one line; it
	// was checked before as the fix, so it is not checked again.
	more := r.commit(t, "more settings", map[string]string{"clusters/one/more.yaml": strings.Replace(goodSettings, "name: settings", "name: more", 1)})
	two := runHook(t, "refs/heads/main "+more+" refs/heads/main "+bad+"\n")
	require.NoError(t, two.err, two.stdout)
	assert.Contains(t, two.stdout, "d1lint: commit "+fix[:7]+" (settings: no spec after all): nothing blocks the push (checked before)\n")
	assert.Contains(t, two.stdout, "3 objects", "the pushed commit's report, with its new ConfigMap")
}

func TestHookUninstall(t *testing.T) {
	r := newHookRepo(t)
	hooks := filepath.Join(r.dir, ".git", "hooks")
	require.NoError(t, os.MkdirAll(hooks, 0o755))
	prePush := filepath.Join(hooks, "pre-push")
	foreign := "#!/bin/sh\necho the team's own hook\n"
	require.NoError(t, os.WriteFile(prePush, []byte(foreign), 0o755))

	refused := run(t, "hook", "uninstall")
	assertErrClass(t, errUsage, refused.err)
	assert.Contains(t, refused.err.Error(), "was not installed by d1lint hook install")
	data, err := os.ReadFile(prePush)
	require.NoError(t, err)
	assert.Equal(t, foreign, string(data), "someone else's hook is left alone")

	in := run(t, "hook", "install", "--", "--cluster", "one")
	require.NoError(t, in.err)
	assert.Contains(t, in.stdout, "kept the existing pre-push hook as "+chainedHook)
	data, err = os.ReadFile(prePush)
	require.NoError(t, err)
	assert.Contains(t, string(data), hookMarker)

	out := run(t, "hook", "uninstall")
	require.NoError(t, out.err)
	assert.Contains(t, out.stdout, "restored the previous pre-push hook")
	data, err = os.ReadFile(prePush)
	require.NoError(t, err)
	assert.Equal(t, foreign, string(data), "the kept hook is back")
	assert.NoFileExists(t, filepath.Join(hooks, chainedHook))

	require.NoError(t, os.Remove(prePush))
	require.NoError(t, run(t, "hook", "install").err)
	out = run(t, "hook", "uninstall")
	require.NoError(t, out.err)
	assert.Equal(t, "removed "+prePush+"\n", out.stdout)
	assert.NoFileExists(t, prePush)

	out = run(t, "hook", "uninstall")
	require.NoError(t, out.err)
	assert.Contains(t, out.stdout, "nothing to uninstall")
}
