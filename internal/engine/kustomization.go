// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/suggest"
)

// DefaultKustomizationNamespace is the namespace of a Kustomization named
// without one, as flux build ks assumes it (the Flux CLI's default
// --namespace).
const DefaultKustomizationNamespace = "flux-system"

// KustomizationKey turns what the user typed, "name" or "namespace/name",
// into a Kustomization's key ("flux-system/name" for a bare name).
func KustomizationKey(ref string) (string, error) {
	ns, name, found := strings.Cut(ref, "/")
	if !found {
		ns, name = DefaultKustomizationNamespace, ref
	}
	if ns == "" || name == "" || strings.Contains(name, "/") {
		return "", UsageError(fmt.Errorf("--kustomization %q: want NAME or NAMESPACE/NAME", ref))
	}
	return ns + "/" + name, nil
}

// SelectKustomization narrows fl to what one Flux Kustomization applies
// itself, as `flux build ks` prints it: the objects of its own build (the
// Kustomizations, HelmReleases and ResourceSets among them, not what
// those apply, install or generate), its variables, and the problems of
// its own build. ref is "name" (in flux-system) or "namespace/name". A
// cluster that has no such Kustomization is left out, and its name
// returned in missing; when no cluster has it, the error is a usage error
// naming the Kustomizations most likely meant.
func SelectKustomization(fl *model.Fleet, ref string) (out *model.Fleet, missing []string, err error) {
	key, err := KustomizationKey(ref)
	if err != nil {
		return nil, nil, err
	}
	out = &model.Fleet{Version: fl.Version, Mappings: fl.Mappings}
	for _, c := range fl.Clusters {
		if c.Kustomization(key) == nil {
			missing = append(missing, c.Name)
			continue
		}
		out.Clusters = append(out.Clusters, applied(c, key))
	}
	if len(out.Clusters) == 0 {
		return nil, nil, UsageError(unknownKustomization(fl, ref, key))
	}
	return out, missing, nil
}

// applied is c with only what the Kustomization key applies itself.
func applied(c *model.Cluster, key string) *model.Cluster {
	s := *c
	s.Kustomizations = []*model.Kustomization{c.Kustomization(key)}
	s.Objects, s.Variables, s.HelmReleases, s.ResourceSets, s.Problems, s.Generated = nil, nil, nil, nil, nil, nil
	for _, o := range c.Objects {
		// A chart's objects and a ResourceSet's carry the Kustomization
		// that applies the HelmRelease or the ResourceSet; Flux's
		// controllers, not this Kustomization's apply, create them.
		if o.AppliedBy == key && o.HelmRelease == "" && o.ResourceSet == "" {
			s.Objects = append(s.Objects, o)
		}
	}
	for _, v := range c.Variables {
		if v.Kustomization == key {
			s.Variables = append(s.Variables, v)
		}
	}
	for _, h := range c.HelmReleases {
		if h.AppliedBy == key {
			s.HelmReleases = append(s.HelmReleases, h)
		}
	}
	for _, r := range c.ResourceSets {
		if r.AppliedBy == key {
			s.ResourceSets = append(s.ResourceSets, r)
		}
	}
	for _, p := range c.Problems {
		if p.Kustomization == key && p.HelmRelease == "" {
			s.Problems = append(s.Problems, p)
		}
	}
	s.Assess()
	return &s
}

// unknownKustomization says that no cluster has the Kustomization, with
// the ones most likely meant: one of the same name in another namespace,
// else the nearest key.
func unknownKustomization(fl *model.Fleet, ref, key string) error {
	var keys []string
	for _, c := range fl.Clusters {
		for _, k := range c.Kustomizations {
			if !slices.Contains(keys, k.Key) {
				keys = append(keys, k.Key)
			}
		}
	}
	slices.Sort(keys)
	where := "no cluster has"
	if len(fl.Clusters) == 1 {
		where = "cluster " + fl.Clusters[0].Name + " has no"
	}
	msg := fmt.Sprintf("--kustomization %s: %s Kustomization %s", ref, where, key)
	_, name, _ := strings.Cut(key, "/")
	var meant []string
	for _, k := range keys {
		if _, n, _ := strings.Cut(k, "/"); n == name {
			meant = append(meant, k)
		}
	}
	if len(meant) == 0 {
		if s := suggest.Closest(key, keys); s != "" {
			meant = append(meant, s)
		}
	}
	switch {
	case len(meant) > 0:
		msg += "; did you mean " + strings.Join(meant, " or ") + "?"
	case len(keys) > 0:
		msg += " (have: " + strings.Join(keys, ", ") + ")"
	}
	return fmt.Errorf("%s", msg)
}
