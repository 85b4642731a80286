// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package rules is the catalogue of d1lint's Rego rules: it loads the
// built-in policies (embedded from policies/), reads each rule's METADATA,
// compiles everything once with a locked-down capability set, and evaluates
// the rules against the cluster model of every cluster. No rule has Go code
// of its own: adding a rule touches only its folder under policies/.
package rules

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/profile"
)

// RulesPackage is the package prefix of the built-in rules:
// data.d1lint.rules.<category>.<rule>, each with a `report` set.
const RulesPackage = finding.RulesPackage

// scopeQuery collects the report of every built-in rule of one scope:
// rules lists them, as [category, rule] pairs of package names. A query
// over data.d1lint.rules[category][rule] with both unbound would evaluate
// every rule, those of the other scope included.
func scopeQuery(rules []finding.Rule, scope string) string {
	var pairs []string
	for _, r := range rules {
		if r.Scope != scope {
			continue
		}
		parts := strings.Split(strings.TrimPrefix(r.Package, RulesPackage+"."), ".")
		if len(parts) == 2 {
			pairs = append(pairs, strconv.Quote(parts[0])+","+strconv.Quote(parts[1]))
		}
	}
	return "some [category, rule] in [[" + strings.Join(pairs, "],[") + "]]; finding := data.d1lint.rules[category][rule].report[_]"
}

// DefaultTimeout bounds the evaluation of one cluster.
const DefaultTimeout = 30 * time.Second

// ErrPolicy marks policies that cannot be loaded or compiled (exit 2).
var ErrPolicy = errors.New("invalid policy")

// Categories are the rule categories, in the order they are documented.
var Categories = []string{"multi-tenancy", "branch-mapping", "dependency-ordering", "substitution", "schema", "credentials", "build"}

// Catalogue holds the compiled rules.
type Catalogue struct {
	rules []finding.Rule
	byID  map[string]finding.Rule
	// cluster and fleet are the built-in rules' queries, by scope.
	cluster, fleet rego.PreparedEvalQuery
	custom         []customQuery
	// readsFleet is set when a team's policy reads input.fleet.
	readsFleet bool
	// metadataOnly is set on a catalogue of METADATA alone (Metadata).
	metadataOnly bool
	conftest     []conftestQuery
	timeout      time.Duration
	// maxHeapGrowth bounds the heap's growth during Evaluate (watchHeap).
	maxHeapGrowth uint64
}

// Capabilities are the builtins policies may use: OPA's own, without the
// refused ones (Refused). Policies are code from a repository and may come
// from a pull request, and CI holds tokens.
func Capabilities() *ast.Capabilities {
	c := ast.CapabilitiesForThisVersion()
	kept := c.Builtins[:0]
	for _, b := range c.Builtins {
		if refusal(b) == "" {
			kept = append(kept, b)
		}
	}
	c.Builtins = kept
	c.AllowNet = []string{}
	return c
}

// refusedBuiltins are the builtins refused for what OPA does not flag: the
// ones that read the environment, and certificate verification, which
// depends on the clock.
var refusedBuiltins = map[string]string{
	"opa.runtime": "it reads the environment",
	"crypto.x509.parse_and_verify_certificates":              "it verifies against the current time",
	"crypto.x509.parse_and_verify_certificates_with_options": "it verifies against the current time unless told otherwise",
}

// refusal says why policies may not use b ("" when they may). A check
// must give the same findings for the same commit wherever it runs, and
// must not reach the network: every builtin OPA flags non-deterministic
// (http.send, net.lookup_ip_addr, time.now_ns, rand.intn, uuid.rfc4122,
// JWT signing and verification, JSON schemas with remote references) is
// refused, as are refusedBuiltins.
func refusal(b *ast.Builtin) string {
	switch {
	case refusedBuiltins[b.Name] != "":
		return refusedBuiltins[b.Name]
	case b.Name == "http.send" || b.Name == "net.lookup_ip_addr":
		return "it reaches the network"
	case b.Nondeterministic:
		return "its result is not determined by its arguments (time, randomness or the network)"
	}
	return ""
}

// Refused lists the builtins policies may not use, sorted.
func Refused() []string {
	var out []string
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		if refusal(b) != "" {
			out = append(out, b.Name)
		}
	}
	slices.Sort(out)
	return out
}

