// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/d1lint/d1lint/internal/cache"
)

// cacheFlags choose the persistent cache (docs/cache.md).
type cacheFlags struct {
	cacheDir string
	noCache  bool
}

func (f *cacheFlags) registerCache(fl *pflag.FlagSet) {
	fl.StringVar(&f.cacheDir, "cache", "", "the persistent cache's folder, where clusters' verdicts, kustomize builds, chart renders and schema verdicts are kept between runs (default: $XDG_CACHE_HOME/d1lint, else ~/.cache/d1lint)")
	fl.BoolVar(&f.noCache, "no-cache", false, "neither read nor write the persistent cache")
}

// cacheFolder is the folder of the persistent cache the run uses; "" for
// none (--no-cache, or no home to put it in).
func (f *cacheFlags) cacheFolder(getenv func(string) string) string {
	switch {
	case f.noCache:
		return ""
	case f.cacheDir != "":
		if abs, err := filepath.Abs(f.cacheDir); err == nil {
			return abs
		}
		return f.cacheDir
	}
	return cache.DefaultDir(getenv)
}
