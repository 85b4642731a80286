// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/fnv"
	"io/fs"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/guard"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/render"
	"github.com/d1lint/d1lint/internal/report"
	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/rules"
)

// Shard is one of the parts a sharded check splits the fleet's clusters
// into (d1lint check --shard K/N), for the jobs of a CI matrix; d1lint
// merge then combines the shards' JSON reports into the report of one
// check of the whole fleet (ReadShards, Merge).
//
// A cluster is in shard FNV-1a-64(its name) mod Count + 1: the split
// depends on the cluster's name alone, so that a revision and its
// baseline (--new-since) split alike, and a cluster added or removed moves
// no other cluster to another shard.
type Shard struct {
	// Index is the shard, from 1 to Count.
	Index int
	// Count is how many shards there are; 0: the check is not sharded.
	Count int
	// Key are the command line's options that change what a check finds
	// (the fleet, its mappings, the schemas, the revisions read...), as the
	// command states them: the shards of one check must agree on them (the
	// fingerprint's options).
	Key []string
}

// ParseShard reads K/N (1 ≤ K ≤ N), as --shard gives it.
func ParseShard(s string) (Shard, error) {
	k, n, ok := strings.Cut(strings.TrimSpace(s), "/")
	index, err1 := strconv.Atoi(k)
	count, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil || count < 1 || index < 1 || index > count {
		return Shard{}, usageError{fmt.Errorf("--shard %q: want K/N, shard K of N, with 1 ≤ K ≤ N (1/4 ... 4/4)", s)}
	}
	return Shard{Index: index, Count: count}, nil
}

// Has reports whether the cluster named name is in the shard.
func (s Shard) Has(name string) bool {
	return shardOf(name, s.Count) == s.Index
}

// shardOf is the shard, of count, that holds the cluster named name.
func shardOf(name string, count int) int {
	h := fnv.New64a()
	_, _ = h.Write([]byte(name))
	return int(h.Sum64()%uint64(count)) + 1
}

// sharded makes opts render the clusters of its shard only. A team's
// policy that reads input.fleet cannot be sharded: no shard sees the
// fleet whole, and its findings would depend on the split.
func (e *Engine) sharded(opts *Options) error {
	sh := opts.Shard
	if sh.Index < 1 || sh.Index > sh.Count {
		return usageError{fmt.Errorf("--shard %d/%d: want 1 ≤ K ≤ N", sh.Index, sh.Count)}
	}
	if len(e.cfg.Policies) > 0 {
		// Only a team's policy can read the fleet; the built-in rules
		// that do are fleet-scoped, and run at merge.
		cat, err := e.catalogue()
		if err != nil {
			return err
		}
		if cat.ReadsFleet() {
			return usageError{fmt.Errorf("--shard %d/%d: a team policy reads input.fleet, which no shard sees whole; check the fleet in one run, or make the policy read input.cluster only", sh.Index, sh.Count)}
		}
	}
	opts.Select = sh.Has
	return nil
}

// shardPart is what d1lint merge reads of one shard: its report's
// "shard" member (report.Shard). Its clusters' verdicts are what a check
// keeps of each cluster once judged, so that merge finishes the check
// exactly as one run over the whole fleet does.
type shardPart struct {
	Index int `json:"index"`
	Count int `json:"count"`
	// FleetClusters is how many clusters the whole fleet has (the render's
	// selection: --cluster, else every cluster).
	FleetClusters int `json:"fleetClusters"`
	// Fingerprint is what the shards of one check must agree on.
	Fingerprint fingerprint `json:"fingerprint"`
	// Run are the options merge finishes the check with.
	Run shardRun `json:"run"`
	// Clusters are the shard's clusters, each with its position among the
	// fleet's (the order of the report of one run).
	Clusters []shardCluster `json:"clusters"`
	// Reads are the repository URLs the shard's clusters read, each as
	// the first of them to read it spells it (the position of that
	// cluster): merge says of a --source no cluster reads which URL was
	// likely meant, as one run does.
	Reads []shardRead `json:"reads"`
	// Checked are the repositories mappings read from the current folder's
	// git checkout (the repository being checked, when one).
	Checked []string `json:"checked,omitempty"`
	// Baseline, with --new-since, is the same shard of the baseline.
	Baseline *shardBaseline `json:"baseline,omitempty"`
}

