// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package guard

import (
	"net/http"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLockdownRefusesDialsAndGit(t *testing.T) {
	restore := Lockdown()
	defer restore()

	before := Dials()
	_, err := (&http.Client{}).Get("http://127.0.0.1:1/never")
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrNetwork)
	assert.Greater(t, Dials(), before, "the refused dial is counted")

	_, err = exec.LookPath("git")
	assert.Error(t, err, "git must not be reachable through PATH")
}

func TestRestore(t *testing.T) {
	prev := http.DefaultTransport
	restore := Lockdown()
	assert.NotSame(t, prev, http.DefaultTransport)
	restore()
	assert.Same(t, prev, http.DefaultTransport)
}

func TestNestedLockdowns(t *testing.T) {
	prev := http.DefaultTransport
	a := Lockdown()
	b := Lockdown()
	a() // the first caller finishes while the second still runs
	assert.NotSame(t, prev, http.DefaultTransport, "still locked for the second caller")
	a() // restoring twice is harmless
	assert.NotSame(t, prev, http.DefaultTransport)
	b()
	assert.Same(t, prev, http.DefaultTransport, "unlocked after the last caller")
}
