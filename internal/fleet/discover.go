// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package fleet

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/source"
)

// ErrNoCluster marks a fleet folder in which no cluster was found.
var ErrNoCluster = errors.New("no cluster found")

// How a cluster was found (Cluster.Found): the model's words.
const (
	// FoundInstance: a FluxInstance, whose spec.sync Flux Operator turns
	// into the root GitRepository and Kustomization.
	FoundInstance = model.FoundInstance
	// FoundBootstrap: flux bootstrap's gotk-sync.yaml, declaring the root
	// GitRepository and Kustomization.
	FoundBootstrap = model.FoundBootstrap
	// FoundKustomization: a Flux Kustomization that applies its own folder
	// from the fleet repository, whatever its name.
	FoundKustomization = model.FoundKustomization
	// FoundAssumed: a folder under clusters/ with Flux manifests but no
	// root; flux bootstrap's root is assumed.
	FoundAssumed = model.FoundAssumed
)

// Options say which clusters Discover returns.
type Options struct {
	// Only keeps these clusters, by name; naming one that does not exist
	// is an error.
	Only []string
	// Entries are the clusters the configuration lists (clusters: in
	// .d1lint.yaml). When there are any, they are the fleet's clusters:
	// nothing else is discovered.
	Entries []Entry
	// FleetURL is the fleet repository's URL when the user gave it (the
	// git remotes of the checkout are read besides): a Kustomization that
	// applies its own folder from a GitRepository of that URL is a root.
	FleetURL string
	// Artifacts map the OCI artifact a FluxInstance syncs (spec.sync.kind
	// OCIRepository) to the git repository and ref it is pushed from
	// (default: d2's conventions, source.DefaultRules).
	Artifacts *source.Artifacts
}

// Entry is one item of the configuration's clusters: list.
type Entry struct {
	// Path is the cluster folder, relative to the fleet folder, or a
	// pattern (path.Match: "*" does not cross "/") matching several.
	Path string
	// Root, when set, is the file holding the cluster's root (a
	// FluxInstance, or the root Kustomization and its GitRepository),
	// relative to the fleet folder.
	Root string
	// Name names the cluster (default: as a discovered cluster is named).
	Name string
}

// Layout is what Discover found: the fleet's clusters, and the folder
// their paths start from.
type Layout struct {
	// RepoRoot is the folder that Flux's spec.path, and every path of
	// Clusters, are relative to: the fleet folder, or the top-level of the
	// git repository holding it when the roots' spec.path say that the
	// fleet is a subfolder of that repository (a monorepo): Flux's
	// GitRepository artifact is the whole repository.
	RepoRoot string
	// Prefix is the fleet folder relative to RepoRoot, slash-separated (""
	// when they are the same folder).
	Prefix string
	// Clusters are sorted by name.
	Clusters []*Cluster
	// Skipped are the folders under clusters/ that are not clusters, each
	// with why, sorted by path.
	Skipped []Skipped
}

// Skipped is a folder under clusters/ that is not a cluster.
type Skipped struct {
	// Path is the folder, relative to RepoRoot.
	Path string
	// Reason says why it is not a cluster.
	Reason string
}

// Root ranks: of two roots found for one folder, the lower rank wins, as
// Flux Operator's FluxInstance replaces a bootstrap installation.
const (
	rankInstance = iota
	rankBootstrap
	rankKustomization
	rankAssumed
)

// candidate is a cluster root found for a folder.
type candidate struct {
	// folder is the cluster folder, relative to the fleet folder.
	folder string
	rank   int
	// inst is the FluxInstance (rankInstance); ks and repo the root
	// Kustomization and its GitRepository (rankBootstrap,
	// rankKustomization; repo may be nil).
	inst, ks, repo *object
	// voted is set when the root's spec.path named folder, resolved with
	// the fleet folder at prefix in the repository (resolve).
	voted  bool
	prefix string
	// name and configured: from the configuration.
	name       string
	configured bool
}

// discovery is one run of Discover.
type discovery struct {
	// fleet is the fleet folder, absolute.
	fleet string
	// top is the top-level of the git repository holding the fleet
	// folder ("" when none does).
	top string
	// ancestry are the names of the folders from the top-level (excluded)
	// down to the fleet folder (included): a repository root enclosing
	// the fleet folder can only be one of them. Without a git repository,
	// every folder above the fleet folder is a candidate.
	ancestry []string
	s        *scanned
	dirs     map[string]bool
	// urls are the normalised URLs that name the fleet repository: the
	// configured one and the git remotes'.
	urls map[string]bool
	opts Options
}

