// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package revision

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/d1lint/d1lint/internal/source"
)

// HashTrees writes to h the content of every folder in paths, once each,
// leaving out those in the git repository at root (a revision of it stands
// for its working tree, so its commit names that content; root may be "").
// The pre-push hook keys its cache on it: working trees of the other
// repositories a check reads may change without a commit.
func HashTrees(h io.Writer, root string, paths []string) error {
	seen := map[string]bool{}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return fmt.Errorf("hashing %s: %w", p, err)
		}
		if seen[abs] || root != "" && (abs == root || strings.HasPrefix(abs, root+string(filepath.Separator))) {
			continue
		}
		seen[abs] = true
		fmt.Fprintf(h, "%s\x00", abs)
		if err := source.HashTree(h, abs, true); err != nil {
			return fmt.Errorf("hashing %s: %w", p, err)
		}
	}
	return nil
}
