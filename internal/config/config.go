// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package config loads .d1lint.yaml, the per-fleet configuration: where the
// repositories a fleet refers to are checked out, and which objects exist on
// the clusters without being in git.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/d1lint/d1lint/internal/model"
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
	// Sources map repository URLs to local paths.
	Sources []Source `json:"sources,omitempty"`
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
	// Rules disables or re-grades rules by id.
	Rules map[string]RuleSetting `json:"rules,omitempty"`
	// Waivers accept known findings, each with a reason, an owner and an expiry.
	Waivers []Waiver `json:"waivers,omitempty"`

	// dir is the folder holding the file, as given; relative paths resolve against it.
	dir string
}

// Source maps a repository URL to a local path.
type Source struct {
	// URL is the repository URL as GitRepository objects spell it.
	URL string `json:"url"`
	// Path is a git repository or a plain folder, relative to the file.
	Path string `json:"path"`
	// Branch, when set, is the branch the files at Path stand for.
	Branch string `json:"branch,omitempty"`
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

// DefaultOutOfBand are d1's secrets created outside git: the fleet's git
// credentials made at bootstrap, and the apps tenant's git credentials made
// with `flux create secret git ... --label toolkit.fluxcd.io/tenant=apps`.
func DefaultOutOfBand() []Object {
	return []Object{
		{APIVersion: "v1", Kind: "Secret", Namespace: "flux-system", Name: "flux-system"},
		{APIVersion: "v1", Kind: "Secret", Namespace: "flux-system", Name: "flux-apps",
			Labels: map[string]string{"toolkit.fluxcd.io/tenant": "apps"}},
	}
}

// Load reads a configuration file (see ReadFile for which files are
// read). Unknown fields are errors, so that a typo never silently disables
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
// its paths against the working tree's folder.
func Parse(data []byte, path string) (*Config, error) {
	var c Config
	if err := yaml.UnmarshalStrict(data, &c); err != nil {
		return nil, invalid(fmt.Errorf("invalid configuration %s: %w", path, err))
	}
	if err := exactKeys(data); err != nil {
		return nil, invalid(fmt.Errorf("invalid configuration %s: %w", path, err))
	}
	// Paths stay relative to the working directory when given so: messages
	// and output then name them as the user does, on any machine.
	c.dir = filepath.Dir(path)
	for i, s := range c.Sources {
		if s.URL == "" || s.Path == "" {
			return nil, invalid(fmt.Errorf("invalid configuration %s: sources[%d] needs both url and path", path, i))
		}
	}
	for i, w := range c.Waivers {
		if w.Rule == "" || w.Reason == "" || w.Owner == "" || w.Expires == "" {
			return nil, invalid(fmt.Errorf("invalid configuration %s: waivers[%d] needs rule, reason, owner and expires", path, i))
		}
		if _, err := time.Parse(time.DateOnly, w.Expires); err != nil {
			return nil, invalid(fmt.Errorf("invalid configuration %s: waivers[%d].expires %q is not a date (YYYY-MM-DD)", path, i, w.Expires))
		}
		for _, p := range []string{w.Cluster, w.Namespace, w.Kind, w.Name} {
			if _, err := filepath.Match(p, ""); err != nil {
				return nil, invalid(fmt.Errorf("invalid configuration %s: waivers[%d]: bad pattern %q", path, i, p))
			}
		}
	}
	for id, r := range c.Rules {
		switch r.Severity {
		case "", "error", "warning", "info":
		default:
			return nil, invalid(fmt.Errorf("invalid configuration %s: rules.%s.severity %q is not error, warning or info", path, id, r.Severity))
		}
	}
	return &c, nil
}

// invalidError reads as its cause and matches ErrInvalid.
type invalidError struct{ err error }

func (e invalidError) Error() string        { return e.err.Error() }
func (e invalidError) Unwrap() error        { return e.err }
func (e invalidError) Is(target error) bool { return target == ErrInvalid }

func invalid(err error) error { return invalidError{err} }

// knownKeys are the keys of the file, spelled exactly. encoding/json (and so
// sigs.k8s.io/yaml) matches keys regardless of case; the file is stricter.
var knownKeys = map[string][]string{
	"": {"fleet", "fleetURL", "fleetBranch", "sources", "outOfBand", "branches", "privilegedNamespaces",
		"tenantClusterRoles", "tenantLabel", "automationBranch", "crdCharts", "kubeVersion", "schemaLocations", "acceptIncomplete", "rules", "waivers"},
	"waivers":   {"rule", "cluster", "namespace", "kind", "name", "reason", "owner", "expires"},
	"sources":   {"url", "path", "branch"},
	"outOfBand": {"apiVersion", "kind", "namespace", "name", "labels", "keys", "clusters"},
}

// exactKeys rejects keys that differ from the known ones only by case.
func exactKeys(data []byte) error {
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return err
	}
	check := func(section string, m map[string]any) error {
		for k := range m {
			if !slices.Contains(knownKeys[section], k) {
				where := "top level"
				if section != "" {
					where = section
				}
				return fmt.Errorf("unknown key %q in %s (keys are case-sensitive: %s)", k, where, strings.Join(knownKeys[section], ", "))
			}
		}
		return nil
	}
	if err := check("", doc); err != nil {
		return err
	}
	for _, section := range []string{"sources", "outOfBand", "waivers"} {
		l, _ := doc[section].([]any)
		for _, e := range l {
			if m, ok := e.(map[string]any); ok {
				if err := check(section, m); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Find returns the configuration file in dir, or "" when there is none. A
// FIFO or a device by that name is returned too: reading it (ReadFile)
// refuses it with an error, where ignoring it would silently drop the
// configuration's settings.
func Find(dir string) string {
	p := filepath.Join(dir, FileName)
	if st, err := os.Stat(p); err == nil && !st.IsDir() {
		return p
	}
	return ""
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
