// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package revision

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRepository(t *testing.T) {
	none := func(string) string { return "" }
	assert.Equal(t, "", Repository("", none))
	assert.Equal(t, "ghe.example.com/acme/x", Repository("", func(k string) string {
		return map[string]string{"GITHUB_REPOSITORY": "acme/x", "GITHUB_SERVER_URL": "https://GHE.example.com/"}[k]
	}))
	assert.Equal(t, "github.com/acme/x", Repository("", func(k string) string {
		return map[string]string{"GITHUB_REPOSITORY": "acme/x"}[k]
	}))
	assert.Equal(t, "github.com/acme/y", Repository("git@github.com:acme/y.git", func(string) string { return "github.com/other/z" }))
}