// Part implements report.Shard.
func (p *shardPart) Part() (index, count, fleet int) { return p.Index, p.Count, p.FleetClusters }

// fingerprint is what must agree across the shards of one check, each
// part a version or a SHA-256: the configuration and the team's policies
// are compared with merge's own too.
type fingerprint struct {
	// Tool is d1lint's version.
	Tool string `json:"tool"`
	// Configuration is the digest of the configuration (.d1lint.yaml as
	// read, with --disable and --enable not applied) and of where it came from.
	Configuration string `json:"configuration"`
	// Policies is the digest of the team's policies' files and inputs.
	Policies string `json:"policies"`
	// Options is the digest of the options that change what a check
	// finds, the shards' count among them.
	Options string `json:"options"`
}

// differences names the parts of the fingerprint that differ.
func (f fingerprint) differences(o fingerprint, options bool) []string {
	var out []string
	if f.Tool != o.Tool {
		out = append(out, fmt.Sprintf("d1lint version (%s and %s)", f.Tool, o.Tool))
	}
	if f.Configuration != o.Configuration {
		out = append(out, "configuration")
	}
	if f.Policies != o.Policies {
		out = append(out, "team policies")
	}
	if options && f.Options != o.Options {
		out = append(out, "options (the fleet, --source, --cluster, schemas, charts, --profile, --disable, --enable, --require-charts, --new-since, --at, --config-ref, --repository or the shards' count)")
	}
	return out
}

// shardRun are the options of the shards' check that merge finishes it
// with.
type shardRun struct {
	Profile       string   `json:"profile,omitempty"`
	Disable       []string `json:"disable,omitempty"`
	Enable        []string `json:"enable,omitempty"`
	RequireCharts bool     `json:"requireCharts,omitempty"`
	// Repository is the repository the check was told it checks
	// (--repository, GITHUB_REPOSITORY).
	Repository string `json:"repository,omitempty"`
	// Clusters are --cluster's: with them, no shard nor merge says that
	// an explicit mapping matched nothing.
	Clusters []string `json:"clusters,omitempty"`
}

// shardCluster is one cluster's verdict, with its position in the fleet.
type shardCluster struct {
	Position int      `json:"position"`
	Verdict  *Verdict `json:"verdict"`
}

// shardRead is a URL a cluster reads, and the position of the first of
// the shard's clusters to read it.
type shardRead struct {
	URL      string `json:"url"`
	Position int    `json:"position"`
}

// shardBaseline is the same shard checked at the --new-since revision.
type shardBaseline struct {
	Revision      string         `json:"revision"`
	FleetClusters int            `json:"fleetClusters"`
	Clusters      []shardCluster `json:"clusters"`
}

// shardReport is the report of one shard: its clusters' findings with the
// profile and the waivers applied, but neither the fleet-scoped rules nor
// the waivers' status, which depend on the whole fleet (merge judges
// them), and what merge needs (report.Report.Shard).
func (e *Engine) shardReport(ctx context.Context, cat *rules.Catalogue, opts Options, res *render.Result, vs []*Verdict) (*report.Report, error) {
	j, err := e.conclude(ctx, vs, nil, opts.Profile, nil, false)
	if err != nil {
		return nil, err
	}
	positions, of := res.Positions()
	p := &shardPart{Index: opts.Shard.Index, Count: opts.Shard.Count, FleetClusters: of, Fingerprint: e.fingerprint(opts),
		Run: shardRun{Profile: opts.Profile, Disable: e.cfg.Disable, Enable: e.cfg.Enable, RequireCharts: e.cfg.RequireCharts,
			Repository: e.cfg.Repository, Clusters: opts.Clusters},
		Clusters: make([]shardCluster, len(vs)), Reads: []shardRead{}, Checked: checkedRepositories(res.Fleet.Mappings)}
	clusters := make([]report.Cluster, len(vs))
	seen := map[string]bool{}
	for i, v := range vs {
		clusters[i] = v.Cluster
		p.Clusters[i] = shardCluster{Position: positions[i], Verdict: v}
		// A cluster's sources stay once its model is dropped (drop).
		for _, s := range res.Fleet.Clusters[i].Sources {
			if k := source.NormalizeURL(s.URL); k != "" && !seen[k] {
				seen[k] = true
				p.Reads = append(p.Reads, shardRead{URL: s.URL, Position: positions[i]})
			}
		}
	}
	r := report.Assemble(res.Fleet.Mappings, clusters, j.Findings)
	r.Summary.Waived, r.Summary.Profile = j.Waived, &j.Profile
	r.Summary.Configuration = e.cfg.Configuration
	r.Repository = e.repository(res.Fleet, vs)
	r.Rules = cat.Rules()
	r.ToolVersion = e.cfg.ToolVersion
	r.Shard = p
	return r, nil
}

