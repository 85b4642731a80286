// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package synth generates synthetic fleets laid out like the d1 reference
// architecture, in the Flux Operator era: three git repositories d1-fleet
// (branch main), d1-infra and d1-apps (branches main and production), sized
// by a number of clusters, application namespaces and infrastructure
// components. Benchmarks and tests lint these fleets.
//
// Output is deterministic: the same Options give the same files and the same
// commit hashes, whatever the target folder.
package synth
