// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/schema"
	"github.com/d1lint/d1lint/internal/testutil"
)

// A run a signal stops ends with the *Interrupted error, with nothing
// judged and no snapshot left, whichever command it is.
func TestStoppedRunIsInterrupted(t *testing.T) {
	opts, cfg := options(t, testutil.Fixture(t, "example", "fleet", ".d1lint.yaml"))
	e := New(Config{File: cfg})
	stopped := &Interrupted{Signal: syscall.SIGTERM}
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(stopped)
	runs := map[string]func(Options) error{
		"build": func(o Options) error { _, err := e.Build(ctx, o); return err },
		"check": func(o Options) error { _, err := e.Check(ctx, o); return err },
		"compare": func(o Options) error {
			_, err := e.Compare(ctx, o, o)
			return err
		},
		"promotion": func(o Options) error { _, err := e.Promotion(ctx, o); return err },
	}
	for name, run := range runs {
		t.Run(name, func(t *testing.T) {
			o := opts
			o.TempDir = t.TempDir()
			err := run(o)
			var in *Interrupted
			require.ErrorAs(t, err, &in)
			assert.Same(t, stopped, in)
			assert.ErrorIs(t, err, context.Canceled)
			assert.NotErrorIs(t, err, ErrUsage)
			assert.Contains(t, err.Error(), "interrupted by SIGTERM")
			entries, rerr := os.ReadDir(o.TempDir)
			require.NoError(t, rerr)
			assert.Empty(t, entries, "no snapshot is left")
		})
	}
}

// Options a render would refuse are refused before anything is read: the
// fleet need not even exist, and no snapshot folder is made.
func TestValidateBeforeReading(t *testing.T) {
	tmp := t.TempDir()
	e := New(Config{})
	for _, bad := range []Options{
		{Schemas: schemaOptions("9.99")},
		{Schemas: schemaOptions("", "https://example.com/schemas")},
	} {
		bad.FleetPath, bad.TempDir = filepath.Join(tmp, "no-fleet"), tmp
		require.ErrorIs(t, bad.Validate(), ErrUsage)
		_, err := e.Build(context.Background(), bad)
		require.ErrorIs(t, err, ErrUsage)
		_, err = e.Check(context.Background(), bad)
		require.ErrorIs(t, err, ErrUsage)
		_, err = e.Compare(context.Background(), bad, bad)
		require.ErrorIs(t, err, ErrUsage)
		_, err = e.Promotion(context.Background(), bad)
		require.ErrorIs(t, err, ErrUsage)
		assert.NotContains(t, err.Error(), "no-fleet", "the schema options are what is wrong")
	}
	entries, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, entries)
	assert.NoError(t, Options{SkipSchemas: true, Schemas: schemaOptions("9.99")}.Validate(), "schemas unused")
}

func schemaOptions(kube string, locations ...string) schema.Options {
	return schema.Options{KubeVersion: kube, Locations: locations}
}
