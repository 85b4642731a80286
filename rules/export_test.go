// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules

// ExampleWith lays a rule's fixture overlay over a copy of the example
// fleet, for the tests that run the engine (package rules_test).
var ExampleWith = exampleWith
