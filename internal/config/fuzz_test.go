// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package config

import (
	"errors"
	"testing"
)

// FuzzParse: any .d1lint.yaml content gives a configuration or an error
// that is ErrInvalid (exit status 2) and names the file, never a panic.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"fleetPath: .\nsources:\n  - url: https://github.com/o/r\n    path: ../r\n",
		"waivers:\n  - rule: D1-0101\n    reason: r\n    owner: o\n    expires: 2026-13-01\n    cluster: '['\n",
		"rules:\n  D1-0101: {severity: fatal}\n",
		"fleetPath: a\nfleetPath: b\n",
		"a: &a [*a]\n",
		"sources: {url: x}\n",
		"\t",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, "repo/.d1lint.yaml")
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error is not ErrInvalid: %v", err)
			}
			return
		}
		for _, s := range c.Sources {
			if s.URL == "" || s.Path == "" {
				t.Fatalf("a source without url or path was accepted: %+v", s)
			}
		}
	})
}