// Discover finds the clusters of the fleet at fleetPath.
//
// A cluster is a folder holding a cluster root, whatever the layout: a
// FluxInstance (Flux Operator creates the root GitRepository and
// Kustomization from its spec.sync); flux bootstrap's gotk-sync.yaml; or a
// Flux Kustomization that applies its own folder (spec.path names a folder
// holding the Kustomization's file, at most one folder down, as
// flux-system/ is) from the fleet repository (a GitRepository in the same
// file or folder, or one whose URL is the fleet's), whatever its name. A
// Kustomization with spec.kubeConfig is never a root: Flux applies what it
// builds to another cluster. A root found inside another cluster's folder
// belongs to that cluster: Flux applies it as part of that folder.
//
// The clusters/<name>/ convention stays the default: a folder directly
// under clusters/ with no root but Flux manifests is a cluster whose root
// flux bootstrap would create (Assumed), unless it is a shared base
// (another folder's kustomization.yaml refers to it, or it is named base,
// bases, common, shared, templates or template, or starts with "_"), or a
// Flux Kustomization of another folder applies it (a hub applying a
// spoke's content through spec.kubeConfig). Those are in Layout.Skipped.
//
// When opts.Entries are given, they alone name the clusters.
//
// Errors: a fleet folder that is not a folder, no cluster found (ErrNoCluster),
// a configured entry that matches nothing, a name in opts.Only that is no
// cluster. Their messages name folders, never raw OS errors.
func Discover(fleetPath string, opts Options) (*Layout, error) {
	st, err := os.Stat(fleetPath)
	if err != nil || !st.IsDir() {
		return nil, fmt.Errorf("fleet path %q is not a folder", fleetPath)
	}
	d := newDiscovery(fleetPath, opts)
	var cands []*candidate
	var skipped []Skipped
	if len(opts.Entries) > 0 {
		if cands, err = d.configured(); err != nil {
			return nil, err
		}
	} else {
		cands = d.roots()
		var assumed []*candidate
		assumed, skipped = d.convention(cands)
		cands = append(cands, assumed...)
	}
	prefix := d.prefix(cands)
	l := &Layout{RepoRoot: d.fleet, Prefix: prefix}
	for range strings.Count(prefix, "/") + min(len(prefix), 1) {
		l.RepoRoot = filepath.Dir(l.RepoRoot)
	}
	for i := range skipped {
		skipped[i].Path = join(prefix, skipped[i].Path)
	}
	l.Skipped = skipped
	if len(cands) == 0 {
		return nil, d.noCluster(fleetPath, l.Skipped)
	}
	for _, c := range cands {
		l.Clusters = append(l.Clusters, d.cluster(c, prefix))
	}
	if err := nameClusters(l.Clusters, cands, d.fleet); err != nil {
		return nil, err
	}
	sort.Slice(l.Clusters, func(i, j int) bool { return l.Clusters[i].Name < l.Clusters[j].Name })
	if len(opts.Only) > 0 {
		if l.Clusters, err = only(l.Clusters, opts.Only, fleetPath); err != nil {
			return nil, err
		}
	}
	return l, nil
}

func newDiscovery(fleetPath string, opts Options) *discovery {
	abs, err := filepath.Abs(fleetPath)
	if err != nil {
		abs = fleetPath
	}
	d := &discovery{fleet: abs, opts: opts, urls: map[string]bool{}}
	from := filepath.VolumeName(abs) + string(filepath.Separator)
	if top := source.RepoRoot(abs); top != "" {
		d.top, from = top, top
		if remotes, err := source.Remotes(top); err == nil {
			for _, r := range remotes {
				for _, u := range r.URLs {
					if !source.IsLocalURL(u) {
						d.urls[source.NormalizeURL(u)] = true
					}
				}
			}
		}
	}
	if rel, err := filepath.Rel(from, abs); err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
		d.ancestry = strings.Split(filepath.ToSlash(rel), "/")
	}
	if opts.FleetURL != "" {
		d.urls[source.NormalizeURL(opts.FleetURL)] = true
	}
	d.s = scan(abs)
	d.dirs = map[string]bool{}
	for _, dir := range d.s.dirs {
		d.dirs[dir] = true
	}
	return d
}

