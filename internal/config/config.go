// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package config loads .d1lint.yaml, the per-fleet configuration: where the
// repositories a fleet refers to are checked out, and which objects exist on
// the clusters without being in git.
package config

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/profile"
	"github.com/d1lint/d1lint/internal/suggest"
)

// FileName is the configuration file d1lint looks for at the fleet root.
const FileName = ".d1lint.yaml"

// ErrInvalid marks a configuration that cannot be used (exit status 2).
var ErrInvalid = errors.New("invalid configuration")

// Config is the content of .d1lint.yaml.
type Config struct {
	// Fleet is the fleet repository's path, relative to the file ("." by default).
	Fleet string `json:"fleet,omitempty"`
	// FleetURL is the fleet repository's URL: the repository the fleet
	// checkout is, the only one read from it, and the one clusters whose
	// folder declares no Flux sync follow (default: the checkout's git
	// remote, else the URL most clusters' roots sync; see fleet.Identify).
	FleetURL string `json:"fleetURL,omitempty"`
	// FleetBranch is the branch the fleet's working tree stands for
	// (default: the branch the clusters' root syncs follow).
	FleetBranch string `json:"fleetBranch,omitempty"`
	// Clusters, when set, list the fleet's clusters instead of finding
	// them by content (fleet.Discover): folder patterns, or entries with a
	// path, the file holding the root and a name.
	Clusters []Cluster `json:"clusters,omitempty"`
	// Sources map repository URLs to local paths.
	Sources []Source `json:"sources,omitempty"`
	// Artifacts map OCI artifacts (OCIRepository URLs) to the folder of a
	// git repository CI pushes them from, before the rules d1lint reads
	// from CI workflows and d2's conventions (docs/oci.md).
	Artifacts []Artifact `json:"artifacts,omitempty"`
	// ProviderInputs are the inputs of Flux Operator
	// ResourceSetInputProviders that d1lint cannot read offline (a GitHub
	// pull request provider...), keyed "<namespace>/<name>": the input
	// sets the provider would export.
	ProviderInputs map[string][]map[string]any `json:"providerInputs,omitempty"`
	// OutOfBand are objects that exist on every cluster without being in
	// git, such as the secrets created at bootstrap. When the key is absent
	// the d1 defaults apply (DefaultOutOfBand); an empty list means none.
	OutOfBand *[]Object `json:"outOfBand,omitempty"`

	// Branches maps an environment to the branch its clusters follow
	// (default staging: main, production: production).
	Branches model.Branches `json:"branches,omitempty"`
	// PrivilegedNamespaces hold the platform's Kustomizations (default flux-system).
	PrivilegedNamespaces []string `json:"privilegedNamespaces,omitempty"`
	// TenantClusterRoles are the ClusterRoles tenants may be bound to (default admin).
	TenantClusterRoles []string `json:"tenantClusterRoles,omitempty"`
	// TenantLabel marks tenant namespaces (default toolkit.fluxcd.io/tenant).
	TenantLabel string `json:"tenantLabel,omitempty"`
	// AutomationBranch is the branch image automation commits to (default main).
	AutomationBranch string `json:"automationBranch,omitempty"`
	// CRDCharts extends the built-in table of Helm charts that install
	// CRDs: chart name to API groups.
	CRDCharts map[string][]string `json:"crdCharts,omitempty"`
	// Charts are chart cache folders (relative to the file): packaged
	// charts for HelmReleases whose charts are not in git (see
	// docs/helm.md for the layout; d1lint charts pull fills the first).
	Charts []string `json:"charts,omitempty"`
	// RequireCharts makes a chart missing from the cache an error (D1-0007)
	// instead of a warning.
	RequireCharts bool `json:"requireCharts,omitempty"`
	// KubeVersion is the Kubernetes release whose schemas validate the
	// built-in kinds ("1.36"; default the newest bundled).
	KubeVersion string `json:"kubeVersion,omitempty"`
	// SchemaLocations are kubeconform-style schema locations (folders or
	// path templates, relative to the file), consulted before the bundle.
	// A URL is refused, as --schema-location's is (schema.IsRemote).
	SchemaLocations []string `json:"schemaLocations,omitempty"`
	// AcceptIncomplete lets a check pass although part of a cluster could
	// not be rendered, once no finding fails it (D1-0001 turned off or
	// waived). By default an incomplete render fails the check.
	AcceptIncomplete bool `json:"acceptIncomplete,omitempty"`
	// Profile selects the rules: d1 (every rule) or generic (those about
	// Flux's own behaviour); empty detects it from the fleet's layout
	// (profile.Detect).
	Profile string `json:"profile,omitempty"`
	// Policies are folders of the team's own Rego policies (relative to
	// the file), run as --policy's are, each with the input its policies
	// read: d1lint's cluster model, or conftest's combined input.
	Policies []Policy `json:"policies,omitempty"`
	// Rules disables or re-grades rules by id.
	Rules map[string]RuleSetting `json:"rules,omitempty"`
	// Waivers accept known findings, each with a reason, an owner and an expiry.
	Waivers []Waiver `json:"waivers,omitempty"`

	// dir is the folder holding the file, as given; relative paths resolve against it.
	dir string
	// file is the file as given, and pos where each value is in it, for
	// the messages of checks made after loading (CheckRules).
	file string
	pos  positions
}

