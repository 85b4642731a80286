// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package revision

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// GitDir resolves the git folder of the working tree at root: .git is a
// folder, or a file naming it (worktrees, submodules).
func GitDir(root string) (string, error) {
	p := filepath.Join(root, ".git")
	st, err := os.Stat(p)
	if err != nil {
		return "", err
	}
	if st.IsDir() {
		return p, nil
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return "", err
	}
	dir, ok := strings.CutPrefix(strings.TrimSpace(string(data)), "gitdir: ")
	if !ok {
		return "", fmt.Errorf("%s: not a gitdir file", p)
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(root, dir)
	}
	return dir, nil
}

// HooksDir is where git runs the hooks of the working tree at root:
// core.hooksPath when set (relative to root), else the git folder's hooks.
func HooksDir(root string) (string, error) {
	gitDir, err := GitDir(root)
	if err != nil {
		return "", err
	}
	if data, err := os.ReadFile(filepath.Join(gitDir, "config")); err == nil {
		if p := configValue(string(data), "core", "hookspath"); p != "" {
			if !filepath.IsAbs(p) {
				p = filepath.Join(root, p)
			}
			return p, nil
		}
	}
	return filepath.Join(gitDir, "hooks"), nil
}

// configValue reads one key of a git config file (the simple syntax git
// itself writes; sections and keys are case-insensitive).
func configValue(cfg, section, key string) string {
	in := false
	for line := range strings.Lines(cfg) {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			in = strings.EqualFold(strings.Trim(line, "[] \t"), section)
			continue
		}
		if !in {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), key) {
			return strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	return ""
}