// resolve maps a Flux spec.path to a folder of the fleet (relative to the
// fleet folder). spec.path is relative to the root of the repository, which
// is the fleet folder, or an enclosing folder when the fleet is a subfolder
// of a monorepo: the fleet folder is tried first, then each enclosing
// folder whose path down to the fleet folder starts spec.path (up to the
// top-level of the git repository holding the fleet, when there is one).
// When holding is set, the folder must hold that file (a root applying its
// own folder). prefix is the fleet folder relative to the repository root
// that resolved it ("" for the fleet folder itself).
func (d *discovery) resolve(specPath, holding string) (folder, prefix string, ok bool) {
	p := cleanPath(specPath)
	try := func(f string) bool {
		return f != ".." && !strings.HasPrefix(f, "../") && d.dirs[f] && (holding == "" || within(holding, f))
	}
	if try(p) {
		return p, "", true
	}
	for k := 1; k <= len(d.ancestry); k++ {
		pre := strings.Join(d.ancestry[len(d.ancestry)-k:], "/")
		var f string
		switch {
		case p == pre:
			f = "."
		case strings.HasPrefix(p, pre+"/"):
			f = p[len(pre)+1:]
		default:
			continue
		}
		if try(f) {
			return f, pre, true
		}
	}
	return "", "", false
}

// roots finds the cluster roots of the fleet by their content, one per
// cluster folder.
func (d *discovery) roots() []*candidate {
	var out []*candidate
	for _, inst := range d.s.instances {
		out = append(out, d.instanceRoot(inst, ""))
	}
	for _, ks := range d.s.kustomizations {
		if c := d.kustomizationRoot(ks, ""); c != nil {
			out = append(out, c)
		}
	}
	return outermost(out)
}

// instanceRoot is the root a FluxInstance declares. Its folder is what
// spec.sync.path applies when that holds the FluxInstance (the d1 layout:
// clusters/<name>/flux-system/flux-instance.yaml syncing clusters/<name>);
// else the clusters/ folder holding it, where a wrong spec.sync.path is the
// cluster's mistake to report (D1-0204); else the folder spec.sync.path
// names; else the FluxInstance's own folder (the parent of flux-system/).
// folder, when set, is the configured cluster folder.
func (d *discovery) instanceRoot(inst *object, folder string) *candidate {
	c := &candidate{rank: rankInstance, inst: inst, folder: folder}
	// spec.sync.path is required: an empty one names no folder (not the
	// repository root).
	sp := nestedString(inst.doc.Object, "spec", "sync", "path")
	if f, pre, ok := d.resolve(sp, inst.file); ok && sp != "" && (folder == "" || f == folder) {
		c.folder, c.voted, c.prefix = f, true, pre
		return c
	}
	if folder != "" {
		return c
	}
	if child := conventionChild(inst.file); child != "" {
		c.folder = "clusters/" + child
		return c
	}
	if f, pre, ok := d.resolve(sp, ""); ok && sp != "" {
		c.folder, c.voted, c.prefix = f, true, pre
		return c
	}
	c.folder = ownFolder(inst.file)
	return c
}

// kustomizationRoot is the root ks is, or nil. It is one when it applies
// its own folder (see Discover) from the fleet repository, or when it is
// flux bootstrap's (gotk-sync.yaml, or flux-system/flux-system next to its
// GitRepository flux-system), wherever that points. A Kustomization with
// spec.kubeConfig never is: kustomize-controller applies what it builds
// to the remote cluster the kubeconfig names, not to its own. folder,
// when set, is the configured cluster folder, which ks is taken for the
// root of when it applies that folder or is bootstrap's.
func (d *discovery) kustomizationRoot(ks *object, folder string) *candidate {
	obj := ks.doc.Object
	if _, remote := nestedMap(obj, "spec")["kubeConfig"]; remote {
		return nil
	}
	if kind := nestedString(obj, "spec", "sourceRef", "kind"); kind != "" && kind != "GitRepository" {
		return nil
	}
	bootstrap := path.Base(ks.file) == "gotk-sync.yaml"
	if ks.key() == "flux-system/flux-system" {
		// flux bootstrap's pair, in a file of another name.
		for _, r := range d.s.repos {
			bootstrap = bootstrap || (r.file == ks.file && r.key() == "flux-system/flux-system")
		}
	}
	sp := nestedString(obj, "spec", "path")
	rank := rankKustomization
	if bootstrap {
		rank = rankBootstrap
	}
	c := &candidate{rank: rank, ks: ks, folder: folder}
	if f, pre, ok := d.resolve(sp, ks.file); ok && !strings.Contains(sp, "${") && (folder == "" || f == folder) {
		dir := path.Dir(ks.file)
		near := dir == f || path.Dir(dir) == f
		if repo := d.repoFor(ks, f); bootstrap || (near && repo != nil) {
			c.folder, c.voted, c.prefix, c.repo = f, true, pre, repo
			return c
		}
	}
	switch {
	case !bootstrap:
		return nil
	case folder != "":
	case conventionChild(ks.file) != "":
		c.folder = "clusters/" + conventionChild(ks.file)
	default:
		c.folder = ownFolder(ks.file)
	}
	c.repo = d.repoFor(ks, c.folder)
	return c
}

