// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package report turns the findings of a check into output: one Report
// model, one Reporter interface, one file per format.
package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/profile"
	"github.com/d1lint/d1lint/internal/suggest"
	"github.com/d1lint/d1lint/internal/waiver"
)

// Version is the version of the JSON report's shape.
const Version = 1

// Report is the outcome of `d1lint check`.
type Report struct {
	// Version is the version of the JSON report's shape (see Version).
	Version int `json:"version"`
	// Error says why the check could not run: set only in the failure
	// document of JSON.WriteFailure, whose clusters, findings and waivers
	// are then empty.
	Error string `json:"error,omitempty"`
	// Repository is the repository being checked, normalised like a
	// finding's Location.Repo (github.com/acme/d1-apps). Findings in it are
	// local: their Location.Path is relative to the checkout's root. Empty
	// when unknown: every finding then counts as local.
	Repository string `json:"repository,omitempty"`
	// Baseline is the revision that --new-since compared against; empty
	// when no baseline was used.
	Baseline string            `json:"baseline,omitempty"`
	Clusters []Cluster         `json:"clusters"`
	Findings []finding.Finding `json:"findings"`
	// Waivers are the configured waivers with their status.
	Waivers []waiver.Status `json:"waivers"`
	// Sources say which local folder stood for which repository and where
	// each mapping came from: a --source flag, .d1lint.yaml, the fleet
	// checkout, or a checkout found beside the fleet by its git remote or
	// its folder name (model.Fleet.Mappings).
	Sources []model.Mapping `json:"sources,omitempty"`
	Summary Summary         `json:"summary"`
	// Shard, in the report of one shard of a sharded check (d1lint check
	// --shard K/N), is what d1lint merge reads of it; nil otherwise.
	Shard Shard `json:"shard,omitempty"`
	// Rules are the rules of the catalogue, sorted by id (for formats that
	// describe rules, such as SARIF).
	Rules []finding.Rule `json:"-"`
	// ToolVersion is d1lint's own version (SARIF tool.driver.version).
	ToolVersion string `json:"-"`
}

// Shard is the part of a shard's report that d1lint merge reads (the
// engine's), written as the JSON report's "shard" member. Only its place
// in the fleet concerns the other formats.
type Shard interface {
	// Part says which shard the report is (index, from 1, of count) and
	// how many clusters the whole fleet has.
	Part() (index, count, fleet int)
}

// shardLine says, in the outputs people read, that the report is one
// shard's: which of its fleet's clusters it holds, and what only the
// merged shards judge ("" for a whole check).
func (r *Report) shardLine() string {
	if r.Shard == nil {
		return ""
	}
	k, n, fleet := r.Shard.Part()
	what := fmt.Sprintf("%d of the fleet's %s", len(r.Clusters), Count(fleet, "cluster"))
	if len(r.Clusters) == 0 {
		what = fmt.Sprintf("none of the fleet's %s falls in it", Count(fleet, "cluster"))
	}
	return fmt.Sprintf("shard %d of %d: %s; the fleet-scoped rules and the waivers' status are judged when d1lint merge combines the shards", k, n, what)
}

// InformationURI is d1lint's home page.
const InformationURI = "https://github.com/d1lint/d1lint"

// Cluster says what was checked of one cluster: its summary (Kustomizations
// counts them all, Skipped those not rendered). In the JSON report it has
// name, era, environment, objects, kustomizations, skipped, unresolved and
// complete (see MarshalJSON).
type Cluster struct {
	model.ClusterSummary

	// Defined are where the cluster's Flux Kustomizations are defined, by
	// key; Sync is where the cluster's Flux sync and runtime-info are
	// (Anchor reads them). Neither is in the JSON report.
	Defined map[string]*model.Location
	Sync    []*model.Location
}

// ClusterOf is what a report keeps of one cluster.
func ClusterOf(c *model.Cluster) Cluster {
	rc := Cluster{ClusterSummary: model.Summarize(c), Defined: map[string]*model.Location{}}
	for _, k := range c.Kustomizations {
		if k.Location != nil {
			rc.Defined[k.Key] = k.Location
		}
		if k.Key == c.Root {
			rc.Sync = append(rc.Sync, k.Location)
		}
	}
	rc.Sync = append(rc.Sync, c.Flux.Location, c.RuntimeInfoLocation)
	return rc
}

// clusterJSON is a cluster as the JSON report documents it.
type clusterJSON struct {
	Name           string `json:"name"`
	Era            string `json:"era"`
	Environment    string `json:"environment,omitempty"`
	Objects        int    `json:"objects"`
	Kustomizations int    `json:"kustomizations"`
	Skipped        int    `json:"skipped"`
	Unresolved     int    `json:"unresolved"`
	HelmReleases   int    `json:"helmReleases"`
	Charts         int    `json:"charts"`
	ChartsMissing  int    `json:"chartsMissing"`
	Complete       bool   `json:"complete"`
}

