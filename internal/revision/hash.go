// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package revision

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
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
		if err := hashTree(h, abs); err != nil {
			return err
		}
	}
	return nil
}

// hashTree hashes the content of every file under dir; in a git folder,
// only HEAD and the refs (a commit or a branch move changes what other
// branches read; objects are named by those).
func hashTree(h io.Writer, dir string) error {
	fmt.Fprintf(h, "%s\x00", dir)
	return filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if git, ok := strings.CutPrefix(rel, ".git/"); ok {
			if d.IsDir() {
				if git == "refs" || strings.HasPrefix(git, "refs/") {
					return nil
				}
				return filepath.SkipDir
			}
			if git != "HEAD" && git != "packed-refs" && !strings.HasPrefix(git, "refs/") {
				return nil
			}
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		sum := sha256.Sum256(data)
		fmt.Fprintf(h, "%s\x00%x\x00", rel, sum)
		return nil
	})
}