// repoFor is the fleet repository's GitRepository that ks, the root of
// folder, reads: the one its sourceRef names, declared in ks's own file or
// in folder (as bootstrap's is), or anywhere with a URL that names the
// fleet (configured, or a git remote). A bootstrap Kustomization without a
// sourceRef reads flux-system, next to it. nil when there is none: a
// Kustomization that reads another repository (a tenant's sync, with its
// GitRepository beside it) applies that repository's folder, not the
// fleet's; its file also lies deeper than a root's, which the caller
// checks.
func (d *discovery) repoFor(ks *object, folder string) *object {
	name := nestedString(ks.doc.Object, "spec", "sourceRef", "name")
	ns := nestedString(ks.doc.Object, "spec", "sourceRef", "namespace")
	if ns == "" {
		ns = ks.namespace
	}
	if name == "" && ks.key() == "flux-system/flux-system" {
		name = "flux-system"
	}
	var inFolder, byURL *object
	for _, r := range d.s.repos {
		if r.name != name || r.namespace != ns {
			continue
		}
		switch {
		case r.file == ks.file:
			return r
		case inFolder == nil && within(r.file, folder):
			inFolder = r
		case byURL == nil && d.urls[source.NormalizeURL(nestedString(r.doc.Object, "spec", "url"))]:
			byURL = r
		}
	}
	if inFolder != nil {
		return inFolder
	}
	return byURL
}

// outermost keeps one root per folder, the best ranked (then the first
// found), and drops the roots whose folder lies in another root's: Flux
// applies those as part of the outer folder, so they are objects of that
// cluster, not clusters of their own.
func outermost(cands []*candidate) []*candidate {
	best := map[string]*candidate{}
	var order []string
	for _, c := range cands {
		b, ok := best[c.folder]
		if !ok {
			order = append(order, c.folder)
		}
		if !ok || c.rank < b.rank {
			best[c.folder] = c
		}
	}
	var out []*candidate
	for _, f := range order {
		inner := false
		for _, g := range order {
			if g != f && within(f, g) {
				inner = true
				break
			}
		}
		if !inner {
			out = append(out, best[f])
		}
	}
	return out
}

// baseNames are the names of folders under clusters/ that hold shared
// bases or templates, not clusters, when they hold no root.
var baseNames = []string{"base", "bases", "common", "shared", "templates", "template"}

// convention applies the clusters/<name>/ convention to the folders
// directly under clusters/ that no root covers: each is a cluster whose
// root flux bootstrap would create, or a skipped folder with why.
func (d *discovery) convention(roots []*candidate) ([]*candidate, []Skipped) {
	var out []*candidate
	var skipped []Skipped
	// The URLs that name the fleet: a Kustomization reading another
	// repository applies that repository's folders, not the fleet's.
	fleetURLs := maps.Clone(d.urls)
	for _, r := range roots {
		u := ""
		switch {
		case r.inst != nil:
			u = nestedString(r.inst.doc.Object, "spec", "sync", "url")
		case r.repo != nil:
			u = nestedString(r.repo.doc.Object, "spec", "url")
		}
		if u != "" {
			fleetURLs[source.NormalizeURL(u)] = true
		}
	}
	for _, dir := range d.s.dirs {
		name, ok := strings.CutPrefix(dir, "clusters/")
		if !ok || strings.Contains(name, "/") {
			continue
		}
		covered := false
		for _, r := range roots {
			if within(r.folder, dir) || within(dir, r.folder) {
				covered = true
				break
			}
		}
		if covered {
			continue
		}
		if why := d.notCluster(dir, name, fleetURLs); why != "" {
			skipped = append(skipped, Skipped{Path: dir, Reason: why})
			continue
		}
		out = append(out, &candidate{folder: dir, rank: rankAssumed})
	}
	return out, skipped
}