// MarshalJSON writes the fields of the cluster that the JSON report
// documents (docs/report.schema.json).
func (c Cluster) MarshalJSON() ([]byte, error) {
	s := c.ClusterSummary
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // the caller's encoder escapes, or not
	err := enc.Encode(clusterJSON{Name: s.Name, Era: s.Era, Environment: s.Environment, Objects: s.Objects,
		Kustomizations: s.Kustomizations, Skipped: s.Skipped, Unresolved: s.Unresolved,
		HelmReleases: s.HelmReleases, Charts: s.Charts, ChartsMissing: s.ChartsMissing, Complete: s.Complete})
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), err
}

// Summary counts what was checked and found.
type Summary struct {
	Clusters int `json:"clusters"`
	Objects  int `json:"objects"`
	// Kustomizations counts every Flux Kustomization, rendered or not.
	Kustomizations int `json:"kustomizations"`
	// Skipped counts the Flux Kustomizations that were not rendered.
	Skipped    int            `json:"skipped"`
	Unresolved int            `json:"unresolved"`
	Findings   map[string]int `json:"findings"`
	// Waived counts findings accepted by a waiver.
	Waived int `json:"waived"`
	// New counts findings that the baseline did not have (Baseline "new").
	New int `json:"new"`
	// Profile is the profile that selected the rules, and why (nil in the
	// failure document, and in reports made without rules).
	Profile *profile.Choice `json:"profile,omitempty"`
	// Configuration says where the configuration came from when that is
	// worth a reader's attention: "built-in defaults (origin/main has no
	// .d1lint.yaml)" when --config-ref read a revision without one. Empty
	// otherwise.
	Configuration string `json:"configuration,omitempty"`
}

// Rendered counts the Flux Kustomizations that were rendered.
func (s Summary) Rendered() int { return s.Kustomizations - s.Skipped }

// New builds the report of a checked fleet; findings must be sorted.
func New(fl *model.Fleet, findings []finding.Finding) *Report {
	clusters := make([]Cluster, 0, len(fl.Clusters))
	for _, c := range fl.Clusters {
		clusters = append(clusters, ClusterOf(c))
	}
	return Assemble(fl.Mappings, clusters, findings)
}

// Assemble builds a report from what a check kept of each cluster
// (ClusterOf), the source mappings and the findings.
func Assemble(mappings []model.Mapping, clusters []Cluster, findings []finding.Finding) *Report {
	r := &Report{Version: Version, Clusters: []Cluster{}, Findings: findings, Waivers: []waiver.Status{},
		Summary: Summary{Findings: map[string]int{finding.Error: 0, finding.Warning: 0, finding.Info: 0}}}
	if r.Findings == nil {
		r.Findings = []finding.Finding{}
	}
	r.Sources = slices.Clone(mappings)
	for _, rc := range clusters {
		r.Clusters = append(r.Clusters, rc)
		r.Summary.Clusters++
		r.Summary.Objects += rc.Objects
		r.Summary.Kustomizations += rc.Kustomizations
		r.Summary.Skipped += rc.Skipped
		r.Summary.Unresolved += rc.Unresolved
	}
	for _, f := range findings {
		r.Summary.Findings[f.Severity]++
		if f.Baseline == finding.New {
			r.Summary.New++
		}
	}
	return r
}

