// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package schema

import "sync"

// ResetBundle forgets the opened bundle, so that a benchmark pays for
// decompressing and parsing schemas as a fresh process does.
func ResetBundle() {
	bundleOnce, bundled, bundleErr = sync.Once{}, nil, nil
}
