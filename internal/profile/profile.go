// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package profile decides which rules a check runs: d1 runs every rule,
// generic only those that hold for any Flux fleet (builds, substitution,
// dependency ordering, schemas, credentials), leaving out the ones that
// encode d1's conventions (tenants, runtime-info, a branch per
// environment). Each rule's METADATA says which profiles it belongs to;
// this package names the profiles and tells, from a rendered fleet, which
// one its layout is.
package profile

import (
	"fmt"
	"slices"
	"strings"

	"github.com/d1lint/d1lint/internal/model"
)

// The profiles.
const (
	// D1 is a fleet laid out like the d1 reference architecture: every rule.
	D1 = "d1"
	// Generic is any Flux fleet: the rules about Flux's own behaviour.
	Generic = "generic"
)

// Names are the profiles, in the order they are documented.
var Names = []string{D1, Generic}

// Known reports whether name is a profile.
func Known(name string) bool { return slices.Contains(Names, name) }

// Expected says which values a profile setting takes, for messages.
func Expected() string { return strings.Join(Names, " or ") }

// Check returns an error naming the profiles when name is none of them.
func Check(name string) error {
	if !Known(name) {
		return fmt.Errorf("unknown profile %q: expected %s", name, Expected())
	}
	return nil
}

// Choice is the profile a check ran with, and why.
type Choice struct {
	// Name is the profile (D1 or Generic).
	Name string `json:"name"`
	// Detected is true when the fleet's layout decided it (Detect), false
	// when the configuration or --profile did.
	Detected bool `json:"detected"`
	// Reason says what decided it, e.g. "cluster staging has runtime-info".
	Reason string `json:"reason"`
}

// Configured is the choice of a profile the user named.
func Configured(name string) Choice {
	return Choice{Name: name, Reason: "configured"}
}

// String reads "d1 (detected: cluster staging has runtime-info)".
func (c Choice) String() string {
	if c.Detected {
		return c.Name + " (detected: " + c.Reason + ")"
	}
	return c.Name + " (" + c.Reason + ")"
}

// Resolve is the profile a render is judged with: the one configured
// (name, from .d1lint.yaml or --profile), else the one fl's layout shows.
func Resolve(name string, fl *model.Fleet) Choice {
	if name != "" {
		return Configured(name)
	}
	return Detect(fl)
}

// Detect tells a d1 fleet from any other by the conventions d1's rules
// rely on. The fleet is d1 when a cluster has, looked for in this order
// over every cluster before the next:
//
//  1. runtime-info: the ConfigMap flux-system/flux-runtime-info, which
//     carries the cluster's ENVIRONMENT and GIT_BRANCH (the branch-mapping
//     and runtime-info rules read it);
//  2. d1's tenants: a Kustomization flux-<name>-tenant in flux-system
//     (flux-infra-tenant, flux-apps-tenant), through which d1 hands the
//     infra and apps repositories to their tenants;
//  3. a multi-tenant FluxInstance (spec.cluster.multitenant, Flux Operator
//     era), the lockdown the multi-tenancy rules assume.
//
// Otherwise it is generic: a tenant layout without these (the bootstrap
// era's flux2-multi-tenancy example) follows conventions of its own, which
// d1's tenancy rules would misjudge. A render that lost the part holding
// runtime-info is judged generic unless another signal holds: set the
// profile to be sure.
func Detect(fl *model.Fleet) Choice {
	var ev []Evidence
	if fl != nil {
		for _, c := range fl.Clusters {
			ev = append(ev, EvidenceOf(c))
		}
	}
	return FromEvidence(ev)
}

// Evidence is what one cluster shows of d1's layout: the strongest of the
// signals Detect looks for (Rank 1 is runtime-info, 2 d1's tenants, 3 a
// multi-tenant FluxInstance; 0 none) and why. A check that drops each
// cluster's model once judged, or runs in shards, keeps this instead.
type Evidence struct {
	Rank   int    `json:"rank,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// EvidenceOf returns the strongest signal of d1's layout in one cluster.
func EvidenceOf(c *model.Cluster) Evidence {
	if c.RuntimeInfoLocation != nil || len(c.RuntimeInfo) > 0 {
		return Evidence{1, fmt.Sprintf("cluster %s has runtime-info", c.Name)}
	}
	for _, k := range c.Kustomizations {
		if k.Namespace == "flux-system" && strings.HasPrefix(k.Name, "flux-") && strings.HasSuffix(k.Name, "-tenant") {
			return Evidence{2, fmt.Sprintf("cluster %s has d1's tenant Kustomization %s", c.Name, k.Key)}
		}
	}
	if c.Era == "operator" && c.Flux.Multitenant {
		return Evidence{3, fmt.Sprintf("cluster %s has a multi-tenant FluxInstance", c.Name)}
	}
	return Evidence{}
}

// FromEvidence is Detect from every cluster's evidence, in the fleet's
// order: the strongest signal wins, the first cluster showing it says why.
func FromEvidence(ev []Evidence) Choice {
	best := Evidence{}
	for _, e := range ev {
		if e.Rank > 0 && (best.Rank == 0 || e.Rank < best.Rank) {
			best = e
		}
	}
	if best.Rank > 0 {
		return Choice{Name: D1, Detected: true, Reason: best.Reason}
	}
	return detected(Generic, "no cluster has runtime-info, d1's tenant Kustomizations or a multi-tenant FluxInstance")
}

func detected(name, format string, args ...any) Choice {
	return Choice{Name: name, Detected: true, Reason: fmt.Sprintf(format, args...)}
}

// Of reads a rule's profiles from its METADATA (custom.profiles): a
// non-empty list of known profiles, each once.
func Of(v any) ([]string, error) {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil, fmt.Errorf("custom.profiles must list the profiles the rule belongs to (%s), e.g. [%s]", strings.Join(Names, ", "), strings.Join(Names, ", "))
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, _ := e.(string)
		if !Known(s) {
			return nil, fmt.Errorf("custom.profiles: %v is not a profile (%s)", e, strings.Join(Names, ", "))
		}
		if slices.Contains(out, s) {
			return nil, fmt.Errorf("custom.profiles lists %s twice", s)
		}
		out = append(out, s)
	}
	return out, nil
}