// IsTerminal reports whether w is a terminal (a character device): the
// text format colours its output there.
func IsTerminal(w io.Writer) bool {
	file, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := file.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Local reports whether a finding is in the repository being checked, so
// that its file (Location.Path) can be annotated in the checkout.
func (r *Report) Local(f finding.Finding) bool {
	return f.Location.Path != "" && (r.Repository == "" || f.Location.Repo == r.Repository)
}

// Anchor is where, in the repository being checked, a finding that is not
// local (Local) can be shown: the definition of the Flux Kustomization
// nearest to the object in the finding's chain that is defined in the
// repository, else the cluster's Flux sync (root Kustomization, FluxInstance
// or gotk-sync.yaml) or runtime-info. what names it ("Kustomization
// flux-system/apps", "cluster prod-eu"); ok is false when the cluster has
// nothing in the repository.
func (r *Report) Anchor(f finding.Finding) (loc model.Location, what string, ok bool) {
	for _, c := range r.Clusters {
		if c.Name != f.Cluster {
			continue
		}
		for i := len(f.Chain) - 1; i >= 0; i-- {
			if l := c.Defined[f.Chain[i]]; r.inRepository(l) {
				return *l, "Kustomization " + f.Chain[i], true
			}
		}
		for _, l := range c.Sync {
			if r.inRepository(l) {
				return *l, "cluster " + c.Name, true
			}
		}
	}
	return model.Location{}, "", false
}

func (r *Report) inRepository(l *model.Location) bool {
	return l != nil && l.Path != "" && (r.Repository == "" || l.Repo == r.Repository)
}

// Rule returns the description of a rule: the catalogue's, or one made
// from the finding for a rule the catalogue does not list (a team's, which
// has no HelpURI).
func (r *Report) Rule(f finding.Finding) finding.Rule {
	if i := slices.IndexFunc(r.Rules, func(x finding.Rule) bool { return x.ID == f.Rule }); i >= 0 {
		return r.Rules[i]
	}
	return finding.Rule{ID: f.Rule, Title: f.Title, Category: f.Category, Severity: f.Severity}
}

// Existing reports whether a baseline was used and already had the finding.
func (r *Report) Existing(f finding.Finding) bool {
	return r.Baseline != "" && f.Baseline == finding.Existing
}

// BlobURL is the web address of a location's file on its repository's
// host, https://<repo>/blob/<branch or tag>/<path>#L<line>; empty without
// a repository, file, branch or tag.
func BlobURL(l model.Location) string {
	ref := l.Branch
	if ref == "" {
		ref = l.Tag
	}
	if l.Repo == "" || l.Path == "" || ref == "" {
		return ""
	}
	u := "https://" + l.Repo + "/blob/" + escapePath(ref) + "/" + escapePath(l.Path)
	if l.Line > 0 {
		u += fmt.Sprintf("#L%d", l.Line)
	}
	return u
}

// escapePath percent-encodes each segment of a slash-separated path.
func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// Reporter writes a report in one format.
type Reporter interface {
	Write(w io.Writer, r *Report) error
}

// FailureWriter is a Reporter that can also say that the check could not
// run at all (d1lint failed, exit status 3): the CLI writes such a
// document to every file output whose reporter implements it, for the CI
// steps that read the file whatever happened. SARIF and JSON do.
type FailureWriter interface {
	WriteFailure(w io.Writer, cause error) error
}

// Env is what reporters may know of the environment they run in.
type Env struct {
	// Terminal says that the output is a terminal: text is then coloured
	// unless the environment says otherwise (see UseColor), and its
	// locations are hyperlinks in terminals that show them
	// (SupportsHyperlinks).
	Terminal bool
	// Color is --color: auto (""), always or never (see UseColor).
	Color string
	// Quiet makes text write the findings only (--quiet).
	Quiet bool
	// Local finds the files of locations in local checkouts, for text to
	// show them relative to the current folder (nil: it does not).
	Local *LocalFiles
	// Getenv reads environment variables (NO_COLOR, FORCE_COLOR, TERM,
	// GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, and GITHUB_EVENT_PATH and
	// GITHUB_SHA for HeadCommit); nil reads none.
	Getenv func(string) string
	// ToolVersion is d1lint's own version, for the failure documents (a
	// report carries its own, Report.ToolVersion).
	ToolVersion string
}

// getenv reads an environment variable; "" without Getenv.
func (e Env) getenv(key string) string {
	if e.Getenv == nil {
		return ""
	}
	return e.Getenv(key)
}

// reporters build the reporter of each format for an environment.
var reporters = map[string]func(Env) Reporter{
	"text": func(e Env) Reporter {
		color := UseColor(e.Color, e.Terminal, e.Getenv)
		return Text{Color: color, Hyperlinks: color && e.Terminal && SupportsHyperlinks(e.Getenv), Quiet: e.Quiet, Local: e.Local}
	},
	"json":  func(Env) Reporter { return JSON{} },
	"sarif": func(e Env) Reporter { return SARIF{ToolVersion: e.ToolVersion} },
	"github": func(e Env) Reporter {
		return GitHub{SummaryPath: e.getenv("GITHUB_STEP_SUMMARY"), OutputPath: e.getenv("GITHUB_OUTPUT"), HeadCommit: HeadCommit(e.Getenv)}
	},
	"junit":    func(Env) Reporter { return JUnit{} },
	"markdown": func(e Env) Reporter { return Markdown{Commit: HeadCommit(e.Getenv)} },
}

// Names lists the format names, sorted.
func Names() []string {
	return slices.Sorted(maps.Keys(reporters))
}

// NewReporter builds the reporter of a format for an environment: text is
// coloured as UseColor decides; github appends to
// $GITHUB_STEP_SUMMARY and $GITHUB_OUTPUT when they are set.
func NewReporter(name string, env Env) (Reporter, error) {
	build, ok := reporters[name]
	if !ok {
		if s := suggest.Closest(name, Names()); s != "" {
			return nil, fmt.Errorf("unknown format %q; did you mean %s?", name, s)
		}
		return nil, fmt.Errorf("unknown format %q (want one of %s)", name, strings.Join(Names(), ", "))
	}
	return build(env), nil
}

// findingsByCluster groups the findings by cluster, each in report order.
func (r *Report) findingsByCluster() map[string][]finding.Finding {
	out := map[string][]finding.Finding{}
	for _, f := range r.Findings {
		out[f.Cluster] = append(out[f.Cluster], f)
	}
	return out
}

// environment names the cluster's environment for headings.
func (c Cluster) environment() string {
	if c.Environment == "" {
		return "no environment"
	}
	return c.Environment
}