// checkRefused fails on the first call of a refused builtin in modules
// (keyed by the file they name in messages), in file and line order: the
// compiler would only say the function is undefined.
func checkRefused(modules map[string]*ast.Module) error {
	why := map[string]string{}
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		if r := refusal(b); r != "" {
			why[b.Name] = r
		}
	}
	keys := make([]string, 0, len(modules))
	for k := range modules {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		var found *ast.Term
		check := func(op *ast.Term) {
			if op == nil {
				return
			}
			if _, ok := why[op.String()]; !ok {
				return
			}
			if found == nil || op.Location != nil && found.Location != nil && op.Location.Row < found.Location.Row {
				found = op
			}
		}
		ast.WalkTerms(modules[k], func(t *ast.Term) bool {
			if c, ok := t.Value.(ast.Call); ok && len(c) > 0 {
				check(c[0])
			}
			return false
		})
		ast.WalkExprs(modules[k], func(e *ast.Expr) bool {
			if e.IsCall() {
				check(e.OperatorTerm())
			}
			return false
		})
		if found != nil {
			at := k
			if found.Location != nil {
				at = fmt.Sprintf("%s:%d", k, found.Location.Row)
			}
			return fmt.Errorf("%w: %s: %s is refused: %s", ErrPolicy, at, found, why[found.String()])
		}
	}
	return nil
}

// Load returns the catalogue of the built-in rules. They are compiled once
// per process; every catalogue shares them.
func Load() (*Catalogue, error) {
	b, err := builtins()
	if err != nil {
		return nil, err
	}
	c := &Catalogue{rules: b.rules, byID: make(map[string]finding.Rule, len(b.rules)), cluster: b.cluster, fleet: b.fleet, timeout: DefaultTimeout,
		maxHeapGrowth: DefaultMaxHeapGrowth}
	for _, r := range b.rules {
		c.byID[r.ID] = r
	}
	return c, nil
}

// Metadata returns the catalogue of the built-in rules' METADATA, parsed
// but not compiled: Rules, Rule and InProfile answer as Load's would;
// Begin refuses to evaluate. A check the persistent cache answers whole
// needs nothing more.
func Metadata() (*Catalogue, error) {
	p, err := parsedBuiltins()
	if err != nil {
		return nil, err
	}
	c := &Catalogue{rules: p.rules, byID: make(map[string]finding.Rule, len(p.rules)), timeout: DefaultTimeout,
		maxHeapGrowth: DefaultMaxHeapGrowth, metadataOnly: true}
	for _, r := range p.rules {
		c.byID[r.ID] = r
	}
	return c, nil
}

// parseFS parses every .rego file below root, tests excluded unless
// withTests is given.
func parseFS(fsys fs.FS, root string, withTests ...bool) (map[string]*ast.Module, error) {
	return parseTree(fsys, root, len(withTests) > 0 && withTests[0], false)
}

// parseTree parses every .rego file below root (tests too with tests);
// with v0, a file that does not parse as Rego v1 is parsed as v0
// (conftest's policies and their tests, written before OPA 1.0).
func parseTree(fsys fs.FS, root string, tests, v0 bool) (map[string]*ast.Module, error) {
	modules := map[string]*ast.Module{}
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "fixtures" {
			return fs.SkipDir
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if err := checkLink(fsys, p); err != nil {
				return err
			}
		}
		if d.IsDir() || !strings.HasSuffix(p, ".rego") || strings.HasSuffix(p, "_test.rego") && !tests {
			return nil
		}
		src, err := readPolicy(fsys, p)
		if err != nil {
			return err
		}
		var m *ast.Module
		if v0 {
			m, err = parseEither(p, string(src))
		} else if m, err = ast.ParseModuleWithOpts(p, string(src), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1}); err != nil {
			err = fmt.Errorf("%w: %w", ErrPolicy, err)
		}
		if err != nil {
			return err
		}
		modules[p] = m
		return nil
	})
	return modules, err
}

