// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package policies embeds d1lint's built-in Rego rules: one folder per rule,
// policies/<category>/<rule>/, plus the shared library in lib/. The Go
// catalogue that loads and evaluates them is package rules.
package policies

import "embed"

// FS holds every .rego file of the built-in rules and library, tests and
// fixtures included (the catalogue skips what it does not need).
//
//go:embed lib
//go:embed all:build all:substitution all:schema all:branch-mapping all:multi-tenancy all:dependency-ordering all:credentials
var FS embed.FS
