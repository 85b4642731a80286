// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/report"
)

// TestConfigRefBaseWithoutConfig: the pull request that adds .d1lint.yaml
// is checked, under --config-ref (the Action's trust-base-config), with
// the built-in defaults, since its base branch has no configuration yet,
// and every summary says so; its own file is not read (here it is
// invalid, and still no error). A base whose .d1lint.yaml is invalid
// still fails, and a valid one is used without a note.
func TestConfigRefBaseWithoutConfig(t *testing.T) {
	b := newBaseFleet(t)
	b.write(t, "sourcez: []\n") // the pull request's file: never read
	args := []string{"check", "--fleet", b.dir, "--config-ref", "origin/main", "--repository", "https://example.com/acme/fleet"}
	const note = "built-in defaults (origin/main has no .d1lint.yaml)"

	text := run(t, append(args, "--format", "text")...)
	require.NotErrorIs(t, text.err, ErrUsage, text.stderr)
	assert.Contains(t, text.stdout, "; configuration: "+note+"\n")

	md := run(t, append(args, "--format", "markdown")...)
	require.NotErrorIs(t, md.err, ErrUsage, md.stderr)
	assert.Contains(t, md.stdout, " Configuration: "+note+".\n")

	js := run(t, append(args, "--format", "json")...)
	require.NotErrorIs(t, js.err, ErrUsage, js.stderr)
	var r report.Report
	require.NoError(t, json.Unmarshal([]byte(js.stdout), &r))
	assert.Equal(t, note, r.Summary.Configuration)

	// Without --config-ref the pull request's own file is read.
	own := run(t, "check", "--fleet", b.dir)
	require.ErrorIs(t, own.err, ErrUsage)
	assert.Contains(t, own.err.Error(), `unknown key "sourcez"`)

	// --config naming the file: the same, the base has none.
	named := run(t, append(args, "--config", filepath.Join(b.dir, ".d1lint.yaml"), "--format", "json")...)
	require.NotErrorIs(t, named.err, ErrUsage, named.stderr)
	assert.Contains(t, named.stdout, `"configuration": "`+note+`"`)

	// The base's configuration, when invalid, fails the check.
	b.write(t, "profile: D1\n")
	b.commit(t)
	b.write(t, "profile: d1\n")
	bad := run(t, append(args, "--format", "text")...)
	require.ErrorIs(t, bad.err, ErrUsage)
	assert.Contains(t, bad.err.Error(), `.d1lint.yaml:1:10: profile: unknown profile "D1": expected d1 or generic`)
	assert.Empty(t, bad.stdout)

	// A valid one is used, and nothing is said about it.
	b.write(t, "profile: generic\n")
	b.commit(t)
	b.write(t, "profile: d1\n")
	good := run(t, append(args, "--format", "json")...)
	require.NotErrorIs(t, good.err, ErrUsage, good.stderr)
	r = report.Report{}
	require.NoError(t, json.Unmarshal([]byte(good.stdout), &r))
	assert.Empty(t, r.Summary.Configuration)
	require.NotNil(t, r.Summary.Profile)
	assert.Equal(t, "generic", r.Summary.Profile.Name, "the base's profile, not the pull request's")
}