// readMetadata reads the package METADATA of every rule module and checks
// it: every field present, ids unique, category and folder agreeing.
func readMetadata(modules map[string]*ast.Module) ([]finding.Rule, error) {
	var rules []finding.Rule
	seen := map[string]string{}
	for file, m := range modules {
		pkg := strings.TrimPrefix(m.Package.Path.String(), "data.")
		if !strings.HasPrefix(pkg, RulesPackage+".") {
			continue
		}
		var a *ast.Annotations
		for _, an := range m.Annotations {
			if an.Scope == "package" {
				a = an
			}
		}
		if a == nil {
			return nil, fmt.Errorf("%w: %s: package %s has no METADATA", ErrPolicy, file, pkg)
		}
		r := finding.Rule{Title: a.Title, Description: strings.TrimSpace(a.Description), Package: pkg, Dir: path.Dir(file)}
		r.ID, _ = a.Custom["id"].(string)
		r.Category, _ = a.Custom["category"].(string)
		r.Severity, _ = a.Custom["severity"].(string)
		r.Remediation, _ = a.Custom["remediation"].(string)
		r.Remediation = strings.TrimSpace(r.Remediation)
		scope, _ := a.Custom["scope"].(string)
		switch scope {
		case "cluster", finding.ScopeCluster:
		case finding.ScopeFleet:
			r.Scope = finding.ScopeFleet
		default:
			return nil, fmt.Errorf("%w: %s: custom.scope %q is neither cluster nor fleet", ErrPolicy, file, a.Custom["scope"])
		}
		if err := validate(r); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrPolicy, file, err)
		}
		profiles, err := profile.Of(a.Custom["profiles"])
		if err != nil {
			return nil, fmt.Errorf("%w: %s: rule %s: %w", ErrPolicy, file, r.ID, err)
		}
		r.Profiles = profiles
		if other, ok := seen[r.ID]; ok {
			return nil, fmt.Errorf("%w: %s: rule id %s is also used by %s", ErrPolicy, file, r.ID, other)
		}
		seen[r.ID] = file
		rules = append(rules, r)
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	return rules, nil
}

// validate checks a rule's METADATA against its folder and package.
func validate(r finding.Rule) error {
	switch {
	case r.ID == "" || r.Title == "" || r.Description == "" || r.Remediation == "":
		return fmt.Errorf("METADATA needs title, description and custom id, category, severity, remediation, profiles")
	case finding.Rank(r.Severity) == 0:
		return fmt.Errorf("rule %s: severity %q is not error, warning or info", r.ID, r.Severity)
	case !slices.Contains(Categories, r.Category):
		return fmt.Errorf("rule %s: category %q is not one of %s", r.ID, r.Category, strings.Join(Categories, ", "))
	case !strings.HasPrefix(r.Dir, r.Category+"/"):
		return fmt.Errorf("rule %s: category %s but folder %s", r.ID, r.Category, r.Dir)
	case r.Package != RulesPackage+"."+strings.NewReplacer("-", "_", "/", ".").Replace(r.Dir):
		return fmt.Errorf("rule %s: package %s does not match folder %s", r.ID, r.Package, r.Dir)
	}
	return nil
}

// Rules returns every rule, sorted by id.
func (c *Catalogue) Rules() []finding.Rule { return slices.Clone(c.rules) }

// Rule returns the rule with the given id.
func (c *Catalogue) Rule(id string) (finding.Rule, bool) {
	r, ok := c.byID[id]
	return r, ok
}

// InProfile reports whether the findings of rule id count in a profile:
// those of a built-in rule whose METADATA lists it, and every team rule
// (a team's policies are its own conventions, whatever the layout).
func (c *Catalogue) InProfile(id, p string) bool {
	r, ok := c.byID[id]
	return !ok || slices.Contains(r.Profiles, p)
}

// Settings are what rules read besides the cluster model (input.config).
type Settings struct {
	// Branches maps an environment to the branch its clusters follow.
	Branches model.Branches `json:"branches"`
	// PrivilegedNamespaces hold the platform's Kustomizations (flux-system:
	// the fleet root, the infra tenant). What a Kustomization in any other
	// namespace applies belongs to a tenant.
	PrivilegedNamespaces []string `json:"privilegedNamespaces"`
	// TenantClusterRoles are the ClusterRoles a tenant's service account
	// may be bound to (by RoleBinding only).
	TenantClusterRoles []string `json:"tenantClusterRoles"`
	// TenantLabel is the label that marks a tenant's namespaces (Secret and
	// ConfigMap propagation selects on it).
	TenantLabel string `json:"tenantLabel"`
	// AutomationBranch is the branch image automation commits to; only
	// clusters following it may run image automation.
	AutomationBranch string `json:"automationBranch"`
	// AutomationLabel marks image automation objects ("key=value").
	AutomationLabel string `json:"automationLabel"`
	// CRDCharts extends the built-in table of Helm charts that install
	// CRDs: chart name to the API groups its CRDs define.
	CRDCharts map[string][]string `json:"crdCharts,omitempty"`
	// RequireCharts makes a chart that is not available offline an error
	// (D1-0007) rather than a warning.
	RequireCharts bool `json:"requireCharts,omitempty"`
}

