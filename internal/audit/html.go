// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package audit

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/d1lint/d1lint/internal/diff"
	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/report"
	"github.com/d1lint/d1lint/internal/waiver"
	"github.com/d1lint/d1lint/rules"
)

//go:embed report.html.tmpl
var pageTemplate string

//go:embed zoom.js
var zoomScript string

// scriptHash is the Content-Security-Policy source of the page's one inline
// script: the browser runs it and nothing else.
var scriptHash = func() string {
	sum := sha256.Sum256([]byte(zoomScript))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

var tmpl = template.Must(template.New("report.html").Funcs(template.FuncMap{
	"plural": plural,
	"path":   breakable,
	"script": func() template.JS { return template.JS(zoomScript) }, // #nosec G203 -- the page's own embedded script
	"csp": func() template.HTMLAttr {
		// #nosec G203 -- a constant policy and the hash of the embedded script
		return template.HTMLAttr(`content="default-src 'none'; style-src 'unsafe-inline'; script-src ` + scriptHash + `; base-uri 'none'; form-action 'none'"`)
	},
}).Parse(pageTemplate))

// HTML writes the audit page (report.html): one self-contained document.
func HTML(w io.Writer, d *Data) error {
	p, err := newPage(d)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := tmpl.Execute(&b, p); err != nil {
		return err
	}
	_, err = w.Write(b.Bytes())
	return err
}

// knownHosts are the hosts whose file pages are
// https://<repo>/blob/<branch>/<path>#L<line>.
var knownHosts = []string{"github.com"}

// page is what the template shows.
type page struct {
	Repository, ToolVersion, Date, Baseline string
	Verdict                                 verdict
	Commits                                 []commitView
	Summary                                 report.Summary
	Totals                                  counts
	Categories                              []string
	Matrix                                  []matrixRow
	MatrixTotals                            []counts
	Findings                                []*findingGroup
	Rules                                   []*ruleGroup
	Clusters                                []*clusterView
	// ClusterIDs are the ids of the clusters' sections, by name.
	ClusterIDs   map[string]string
	Waivers      []waiverView
	WaiverStatus []statusCount
	WaiverPolicy string
	Promotion    *promotionView
}

// verdict is the audit's pass or fail by the --fail-on threshold it ran
// with (error, check's default, when it ran without one).
type verdict struct {
	Pass      bool
	Threshold string
	// Default is true when the audit ran without --fail-on: its exit
	// status ignores the verdict.
	Default bool
	// Failing counts the findings at or above the threshold.
	Failing int
}

// commitView is a revision the audit read: a repository, the reference
// its sources follow, and the branch or tag and commit read there.
type commitView struct {
	URL, Follows, Read, Commit, Short, Mode string
	// Clusters counts the clusters that read it.
	Clusters int
}

// counts are findings by severity.
type counts struct{ Error, Warning, Info int }

func (c *counts) add(severity string) {
	switch severity {
	case finding.Error:
		c.Error++
	case finding.Warning:
		c.Warning++
	default:
		c.Info++
	}
}

// Total is every finding.
func (c counts) Total() int { return c.Error + c.Warning + c.Info }

// Class is the CSS class of the most severe count: error, warning, info or
// clean.
func (c counts) Class() string {
	switch {
	case c.Error > 0:
		return finding.Error
	case c.Warning > 0:
		return finding.Warning
	case c.Info > 0:
		return finding.Info
	}
	return "clean"
}

type matrixRow struct {
	Cluster, Environment, ID string
	Cells                    []counts
	Total                    counts
}

type clusterView struct {
	Name, ID, Environment, Era, Path, Root string
	Flux                                   model.Flux
	Objects                                int
	Rendered                               bool // the fleet has the cluster
	Counts                                 counts
	// Findings are the cluster's finding groups, in the order of the
	// Findings section.
	Findings       []*findingGroup
	Sources        []sourceView
	HelmReleases   []helmView
	Kustomizations []kustomizationView
	// Failed and Skipped count the Kustomizations not rendered.
	Failed, Skipped int
	Problems        []problemView
	Graph           *graphView
	// Inventory is the cluster's graph and tables, rendered; empty when
	// Same names an earlier cluster whose inventory is this one's with
	// that cluster's name in place of this one's.
	Inventory template.HTML
	Same      *clusterView
}

type link struct{ Text, URL string }

type findingView struct {
	Severity, Rule, Title, Category string
	Message, Field, Object          string
	Location                        link
	Existing                        bool
	// Doc is the rule's documentation (description, remediation, HelpURI).
	Doc finding.Rule
}

// ruleGroup is the findings of one rule and severity, with the rule's
// documentation.
type ruleGroup struct {
	Severity, Rule, Title, Category, ID string
	Doc                                 finding.Rule
	Cards                               []*findingGroup
	// Findings counts the findings (a card counts once per cluster),
	// Clusters the clusters they are found in.
	Findings, Clusters int
	// Open is true when the page has few cards: then every rule's are
	// shown as the page opens.
	Open bool
}

// openChanges is how many object changes and chart versions a drift may
// have for its tables to be open as the page opens.
const openChanges = 20

// Open is true when the drift's tables are short enough to be open as the
// page opens.
func (c *promotionCluster) Open() bool { return len(c.Changes)+len(c.Charts) <= openChanges }

// openRules is how many cards the page may have for its rules to be open
// as it opens; with more, each rule's summary line counts them.
const openRules = 25

// findingGroup is one finding as it occurs in one or more clusters: the
// same rule, severity, file, line, object, field and message.
type findingGroup struct {
	findingView
	ID       string
	Clusters []string
	// Chains are the distinct chains of Kustomizations that applied the
	// object, in the order of the clusters.
	Chains []string
}

type sourceView struct {
	Keys                  []string
	Kind, URL, Follows    string
	Branch, Commit, Short string
	Resolved              bool
	Mode, How             string
	Location              link
}

type helmView struct {
	Release, Chart, Version, Source, AppliedBy string
	Location                                   link
}

type kustomizationView struct {
	Key, Path, Source, Revision, Status, Reason string
	DependsOn                                   string
	Objects                                     int
	Location                                    link
}

type problemView struct {
	Kind, Kustomization, Reason string
	Warning                     bool
	Location                    link
}

type waiverView struct {
	waiver.Status
	Scope string
}

type statusCount struct {
	Status string
	N      int
}

type promotionView struct {
	Computed         bool
	Main, Production string
	// Releases are the artifacts production reads at a release tag.
	Releases []string
	Note     string
	Clusters int
	// Groups are the production clusters by drift: those whose drift is
	// the same (but for their names) share one group.
	Groups   []*driftGroup
	Drifting int
}

// driftGroup is a drift that one or more production clusters share.
type driftGroup struct {
	First    *promotionCluster
	Clusters []*promotionCluster
	Body     template.HTML
}

type promotionCluster struct {
	Name, ID, Only string
	// Before and After name the branches compared (production, main).
	Before, After            string
	Added, Removed, Modified int
	Changes                  []changeView
	Charts                   []diff.ChartChange
	Introduced, Fixed        []driftFinding
	Changed                  bool
}

// driftFinding is a finding the promotion introduces or fixes.
type driftFinding struct {
	Severity, Rule, Title, Message, HelpURI, Object string
	Location                                        link
}

type changeView struct {
	Kind, Object, AppliedBy, Fields string
	Location                        link
}

// newPage builds the page of an audit, everything sorted.
func newPage(d *Data) (*page, error) {
	r := d.Report
	p := &page{Repository: r.Repository, ToolVersion: r.ToolVersion, Date: d.Date, Baseline: r.Baseline,
		Summary: r.Summary, Categories: categories(r), Verdict: newVerdict(r, d.FailOn), Commits: commits(d.Fleet),
		WaiverPolicy: fmt.Sprintf("expiring: active and expiring within %d days", int(waiver.ExpiringWithin.Hours()/24))}

	models := map[string]*model.Cluster{}
	for _, c := range d.Fleet.Clusters {
		models[c.Name] = c
	}
	byCluster := map[string]*clusterView{}
	ids := newIDs()
	var names []string
	for _, c := range r.Clusters {
		if byCluster[c.Name] == nil {
			byCluster[c.Name] = &clusterView{Name: c.Name, Environment: c.Environment, Era: c.Era, Objects: c.Objects}
			names = append(names, c.Name)
		}
	}
	for _, f := range r.Findings {
		if byCluster[f.Cluster] == nil {
			byCluster[f.Cluster] = &clusterView{Name: f.Cluster}
			names = append(names, f.Cluster)
		}
	}
	slices.Sort(names)

	catIndex := map[string]int{}
	for i, c := range p.Categories {
		catIndex[c] = i
	}
	p.MatrixTotals = make([]counts, len(p.Categories))
	p.ClusterIDs = map[string]string{}
	rows := map[string]*matrixRow{}
	for _, name := range names {
		cv := byCluster[name]
		cv.ID = ids.make("cluster-" + name)
		p.ClusterIDs[name] = cv.ID
		if m := models[name]; m != nil {
			fillCluster(cv, m)
		}
		p.Clusters = append(p.Clusters, cv)
		row := &matrixRow{Cluster: name, Environment: cv.Environment, ID: cv.ID, Cells: make([]counts, len(p.Categories))}
		rows[name] = row
	}
	for _, f := range r.Findings {
		cv := byCluster[f.Cluster]
		cv.Counts.add(f.Severity)
		row := rows[f.Cluster]
		i := catIndex[category(f)]
		row.Cells[i].add(f.Severity)
		row.Total.add(f.Severity)
		p.MatrixTotals[i].add(f.Severity)
		p.Totals.add(f.Severity)
	}
	p.Findings = groupFindings(r, ids)
	p.Rules = groupRules(p.Findings, ids)
	for _, g := range p.Findings {
		for _, c := range g.Clusters {
			byCluster[c].Findings = append(byCluster[c].Findings, g)
		}
	}
	shared := map[string]*clusterView{} // inventories, but for the cluster's name
	for _, name := range names {
		p.Matrix = append(p.Matrix, *rows[name])
		cv := byCluster[name]
		m := models[name]
		if m == nil {
			continue
		}
		cv.Graph = layout(m, r.Findings)
		var b bytes.Buffer
		if err := tmpl.ExecuteTemplate(&b, "inventory", cv); err != nil {
			return nil, err
		}
		key := anonymous(b.String(), name)
		if first := shared[key]; first != nil {
			cv.Same = first
			continue
		}
		shared[key] = cv
		cv.Inventory = template.HTML(b.String()) // #nosec G203 -- rendered by html/template
	}

	statuses := map[string]int{}
	for _, w := range r.Waivers {
		p.Waivers = append(p.Waivers, waiverView{Status: w, Scope: scope(w)})
		statuses[w.Status]++
	}
	for _, s := range []string{waiver.Active, waiver.Expiring, waiver.Expired, waiver.Stale} {
		p.WaiverStatus = append(p.WaiverStatus, statusCount{Status: s, N: statuses[s]})
	}

	var err error
	p.Promotion, err = newPromotion(d, ids)
	return p, err
}

// newVerdict judges the findings by the --fail-on threshold (error when
// there was none), as check and audit count them: findings a baseline
// already had do not fail.
func newVerdict(r *report.Report, failOn string) verdict {
	v := verdict{Threshold: failOn}
	if v.Threshold == "" {
		v.Threshold, v.Default = finding.Error, true
	}
	v.Failing = finding.Failing(r.Findings, v.Threshold)
	v.Pass = v.Failing == 0
	return v
}

// commits are the revisions the clusters' resolved sources read, one per
// repository, reference, branch or tag and commit, sorted.
func commits(fl *model.Fleet) []commitView {
	byKey := map[commitView]int{}
	for _, c := range fl.Clusters {
		seen := map[commitView]bool{}
		for _, s := range c.Sources {
			if !s.Resolved {
				continue
			}
			v := commitView{URL: s.URL, Follows: refString(s.Ref), Read: s.Branch, Commit: s.Commit, Short: short(s.Commit), Mode: s.Mode}
			if s.Tag != "" {
				v.Read = "tag " + s.Tag
			}
			if !seen[v] {
				seen[v] = true
				byKey[v]++
			}
		}
	}
	out := make([]commitView, 0, len(byKey))
	for v, n := range byKey {
		v.Clusters = n
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		for _, c := range [][2]string{{a.URL, b.URL}, {a.Read, b.Read}, {a.Follows, b.Follows}, {a.Commit, b.Commit}, {a.Mode, b.Mode}} {
			if c[0] != c[1] {
				return c[0] < c[1]
			}
		}
		return false
	})
	return out
}

