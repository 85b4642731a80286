// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
