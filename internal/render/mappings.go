// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/source"
)

// fleetDisplay is how the fleet's mapping names its folder
// (source.Mapping.Display): the folder as the user named it, or, for a
// fleet in a subfolder of a monorepo, the repository's top level above it
// (the folder mapped); "" when the mapping shows its path.
func (r *renderer) fleetDisplay() string {
	d := r.opts.FleetDisplay
	if r.fleetPrefix == "" {
		return d
	}
	if d == "" {
		d = r.opts.FleetPath
	}
	for range strings.Count(r.fleetPrefix, "/") + 1 {
		d = filepath.Join(d, "..")
	}
	return d
}

// fleetShown is how the fleet's mapping shows its folder, as the resolver
// shows it (with the revision a copy stands for).
func (r *renderer) fleetShown() string {
	d := r.fleetDisplay()
	if d == "" {
		return r.fleetDir
	}
	if r.opts.FleetRevision != "" {
		return d + " at " + r.opts.FleetRevision
	}
	return d
}

// mappings says which local folder stood for which repository and why:
// every mapping given (used or not), the fleet's, and those found beside
// the fleet for the URLs the clusters asked for. An explicit mapping gets
// a warning when no cluster names its URL (with the nearest URL one names,
// by edit distance: a typo is the usual cause) or when its folder's git
// remotes say it is another repository. A mapping no rendered cluster
// names is not judged when only some clusters were rendered (--cluster):
// another may name it.
func (r *renderer) mappings(fl *model.Fleet) []model.Mapping {
	named := map[string]string{} // normalised URL → its first spelling
	for _, c := range fl.Clusters {
		if c == nil {
			continue
		}
		for _, s := range c.Sources {
			if k := source.NormalizeURL(s.URL); k != "" && named[k] == "" {
				named[k] = s.URL
			}
		}
	}
	urls := slices.Sorted(maps.Values(named))
	var out []model.Mapping
	for _, m := range r.resolver.Mapped() {
		key := source.NormalizeURL(m.URL)
		mm := model.Mapping{URL: m.URL, Repo: key, Branch: m.Branch, Path: m.Path, Revision: m.Revision,
			Origin: m.Origin, How: m.How, Used: named[key] != ""}
		switch m.Origin {
		case source.OriginFlag:
			mm.How = "--source"
		case source.OriginConfig:
			mm.How = "sources: in .d1lint.yaml"
		}
		if source.Explicit(m.Origin) && m.Origin != "" {
			mm.Warning = r.mappingWarning(m, mm, urls)
		}
		out = append(out, mm)
	}
	return out
}

// mappingWarning says what looks wrong with the explicit mapping m ("" when
// nothing does).
func (r *renderer) mappingWarning(m source.Mapping, mm model.Mapping, urls []string) string {
	if !mm.Used && len(r.opts.Clusters) == 0 && r.opts.Select == nil {
		return UnusedWarning(mm, urls)
	}
	if m.Revision == "" {
		if other := source.OtherRemote(m.URL, m.Path); other != "" {
			return fmt.Sprintf("%s: %s is a git repository whose remote %s, not %s; it is read as %s all the same", mappingName(mm), m.Path, other, m.URL, m.URL)
		}
	}
	return ""
}

// UnusedWarning is the warning of an explicit mapping (a --source flag or
// sources: in .d1lint.yaml) that no cluster of the whole fleet reads, with
// the nearest URL one reads (by edit distance: a typo is the usual cause);
// named are the URLs the clusters read. "" when a cluster reads it, or
// when d1lint found the mapping itself. A render of part of the fleet
// (--cluster, a shard) cannot tell: merging the shards does.
func UnusedWarning(m model.Mapping, named []string) string {
	if m.Used || !source.Explicit(m.Origin) || m.Origin == "" {
		return ""
	}
	w := fmt.Sprintf("%s matched nothing: no cluster reads %s", mappingName(m), m.URL)
	if near := source.NearestURL(m.URL, named); near != "" {
		w += "; did you mean " + near + "?"
	}
	return w
}

// mappingName is how a warning names an explicit mapping: as the user
// wrote it, and where.
func mappingName(m model.Mapping) string {
	spec := source.Mapping{URL: m.URL, Branch: m.Branch, Path: m.Path}.String()
	if m.Origin == source.OriginConfig {
		return "the source " + spec + " in .d1lint.yaml"
	}
	return "--source " + spec
}
