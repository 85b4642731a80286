// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"math"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestSoftMemoryLimit: a streamed check collects garbage under a soft
// memory limit, and less often; both are restored after, and the user's
// GOGC and GOMEMLIMIT win.
func TestSoftMemoryLimit(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	restore := softMemoryLimit()
	assert.EqualValues(t, streamedMemoryLimit, debug.SetMemoryLimit(-1))
	assert.Equal(t, streamedGCPercent, debug.SetGCPercent(streamedGCPercent))
	restore()
	assert.EqualValues(t, math.MaxInt64, debug.SetMemoryLimit(-1))
	assert.Equal(t, 400, debug.SetGCPercent(400))

	t.Setenv("GOGC", "100")
	restore = softMemoryLimit()
	assert.EqualValues(t, streamedMemoryLimit, debug.SetMemoryLimit(-1))
	assert.Equal(t, 400, debug.SetGCPercent(400), "GOGC set: left as it is")
	restore()

	t.Setenv("GOMEMLIMIT", "300MiB")
	restore = softMemoryLimit()
	assert.EqualValues(t, math.MaxInt64, debug.SetMemoryLimit(-1), "GOMEMLIMIT set: no limit of d1lint's")
	restore()
}
