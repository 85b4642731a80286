// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/fleet"
	"github.com/d1lint/d1lint/internal/render"
	"github.com/d1lint/d1lint/internal/revision"
	"github.com/d1lint/d1lint/internal/suggest"
)

// ConfigFile says which configuration file a run reads.
type ConfigFile struct {
	// Path is the file: the one --config names, else the one config.Find
	// found ("": none, the built-in defaults).
	Path string
	// Named is true when the user named it (--config): a missing file is
	// then their mistake to fix, not a reason to use the defaults.
	Named bool
	// Ref is the trusted revision the file is read at (--config-ref; ""
	// for the working tree), and At maps Path to its copy at Ref.
	Ref string
	At  func(path string) (string, error)
}

// ReadConfig reads the configuration file f names: nil for none (the
// built-in defaults). Relative paths in a file read at f.Ref still
// resolve against the working tree.
//
// A trusted revision without the file is no error: the built-in defaults
// judge the run, and note says so for the report. That is the pull
// request that adds .d1lint.yaml, whose base branch has none yet: it
// cannot relax its own checks, since the defaults are the strictest
// configuration there is, and refusing it would leave no way to adopt
// d1lint with trust-base-config on. A file at the revision that is invalid
// is still an error.
func ReadConfig(f ConfigFile) (cfg *config.Config, note string, err error) {
	if f.Path == "" {
		return nil, "", nil
	}
	at := f.Path
	if f.At != nil {
		var absent *revision.AbsentError
		at, err = f.At(f.Path)
		switch {
		case errors.As(err, &absent):
			return nil, fmt.Sprintf("built-in defaults (%s has no %s)", absent.Rev, absent.Path), nil
		case err != nil:
			return nil, "", usage(fmt.Errorf("--config-ref %s: %w", f.Ref, err))
		}
	}
	data, err := config.ReadFile(at)
	switch {
	case f.Named && f.At == nil && errors.Is(err, fs.ErrNotExist):
		return nil, "", usageError{explained{fmt.Sprintf("--config %s: no such file; pass the path of a %s, or leave --config out to use the fleet folder's",
			f.Path, config.FileName), errors.Join(config.ErrInvalid, err)}}
	case err != nil:
		return nil, "", usageError{fmt.Errorf("%w: reading %s: %w", config.ErrInvalid, f.Path, err)}
	}
	cfg, err = config.Parse(data, f.Path)
	return cfg, "", usage(err)
}

// explained is an error whose message says, in the user's terms, what
// went wrong and what to do; it still matches its causes (errors.Is).
type explained struct {
	msg   string
	cause error
}

func (e explained) Error() string { return e.msg }
func (e explained) Unwrap() error { return e.cause }

// clusterHint adds to err, when it comes from a --cluster that names no
// cluster, the clusters most likely meant (a typo: stagin → staging).
// Only a failed render pays for listing the fleet's clusters again.
func clusterHint(err error, opts Options) error {
	if len(opts.Clusters) == 0 || !errors.Is(err, render.ErrUsage) {
		return err
	}
	l, derr := fleet.Discover(opts.FleetPath, fleet.Options{Entries: opts.ClusterEntries, FleetURL: opts.FleetURL})
	if derr != nil {
		return err
	}
	names := make([]string, 0, len(l.Clusters))
	for _, c := range l.Clusters {
		names = append(names, c.Name)
	}
	var meant []string
	for _, c := range opts.Clusters {
		if slices.Contains(names, c) {
			continue
		}
		if s := suggest.Closest(c, names); s != "" {
			meant = append(meant, fmt.Sprintf("%s (not %s)", s, c))
		}
	}
	switch len(meant) {
	case 0:
		return err
	case 1:
		meant[0], _, _ = strings.Cut(meant[0], " (")
	}
	return fmt.Errorf("%w; did you mean --cluster %s?", err, strings.Join(meant, ", "))
}
