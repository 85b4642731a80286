// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package finding

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseFieldRoundTrips(t *testing.T) {
	for _, path := range [][]string{
		{"spec", "ref", "branch"},
		{"spec", "template", "spec", "containers", "0", "image"},
		{"metadata", "labels", "toolkit.fluxcd.io/tenant"},
		{"data", `we"ird]key`, "x"},
		{"subjects", "1"},
	} {
		s := FieldString(path)
		assert.Equal(t, path, ParseField(s), s)
	}
	assert.Nil(t, ParseField(""))
	assert.Equal(t, []string{"spec"}, ParseField("spec[oops"))
}