// groupFindings merges the findings that are the same in several clusters
// (rule, severity, file and line, object, field, message) into one group
// each, sorted by severity (most severe first), rule, location and message.
func groupFindings(r *report.Report, ids *idSet) []*findingGroup {
	type key struct {
		rule, severity, repo, branch, path, object, field, message string
		line                                                       int
		existing                                                   bool
	}
	byKey := map[key]*findingGroup{}
	var out []*findingGroup
	for _, f := range r.Findings {
		v := newFinding(r, f)
		k := key{f.Rule, f.Severity, f.Location.Repo, f.Location.Branch, f.Location.Path, v.Object, f.Field, f.Message, f.Location.Line, v.Existing}
		g := byKey[k]
		if g == nil {
			g = &findingGroup{findingView: v}
			byKey[k] = g
			out = append(out, g)
		}
		if !slices.Contains(g.Clusters, f.Cluster) {
			g.Clusters = append(g.Clusters, f.Cluster)
		}
		if chain := strings.Join(f.Chain, " → "); chain != "" && !slices.Contains(g.Chains, chain) {
			g.Chains = append(g.Chains, chain)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if ra, rb := finding.Rank(a.Severity), finding.Rank(b.Severity); ra != rb {
			return ra > rb
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		if a.Location.Text != b.Location.Text {
			return a.Location.Text < b.Location.Text
		}
		if a.Object != b.Object {
			return a.Object < b.Object
		}
		return a.Message < b.Message
	})
	for i, g := range out {
		slices.Sort(g.Clusters)
		g.ID = ids.make(fmt.Sprintf("finding-%d", i+1))
	}
	return out
}

// groupRules gathers the finding cards, sorted, by rule and severity.
func groupRules(cards []*findingGroup, ids *idSet) []*ruleGroup {
	var out []*ruleGroup
	clusters := map[*ruleGroup]map[string]bool{}
	for _, c := range cards {
		var g *ruleGroup
		if n := len(out); n > 0 && out[n-1].Rule == c.Rule && out[n-1].Severity == c.Severity {
			g = out[n-1]
		} else {
			g = &ruleGroup{Severity: c.Severity, Rule: c.Rule, Title: c.Title, Category: c.Category, Doc: c.Doc,
				ID: ids.make("rule-" + c.Rule + "-" + c.Severity), Open: len(cards) <= openRules}
			out = append(out, g)
			clusters[g] = map[string]bool{}
		}
		g.Cards = append(g.Cards, c)
		g.Findings += len(c.Clusters)
		for _, name := range c.Clusters {
			clusters[g][name] = true
		}
		g.Clusters = len(clusters[g])
	}
	return out
}

// anonymous is rendered HTML with every whole-word occurrence of a
// cluster's name replaced by a placeholder: two clusters whose
// inventories (or drifts) are the same but for their names have the same
// anonymous text.
func anonymous(html, name string) string {
	re := regexp.MustCompile(`(^|[^A-Za-z0-9_.-])` + regexp.QuoteMeta(template.HTMLEscapeString(name)) + `($|[^A-Za-z0-9_.-])`)
	// Twice: a match consumes the character after the name, which may be
	// the one before its next occurrence.
	for range 2 {
		html = re.ReplaceAllString(html, "${1}\x00${2}")
	}
	return html
}

// categories are the columns of the overview: the rule categories in the
// order they are documented, custom policies, then any other category of a
// rule or finding, sorted.
func categories(r *report.Report) []string {
	out := append(append([]string{}, rules.Categories...), rules.CustomCategory)
	var extra []string
	seen := func(c string) bool { return slices.Contains(out, c) || slices.Contains(extra, c) }
	for _, x := range r.Rules {
		if x.Category != "" && !seen(x.Category) {
			extra = append(extra, x.Category)
		}
	}
	for _, f := range r.Findings {
		if c := category(f); !seen(c) {
			extra = append(extra, c)
		}
	}
	slices.Sort(extra)
	return append(out, extra...)
}

// category is a finding's category; a team's rule without one is custom.
func category(f finding.Finding) string {
	if f.Category == "" {
		return rules.CustomCategory
	}
	return f.Category
}

func newFinding(r *report.Report, f finding.Finding) findingView {
	x := r.Rule(f)
	v := findingView{Severity: f.Severity, Rule: f.Rule, Title: f.Title, Category: category(f), Message: f.Message,
		Field: f.Field, Existing: r.Existing(f), Doc: x}
	if v.Title == "" {
		v.Title = x.Title
	}
	if f.Object != nil {
		v.Object = objectName(f.Object.Kind, f.Object.Namespace, f.Object.Name)
	}
	v.Location = locationLink(f.Location)
	return v
}

func objectName(kind, namespace, name string) string { return kind + " " + nsName(namespace, name) }

// nsName is namespace/name, or name alone for a cluster-scoped object.
func nsName(namespace, name string) string {
	if namespace == "" {
		return name
	}
	return namespace + "/" + name
}

// locationLink is repo@branch:path:line, linked to the file's page when the
// repository is on a known host.
func locationLink(l model.Location) link {
	if l.Path == "" {
		return link{}
	}
	out := link{Text: l.String()}
	host, _, _ := strings.Cut(l.Repo, "/")
	if slices.Contains(knownHosts, host) {
		out.URL = report.BlobURL(l)
	}
	return out
}

func locationPtr(l *model.Location) link {
	if l == nil {
		return link{}
	}
	return locationLink(*l)
}

func fillCluster(cv *clusterView, c *model.Cluster) {
	cv.Rendered = true
	cv.Environment, cv.Era, cv.Path, cv.Root, cv.Flux, cv.Objects = c.Environment, c.Era, c.Path, c.Root, c.Flux, len(c.Objects)
	// Sources read alike (same repository, reference, revision and
	// resolution) share a row: a fleet's tenants often have one each.
	rows := map[string]*sourceView{}
	for _, s := range c.Sources {
		v := sourceView{Kind: s.Kind, URL: s.URL, Follows: refString(s.Ref), Branch: s.Branch, Commit: s.Commit,
			Short: short(s.Commit), Resolved: s.Resolved, Mode: s.Mode, How: s.Note}
		if !s.Resolved {
			v.How = s.Reason
		}
		if s.Tag != "" {
			v.Branch = "tag " + s.Tag
		}
		key := strings.Join([]string{v.Kind, v.URL, v.Follows, v.Branch, v.Commit, v.Mode, v.How, fmt.Sprint(v.Resolved)}, "\x00")
		// The kind heads the row: each key is namespace/name.
		name := strings.TrimPrefix(s.Key, s.Kind+"/")
		if row := rows[key]; row != nil {
			row.Keys = append(row.Keys, name)
			continue
		}
		v.Keys = []string{name}
		v.Location = locationPtr(s.Location)
		rows[key] = &v
	}
	for _, v := range rows {
		slices.Sort(v.Keys)
		if len(v.Keys) > 1 {
			v.Location = link{} // each is defined elsewhere
		}
		cv.Sources = append(cv.Sources, *v)
	}
	sort.Slice(cv.Sources, func(i, j int) bool {
		a, b := cv.Sources[i], cv.Sources[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Keys[0] < b.Keys[0]
	})
	for _, h := range c.HelmReleases {
		cv.HelmReleases = append(cv.HelmReleases, helmView{Release: nsName(h.Namespace, h.Name), Chart: h.Chart,
			Version: h.Version, Source: h.Source, AppliedBy: h.AppliedBy, Location: locationLink(h.Location)})
	}
	sort.SliceStable(cv.HelmReleases, func(i, j int) bool { return cv.HelmReleases[i].Release < cv.HelmReleases[j].Release })
	// Kustomizations stay in apply order (deterministic: see docs/model.md).
	for _, k := range c.Kustomizations {
		v := kustomizationView{Key: k.Key, Path: k.Path, Source: k.Source, Status: k.Status, Reason: k.Reason,
			Objects: k.Objects, Location: locationPtr(k.Location)}
		if k.Revision != nil {
			v.Revision = k.Revision.Repo
			if k.Revision.Branch != "" {
				v.Revision += "@" + k.Revision.Branch
			}
			if k.Revision.Commit != "" {
				v.Revision += " (" + short(k.Revision.Commit) + ")"
			}
		}
		var deps []string
		for _, d := range k.DependsOn {
			deps = append(deps, refKey(d))
		}
		v.DependsOn = strings.Join(deps, ", ")
		cv.Kustomizations = append(cv.Kustomizations, v)
		switch k.Status {
		case model.StatusFailed:
			cv.Failed++
		case model.StatusSkipped:
			cv.Skipped++
		}
	}
	for _, p := range c.Problems {
		cv.Problems = append(cv.Problems, problemView{Kind: p.Kind, Kustomization: p.Kustomization, Reason: p.Reason,
			Warning: p.Warning, Location: locationPtr(p.Location)})
	}
	sort.SliceStable(cv.Problems, func(i, j int) bool {
		a, b := cv.Problems[i], cv.Problems[j]
		if a.Warning != b.Warning {
			return !a.Warning
		}
		if a.Kustomization != b.Kustomization {
			return a.Kustomization < b.Kustomization
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Reason < b.Reason
	})
}

// refString describes a source's spec.ref: "branch main", "tag v1.2.0".
func refString(ref map[string]string) string {
	var parts []string
	for _, k := range []string{"branch", "tag", "semver", "name", "commit"} {
		if v := ref[k]; v != "" {
			parts = append(parts, k+" "+v)
		}
	}
	var other []string
	for k, v := range ref {
		if !slices.Contains([]string{"branch", "tag", "semver", "name", "commit"}, k) && v != "" {
			other = append(other, k+" "+v)
		}
	}
	slices.Sort(other)
	return strings.Join(append(parts, other...), ", ")
}

func refKey(r model.Ref) string { return nsName(r.Namespace, r.Name) }

// short is a commit's first 12 characters.
func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}

// scope describes what a waiver covers.
func scope(w waiver.Status) string {
	var out []string
	for _, kv := range [][2]string{{"cluster", w.Cluster}, {"namespace", w.Namespace}, {"kind", w.Kind}, {"name", w.Name}} {
		if kv[1] != "" {
			out = append(out, kv[0]+" "+kv[1])
		}
	}
	if len(out) == 0 {
		return "everywhere"
	}
	return strings.Join(out, ", ")
}

var changeRank = map[string]int{diff.Added: 0, diff.Removed: 1, diff.Modified: 2}

func newPromotion(d *Data, ids *idSet) (*promotionView, error) {
	// Unset branches are d1's (model.Branches' defaults).
	branches := model.Branches{model.Staging: d.Main, model.Production: d.Production}
	v := &promotionView{Computed: d.Promotion != nil, Main: branches.Main(), Production: branches.Production(), Note: d.PromotionNote,
		Releases: d.Releases, Clusters: len(d.Promotion)}
	sorted := append([]diff.Cluster(nil), d.Promotion...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	groups := map[string]*driftGroup{}
	for _, c := range sorted {
		pc := &promotionCluster{Name: c.Name, ID: ids.make("promotion-" + c.Name), Only: c.Only, Changed: c.Changed(),
			Before: v.Production, After: v.Main}
		if pc.Changed {
			v.Drifting++
		}
		changes := append([]diff.Change(nil), c.Changes...)
		sort.SliceStable(changes, func(i, j int) bool {
			a, b := changes[i], changes[j]
			if changeRank[a.Kind] != changeRank[b.Kind] {
				return changeRank[a.Kind] < changeRank[b.Kind]
			}
			return objectKey(a.Object) < objectKey(b.Object)
		})
		for _, ch := range changes {
			switch ch.Kind {
			case diff.Added:
				pc.Added++
			case diff.Removed:
				pc.Removed++
			case diff.Modified:
				pc.Modified++
			}
			fields := make([]string, 0, len(ch.Fields))
			for _, f := range ch.Fields {
				fields = append(fields, f.Field)
			}
			slices.Sort(fields)
			if ch.MoreFields > 0 {
				fields = append(fields, fmt.Sprintf("and %d more", ch.MoreFields))
			}
			pc.Changes = append(pc.Changes, changeView{Kind: ch.Kind, Object: objectName(ch.Object.Kind, ch.Object.Namespace, ch.Object.Name),
				AppliedBy: ch.AppliedBy, Fields: strings.Join(fields, ", "), Location: locationLink(ch.Location)})
		}
		pc.Charts = append([]diff.ChartChange(nil), c.Charts...)
		sort.SliceStable(pc.Charts, func(i, j int) bool { return objectKey(pc.Charts[i].Release) < objectKey(pc.Charts[j].Release) })
		pc.Introduced = driftFindings(d.Report, c.Introduced)
		pc.Fixed = driftFindings(d.Report, c.Fixed)

		// Production clusters are often alike: those whose drift is the
		// same but for their names share one group.
		var b bytes.Buffer
		if err := tmpl.ExecuteTemplate(&b, "drift", pc); err != nil {
			return nil, err
		}
		key := anonymous(b.String(), c.Name)
		if g := groups[key]; g != nil {
			g.Clusters = append(g.Clusters, pc)
			continue
		}
		g := &driftGroup{First: pc, Clusters: []*promotionCluster{pc}, Body: template.HTML(b.String())} // #nosec G203 -- rendered by html/template
		groups[key] = g
		v.Groups = append(v.Groups, g)
	}
	return v, nil
}

// driftFindings are findings the promotion introduces or fixes, in the
// order of finding.Sort.
func driftFindings(r *report.Report, fs []finding.Finding) []driftFinding {
	var out []driftFinding
	for _, f := range fs {
		x := r.Rule(f)
		v := driftFinding{Severity: f.Severity, Rule: f.Rule, Title: f.Title, Message: f.Message, HelpURI: x.HelpURI(),
			Location: locationLink(f.Location)}
		if v.Title == "" {
			v.Title = x.Title
		}
		if f.Object != nil {
			v.Object = objectName(f.Object.Kind, f.Object.Namespace, f.Object.Name)
		}
		out = append(out, v)
	}
	return out
}

func objectKey(o model.ObjectID) string {
	return o.Kind + "\x00" + o.Namespace + "\x00" + o.Name + "\x00" + o.APIVersion
}

// idSet makes unique HTML ids from names.
type idSet map[string]bool

func newIDs() *idSet { s := idSet{}; return &s }

var idUnsafe = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

func (s *idSet) make(name string) string {
	base := idUnsafe.ReplaceAllString(name, "_")
	id := base
	for i := 2; (*s)[id]; i++ {
		id = fmt.Sprintf("%s-%d", base, i)
	}
	(*s)[id] = true
	return id
}

// plural is "1 error", "2 errors"; "info" stays "info".
func plural(n int, noun string) string {
	if n == 1 || noun == "info" {
		return fmt.Sprintf("%d %s", n, noun)
	}
	if strings.HasSuffix(noun, "s") {
		return fmt.Sprintf("%d %ses", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// breakable escapes text for HTML and lets it break after each separator
// of a path or reference (/ . : @ , and spaces stay as they are), so that
// a long path wraps between its parts, never inside a word.
func breakable(s string) template.HTML {
	var b strings.Builder
	for _, r := range s {
		b.WriteString(template.HTMLEscapeString(string(r)))
		if r == '/' {
			b.WriteString("<wbr>")
		}
	}
	return template.HTML(b.String()) // #nosec G203 -- escaped above
}
