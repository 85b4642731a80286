// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package model

// Kustomization returns the cluster's Flux Kustomization with the given key
// ("namespace/name"), or nil.
func (c *Cluster) Kustomization(key string) *Kustomization {
	for _, k := range c.Kustomizations {
		if k.Key == key {
			return k
		}
	}
	return nil
}

// Object returns the rendered object with the given identity, or nil.
func (c *Cluster) Object(id ObjectID) *Object {
	for _, o := range c.Objects {
		if o.ObjectID == id {
			return o
		}
	}
	return nil
}

// OutOfBandObject declares an object that exists on the clusters without
// being in git, such as the secrets created at bootstrap (the
// configuration's outOfBand).
type OutOfBandObject struct {
	APIVersion string            `json:"apiVersion,omitempty"`
	Kind       string            `json:"kind"`
	Namespace  string            `json:"namespace"`
	Name       string            `json:"name"`
	Labels     map[string]string `json:"labels,omitempty"`
	// Keys are the data keys it holds; they count as defined variables.
	Keys []string `json:"keys,omitempty"`
	// Clusters limits the declaration to these clusters (all when empty).
	Clusters []string `json:"clusters,omitempty"`
}
