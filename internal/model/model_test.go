// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package model

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLocationString(t *testing.T) {
	for _, tt := range []struct {
		l    Location
		want string
	}{
		{Location{Path: "a.yaml"}, "a.yaml"},
		{Location{Path: "a.yaml", Line: 2}, "a.yaml:2"},
		{Location{Repo: "github.com/acme/x", Path: "a.yaml"}, "github.com/acme/x:a.yaml"},
		{Location{Repo: "github.com/acme/x", Branch: "main", Commit: "abc", Path: "a.yaml", Line: 3}, "github.com/acme/x@main:a.yaml:3"},
	} {
		assert.Equal(t, tt.want, tt.l.String())
	}
}
