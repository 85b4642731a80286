// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// The stages Timings records, in pipeline order.
const (
	StageLoad     = "load"     // reading the configuration, compiling the rules
	StageRender   = "render"   // rendering every cluster (validation overlaps it)
	StageValidate = "validate" // schema validation, summed over the clusters
	StageEvaluate = "evaluate" // evaluating the rules
	StageLocate   = "locate"   // pointing findings at their lines
	StageWaive    = "waive"    // applying rule settings and waivers
	StageReport   = "report"   // building and writing the reports
)

// stages are the stages in the order Timings shows them.
var stages = []string{StageLoad, StageRender, StageValidate, StageEvaluate, StageLocate, StageWaive, StageReport}

// Timings adds up how long each stage of the pipeline took, for --verbose.
// They go to standard error only, never into a report: reports stay
// byte-identical from run to run. Safe for concurrent use; a nil
// *Timings records nothing.
type Timings struct {
	mu sync.Mutex
	d  map[string]time.Duration
	// reused and judged count the clusters whose verdict came from the
	// persistent cache, and those judged in all.
	reused, judged int
}

// Clusters adds to the count of clusters judged, and of those whose
// verdict an earlier run's stood for (the persistent cache).
func (t *Timings) Clusters(judged, reused int) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.judged += judged
	t.reused += reused
}

// Reused returns how many clusters' verdicts came from the persistent
// cache, of how many judged.
func (t *Timings) Reused() (reused, judged int) {
	if t == nil {
		return 0, 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.reused, t.judged
}

// Add adds d to a stage's time.
func (t *Timings) Add(stage string, d time.Duration) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.d == nil {
		t.d = map[string]time.Duration{}
	}
	t.d[stage] += d
}

// Since adds the time since start to a stage's time.
func (t *Timings) Since(stage string, start time.Time) {
	if t != nil {
		t.Add(stage, time.Since(start))
	}
}

// Get returns a stage's time so far.
func (t *Timings) Get(stage string) time.Duration {
	if t == nil {
		return 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.d[stage]
}

// String lists the stages that took any time, in pipeline order:
// "load 120ms, render 1.2s, validate 310ms, ...". A comparison (diff,
// --new-since) renders twice: each stage is the sum of both.
func (t *Timings) String() string {
	if t == nil {
		return ""
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	var parts []string
	for _, s := range stages {
		if d, ok := t.d[s]; ok {
			parts = append(parts, fmt.Sprintf("%s %s", s, d.Round(time.Millisecond)))
		}
	}
	if t.judged > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d clusters from the cache", t.reused, t.judged))
	}
	return strings.Join(parts, ", ")
}