// Policy input modes (Policy.Input).
const (
	// PolicyInputModel: input is d1lint's cluster model (the default).
	PolicyInputModel = "model"
	// PolicyInputConftest: input is the cluster's objects as
	// `conftest test --combine` gives them.
	PolicyInputConftest = "conftest"
)

// Policy is one entry of policies:, a folder of the team's own policies.
type Policy struct {
	// Path is the folder, relative to the file.
	Path string `json:"path"`
	// Input is model (default) or conftest.
	Input string `json:"input,omitempty"`
	// Namespaces, for conftest input, are the packages whose deny,
	// violation and warn rules run (default main; "*": every package).
	Namespaces []string `json:"namespaces,omitempty"`
}

// shorthandKey: a policies entry written as a string is its path.
func (Policy) shorthandKey() string { return "path" }

// Cluster is one entry of clusters:. In the file it is either a string,
// the folder pattern (Path), or a mapping with path, root and name.
type Cluster struct {
	// Path is the cluster folder relative to the fleet folder, or a pattern
	// ("*" does not cross "/") matching several.
	Path string `json:"path"`
	// Root, when set, is the file holding the cluster's root, relative to
	// the fleet folder.
	Root string `json:"root,omitempty"`
	// Name names the cluster (default: as a discovered one).
	Name string `json:"name,omitempty"`
}

// shorthandKey: a clusters entry written as a string is its path.
func (Cluster) shorthandKey() string { return "path" }

// Source maps a repository URL to a local path.
type Source struct {
	// URL is the repository URL as GitRepository objects spell it.
	URL string `json:"url"`
	// Path is a git repository or a plain folder, relative to the file.
	Path string `json:"path"`
	// Branch, when set, is the branch the files at Path stand for.
	Branch string `json:"branch,omitempty"`
}

// Artifact is one entry of artifacts:, an OCI artifact URL pattern mapped
// to a folder of a git repository.
type Artifact struct {
	// URL is the artifact URL pattern, oci://ghcr.io/acme/d2-apps/{component}:
	// a {name} matches one path element ({owner} one or more).
	URL string `json:"url"`
	// Repository is the git repository's URL ({name}s of URL allowed),
	// or a local checkout: a path starting with . or /, relative to the
	// file.
	Repository string `json:"repository"`
	// Path is the folder of the repository the artifact holds (default
	// its root).
	Path string `json:"path,omitempty"`
	// TagPrefix is the prefix of the repository's release tags for the
	// artifact (default: the folder's name and a slash, none for the root).
	TagPrefix string `json:"tagPrefix,omitempty"`
	// Tags map OCI tags to the git ref they are built from.
	Tags map[string]ArtifactTag `json:"tags,omitempty"`
}

// ArtifactTag is the git ref an OCI tag is built from: one of a branch,
// a tag or a semver range over the release tags.
type ArtifactTag struct {
	// Branch is a branch: main.
	Branch string `json:"branch,omitempty"`
	// Tag is a git tag: frontend/v1.2.3.
	Tag string `json:"tag,omitempty"`
	// SemVer is a range over the release tags (those with the entry's
	// tagPrefix): the newest matching.
	SemVer string `json:"semver,omitempty"`
}

