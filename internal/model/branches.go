// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package model

// Branches maps an environment to the branch its clusters follow: d1 has
// staging clusters follow main and production clusters follow production.
// It is the configuration's branches setting and the rules' config.branches.
type Branches map[string]string

// Environments d1 names in its runtime-info (ENVIRONMENT) and in Branches.
const (
	Staging    = "staging"
	Production = "production"
)

// DefaultBranches are d1's: staging follows main, production follows
// production.
func DefaultBranches() Branches {
	return Branches{Staging: "main", Production: "production"}
}

// Main is the branch staging clusters follow and changes merge into (main
// unless configured).
func (b Branches) Main() string {
	if m := b[Staging]; m != "" {
		return m
	}
	return "main"
}

// Production is the branch production clusters follow (production unless
// configured).
func (b Branches) Production() string {
	if p := b[Production]; p != "" {
		return p
	}
	return "production"
}

// IsProduction tells whether a cluster runs production: its runtime-info
// ENVIRONMENT is production, its GIT_BRANCH is the production branch, or it
// reads a source at that branch.
func (b Branches) IsProduction(c *Cluster) bool {
	prod := b.Production()
	if c.Environment == Production || c.RuntimeInfo["GIT_BRANCH"] == prod {
		return true
	}
	for _, s := range c.Sources {
		if s.Resolved && s.Branch == prod {
			return true
		}
	}
	return false
}

// Followed tells whether some environment's clusters follow branch.
func (b Branches) Followed(branch string) bool {
	if len(b) == 0 {
		b = DefaultBranches()
	}
	for _, v := range b {
		if v == branch {
			return true
		}
	}
	return false
}
