// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules

import (
	"context"
	"errors"
	"fmt"
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
			// Several clusters: the bound stops them all, and the one
			// reported names the team policy, not the built-in rules
			// another cluster was running.
			fl := &model.Fleet{}
			for _, name := range []string{"a", "b", "c", "d", "e", "prod"} {
				fl.Clusters = append(fl.Clusters, &model.Cluster{Name: name})
			}
			start := time.Now()
			_, err = c.Evaluate(context.Background(), fl, DefaultSettings())
			require.ErrorIs(t, err, ErrMemoryLimit)
			assert.Regexp(t, `^evaluating cluster (?:[a-e]|prod): team policy team\.deny \(team/p\.rego\): policy evaluation exceeded its memory limit of \d+ MiB: \d+ MiB of the heap is in use$`, err.Error())
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
	defer func(g uint64, d time.Duration) { testsMaxHeapGrowth, testTimeout = g, d }(testsMaxHeapGrowth, testTimeout)
	// The heap bound, not the per-test timeout, stops the test, however
	// busy the machine.
	testsMaxHeapGrowth, testTimeout = 64<<20, 10*time.Minute
	src := "package team\n\ntest_ok if { 1 == 1 }\n\ntest_big if {\n  count(numbers.range(1, 400000000)) > 0\n}\n"
	start := time.Now()
	_, err := RunTests(context.Background(), fstest.MapFS{"p_test.rego": {Data: []byte(src)}})
	require.ErrorIs(t, err, ErrMemoryLimit)
	assert.ErrorContains(t, err, "test team.test_big: policy evaluation exceeded its memory limit")
	assert.Less(t, time.Since(start), time.Minute)
	runtime.GC()
}

// TestFirstErrorNamesTeamPolicy: of evaluations stopped together, the one
// reported is a team policy's, not the built-in rules'.
func TestFirstErrorNamesTeamPolicy(t *testing.T) {
	fl := &model.Fleet{Clusters: []*model.Cluster{{Name: "a"}, {Name: "b"}, {Name: "c"}}}
	builtin := stoppedError{fmt.Errorf("built-in rules: %w", ErrMemoryLimit)}
	team := fmt.Errorf("team policy team.deny (team/p.rego): %w", ErrMemoryLimit)
	assert.NoError(t, firstError(fl, []error{nil, nil, nil}))
	assert.EqualError(t, firstError(fl, []error{builtin, team, nil}), "evaluating cluster b: "+team.Error())
	assert.EqualError(t, firstError(fl, []error{builtin, nil, builtin}), "evaluating cluster a: built-in rules: "+ErrMemoryLimit.Error())
	other := errors.New("boom")
	assert.EqualError(t, firstError(fl, []error{nil, other, team}), "evaluating cluster b: boom")
}

// sink keeps the compiler from dropping allocations made for their garbage.
var sink []byte

// TestWatchHeapIgnoresGarbage: garbage beyond the bound is no runaway when
// a collection frees it. With 64 MiB live, the collector lets some 64 MiB
// of garbage pile up before it runs, twice the bound given. (What is
// allocated while a collection runs counts as live for it: the garbage
// is made at a modest pace.)
func TestWatchHeapIgnoresGarbage(t *testing.T) {
	live := make([][]byte, 64)
	for i := range live {
		live[i] = make([]byte, 1<<20)
	}
	runtime.GC()
	ctx, stop := watchHeap(context.Background(), 32<<20)
	defer stop()
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); {
		sink = make([]byte, 1<<20)
		time.Sleep(time.Millisecond)
	}
	assert.NoError(t, context.Cause(ctx))
	runtime.KeepAlive(live)
}