// notCluster says why the rootless folder dir under clusters/ is not a
// cluster, or "". fleetURLs are the normalised URLs of the fleet.
func (d *discovery) notCluster(dir, name string, fleetURLs map[string]bool) string {
	for _, ks := range d.s.kustomizations {
		sp := nestedString(ks.doc.Object, "spec", "path")
		if within(ks.file, dir) || strings.Contains(sp, "${") || d.readsOther(ks, fleetURLs) {
			continue
		}
		if f, _, ok := d.resolve(sp, ""); ok && within(f, dir) {
			how := ""
			if _, remote := nestedMap(ks.doc.Object, "spec")["kubeConfig"]; remote {
				how = " through spec.kubeConfig (the content of a remote cluster)"
			}
			return fmt.Sprintf("Kustomization %s (%s) applies %s%s", ks.key(), ks.file, f, how)
		}
	}
	for _, from := range slices.Sorted(maps.Keys(d.s.refs)) {
		if within(from, dir) {
			continue
		}
		for _, to := range d.s.refs[from] {
			if within(to, dir) {
				return fmt.Sprintf("a shared base: %s/kustomization.yaml refers to it", from)
			}
		}
	}
	if strings.HasPrefix(name, "_") || slices.Contains(baseNames, name) {
		return "a shared base or template (by its name), with no cluster root"
	}
	for f := range d.s.flux {
		if within(f, dir) {
			return ""
		}
	}
	return "no cluster root and no Flux manifest"
}

// readsOther tells whether ks reads another repository than the fleet's:
// its file declares the GitRepository its sourceRef names (a tenant's
// sync), with a URL that is none of fleetURLs.
func (d *discovery) readsOther(ks *object, fleetURLs map[string]bool) bool {
	name := nestedString(ks.doc.Object, "spec", "sourceRef", "name")
	ns := nestedString(ks.doc.Object, "spec", "sourceRef", "namespace")
	if ns == "" {
		ns = ks.namespace
	}
	for _, r := range d.s.repos {
		if r.file == ks.file && r.name == name && r.namespace == ns {
			return !fleetURLs[source.NormalizeURL(nestedString(r.doc.Object, "spec", "url"))]
		}
	}
	return false
}

// configured turns the configuration's entries into candidates.
func (d *discovery) configured() ([]*candidate, error) {
	roots := d.roots()
	seen := map[string]bool{}
	var out []*candidate
	for i, e := range d.opts.Entries {
		folders, err := d.match(e.Path)
		if err != nil {
			return nil, fmt.Errorf("clusters[%d]: %w", i, err)
		}
		if len(folders) > 1 && e.Name != "" {
			return nil, fmt.Errorf("clusters[%d]: name %q given to %d folders (%s matches %s)", i, e.Name, len(folders), e.Path, strings.Join(folders, ", "))
		}
		for _, f := range folders {
			if seen[f] {
				continue
			}
			seen[f] = true
			c, err := d.configuredOne(f, e.Root, roots)
			if err != nil {
				return nil, fmt.Errorf("clusters[%d]: %w", i, err)
			}
			c.name, c.configured = e.Name, true
			out = append(out, c)
		}
	}
	return out, nil
}

