// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/d1lint/d1lint/internal/config"
)

func TestTimings(t *testing.T) {
	var nilTimings *Timings
	nilTimings.Add(StageRender, time.Second) // records nothing, and does not panic
	assert.Empty(t, nilTimings.String())
	assert.Zero(t, nilTimings.Get(StageRender))

	tm := &Timings{}
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() { tm.Add(StageValidate, 10*time.Millisecond) })
	}
	wg.Wait()
	tm.Add(StageReport, 2*time.Millisecond)
	tm.Add(StageLoad, 1500*time.Microsecond)
	assert.Equal(t, 100*time.Millisecond, tm.Get(StageValidate), "concurrent adds sum up")
	assert.Equal(t, "load 2ms, validate 100ms, report 2ms", tm.String(), "pipeline order, stages that ran only")
}

func TestWithRuleFlags(t *testing.T) {
	assert.Nil(t, withRuleFlags(nil, nil, nil), "no flags: the configuration as it is")
	file := &config.Config{Profile: "d1", Rules: map[string]config.RuleSetting{
		"D1-0101": {Disabled: true, Severity: "warning"}, "D1-0203": {Severity: "info"}}}
	got := withRuleFlags(file, []string{"D1-0203", "D1-0404"}, []string{"D1-0101", "D1-0105"})
	assert.Equal(t, map[string]config.RuleSetting{
		"D1-0101": {Severity: "warning"},              // back on, its severity kept
		"D1-0203": {Disabled: true, Severity: "info"}, // off
		"D1-0404": {Disabled: true},                   // off
	}, got.Rules)
	assert.Equal(t, "d1", got.Profile)
	assert.True(t, file.Rules["D1-0101"].Disabled, "the caller's configuration is left alone")
	assert.Len(t, file.Rules, 2)
	assert.Equal(t, map[string]config.RuleSetting{"D1-0404": {Disabled: true}}, withRuleFlags(nil, []string{"D1-0404"}, nil).Rules)
}
