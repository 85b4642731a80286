// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package audit

// Synthetic is exported for the browser tests (package audit_test).
var Synthetic = synthetic