// DefaultSettings are d1's conventions.
func DefaultSettings() Settings {
	return Settings{
		Branches:             model.DefaultBranches(),
		PrivilegedNamespaces: []string{"flux-system"},
		TenantClusterRoles:   []string{"admin"},
		TenantLabel:          "toolkit.fluxcd.io/tenant",
		AutomationBranch:     "main",
		AutomationLabel:      "toolkit.fluxcd.io/role=automation",
	}
}

// Input is the document a cluster-scoped rule reads: one cluster's model
// and the settings. A team's policies that read input.fleet get the fleet's
// summary too (see Catalogue.ReadsFleet).
type Input struct {
	Version string         `json:"version"`
	Cluster *model.Cluster `json:"cluster"`
	Fleet   *FleetSummary  `json:"fleet,omitempty"`
	Config  Settings       `json:"config"`
}

// FleetInput is the document a fleet-scoped rule (finding.ScopeFleet)
// reads, once per run: every cluster's digest and the settings.
type FleetInput struct {
	Version string       `json:"version"`
	Fleet   FleetSummary `json:"fleet"`
	Config  Settings     `json:"config"`
}

// FleetSummary is what a rule may know of every cluster: its digest.
type FleetSummary struct {
	Clusters []ClusterDigest `json:"clusters"`
}

// Evaluate runs every rule on every cluster, concurrently, then the
// fleet-scoped rules over the clusters' digests, and returns the findings
// sorted. A finding's field is not located: fleet-scoped rules point at
// the lines the digests hold (Digest's locate).
func (c *Catalogue) Evaluate(ctx context.Context, fl *model.Fleet, s Settings) ([]finding.Finding, error) {
	digests := make([]ClusterDigest, 0, len(fl.Clusters))
	for _, cl := range fl.Clusters {
		digests = append(digests, Digest(cl, nil))
	}
	var summary *FleetSummary
	if c.ReadsFleet() {
		summary = &FleetSummary{Clusters: digests}
	}
	ev, err := c.Begin(ctx, s, summary)
	if err != nil {
		return nil, err
	}
	defer ev.End()
	results := make([][]finding.Finding, len(fl.Clusters))
	errs := make([]error, len(fl.Clusters))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i, cl := range fl.Clusters {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i], errs[i] = ev.Cluster(cl)
		}()
	}
	wg.Wait()
	if err := firstError(fl, errs); err != nil {
		return nil, err
	}
	var out []finding.Finding
	for _, r := range results {
		out = append(out, r...)
	}
	fleet, err := ev.Fleet(digests)
	if err != nil {
		return nil, err
	}
	out = append(out, fleet...)
	finding.Sort(out)
	return out, nil
}

// Evaluation is one run's evaluation of the rules: Cluster judges each
// cluster (concurrently, as each is rendered: only its findings need be
// kept), Fleet the fleet-scoped rules once every cluster's digest is
// known. End releases it.
type Evaluation struct {
	c    *Catalogue
	ctx  context.Context
	stop func()
	// shared is the input without the cluster (Input with Cluster nil),
	// converted once: it is the same in every cluster's input.
	shared   ast.Value
	settings Settings
	memo     *valueMemo
}

// Begin starts an evaluation with the settings s. fleet is the whole
// fleet's summary for a team's policies that read it (ReadsFleet); nil
// otherwise.
func (c *Catalogue) Begin(ctx context.Context, s Settings, fleet *FleetSummary) (*Evaluation, error) {
	if c.metadataOnly {
		return nil, errors.New("the rules' METADATA alone cannot evaluate them (rules.Metadata); load them")
	}
	shared, err := toValue(Input{Version: model.Version, Fleet: fleet, Config: s})
	if err != nil {
		return nil, err
	}
	// One watch for all clusters: the heap is the process's.
	ctx, stop := watchHeap(ctx, c.maxHeapGrowth)
	return &Evaluation{c: c, ctx: ctx, stop: stop, shared: shared, settings: s, memo: &valueMemo{}}, nil
}

// End stops the evaluation's heap watch.
func (e *Evaluation) End() { e.stop() }

// Cluster runs the cluster-scoped rules (and a team's policies) on one
// cluster. It may be called concurrently.
func (e *Evaluation) Cluster(cl *model.Cluster) ([]finding.Finding, error) {
	return e.c.evaluate(e.ctx, cl, e.shared, e.memo)
}