// match returns the folders an entry's path names, relative to the fleet
// folder.
func (d *discovery) match(p string) ([]string, error) {
	pat := cleanPath(p)
	if p == "" || pat == ".." || strings.HasPrefix(pat, "../") {
		return nil, fmt.Errorf("path %q is not a folder inside the fleet folder", p)
	}
	if _, err := path.Match(pat, ""); err != nil {
		return nil, fmt.Errorf("path %q is not a valid pattern", p)
	}
	var out []string
	for _, dir := range d.s.dirs {
		if ok, _ := path.Match(pat, dir); ok {
			out = append(out, dir)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("path %q matches no folder under %s", p, d.fleet)
	}
	return out, nil
}

// configuredOne finds the root of the configured cluster folder: in the
// root file given, else the root discovered for that folder, else one whose
// file lies in it; else flux bootstrap's is assumed.
func (d *discovery) configuredOne(folder, rootFile string, roots []*candidate) (*candidate, error) {
	if rootFile != "" {
		return d.fromFile(folder, rootFile)
	}
	for _, r := range roots {
		if r.folder == folder {
			return r, nil
		}
	}
	for _, r := range roots {
		if o := r.object(); o != nil && within(o.file, folder) {
			r.folder = folder
			return r, nil
		}
	}
	return &candidate{folder: folder, rank: rankAssumed}, nil
}

// object is the FluxInstance or the root Kustomization.
func (c *candidate) object() *object {
	if c.inst != nil {
		return c.inst
	}
	return c.ks
}

// fromFile takes the root of folder from the file the configuration names:
// its FluxInstance, else its Flux Kustomization applying folder, else its
// only Flux Kustomization.
func (d *discovery) fromFile(folder, rootFile string) (*candidate, error) {
	rel := cleanPath(rootFile)
	if !slices.Contains(d.s.files, rel) {
		return nil, fmt.Errorf("root %q is not a YAML file under %s", rootFile, d.fleet)
	}
	for _, inst := range d.s.instances {
		if inst.file == rel {
			return d.instanceRoot(inst, folder), nil
		}
	}
	var in []*object
	for _, ks := range d.s.kustomizations {
		if ks.file == rel {
			in = append(in, ks)
		}
	}
	for _, ks := range in {
		if f, _, ok := d.resolve(nestedString(ks.doc.Object, "spec", "path"), ""); ok && f == folder {
			if c := d.kustomizationRoot(ks, folder); c != nil {
				return c, nil
			}
			return &candidate{folder: folder, rank: rankKustomization, ks: ks, repo: d.repoFor(ks, folder)}, nil
		}
	}
	if len(in) == 1 {
		if c := d.kustomizationRoot(in[0], folder); c != nil {
			return c, nil
		}
		return &candidate{folder: folder, rank: rankKustomization, ks: in[0], repo: d.repoFor(in[0], folder)}, nil
	}
	return nil, fmt.Errorf("root %s holds no FluxInstance and no single Flux Kustomization applying %s", rootFile, folder)
}

// prefix decides where the clusters' paths start: the fleet folder ("")
// or the enclosing repository root that most roots' spec.path resolve
// against (the fleet folder relative to it; ties go to the fleet folder,
// then the nearest root). With no root to say, the top-level of the git
// repository holding the fleet when the configured fleet URL is its
// remote: the fleet is then that repository's subfolder.
func (d *discovery) prefix(cands []*candidate) string {
	votes := map[string]int{}
	for _, c := range cands {
		if c.voted {
			votes[c.prefix]++
		}
	}
	if len(votes) == 0 {
		if d.top != "" && len(d.ancestry) > 0 && d.opts.FleetURL != "" && d.remote(d.opts.FleetURL) {
			return strings.Join(d.ancestry, "/")
		}
		return ""
	}
	keys := slices.SortedFunc(maps.Keys(votes), func(a, b string) int {
		if len(a) != len(b) {
			return len(a) - len(b)
		}
		return strings.Compare(a, b)
	})
	best := keys[0]
	for _, p := range keys[1:] {
		if votes[p] > votes[best] {
			best = p
		}
	}
	return best
}

// remote tells whether url is a remote of the git top-level.
func (d *discovery) remote(url string) bool {
	remotes, err := source.Remotes(d.top)
	if err != nil {
		return false
	}
	for _, r := range remotes {
		for _, u := range r.URLs {
			if source.NormalizeURL(u) == source.NormalizeURL(url) {
				return true
			}
		}
	}
	return false
}

// noCluster is the error of a fleet folder without clusters.
func (d *discovery) noCluster(fleetPath string, skipped []Skipped) error {
	note := ""
	if len(skipped) > 0 {
		var parts []string
		for _, s := range skipped {
			parts = append(parts, s.Path+": "+s.Reason)
		}
		note = " (not clusters: " + strings.Join(parts, "; ") + ")"
	}
	return fmt.Errorf("%w under %s%s; d1lint looks for folders holding a cluster root (a FluxInstance, flux bootstrap's gotk-sync.yaml, "+
		"or a Flux Kustomization that applies its own folder from the fleet repository) and for folders under clusters/ holding Flux manifests; "+
		"pass --fleet with the fleet repository's folder, or list the clusters under clusters: in %s",
		ErrNoCluster, fleetPath, note, ".d1lint.yaml")
}

// cluster builds the cluster of candidate c; prefix is the fleet folder
// relative to the repository root.
func (d *discovery) cluster(c *candidate, prefix string) *Cluster {
	cl := &Cluster{Path: join(prefix, c.folder), Configured: c.configured}
	for _, f := range d.s.components {
		if within(f, c.folder) {
			cl.ComponentsFile = join(prefix, f)
			break
		}
	}
	switch c.rank {
	case rankInstance:
		d.instanceCluster(cl, c.inst, prefix)
	case rankBootstrap, rankKustomization:
		d.kustomizationCluster(cl, c, prefix)
	default:
		cl.Era, cl.Assumed, cl.Found = EraBootstrap, true, FoundAssumed
		cl.SyncPath, cl.SyncDir = "./"+cl.Path, cl.Path
		cl.Ref = source.Ref{Branch: "main"}
		cl.Root, cl.SourceNamespace, cl.SourceName = "flux-system/flux-system", "flux-system", "flux-system"
		cl.Sync = map[string]any{
			"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
			"metadata": map[string]any{"name": "flux-system", "namespace": "flux-system"},
			"spec": map[string]any{"interval": "10m0s", "path": cl.SyncPath, "prune": true,
				"sourceRef": map[string]any{"kind": "GitRepository", "name": "flux-system"}},
		}
	}
	return cl
}

func (d *discovery) instanceCluster(cl *Cluster, inst *object, prefix string) {
	obj := inst.doc.Object
	cl.Era, cl.Found = EraOperator, FoundInstance
	cl.Instance, cl.InstanceFile, cl.InstanceLine = obj, join(prefix, inst.file), inst.doc.Line
	cl.RootFile, cl.RootLine = cl.InstanceFile, cl.InstanceLine
	cl.URL = nestedString(obj, "spec", "sync", "url")
	cl.URLFile, cl.URLLine = cl.InstanceFile, inst.doc.FieldLine("spec", "sync", "url")
	cl.SyncPath = nestedString(obj, "spec", "sync", "path")
	cl.Ref = RefFromSync(nestedString(obj, "spec", "sync", "ref"))
	// Flux Operator names the root objects spec.sync.name, by default
	// after the FluxInstance's namespace.
	ns := inst.namespace
	if ns == "" {
		ns = "flux-system"
	}
	name := nestedString(obj, "spec", "sync", "name")
	if name == "" {
		name = ns
	}
	cl.Root, cl.SourceNamespace, cl.SourceName = ns+"/"+name, ns, name
	switch kind := nestedString(obj, "spec", "sync", "kind"); {
	case cl.URL == "":
		cl.Problem = fmt.Sprintf("%s: FluxInstance has no spec.sync.url", cl.InstanceFile)
	case kind == source.OCIRepository:
		d.ociSync(cl, nestedString(obj, "spec", "sync", "ref"))
	case kind != "" && kind != source.GitRepository:
		cl.Problem = fmt.Sprintf("%s: FluxInstance syncs from a %s; d1lint renders git and OCI sources only", cl.InstanceFile, kind)
	}
}

func (d *discovery) kustomizationCluster(cl *Cluster, c *candidate, prefix string) {
	ks := c.ks
	obj := ks.doc.Object
	cl.Era, cl.Found = EraBootstrap, FoundKustomization
	if c.rank == rankBootstrap {
		cl.Found = FoundBootstrap
	}
	cl.Sync, cl.SyncFile, cl.SyncLine = obj, join(prefix, ks.file), ks.doc.Line
	cl.SyncDir = join(prefix, path.Dir(ks.file))
	cl.RootFile, cl.RootLine = cl.SyncFile, cl.SyncLine
	cl.SyncPath = nestedString(obj, "spec", "path")
	ns := ks.namespace
	if ns == "" {
		ns = "default"
	}
	cl.Root = ns + "/" + ks.name
	cl.SourceNamespace = nestedString(obj, "spec", "sourceRef", "namespace")
	if cl.SourceNamespace == "" {
		cl.SourceNamespace = ns
	}
	cl.SourceName = nestedString(obj, "spec", "sourceRef", "name")
	if r := c.repo; r != nil {
		cl.URL = nestedString(r.doc.Object, "spec", "url")
		cl.Ref = refOf(r.doc.Object)
		cl.URLFile, cl.URLLine = join(prefix, r.file), r.doc.FieldLine("spec", "url")
		cl.Repo, cl.RepoLine = r.doc.Object, r.doc.Line
		return
	}
	if cl.SourceName == "" {
		cl.Problem = fmt.Sprintf("%s: the Kustomization %s names no spec.sourceRef", cl.SyncFile, cl.Root)
		return
	}
	cl.Problem = fmt.Sprintf("%s: no GitRepository %s/%s next to the Kustomization %s", cl.SyncFile, cl.SourceNamespace, cl.SourceName, cl.Root)
}

// nameClusters names the clusters: the configured name; else the folder
// under clusters/ that holds the cluster; else the cluster folder's own
// name (the fleet folder's for a cluster that is the whole fleet). Two
// clusters that would share a name are named by their paths instead; two
// configured with one name are an error.
func nameClusters(cls []*Cluster, cands []*candidate, fleet string) error {
	count := map[string]int{}
	for i, cl := range cls {
		c := cands[i]
		switch {
		case c.name != "":
			cl.Name = c.name
		case conventionChild(c.folder+"/x") != "":
			cl.Name = conventionChild(c.folder + "/x")
		case c.folder == ".":
			cl.Name = filepath.Base(fleet)
		default:
			cl.Name = path.Base(c.folder)
		}
		count[cl.Name]++
	}
	for i, cl := range cls {
		if count[cl.Name] < 2 {
			continue
		}
		if cands[i].name != "" {
			return fmt.Errorf("clusters: two clusters are named %q", cl.Name)
		}
		cl.Name = cl.Path
	}
	return nil
}

// only keeps the clusters named in names.
func only(cls []*Cluster, names []string, fleetPath string) ([]*Cluster, error) {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var out []*Cluster
	have := map[string]bool{}
	var all []string
	for _, c := range cls {
		have[c.Name] = true
		all = append(all, c.Name)
		if want[c.Name] {
			out = append(out, c)
		}
	}
	var missing []string
	for n := range want {
		if !have[n] {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return nil, fmt.Errorf("no cluster %s in %s (its clusters: %s)", strings.Join(missing, ", "), fleetPath, strings.Join(all, ", "))
	}
	return out, nil
}

// conventionChild is the name of the folder directly under clusters/ that
// holds the file p (relative to the fleet folder), or "".
func conventionChild(p string) string {
	rest, ok := strings.CutPrefix(p, "clusters/")
	if !ok {
		return ""
	}
	name, _, more := strings.Cut(rest, "/")
	if !more || strings.HasPrefix(name, ".") {
		return ""
	}
	return name
}

// ownFolder is the cluster folder of a root file found outside clusters/:
// its folder, or the parent of a flux-system/ folder.
func ownFolder(file string) string {
	dir := path.Dir(file)
	if path.Base(dir) == "flux-system" {
		return path.Dir(dir)
	}
	return dir
}

// join is rel (relative to the fleet folder) relative to the repository
// root, the fleet folder being prefix in it.
func join(prefix, rel string) string {
	if prefix == "" {
		return rel
	}
	return path.Join(prefix, rel)
}

func nestedMap(obj map[string]any, fields ...string) map[string]any {
	var cur any = obj
	for _, f := range fields {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[f]
	}
	m, _ := cur.(map[string]any)
	return m
}

// ociSync reads the root of a FluxInstance that syncs an OCI artifact
// (d2): CI pushes a folder of a git repository as that artifact, so the
// artifact is mapped back to that repository and the git ref its tag is
// built from (source.Artifacts), and the cluster is read from there as a
// git root is. An artifact no rule maps is a cluster that cannot be
// rendered, saying how to map it.
func (d *discovery) ociSync(cl *Cluster, ref string) {
	cl.SourceKind = source.OCIRepository
	arts := d.opts.Artifacts
	if arts == nil {
		arts = source.DefaultArtifacts()
	}
	a, err := arts.Map(source.Spec{URL: cl.URL, Ref: OCISyncRef(ref)})
	if err != nil {
		cl.Problem = fmt.Sprintf("%s: FluxInstance syncs an OCI artifact d1lint does not read: %v", cl.InstanceFile, err)
		return
	}
	cl.Repository, cl.Artifact = a.Repository, a
	if len(a.Refs) > 0 {
		cl.Ref = a.Refs[0]
	}
}

// OCISyncRef is the spec.ref of the OCIRepository Flux Operator generates
// from a FluxInstance's spec.sync.ref: a digest (sha256:...) pins the
// digest, anything else is the tag (by default latest).
func OCISyncRef(ref string) map[string]string {
	switch {
	case strings.HasPrefix(ref, "sha256:"):
		return map[string]string{"digest": ref}
	case ref == "":
		return map[string]string{"tag": "latest"}
	}
	return map[string]string{"tag": ref}
}