// withBaseline adds to a shard's report the same shard of the baseline
// (before), for merge to mark every finding new or existing, those of the
// fleet-scoped rules too. A report that is no shard's is left alone.
func withBaseline(r, before *report.Report) {
	p, ok := r.Shard.(*shardPart)
	b, okb := before.Shard.(*shardPart)
	if !ok || !okb {
		return
	}
	p.Baseline = &shardBaseline{Revision: r.Baseline, FleetClusters: b.FleetClusters, Clusters: b.Clusters}
}

// fingerprint is the fingerprint of a shard checked with opts.
func (e *Engine) fingerprint(opts Options) fingerprint {
	h := sha256.New()
	write := func(parts ...string) {
		for _, s := range parts {
			// Length-prefixed: no two lists write the same bytes.
			fmt.Fprintf(h, "%d:%s\n", len(s), s)
		}
	}
	write(strconv.Itoa(opts.Shard.Count), opts.Profile, strconv.FormatBool(e.cfg.RequireCharts), e.cfg.Repository)
	for _, list := range [][]string{e.cfg.Disable, e.cfg.Enable, opts.Clusters, opts.Shard.Key} {
		write(strconv.Itoa(len(list)))
		write(list...)
	}
	return fingerprint{Tool: e.cfg.ToolVersion, Configuration: e.configurationDigest(), Policies: e.policiesDigest(),
		Options: "sha256:" + hex.EncodeToString(h.Sum(nil))}
}

