// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package report

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/model"
)

func TestWhere(t *testing.T) {
	tests := []struct {
		loc  *model.Location
		want string
	}{
		{nil, ""},
		{&model.Location{Repo: "github.com/acme/x"}, ""},
		{&model.Location{Path: "a.yaml"}, "a.yaml: "},
		{&model.Location{Repo: "github.com/acme/x", Path: "a.yaml"}, "github.com/acme/x:a.yaml: "},
		{&model.Location{Repo: "github.com/acme/x", Branch: "main", Path: "a.yaml", Line: 3}, "github.com/acme/x@main:a.yaml:3: "},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, where(tt.loc), "%+v", tt.loc)
	}
}

// TestWriteProblems: errors and d1lint's own limitations count (the render
// is incomplete either way), warnings do not; the path is not repeated.
func TestWriteProblems(t *testing.T) {
	fl := &model.Fleet{Clusters: []*model.Cluster{{Name: "staging", Problems: []*model.Problem{
		{Reason: "a.yaml: does not parse", Location: &model.Location{Repo: "github.com/acme/x", Path: "a.yaml", Line: 2}},
		{Kind: model.ProblemNotRendered, Reason: "OCI sources are not rendered"},
		{Warning: true, Reason: "a symlink was dropped"},
	}}}}
	var b bytes.Buffer
	n, err := WriteProblems(&b, fl)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	assert.Equal(t, "error: cluster staging: github.com/acme/x:a.yaml:2: does not parse\n"+
		"warning: cluster staging: OCI sources are not rendered\n"+
		"warning: cluster staging: a symlink was dropped\n", b.String())
}
