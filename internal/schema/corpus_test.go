// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package schema_test

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/guard"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/render"
	"github.com/d1lint/d1lint/internal/schema"
	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/internal/testutil"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testutil.Cleanup()
	os.Exit(code)
}

func renderCorpus(t testing.TB, bootstrap bool, opts schema.Options) *model.Fleet {
	t.Helper()
	d := testutil.D1Corpus(t, bootstrap)
	v, err := schema.New(opts)
	require.NoError(t, err)
	res, err := render.Render(context.Background(), render.Options{FleetPath: d.Fleet, OutOfBand: config.DefaultOutOfBand(), Then: v.Validate,
		Sources: []source.Mapping{{URL: testutil.D1InfraURL, Path: d.Infra}, {URL: testutil.D1AppsURL, Path: d.Apps}}})
	require.NoError(t, err)
	defer res.Close()
	return res.Fleet
}

// TestD1CorpusOffline validates both eras of the d1 corpus with every
// network dial refused: no schema error, no kind without a schema, and the
// bootstrap era's Flux CRDs taken from its gotk-components.yaml.
func TestD1CorpusOffline(t *testing.T) {
	// Lay the corpus out first: mkrepos.sh needs bash, which the lockdown hides.
	testutil.D1Corpus(t, false)
	testutil.D1Corpus(t, true)
	restore := guard.Lockdown()
	defer restore()
	dials := guard.Dials()
	for _, bootstrap := range []bool{false, true} {
		fl := renderCorpus(t, bootstrap, schema.Options{})
		require.NotEmpty(t, fl.Clusters)
		for _, c := range fl.Clusters {
			require.NotNil(t, c.Schemas, c.Name)
			assert.Positive(t, c.Schemas.Validated, c.Name)
			assert.Zero(t, c.Schemas.Missing, c.Name)
			if bootstrap {
				assert.Equal(t, "render", c.Schemas.FluxFrom, "%s: Flux CRDs from gotk-components.yaml", c.Name)
			} else {
				assert.Equal(t, "bundle", c.Schemas.FluxFrom, c.Name)
				assert.Equal(t, "2.7.5", c.Schemas.FluxVersion, "%s: distribution.version 2.7.x", c.Name)
			}
			crds := 0
			for _, o := range c.Objects {
				if o.Kind == "CustomResourceDefinition" {
					crds++
				}
				if o.Schema != nil {
					assert.Contains(t, []string{model.SchemaValid}, o.Schema.Status, "%s: %s %s/%s: %+v", c.Name, o.Kind, o.Namespace, o.Name, o.Schema)
				}
			}
			if bootstrap {
				assert.Positive(t, crds)
			}
		}
	}
	assert.Equal(t, dials, guard.Dials(), "no network dial was attempted")
}
