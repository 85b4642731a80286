// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules

import (
	"maps"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/d1lint/d1lint/internal/model"
)

// ClusterDigest is what a fleet-scoped rule knows of one cluster: its
// summary (model.ClusterSummary, as `d1lint clusters --format json` lists
// it) and where its runtime-info is, with the line of each key located
// while the cluster's sources were at hand. A digest is small, and enough
// on its own: the fleet-scoped rules run once every cluster is rendered
// and its model dropped, or when the shards of a check are merged.
type ClusterDigest struct {
	model.ClusterSummary
	// RuntimeInfoLocation is where runtime-info is defined
	// (Cluster.RuntimeInfoLocation).
	RuntimeInfoLocation *model.Location `json:"runtimeInfoLocation,omitempty"`
	// RuntimeInfoObject is the cluster's runtime-info ConfigMap as rules
	// see an object (identity, location, chain); nil when the model has
	// none.
	RuntimeInfoObject *DigestObject `json:"runtimeInfoObject,omitempty"`
	// RuntimeInfoFields are the lines that set the ConfigMap's "data" and
	// each of its keys ("data.<key>"), located in the patch that set them
	// when one did.
	RuntimeInfoFields map[string]model.Location `json:"runtimeInfoFields,omitempty"`
}

// DigestObject is an object of a digest, with the fields
// data.d1lint.lib.result.object_details reads.
type DigestObject struct {
	model.ObjectID
	Location model.Location `json:"location"`
	Chain    []string       `json:"chain"`
}

// Locator finds the line that sets a field of one of a cluster's objects
// (render.Result.Locate); nil when it cannot.
type Locator func(c *model.Cluster, o *model.Object, path []string) *model.Location

// Digest sums up a cluster for the fleet-scoped rules. locate, when not
// nil, points each runtime-info key at the line that sets it; without it
// the keys point at the ConfigMap's own location.
func Digest(c *model.Cluster, locate Locator) ClusterDigest {
	d := ClusterDigest{ClusterSummary: model.Summarize(c), RuntimeInfoLocation: c.RuntimeInfoLocation}
	o := c.Object(model.ObjectID{APIVersion: "v1", Kind: "ConfigMap", Namespace: "flux-system", Name: "flux-runtime-info"})
	if o == nil {
		return d
	}
	d.RuntimeInfoObject = &DigestObject{ObjectID: o.ObjectID, Location: o.Location, Chain: o.Chain}
	if d.RuntimeInfoObject.Chain == nil {
		d.RuntimeInfoObject.Chain = []string{}
	}
	data, _ := o.Object["data"].(map[string]any)
	d.RuntimeInfoFields = make(map[string]model.Location, len(data)+1)
	at := func(path ...string) model.Location {
		if locate != nil {
			if l := locate(c, o, path); l != nil {
				return *l
			}
		}
		return o.Location
	}
	d.RuntimeInfoFields["data"] = at("data")
	for _, k := range slices.Sorted(maps.Keys(data)) {
		d.RuntimeInfoFields["data."+k] = at("data", k)
	}
	return d
}

// readsFleet reports whether a module reads input.fleet (or the whole
// input, which may hold it).
func readsFleet(m *ast.Module) bool {
	refs, vars, found := 0, 0, false
	ast.WalkRefs(m, func(r ast.Ref) bool {
		if len(r) == 0 || !r[0].Equal(ast.InputRootDocument) {
			return false
		}
		refs++
		if len(r) == 1 {
			found = true // the whole input
		} else {
			if s, ok := r[1].Value.(ast.String); !ok || s == "fleet" {
				found = true
			}
		}
		return false
	})
	ast.WalkVars(m, func(v ast.Var) bool {
		if v.Equal(ast.InputRootDocument.Value) {
			vars++
		}
		return false
	})
	// An input that is no ref's head is the whole document.
	return found || vars > refs
}

// ReadsFleet reports whether a team's policy reads input.fleet: then every
// cluster's input holds the fleet's summary, which is known only once the
// whole fleet is rendered.
func (c *Catalogue) ReadsFleet() bool { return c.readsFleet }
