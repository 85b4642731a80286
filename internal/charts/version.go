// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package charts

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// parseVersion is Flux's version.ParseVersion (fluxcd/pkg/version): a
// version has three dot-separated parts, then Masterminds' loose parse,
// which allows a leading "v". "1.2" is therefore no version here, as in
// source-controller, though Masterminds alone would read it as 1.2.0.
func parseVersion(v string) (*semver.Version, error) {
	if len(strings.SplitN(v, ".", 3)) != 3 {
		return nil, semver.ErrInvalidSemVer
	}
	return semver.NewVersion(v)
}

// isExactVersion tells whether v names one version rather than a range:
// a full SemVer version, with or without a leading "v". "1", "1.2" and
// "1.x" are ranges to Masterminds' constraints (missing parts are
// wildcards), so they are not.
func isExactVersion(v string) bool {
	_, err := semver.StrictNewVersion(strings.TrimPrefix(v, "v"))
	return err == nil
}

// rank orders the indices of versions (given in search order) the way
// source-controller chooses among them. With exactFirst (a HelmRepository,
// through its index.yaml or its OCI tags) a version equal to want
// character by character wins outright, all such in search order. Else,
// or when none is equal, want is a semver range ("" and "*" for the newest
// stable version), and the versions in range come newest first, equal
// versions in search order. Masterminds decides the range, pre-releases
// included only when a range names one. filter, when not nil, drops the
// versions it does not match first (an OCIRepository's semverFilter, which
// Flux applies to the tags before semver). The error is for a want that is
// neither equal to a version nor a valid range.
func rank(versions []string, want string, exactFirst bool, filter *regexp.Regexp) ([]int, error) {
	if exactFirst && want != "" {
		var exact []int
		for i, v := range versions {
			if v == want {
				exact = append(exact, i)
			}
		}
		if len(exact) > 0 {
			return exact, nil
		}
	}
	c, err := constraint(want)
	if err != nil {
		return nil, err
	}
	type match struct {
		i int
		v *semver.Version
	}
	var matches []match
	for i, s := range versions {
		if filter != nil && !filter.MatchString(s) {
			continue
		}
		v, err := parseVersion(s)
		if err != nil || !c.Check(v) {
			continue
		}
		matches = append(matches, match{i, v})
	}
	slices.SortStableFunc(matches, func(a, b match) int { return b.v.Compare(a.v) })
	out := make([]int, len(matches))
	for k, m := range matches {
		out[k] = m.i
	}
	return out, nil
}

// constraint parses a HelmRelease version or an OCIRepository semver as a
// range; "" is "*", as source-controller reads an empty version.
func constraint(want string) (*semver.Constraints, error) {
	if strings.TrimSpace(want) == "" {
		want = "*"
	}
	c, err := semver.NewConstraint(want)
	if err != nil {
		return nil, fmt.Errorf("%q is not a semver range: %w", want, err)
	}
	return c, nil
}

// compileFilter compiles an OCIRepository semverFilter ("" for none).
func compileFilter(expr string) (*regexp.Regexp, error) {
	if expr == "" {
		return nil, nil
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("semverFilter %q: %w", expr, err)
	}
	return re, nil
}

// helmTagVersion is the chart version behind an OCI tag of a Helm chart:
// OCI tags cannot hold '+', so Helm pushes SemVer build metadata as '_'
// and turns it back when it lists tags (helm/helm#10166).
func helmTagVersion(tag string) string { return strings.ReplaceAll(tag, "_", "+") }

// helmVersionTag is the OCI tag Helm pushes a chart version under.
func helmVersionTag(version string) string { return strings.ReplaceAll(version, "+", "_") }