// configurationDigest is the digest of the configuration as it was read
// (its content, not its layout or comments) and of the note on where it
// came from.
func (e *Engine) configurationDigest() string {
	h := sha256.New()
	data, err := json.Marshal(e.cfg.File)
	if err != nil {
		// Never for a parsed configuration; the digest then matches none.
		data = []byte("unreadable: " + err.Error())
	}
	h.Write(data)
	h.Write([]byte{0})
	h.Write([]byte(e.cfg.Configuration))
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// policiesDigest is the digest of the team's policy folders (every file's
// path and content) and of the input each reads, whatever the folders'
// own paths: two jobs may check their copies out in different places.
func (e *Engine) policiesDigest() string {
	var each []string
	for _, name := range slices.Sorted(maps.Keys(e.cfg.Policies)) {
		h := sha256.New()
		digestFS(h, e.cfg.Policies[name])
		if c, ok := e.cfg.Conftest[name]; ok {
			data, _ := json.Marshal(c)
			fmt.Fprintf(h, "conftest %s\n", data)
		}
		each = append(each, hex.EncodeToString(h.Sum(nil)))
	}
	slices.Sort(each)
	h := sha256.New()
	for _, d := range each {
		fmt.Fprintln(h, d)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// digestFS writes every regular file of fsys, path and content, to h, in
// lexical order.
func digestFS(h hash.Hash, fsys fs.FS) {
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", p, len(data))
		h.Write(data)
		return nil
	})
	if err != nil {
		// The rules could not be loaded from it either; the digest says
		// so, and matches only a folder that fails alike.
		fmt.Fprintf(h, "error %v\n", err)
	}
}

// ShardFile is one shard's JSON report, as d1lint merge reads it.
type ShardFile struct {
	// Name is the file's name, for errors.
	Name string
	// Data is its content.
	Data []byte
}

// Shards are the JSON reports of every shard of one sharded check, read
// and checked against each other (ReadShards), for Merge.
type Shards struct {
	// names and parts are by shard, from shard 1; sources are each
	// shard's report's mappings.
	names   []string
	parts   []*shardPart
	sources [][]model.Mapping
}

// ReadShards reads the JSON reports of the shards of one sharded check
// (d1lint check --shard K/N --format json) and checks that they are its
// shards, every one once: usage errors name the file that is not JSON, no
// shard's report or a failed shard's, two files of one shard, a shard
// missing, shards of different counts, fleets or fingerprints (d1lint
// version, configuration, team policies, options), and clusters held by
// two shards or none.
func ReadShards(files []ShardFile) (*Shards, error) {
	if len(files) == 0 {
		return nil, usageError{errors.New("no shard: name the JSON report of every shard (d1lint check --shard K/N --format json=FILE)")}
	}
	var s *Shards
	var first *shardPart
	var firstName string
	for _, f := range files {
		p, sources, err := readShard(f)
		if err != nil {
			return nil, usageError{err}
		}
		if s == nil {
			s = &Shards{names: make([]string, p.Count), parts: make([]*shardPart, p.Count), sources: make([][]model.Mapping, p.Count)}
			first, firstName = p, f.Name
		}
		if p.Count != first.Count {
			return nil, usageError{fmt.Errorf("%s is shard %d of %d, but %s is of %d", f.Name, p.Index, p.Count, firstName, first.Count)}
		}
		if other := s.names[p.Index-1]; other != "" {
			return nil, usageError{fmt.Errorf("%s and %s are both shard %d of %d", other, f.Name, p.Index, p.Count)}
		}
		if diff := first.Fingerprint.differences(p.Fingerprint, true); len(diff) > 0 {
			return nil, usageError{fmt.Errorf("%s and %s are shards of different checks: their %s differ", firstName, f.Name, strings.Join(diff, ", "))}
		}
		if (p.Baseline == nil) != (first.Baseline == nil) {
			return nil, usageError{fmt.Errorf("%s and %s are shards of different checks: one has a --new-since baseline, the other none", firstName, f.Name)}
		}
		s.names[p.Index-1], s.parts[p.Index-1], s.sources[p.Index-1] = f.Name, p, sources
	}
	var missing []string
	for i, p := range s.parts {
		if p == nil {
			missing = append(missing, strconv.Itoa(i+1))
		}
	}
	if len(missing) > 0 {
		return nil, usageError{fmt.Errorf("shard %s of %d missing: merge needs the JSON report of every shard", strings.Join(missing, ", "), len(s.parts))}
	}
	if err := s.cover(func(p *shardPart) (int, []shardCluster) { return p.FleetClusters, p.Clusters }, ""); err != nil {
		return nil, err
	}
	if err := s.sameRevisions(); err != nil {
		return nil, err
	}
	if s.parts[0].Baseline != nil {
		err := s.cover(func(p *shardPart) (int, []shardCluster) { return p.Baseline.FleetClusters, p.Baseline.Clusters },
			" at the baseline "+s.parts[0].Baseline.Revision)
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

// sameRevisions checks that the shards read every source revision alike:
// a branch at one commit, a working tree with the same content. Shards of
// one CI run check out one commit; shards of two (a re-run job after a
// push) agree on the options and the fleet, and would otherwise merge
// into a report of no revision.
func (s *Shards) sameRevisions() error {
	type read struct {
		in   render.Input
		file string
	}
	first := map[string]read{}
	for i, p := range s.parts {
		for _, c := range p.Clusters {
			for _, in := range c.Verdict.Inputs {
				if in.Identity == "" {
					continue
				}
				k := in.Key()
				r, ok := first[k]
				if !ok {
					first[k] = read{in, s.names[i]}
					continue
				}
				if r.in.Identity != in.Identity {
					return usageError{fmt.Errorf("%s and %s are shards of different checks: they read %s (%s) with different contents (another commit, or a changed working tree); check every shard at the same commit", r.file, s.names[i], in.URL, in.Ref)}
				}
			}
		}
	}
	return nil
}

// readShard reads one shard's report: its shard member and its mappings.
func readShard(f ShardFile) (*shardPart, []model.Mapping, error) {
	var doc struct {
		Version int             `json:"version"`
		Error   string          `json:"error"`
		Sources []model.Mapping `json:"sources"`
		Shard   *shardPart      `json:"shard"`
	}
	if !json.Valid(f.Data) {
		var v any
		err := json.Unmarshal(f.Data, &v)
		return nil, nil, fmt.Errorf("%s: not a JSON document: %w", f.Name, err)
	}
	if err := json.Unmarshal(f.Data, &doc); err != nil {
		return nil, nil, fmt.Errorf("%s: not a shard's JSON report: %w", f.Name, err)
	}
	p := doc.Shard
	switch {
	case doc.Error != "":
		return nil, nil, fmt.Errorf("%s: the shard's check failed: %s", f.Name, doc.Error)
	case p == nil:
		return nil, nil, fmt.Errorf("%s: not a shard's JSON report (it has no \"shard\"): write one with d1lint check --shard K/N --format json=FILE", f.Name)
	case doc.Version != report.Version:
		return nil, nil, fmt.Errorf("%s: a JSON report of version %d; this d1lint reads version %d", f.Name, doc.Version, report.Version)
	case p.Count < 1 || p.Index < 1 || p.Index > p.Count:
		return nil, nil, fmt.Errorf("%s: shard %d of %d makes no sense", f.Name, p.Index, p.Count)
	}
	check := func(fleet int, cs []shardCluster, at string) error {
		for _, c := range cs {
			switch {
			case c.Verdict == nil:
				return fmt.Errorf("%s: a cluster%s without its verdict", f.Name, at)
			case c.Position < 0 || c.Position >= fleet:
				return fmt.Errorf("%s: cluster %s%s at position %d of a fleet of %d", f.Name, c.Verdict.Cluster.Name, at, c.Position, fleet)
			case shardOf(c.Verdict.Cluster.Name, p.Count) != p.Index:
				return fmt.Errorf("%s: cluster %s%s is not in shard %d of %d", f.Name, c.Verdict.Cluster.Name, at, p.Index, p.Count)
			}
		}
		return nil
	}
	if err := check(p.FleetClusters, p.Clusters, ""); err != nil {
		return nil, nil, err
	}
	if b := p.Baseline; b != nil {
		if err := check(b.FleetClusters, b.Clusters, " at the baseline"); err != nil {
			return nil, nil, err
		}
	}
	return p, doc.Sources, nil
}

// cover checks that the shards' clusters (what of reads of each) are the
// fleet's, every one in one shard.
func (s *Shards) cover(of func(*shardPart) (int, []shardCluster), at string) error {
	fleet, _ := of(s.parts[0])
	holder := make([]int, fleet)
	for i, p := range s.parts {
		n, cs := of(p)
		if n != fleet {
			return usageError{fmt.Errorf("%s and %s are shards of different fleets%s: of %d and %d clusters", s.names[0], s.names[i], at, fleet, n)}
		}
		for _, c := range cs {
			if h := holder[c.Position]; h != 0 {
				return usageError{fmt.Errorf("%s and %s both hold the fleet's cluster %d%s (%s)", s.names[h-1], s.names[i], c.Position+1, at, c.Verdict.Cluster.Name)}
			}
			holder[c.Position] = i + 1
		}
	}
	if i := slices.Index(holder, 0); i >= 0 {
		return usageError{fmt.Errorf("no shard holds the fleet's cluster %d of %d%s: are they shards of one revision?", i+1, fleet, at)}
	}
	return nil
}

// verdicts are every cluster's verdict, in the fleet's order.
func verdicts(parts []*shardPart, of func(*shardPart) []shardCluster) []*Verdict {
	var all []shardCluster
	for _, p := range parts {
		all = append(all, of(p)...)
	}
	slices.SortFunc(all, func(a, b shardCluster) int { return a.Position - b.Position })
	out := make([]*Verdict, len(all))
	for i, c := range all {
		out[i] = c.Verdict
	}
	return out
}

// Merge finishes a sharded check from its shards (ReadShards) as one check
// of the whole fleet would: the fleet-scoped rules over every cluster's
// digest, the profile, the waivers and their status, the report, and
// with a baseline each finding new or existing. c is the engine's
// configuration as the command read it (.d1lint.yaml, the team's
// policies, the date): its configuration and policies must be the
// shards'; the options the shards were checked with (--disable, --enable,
// --require-charts, the repository, the profile) are theirs.
func Merge(ctx context.Context, c Config, s *Shards) (*report.Report, error) {
	first := s.parts[0]
	run := first.Run
	c.Disable, c.Enable, c.RequireCharts, c.Repository = run.Disable, run.Enable, run.RequireCharts, run.Repository
	e := New(c)
	own := fingerprint{Tool: c.ToolVersion, Configuration: e.configurationDigest(), Policies: e.policiesDigest()}
	if diff := first.Fingerprint.differences(own, false); len(diff) > 0 {
		return nil, usageError{fmt.Errorf("the shards (%s, ...) and this merge differ in their %s: merge with the d1lint, configuration and policies the shards were checked with (--config, --config-ref, --policy)",
			s.names[0], strings.Join(diff, ", "))}
	}
	if err := e.configErr(); err != nil {
		return nil, err
	}
	defer guard.Lockdown()()
	cat, err := e.catalogue()
	if err != nil {
		return nil, err
	}
	vs := verdicts(s.parts, func(p *shardPart) []shardCluster { return p.Clusters })
	j, err := e.finish(ctx, vs, nil, run.Profile, nil)
	if err != nil {
		return nil, err
	}
	clusters := make([]report.Cluster, len(vs))
	for i, v := range vs {
		clusters[i] = v.Cluster
	}
	r := report.Assemble(s.mappings(), clusters, j.Findings)
	r.Waivers, r.Summary.Waived, r.Summary.Profile = j.Waivers, j.Waived, &j.Profile
	r.Summary.Configuration = e.cfg.Configuration
	r.Repository = s.repository(vs)
	r.Rules = cat.Rules()
	r.ToolVersion = e.cfg.ToolVersion
	if b := first.Baseline; b != nil {
		bvs := verdicts(s.parts, func(p *shardPart) []shardCluster { return p.Baseline.Clusters })
		before, err := e.finish(ctx, bvs, nil, run.Profile, nil)
		if err != nil {
			return nil, fmt.Errorf("checking the baseline %s: %w", b.Revision, err)
		}
		r.Baseline = b.Revision
		r.Summary.New = finding.MarkBaseline(r.Findings, before.Findings)
	}
	return r, nil
}

// mappings are the mappings of one run over the whole fleet: every
// shard's, a URL read when a shard's clusters read it, in the resolver's
// order (source.Resolver.Mapped); an explicit mapping no cluster reads
// says so (render.UnusedWarning), unless --cluster chose the clusters.
func (s *Shards) mappings() []model.Mapping {
	type key struct{ url, repo, branch, path, revision, origin, how string }
	var out []model.Mapping
	at := map[key]int{}
	for _, ms := range s.sources {
		for _, m := range ms {
			k := key{m.URL, m.Repo, m.Branch, m.Path, m.Revision, m.Origin, m.How}
			i, ok := at[k]
			if !ok {
				at[k] = len(out)
				out = append(out, m)
				continue
			}
			out[i].Used = out[i].Used || m.Used
			if out[i].Warning == "" {
				out[i].Warning = m.Warning
			}
		}
	}
	slices.SortStableFunc(out, func(a, b model.Mapping) int {
		return strings.Compare(source.NormalizeURL(a.URL)+"\x00"+a.Branch+"\x00"+a.Path, source.NormalizeURL(b.URL)+"\x00"+b.Branch+"\x00"+b.Path)
	})
	if len(s.parts[0].Run.Clusters) > 0 {
		return out
	}
	first := map[string]shardRead{}
	for _, p := range s.parts {
		for _, rd := range p.Reads {
			k := source.NormalizeURL(rd.URL)
			if cur, ok := first[k]; !ok || rd.Position < cur.Position {
				first[k] = rd
			}
		}
	}
	urls := make([]string, 0, len(first))
	for _, rd := range first {
		urls = append(urls, rd.URL)
	}
	slices.Sort(urls)
	for i := range out {
		if w := render.UnusedWarning(out[i], urls); w != "" {
			out[i].Warning = w
		}
	}
	return out
}

// repository is the repository being checked, as one run decides it
// (Engine.repository): the one the shards were told, else the one
// mappings read from the current folder's checkout, else the first
// cluster's.
func (s *Shards) repository(vs []*Verdict) string {
	if r := s.parts[0].Run.Repository; r != "" {
		return r
	}
	var checked []string
	for _, p := range s.parts {
		for _, c := range p.Checked {
			if !slices.Contains(checked, c) {
				checked = append(checked, c)
			}
		}
	}
	if len(checked) == 1 {
		return checked[0]
	}
	for _, v := range vs {
		if v.Repository != "" {
			return v.Repository
		}
	}
	return ""
}
