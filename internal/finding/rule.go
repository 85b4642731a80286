// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package finding

import "strings"

// CustomCategory is the category of findings from a team's own policies
// written conftest-style.
const CustomCategory = "custom"

// RulesPackage is the Rego package prefix of d1lint's own rules:
// data.d1lint.rules.<category>.<rule>.
const RulesPackage = "d1lint.rules"

// RuleDocs is where the documentation of d1lint's own rules lives:
// RuleDocs + "<id>.md".
const RuleDocs = "https://github.com/d1lint/d1lint/blob/main/docs/rules/"

// Rule is one rule's METADATA: the single source of truth for the docs,
// `d1lint rules` and the reports.
type Rule struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Category    string `json:"category"`
	Severity    string `json:"severity"`
	Description string `json:"description"`
	Remediation string `json:"remediation"`
	// Profiles are the profiles the rule runs in (profile.D1, profile.Generic):
	// generic leaves out the rules that encode d1's conventions.
	Profiles []string `json:"profiles"`
	// Package is the Rego package (d1lint.rules.<category>.<rule>).
	Package string `json:"package"`
	// Dir is the rule's folder under policies/.
	Dir string `json:"dir"`
	// Scope is what one evaluation of the rule reads (METADATA
	// custom.scope): ScopeCluster (the default, written "") one cluster's
	// model as input.cluster, ScopeFleet the summaries of every cluster as
	// input.fleet.clusters, once per run.
	Scope string `json:"scope,omitempty"`
}

// Rule scopes (Rule.Scope).
const (
	// ScopeCluster rules read one cluster's model (input.cluster).
	ScopeCluster = ""
	// ScopeFleet rules read every cluster's summary (input.fleet), once
	// all clusters are rendered: in a sharded check, when the shards are
	// merged.
	ScopeFleet = "fleet"
)

// HelpURI is the rule's documentation page (RuleDocs + "<id>.md"). It is
// empty for a team's rules: category custom, or a package outside
// RulesPackage (such as a rule described from its findings alone).
func (r Rule) HelpURI() string {
	if r.ID == "" || r.Category == CustomCategory || !strings.HasPrefix(r.Package, RulesPackage+".") {
		return ""
	}
	return RuleDocs + r.ID + ".md"
}