// Fleet runs the fleet-scoped rules over every cluster's digest, in the
// fleet's order. Each finding names the cluster it is about.
func (e *Evaluation) Fleet(digests []ClusterDigest) ([]finding.Finding, error) {
	if slices.IndexFunc(e.c.rules, func(r finding.Rule) bool { return r.Scope == finding.ScopeFleet }) < 0 {
		return nil, nil
	}
	input, err := toValue(FleetInput{Version: model.Version, Fleet: FleetSummary{Clusters: digests}, Config: e.settings})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(e.ctx, e.c.timeout)
	defer cancel()
	rs, err := e.c.fleet.Eval(ctx, rego.EvalParsedInput(input))
	if ctx.Err() != nil {
		return nil, stoppedError{fmt.Errorf("built-in fleet rules: %w", e.c.stopped(ctx))}
	}
	if err != nil {
		return nil, err
	}
	out := make([]finding.Finding, 0, len(rs))
	for _, r := range rs {
		f, err := decodeResult(r)
		if err != nil {
			return nil, err
		}
		if f.Cluster == "" {
			return nil, fmt.Errorf("fleet rule %s: a finding names no cluster (result.fail's details need \"cluster\")", f.Rule)
		}
		f.SetFingerprint()
		out = append(out, f)
	}
	return out, nil
}

// firstError is the error to report of the clusters' evaluations (errs,
// in fl's order), nil when there is none. The heap bound stops every
// cluster's evaluation at once: the error told is one naming a team
// policy, the likely culprit, rather than the built-in rules some other
// cluster was running.
func firstError(fl *model.Fleet, errs []error) error {
	var first error
	for i, err := range errs {
		if err != nil && (first == nil || errors.Is(first, errBuiltinStopped) && !errors.Is(err, errBuiltinStopped)) {
			first = fmt.Errorf("evaluating cluster %s: %w", fl.Clusters[i].Name, err)
		}
	}
	return first
}

// toValue converts v to a Rego value through its JSON form.
func toValue(v any) (ast.Value, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return ast.ValueFromReader(bytes.NewReader(data))
}

// evaluate runs the rules on one cluster; shared is the input without the
// cluster (Input with Cluster nil), read only; memo is shared by the
// clusters of one evaluation.
func (c *Catalogue) evaluate(ctx context.Context, cl *model.Cluster, shared ast.Value, memo *valueMemo) ([]finding.Finding, error) {
	value, err := clusterInput(cl, shared, memo)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	rs, err := c.cluster.Eval(ctx, rego.EvalParsedInput(value))
	// OPA checks for cancellation only now and then: a run that finished
	// past its deadline is still over the limit.
	if ctx.Err() != nil {
		return nil, stoppedError{fmt.Errorf("built-in rules: %w", c.stopped(ctx))}
	}
	if err != nil {
		return nil, err
	}
	out := make([]finding.Finding, 0, len(rs))
	for _, r := range rs {
		f, err := decodeResult(r)
		if err != nil {
			return nil, err
		}
		f.Cluster = cl.Name
		out = append(out, f)
	}
	custom, err := c.evalCustom(ctx, value, cl.Name)
	if err != nil {
		return nil, err
	}
	out = append(out, custom...)
	conftest, err := c.evalConftest(ctx, cl)
	if err != nil {
		return nil, err
	}
	out = append(out, conftest...)
	for i := range out {
		out[i].SetFingerprint()
	}
	return out, nil
}

// clusterInput is the input of the cluster-scoped rules for one cluster:
// shared (Input with Cluster nil, read only) with the cluster's model and
// its index (input.cluster.index) in place of null.
func clusterInput(cl *model.Cluster, shared ast.Value, memo *valueMemo) (ast.Object, error) {
	cv, err := clusterValue(cl, memo)
	if err != nil {
		return nil, err
	}
	// The index is part of the rule input, not of the model (d1lint build
	// prints the model): cv is this cluster's own object, built afresh.
	if obj, ok := cv.(ast.Object); ok {
		obj.Insert(ast.StringTerm("index"), ast.NewTerm(indexValue(cl.Objects)))
	}
	value := ast.NewObject()
	shared.(ast.Object).Foreach(func(k, v *ast.Term) {
		if k.Equal(ast.StringTerm("cluster")) {
			v = ast.NewTerm(cv)
		}
		value.Insert(k, v)
	})
	return value, nil
}

