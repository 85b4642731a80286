// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules

import (
	"context"
	"runtime"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/model"
)

// TestRunawayPolicyMemory: a team policy that allocates without bound is
// stopped by the heap watchdog with an error naming it, instead of ending
// the process with a fatal out-of-memory error. The bound is set low so
// that the test itself stays small.
func TestRunawayPolicyMemory(t *testing.T) {
	cases := map[string]string{
		"range":  "package team\n\ndeny contains msg if {\n  count(numbers.range(1, 400000000)) > 0\n  msg := \"x\"\n}\n",
		"concat": "package team\n\ndeny contains msg if {\n  s := concat(\"\", [sprintf(\"%d\", [x]) | some x in numbers.range(1, 1e8)])\n  count(s) > 0\n  msg := \"x\"\n}\n",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			c, err := LoadWithPolicies(team(src))
			require.NoError(t, err)
			c.maxHeapGrowth = 64 << 20
			// The deadline must not be what stops it.
			c.timeout = 10 * time.Minute
			fl := &model.Fleet{Clusters: []*model.Cluster{{Name: "prod"}}}
			start := time.Now()
			_, err = c.Evaluate(context.Background(), fl, DefaultSettings())
			require.ErrorIs(t, err, ErrMemoryLimit)
			assert.ErrorContains(t, err, "evaluating cluster prod: team policy team.deny (team/p.rego): policy evaluation exceeded its memory limit of ")
			assert.Less(t, time.Since(start), time.Minute)
			assert.NotErrorIs(t, err, ErrPolicy, "a runaway policy is no usage error (exit status 3)")
			// What the policy allocated is garbage once it is stopped.
			runtime.GC()
		})
	}
}

// TestWatchHeapQuiet: the watch does not fire while the heap stays within
// its bound, and stopping it releases the context without a memory cause.
func TestWatchHeapQuiet(t *testing.T) {
	ctx, stop := watchHeap(context.Background(), DefaultMaxHeapGrowth)
	time.Sleep(5 * heapPoll)
	require.NoError(t, ctx.Err())
	stop()
	assert.ErrorIs(t, ctx.Err(), context.Canceled)
	assert.NotErrorIs(t, context.Cause(ctx), ErrMemoryLimit)
}

// TestRunTestsRunawayMemory: a Rego test that allocates without bound ends
// `d1lint policy test` with an error naming the test.
func TestRunTestsRunawayMemory(t *testing.T) {
	defer func(g uint64) { testsMaxHeapGrowth = g }(testsMaxHeapGrowth)
	testsMaxHeapGrowth = 64 << 20
	src := "package team\n\ntest_ok if { 1 == 1 }\n\ntest_big if {\n  count(numbers.range(1, 400000000)) > 0\n}\n"
	start := time.Now()
	_, err := RunTests(context.Background(), fstest.MapFS{"p_test.rego": {Data: []byte(src)}})
	require.ErrorIs(t, err, ErrMemoryLimit)
	assert.ErrorContains(t, err, "test team.test_big: policy evaluation exceeded its memory limit")
	assert.Less(t, time.Since(start), time.Minute)
	runtime.GC()
}
