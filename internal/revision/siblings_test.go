// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package revision

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/render"
	"github.com/d1lint/d1lint/internal/source"
)

// TestStandInSibling: when the repository being checked is a checkout
// found beside the fleet (d1lint run in d1-apps), a revision of it stands
// in for its working tree once a URL is found to be it (source.Sibling.At);
// a revision it lacks is a usage error at once. SiblingsAt does the same
// for every sibling, leaving those already standing in as they are.
func TestStandInSibling(t *testing.T) {
	parent := t.TempDir()
	fleetDir := filepath.Join(parent, "d1-fleet")
	apps := filepath.Join(parent, "d1-apps")
	commitTree(t, fleetDir, map[string]string{"clusters/one/cm.yaml": standInConfigMap}, nil)
	commitTree(t, apps, map[string]string{"components/cm.yaml": standInConfigMap}, nil)
	abs, err := filepath.Abs(fleetDir)
	require.NoError(t, err)
	opts := render.Options{FleetPath: fleetDir, Siblings: source.FindSiblings(parent, "the fleet", abs)}
	require.Len(t, opts.Siblings, 1)

	v, err := NewReader(func(string) string { return "" })
	require.NoError(t, err)
	defer v.Close()
	stood, err := v.StandIn(opts, apps, "HEAD", "main")
	require.NoError(t, err)
	assert.Equal(t, fleetDir, stood.FleetPath, "the fleet is not in the repository")
	require.Len(t, stood.Siblings, 1)
	assert.Equal(t, "HEAD", stood.Siblings[0].At)
	assert.Equal(t, "main", stood.Siblings[0].Branch)
	assert.Empty(t, opts.Siblings[0].At, "the options given are left as they are")

	_, err = v.StandIn(opts, apps, "no-such-revision", "")
	require.ErrorIs(t, err, ErrUsage)
	assert.Contains(t, err.Error(), "no-such-revision")

	at := SiblingsAt(stood, "other")
	assert.Equal(t, "HEAD", at.Siblings[0].At, "already standing in")
	at = SiblingsAt(opts, "HEAD")
	assert.Equal(t, "HEAD", at.Siblings[0].At)
	assert.Empty(t, at.Siblings[0].Branch, "the branch checked out")
}
