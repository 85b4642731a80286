// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

//go:build e2e

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/testutil"
)

// TestHookBlocksPush installs the pre-push hook in a copy of the d1 fleet
// (keeping the hook that was there) and pushes with git: a clean push goes
// through, a commit with a mistake is blocked naming its file and line, and
// the same push again replays the cached result.
func TestHookBlocksPush(t *testing.T) {
	d := testutil.D1Corpus(t, false)
	gitBin, err := exec.LookPath("git")
	require.NoError(t, err, "git is needed to push")
	work := t.TempDir()
	for _, repo := range []string{d.Fleet, d.Infra, d.Apps} {
		out, err := exec.Command("cp", "-a", repo, work).CombinedOutput()
		require.NoError(t, err, string(out))
	}
	fleet := filepath.Join(work, "d1-fleet")
	// d1lint on PATH by name, as a user has it.
	bin := filepath.Join(work, "bin")
	require.NoError(t, os.MkdirAll(bin, 0o755))
	data, err := os.ReadFile(binary)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(bin, "d1lint"), data, 0o755))
	env := append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.invalid", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.invalid")
	git := func(args ...string) (string, error) {
		cmd := exec.Command(gitBin, args...)
		cmd.Dir, cmd.Env = fleet, env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	hooks := filepath.Join(fleet, ".git", "hooks")
	require.NoError(t, os.MkdirAll(hooks, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(hooks, "pre-push"), []byte("#!/bin/sh\necho previous hook ran\n"), 0o755))
	_, err = git("init", "--quiet", "--bare", filepath.Join(work, "remote.git"))
	require.NoError(t, err)
	_, err = git("remote", "add", "test", filepath.Join(work, "remote.git"))
	require.NoError(t, err)

	install := exec.Command(filepath.Join(bin, "d1lint"), "hook", "install", "--",
		"--source", testutil.D1InfraURL+"=../d1-infra", "--source", testutil.D1AppsURL+"=../d1-apps")
	install.Dir, install.Env = fleet, env
	out, err := install.CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Contains(t, string(out), "kept the existing pre-push hook")

	out1, err := git("push", "test", "main")
	require.NoError(t, err, out1)
	assert.Contains(t, out1, "previous hook ran", "the existing hook still runs")
	assert.Contains(t, out1, "0 errors")

	sync := filepath.Join(fleet, "tenants", "apps", "components", "frontend", "sync.yaml")
	content, err := os.ReadFile(sync)
	require.NoError(t, err)
	require.Contains(t, string(content), "branch: ${GIT_BRANCH}")
	require.NoError(t, os.WriteFile(sync, []byte(strings.Replace(string(content), "branch: ${GIT_BRANCH}", "branch: main", 1)), 0o644))
	_, err = git("commit", "--quiet", "-am", "every cluster follows main")
	require.NoError(t, err)
	out2, err := git("push", "test", "main")
	require.Error(t, err, "the push is blocked")
	assert.Contains(t, out2, "D1-0205")
	assert.Contains(t, out2, "tenants/apps/components/frontend/sync.yaml:8")
	assert.Contains(t, out2, "push blocked")

	out3, err := git("push", "test", "main")
	require.Error(t, err)
	assert.Contains(t, out3, "(cached)", "the unchanged push replays the stored result")
	assert.Contains(t, out3, "tenants/apps/components/frontend/sync.yaml:8")

	// An edit in a sibling repository's working tree is read by the check:
	// the stored result no longer applies.
	f, err := os.OpenFile(filepath.Join(work, "d1-apps", "README.md"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	require.NoError(t, err)
	_, err = f.WriteString("\nedited\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	out4, err := git("push", "test", "main")
	require.Error(t, err)
	assert.NotContains(t, out4, "(cached)")
	assert.Contains(t, out4, "tenants/apps/components/frontend/sync.yaml:8")
}
