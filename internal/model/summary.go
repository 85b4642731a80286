// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package model

import (
	"slices"
	"strconv"
	"strings"
)

// ClusterSummary is one cluster in a few numbers: what `d1lint clusters`
// lists, what the check report counts, what the audit shows, and what a
// rule knows of the other clusters (input.fleet.clusters).
type ClusterSummary struct {
	// Name is the cluster's name (Cluster.Name).
	Name string `json:"name"`
	// Path is the cluster folder (Cluster.Path).
	Path string `json:"path,omitempty"`
	// Era is "operator" (FluxInstance) or "bootstrap" (the root is in git).
	Era string `json:"era"`
	// Found is how the cluster was found (Discovery.How).
	Found string `json:"found,omitempty"`
	// RootFile is "<file>:<line>" of the cluster's root (Discovery.Location),
	// "" when assumed.
	RootFile string `json:"rootFile,omitempty"`
	// Environment is runtime-info's ENVIRONMENT.
	Environment string `json:"environment,omitempty"`
	// RuntimeInfo is the data of the cluster's runtime-info ConfigMap.
	RuntimeInfo map[string]string `json:"runtimeInfo,omitempty"`
	// Sources are "<repository name>@<branch>" for each resolved source and
	// "<repository name>@unresolved" for the others, sorted and unique.
	Sources []string `json:"sources"`
	// Objects counts the rendered objects.
	Objects int `json:"objects"`
	// Kustomizations counts every Flux Kustomization of the cluster,
	// rendered or not.
	Kustomizations int `json:"kustomizations"`
	// Skipped counts the Flux Kustomizations that were not rendered (status
	// failed or skipped).
	Skipped int `json:"skipped"`
	// Unresolved counts the sources that could not be resolved.
	Unresolved int `json:"unresolved"`
	// Problems counts what stopped part of the render (warnings aside).
	Problems int `json:"problems"`
	// Warnings counts the problems that are warnings.
	Warnings int `json:"warnings"`
	// Complete is true when all of the cluster was rendered (see
	// Completeness).
	Complete bool `json:"complete"`
	// ChartsOnly is true when what was not rendered is only charts missing
	// from the chart cache (Completeness.ChartsOnly).
	ChartsOnly bool `json:"chartsOnly,omitempty"`
	// HelmReleases counts the HelmReleases, and Charts those whose chart
	// was rendered.
	HelmReleases int `json:"helmReleases"`
	Charts       int `json:"charts"`
	// ChartsMissing counts the HelmReleases whose chart is neither in git
	// nor in the chart cache.
	ChartsMissing int `json:"chartsMissing,omitempty"`
}

// Summarize sums up a cluster.
func Summarize(c *Cluster) ClusterSummary {
	s := ClusterSummary{Name: c.Name, Era: c.Era, Environment: c.Environment, RuntimeInfo: c.RuntimeInfo,
		Path: c.Path, Sources: []string{}, Objects: len(c.Objects), Kustomizations: len(c.Kustomizations), Complete: c.Completeness.Complete}
	if d := c.Discovery; d != nil {
		s.Found = d.How
		if d.Location != nil && d.Location.Path != "" {
			s.RootFile = d.Location.Path + ":" + strconv.Itoa(d.Location.Line)
		}
	}
	for _, k := range c.Kustomizations {
		if k.Status != StatusRendered {
			s.Skipped++
		}
	}
	for _, src := range c.Sources {
		name := repoName(src.URL)
		if name == "" {
			name = src.Name
		}
		branch := "unresolved"
		if src.Resolved {
			branch = src.Branch
			if branch == "" {
				branch = src.Tag
			}
		} else {
			s.Unresolved++
		}
		s.Sources = append(s.Sources, name+"@"+branch)
	}
	slices.Sort(s.Sources)
	s.Sources = slices.Compact(s.Sources)
	for _, p := range c.Problems {
		switch {
		case p.Warning || p.Kind == ProblemChartMissing:
			s.Warnings++
		default:
			s.Problems++
		}
	}
	s.ChartsOnly = c.Completeness.ChartsOnly
	s.HelmReleases = len(c.HelmReleases)
	for _, h := range c.HelmReleases {
		switch h.Status {
		case ChartRendered:
			s.Charts++
		case ChartMissing:
			s.ChartsMissing++
		}
	}
	return s
}

// repoName is the last segment of a repository URL, without .git: d1-fleet
// for https://github.com/acme/d1-fleet.git or git@github.com:acme/d1-fleet.git.
func repoName(url string) string {
	u := strings.TrimSuffix(strings.TrimSuffix(url, "/"), ".git")
	if i := strings.LastIndexAny(u, "/:"); i >= 0 {
		return u[i+1:]
	}
	return u
}