// IsLocalRepository reports whether an artifacts: entry's repository is a
// local folder (a path starting with . or /) rather than a git URL.
func IsLocalRepository(repo string) bool {
	return strings.HasPrefix(repo, ".") || strings.HasPrefix(repo, "/")
}

// Object declares an object that exists on the clusters but not in git.
type Object = model.OutOfBandObject

// RuleSetting disables or re-grades one rule.
type RuleSetting struct {
	// Disabled turns the rule off.
	Disabled bool `json:"disabled,omitempty"`
	// Severity replaces the rule's severity (error, warning, info).
	Severity string `json:"severity,omitempty"`
}

// Waiver accepts the findings of one rule within a scope until it expires.
// Scope fields are shell patterns (path.Match); empty matches everything.
type Waiver struct {
	Rule      string `json:"rule"`
	Cluster   string `json:"cluster,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	Kind      string `json:"kind,omitempty"`
	Name      string `json:"name,omitempty"`
	Reason    string `json:"reason"`
	Owner     string `json:"owner"`
	// Expires is a date, YYYY-MM-DD; the waiver stops waiving after it.
	Expires string `json:"expires"`
}

// DefaultOutOfBand are the d1 lineage's secrets created outside git: d1's
// fleet git credentials made at bootstrap, and the apps tenant's git
// credentials made with `flux create secret git ... --label
// toolkit.fluxcd.io/tenant=apps`; d2's registry pull secret, which its
// bootstrap (terraform, managed_resources) creates, and the GitHub
// credentials its image-update cluster copies into each tenant.
func DefaultOutOfBand() []Object {
	return []Object{
		{APIVersion: "v1", Kind: "Secret", Namespace: "flux-system", Name: "flux-system"},
		{APIVersion: "v1", Kind: "Secret", Namespace: "flux-system", Name: "flux-apps",
			Labels: map[string]string{"toolkit.fluxcd.io/tenant": "apps"}},
		{APIVersion: "v1", Kind: "Secret", Namespace: "flux-system", Name: "ghcr-auth"},
		{APIVersion: "v1", Kind: "Secret", Namespace: "flux-system", Name: "github-auth"},
	}
}

// Load reads a configuration file (see ReadFile for which files are
// read). Unknown keys are errors, so that a typo never silently disables
// a mapping.
func Load(path string) (*Config, error) {
	data, err := ReadFile(path)
	if err != nil {
		return nil, invalid(fmt.Errorf("invalid configuration %s: %w", path, err))
	}
	return Parse(data, path)
}

// Parse reads a configuration file's content; path names the file for
// messages, and relative paths in it resolve against path's folder. A
// configuration read from another revision (--config-ref) still resolves
// its paths against the working tree's folder. Every mistake is told at
// its line and column with the form expected (see decode).
func Parse(data []byte, path string) (*Config, error) {
	var c Config
	pos, list := decode(data, &c)
	if len(list) == 0 {
		list = c.check(pos)
	}
	if len(list) > 0 {
		sortMistakes(list)
		return nil, invalid(mistakes{path: path, list: list})
	}
	// Paths stay relative to the working directory when given so: messages
	// and output then name them as the user does, on any machine.
	c.dir, c.file, c.pos = filepath.Dir(path), path, pos
	return &c, nil
}

// check finds the values the JSON Schema refuses that decoding lets
// through: required keys, dates, patterns, severities, the profile.
func (c *Config) check(pos positions) []mistake {
	var list []mistake
	fail := func(path, format string, args ...any) {
		n := pos.values[path]
		m := mistake{msg: fmt.Sprintf(format, args...)}
		if n != nil {
			m.line, m.col = n.Line, n.Column
		}
		list = append(list, m)
	}
	if c.Profile != "" {
		if err := profile.Check(c.Profile); err != nil {
			fail("profile", "profile: %v", err)
		}
	}
	for i, cl := range c.Clusters {
		if cl.Path == "" {
			fail(fmt.Sprintf("clusters[%d]", i), "clusters[%d] needs a path", i)
		}
	}
	for i, p := range c.Policies {
		at := fmt.Sprintf("policies[%d]", i)
		switch {
		case p.Path == "":
			fail(at, "%s needs a path", at)
		case p.Input != "" && p.Input != PolicyInputModel && p.Input != PolicyInputConftest:
			fail(at+".input", "%s.input: %q is not %s or %s", at, p.Input, PolicyInputModel, PolicyInputConftest)
		case len(p.Namespaces) > 0 && p.Input != PolicyInputConftest:
			fail(at+".namespaces", "%s.namespaces: only conftest policies have namespaces (input: %s)", at, PolicyInputConftest)
		}
	}
	for i, s := range c.Sources {
		if s.URL == "" || s.Path == "" {
			fail(fmt.Sprintf("sources[%d]", i), "sources[%d] needs both url and path", i)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(c.ProviderInputs)) {
		if ns, name, ok := strings.Cut(k, "/"); !ok || ns == "" || name == "" || strings.Contains(name, "/") {
			fail("providerInputs."+k, "providerInputs: %q is not <namespace>/<name> of a ResourceSetInputProvider", k)
		}
	}
	for i, a := range c.Artifacts {
		at := fmt.Sprintf("artifacts[%d]", i)
		switch {
		case a.URL == "" || a.Repository == "":
			fail(at, "%s needs both url and repository", at)
		case !strings.HasPrefix(a.URL, "oci://"):
			fail(at+".url", "%s.url: %q is not an OCI artifact URL: expected oci://<registry>/<path>", at, a.URL)
		case IsLocalRepository(a.Repository) && strings.Contains(a.Repository, "{"):
			fail(at+".repository", "%s.repository: a local folder cannot have placeholders: map one folder per entry, or give the git URL", at)
		}
		for _, tag := range slices.Sorted(maps.Keys(a.Tags)) {
			t := a.Tags[tag]
			set := 0
			for _, v := range []string{t.Branch, t.Tag, t.SemVer} {
				if v != "" {
					set++
				}
			}
			if set != 1 {
				fail(at+".tags."+tag, "%s.tags.%s needs exactly one of branch, tag and semver", at, tag)
			}
		}
	}
	if c.OutOfBand != nil {
		for i, o := range *c.OutOfBand {
			if o.Kind == "" || o.Namespace == "" || o.Name == "" {
				fail(fmt.Sprintf("outOfBand[%d]", i), "outOfBand[%d] needs kind, namespace and name", i)
			}
		}
	}
	for i, w := range c.Waivers {
		at := fmt.Sprintf("waivers[%d]", i)
		var missing []string
		for _, f := range [][2]string{{"rule", w.Rule}, {"reason", w.Reason}, {"owner", w.Owner}, {"expires", w.Expires}} {
			if f[1] == "" {
				missing = append(missing, f[0])
			}
		}
		if len(missing) > 0 {
			fail(at, "%s needs rule, reason, owner and expires (missing: %s)", at, strings.Join(missing, ", "))
		}
		if _, err := time.Parse(time.DateOnly, w.Expires); w.Expires != "" && err != nil {
			fail(at+".expires", "%s.expires: %q is not a date: expected YYYY-MM-DD", at, w.Expires)
		}
		for _, f := range [][2]string{{"cluster", w.Cluster}, {"namespace", w.Namespace}, {"kind", w.Kind}, {"name", w.Name}} {
			if _, err := filepath.Match(f[1], ""); err != nil {
				fail(at+"."+f[0], "%s.%s: bad pattern %q: expected a shell pattern (*, ?, [a-z])", at, f[0], f[1])
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(c.Rules)) {
		switch r := c.Rules[id]; r.Severity {
		case "", finding.Error, finding.Warning, finding.Info:
		default:
			fail("rules."+id+".severity", "rules.%s.severity: %q is not a severity: expected error, warning or info", id, r.Severity)
		}
	}
	return list
}

// CheckRules refuses rule ids that name no rule of known (the built-in
// catalogue), under rules: and in waivers, each at its line with the id
// likely meant. With team policies (team), whose ids are known only once
// they report, an id is checked only when it claims d1lint's own prefix
// (D1-). Only the rules package knows the ids: the engine calls this once
// the catalogue is read.
func (c *Config) CheckRules(known []finding.Rule, team bool) error {
	if c == nil {
		return nil
	}
	ids := make([]string, 0, len(known))
	byName := map[string]string{}
	for _, r := range known {
		ids = append(ids, r.ID)
		byName[path.Base(r.Dir)] = r.ID
	}
	var list []mistake
	unknown := func(id string, n *yaml.Node, where string) {
		if slices.Contains(ids, id) || team && !strings.HasPrefix(strings.ToUpper(id), "D1-") {
			return
		}
		m := mistake{msg: fmt.Sprintf("%s: unknown rule %q; %s", where, id, suggestRule(id, ids, byName))}
		if n != nil {
			m.line, m.col = n.Line, n.Column
		}
		list = append(list, m)
	}
	for _, id := range slices.Sorted(maps.Keys(c.Rules)) {
		unknown(id, c.pos.keys["rules."+id], "rules")
	}
	for i, w := range c.Waivers {
		at := fmt.Sprintf("waivers[%d].rule", i)
		unknown(w.Rule, c.pos.values[at], at)
	}
	if len(list) == 0 {
		return nil
	}
	sortMistakes(list)
	file := c.file
	if file == "" {
		file = FileName // a configuration made in code
	}
	return invalid(mistakes{path: file, list: list})
}

// SuggestRule proposes the rule of known meant by id, which names none:
// "did you mean "D1-0401"?", or where the ids are listed.
func SuggestRule(id string, known []finding.Rule) string {
	ids := make([]string, 0, len(known))
	byName := map[string]string{}
	for _, r := range known {
		ids = append(ids, r.ID)
		byName[path.Base(r.Dir)] = r.ID
	}
	return suggestRule(id, ids, byName)
}

// suggestRule proposes the rule id meant: the same but for case, the id
// of a rule named so (undefined-variable), or one a typo away; else it
// says where the ids are listed.
func suggestRule(id string, ids []string, byName map[string]string) string {
	if r, ok := byName[strings.ToLower(id)]; ok {
		return fmt.Sprintf("did you mean %q? (rules are configured by id)", r)
	}
	s := suggest.Closest(id, ids)
	switch {
	case s == "":
		return "expected a rule id such as D1-0401 (d1lint rules lists them)"
	case strings.EqualFold(s, id):
		return fmt.Sprintf("did you mean %q? (ids are upper case)", s)
	}
	return fmt.Sprintf("did you mean %q?", s)
}

// invalidError reads as its cause and matches ErrInvalid.
type invalidError struct{ err error }

func (e invalidError) Error() string        { return e.err.Error() }
func (e invalidError) Unwrap() error        { return e.err }
func (e invalidError) Is(target error) bool { return target == ErrInvalid }

func invalid(err error) error { return invalidError{err} }

// Find returns the configuration file that applies in dir: dir's own, else
// the nearest in a folder above it, as git finds its repository. The
// search stops at the top level of the git repository around dir (the
// nearest folder above holding .git, looked for without following links),
// or at the file system's root when there is none: a file beyond the
// repository belongs to something else. The path keeps dir's form
// (../.d1lint.yaml from "."); "" when there is none. A FIFO or a device by
// that name is returned too: reading it (ReadFile) refuses it with an
// error, where ignoring it would silently drop the configuration's
// settings.
func Find(dir string) string {
	abs, err := filepath.Abs(dir)
	if st, serr := os.Stat(abs); err != nil || serr != nil || !st.IsDir() {
		return ""
	}
	rel := dir
	for {
		if st, err := os.Stat(filepath.Join(abs, FileName)); err == nil && !st.IsDir() {
			return filepath.Join(rel, FileName)
		}
		if _, err := os.Lstat(filepath.Join(abs, ".git")); err == nil {
			return ""
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return ""
		}
		abs, rel = parent, filepath.Join(rel, "..")
	}
}

// Resolve turns a path from the file into a path usable by the process.
func (c *Config) Resolve(p string) string {
	if p == "" || filepath.IsAbs(p) || c.dir == "" {
		return p
	}
	return filepath.Join(c.dir, p)
}

// Dir is the folder the file was loaded from.
func (c *Config) Dir() string { return c.dir }

// FleetPath is the fleet repository's path.
func (c *Config) FleetPath() string {
	if c.Fleet == "" {
		return c.dir
	}
	return c.Resolve(c.Fleet)
}

// OutOfBandObjects returns the declared out-of-band objects, or the d1
// defaults when the file does not say.
func (c *Config) OutOfBandObjects() []Object {
	if c == nil || c.OutOfBand == nil {
		return DefaultOutOfBand()
	}
	return *c.OutOfBand
}
