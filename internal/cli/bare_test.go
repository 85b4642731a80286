// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/testutil"
)

// TestBareRepositorySource: a bare clone given to --source is read from its
// objects at the branch each cluster follows (main for staging, production
// for the production clusters), as a checkout's other branches are: the
// render is the one the checkout gives, not one where every path is
// missing.
func TestBareRepositorySource(t *testing.T) {
	d := testutil.D1Corpus(t, false)
	bare := filepath.Join(t.TempDir(), "d1-apps.git")
	gitIn(t, d.Apps, "clone", "-q", "--bare", d.Apps, bare)
	args := func(cmd, apps string, extra ...string) []string {
		return append([]string{cmd, "--fleet", d.Fleet, "--source", testutil.D1InfraURL + "=" + d.Infra,
			"--source", testutil.D1AppsURL + "=" + apps}, extra...)
	}
	for _, c := range [][]string{{"clusters"}, {"build", "--cluster", "staging"}, {"build", "--cluster", "prod-eu"}} {
		want := run(t, args(c[0], d.Apps, c[1:]...)...)
		require.NoError(t, want.err, want.stderr)
		got := run(t, args(c[0], bare, c[1:]...)...)
		require.NoError(t, got.err, "%v: %s", c, got.stderr)
		// The same warnings (charts missing: no chart cache is given).
		assert.Equal(t, want.stderr, got.stderr, c)
		// The same, but for where d1-apps was read from (clusters lists it).
		assert.Equal(t, want.stdout, strings.ReplaceAll(got.stdout, bare, d.Apps), c)
	}
}