// errBuiltinStopped marks the built-in rules' evaluation stopped by the
// deadline or the heap bound (stoppedError).
var errBuiltinStopped = errors.New("built-in rules stopped")

// stoppedError reads as its cause and matches errBuiltinStopped.
type stoppedError struct{ err error }

func (e stoppedError) Error() string        { return e.err.Error() }
func (e stoppedError) Unwrap() error        { return e.err }
func (e stoppedError) Is(target error) bool { return target == errBuiltinStopped }

// stopped says why ctx, an evaluation's context, is done: the heap bound
// (watchHeap), the deadline or the caller. OPA's own error says only that the query
// was cancelled.
func (c *Catalogue) stopped(ctx context.Context) error {
	cause := context.Cause(ctx)
	switch {
	case errors.Is(cause, ErrMemoryLimit):
		return cause
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("evaluation exceeded its deadline of %s: %w", c.timeout, ctx.Err())
	}
	// The caller cancelled (an interrupt).
	return fmt.Errorf("evaluation cancelled: %w", cause)
}

// reported is the shape result.fail builds.
type reported struct {
	Rule     string          `json:"rule"`
	Title    string          `json:"title"`
	Category string          `json:"category"`
	Severity string          `json:"severity"`
	Message  string          `json:"message"`
	Object   *finding.Object `json:"object"`
	Location *model.Location `json:"location"`
	Chain    []string        `json:"chain"`
	// Field is the offending field: a list of keys and indices
	// (["spec", "ref", "branch"]) or the same path as d1lint shows it
	// ("spec.ref.branch"); either way d1lint locates it, even in the patch
	// that set it.
	Field any `json:"field"`
	// Cluster is the cluster a fleet-scoped rule's finding is about (a
	// cluster-scoped rule's is the one evaluated).
	Cluster string `json:"cluster"`
}

// decodeResult reads the finding of one result of a built-in query.
func decodeResult(r rego.Result) (finding.Finding, error) {
	// A finding result.fail builds is read off the result's values (a
	// cluster with many findings paid more for the JSON round trip than
	// for finding them); anything else takes the round trip, which
	// decodes it the same way and says what is wrong.
	if rep, ok := reportedOf(r.Bindings["finding"]); ok && rep.Rule != "" && rep.Message != "" {
		if f, err := fromReported(rep, nil); err == nil {
			return f, nil
		}
	}
	raw, err := json.Marshal(r.Bindings["finding"])
	if err != nil {
		return finding.Finding{}, err
	}
	f, err := decode(raw)
	if err != nil {
		return finding.Finding{}, fmt.Errorf("rule %v/%v: %w", r.Bindings["category"], r.Bindings["rule"], err)
	}
	return f, nil
}

func decode(raw []byte) (finding.Finding, error) {
	var r reported
	if err := json.Unmarshal(raw, &r); err != nil {
		return finding.Finding{}, err
	}
	if r.Rule == "" || r.Message == "" {
		return finding.Finding{}, fmt.Errorf("a finding needs a rule id and a message (build it with data.d1lint.lib.result.fail): %s", raw)
	}
	return fromReported(r, raw)
}

// fromReported is the finding of r, decoded from raw.
func fromReported(r reported, raw []byte) (finding.Finding, error) {
	f := finding.Finding{Rule: r.Rule, Title: r.Title, Category: r.Category, Severity: r.Severity,
		Object: r.Object, Message: r.Message, Chain: r.Chain, Cluster: r.Cluster}
	if r.Location != nil {
		// A finding is located by repository, branch (or tag), file and line; the
		// commit is not part of it.
		f.Location = model.Location{Repo: r.Location.Repo, Branch: r.Location.Branch, Tag: r.Location.Tag, Path: r.Location.Path, Line: r.Location.Line}
	}
	switch field := r.Field.(type) {
	case string:
		// A path written as d1lint shows fields is located the same way
		// as its keys and indices.
		f.Field, f.FieldPath = field, finding.ParseField(field)
	case []any:
		for _, seg := range field {
			switch v := seg.(type) {
			case string:
				f.FieldPath = append(f.FieldPath, v)
			case float64:
				f.FieldPath = append(f.FieldPath, strconv.Itoa(int(v)))
			default:
				return finding.Finding{}, fmt.Errorf("field segments are strings or indices, got %v: %s", seg, raw)
			}
		}
		f.Field = finding.FieldString(f.FieldPath)
	}
	return f, nil
}
