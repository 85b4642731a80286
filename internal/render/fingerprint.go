// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io/fs"
	"path/filepath"

	"github.com/d1lint/d1lint/internal/fleet"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/source"
)

// Fingerprint is what, besides the source revisions a cluster reads
// (Input), decides how every cluster renders: the options that change a
// render (not which clusters are selected, nor how many render at once),
// the artifact rules read from the checkouts' CI workflows, and the chart
// cache folders' listings (file names, sizes and modification times: a
// chart added may win a semver range). A verdict kept from a run with
// another fingerprint is never reused (Options.Reuse).
func Fingerprint(opts Options) (string, error) {
	arts, err := newArtifacts(opts)
	if err != nil {
		return "", err
	}
	getenv := opts.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	// A copy of another revision (package revision) is a folder of its
	// own each run: it counts as the checkout it stands in for, and its
	// content by the identities of what is read from it.
	fleetPath, _ := filepath.Abs(opts.FleetPath)
	if opts.FleetDisplay != "" {
		fleetPath = opts.FleetDisplay
	}
	sources := make([]source.Mapping, len(opts.Sources))
	for i, m := range opts.Sources {
		if m.Display != "" {
			m.Path = m.Display
		}
		sources[i] = m
	}
	h := sha256.New()
	enc := json.NewEncoder(h)
	err = enc.Encode(struct {
		FleetPath, FleetURL, FleetURLHow, FleetBranch string
		FleetProblems                                 []source.FileProblem
		FleetDisplay, FleetRevision, FleetFound       string
		Sources                                       []source.Mapping
		Siblings                                      []source.Sibling
		Artifacts                                     string
		NextRelease                                   bool
		OutOfBand                                     []model.OutOfBandObject
		ClusterEntries                                []fleet.Entry
		ChartDirs                                     []string
		ProviderInputs                                map[string][]map[string]any
		KubeVersion, BaseRef                          string
	}{fleetPath, opts.FleetURL, opts.FleetURLHow, opts.FleetBranch, opts.FleetProblems, opts.FleetDisplay, opts.FleetRevision,
		opts.FleetFound, sources, opts.Siblings, arts.Fingerprint(), opts.NextRelease, opts.OutOfBand, opts.ClusterEntries,
		opts.ChartDirs, opts.ProviderInputs, opts.KubeVersion, getenv("GITHUB_BASE_REF")})
	if err != nil {
		return "", fmt.Errorf("fingerprinting the options: %w", err)
	}
	for _, d := range opts.ChartDirs {
		if err := Listing(h, d); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Listing writes what a folder holds to h: every entry's path, kind, size
// and modification time, in order. A folder that does not exist writes
// its absence.
func Listing(h hash.Hash, dir string) error {
	fmt.Fprintf(h, "listing %s\x00", dir)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			fmt.Fprintf(h, "%s: %v\x00", p, err)
			return nil
		}
		info, err := d.Info()
		if err != nil {
			fmt.Fprintf(h, "%s: %v\x00", p, err)
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(h, "%s\x00%o\x00%d\x00%d\x00", filepath.ToSlash(rel), info.Mode(), info.Size(), info.ModTime().UnixNano())
		return nil
	})
	return err
}
