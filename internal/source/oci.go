// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package source

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/Masterminds/semver/v3"
)

// OCIRepository is the name of the [OCIKind].
const OCIRepository = "OCIRepository"

// ErrNotRendered is wrapped by Resolve errors for content d1lint does not
// read by design (an OCI artifact no rule maps to git, a digest): a
// limitation, not a mistake in the fleet.
var ErrNotRendered = errors.New("not rendered")

// Where an ArtifactRule comes from.
const (
	// RuleConfig is an artifacts: entry of .d1lint.yaml.
	RuleConfig = "configuration"
	// RuleDefault is a built-in rule for d2's conventions.
	RuleDefault = "d2 convention"
)

// ArtifactRule maps OCI artifacts to a folder of a git repository: the
// folder CI pushes as that artifact (flux push artifact --path). URL,
// Repository, Path and TagPrefix are templates: a {name} in URL matches one
// path element ("{owner}" also matches a registry namespace of several:
// ghcr.io/acme/team), and the same {name} elsewhere is replaced by what it
// matched.
type ArtifactRule struct {
	// URL is the artifact URL pattern: oci://ghcr.io/acme/d2-apps/{component}.
	URL string
	// Repository is the git repository's URL (a template), mapped to a
	// local checkout as any GitRepository URL is.
	Repository string
	// Path is the folder of the repository that is the artifact ("" or
	// "." for its root): components/{component}.
	Path string
	// TagPrefix is the prefix of the git tags a release of the artifact
	// is tagged with ("{component}/"); default: the last element of Path
	// and a slash, none for the root.
	TagPrefix string
	// Tags maps an OCI tag to the git ref it is built from, before the
	// defaults (latest: branch main; latest-stable: the newest release
	// tag; an exact version: its release tag). A SemVer search is limited
	// to the rule's TagPrefix.
	Tags map[string]Ref
	// From says where the rule comes from, for messages: RuleConfig and
	// the file, a workflow's file, RuleDefault.
	From string
}

// rule is an ArtifactRule with its URL pattern compiled.
type rule struct {
	ArtifactRule
	re *regexp.Regexp
}

// Artifact is an OCI artifact mapped to git: the repository, the revision
// to read and the folder of it that the artifact holds.
type Artifact struct {
	// URL is the artifact URL as written, and Ref the ref asked for
	// ("latest", "semver >=1.0.0").
	URL, Ref string
	// Repository is the git repository's URL.
	Repository string
	// Path is the folder of the repository ("" for the root).
	Path string
	// Refs are the git refs that stand for the OCI ref, tried in order
	// (a version's release tag is component/v1.2.3, else v1.2.3).
	Refs []Ref
	// From is the rule's origin.
	From string
}

// Artifacts maps OCI artifact URLs to folders of git repositories with
// rules tried in order: the configuration's, then those read from the CI
// workflows of the checkouts (WorkflowRules), then d2's conventions
// (DefaultRules). The first rule whose URL pattern matches wins. It is
// safe for concurrent use.
type Artifacts struct {
	rules []rule
	// nextRelease reads what a release tag publishes at main (NextRelease).
	nextRelease bool
}

// Fingerprint identifies the rules, in order, and whether they answer for
// the next release: two Artifacts with one fingerprint map every artifact
// alike.
func (a *Artifacts) Fingerprint() string {
	rules := make([]ArtifactRule, len(a.rules))
	for i, r := range a.rules {
		rules[i] = r.ArtifactRule
	}
	b, _ := json.Marshal(struct {
		Rules       []ArtifactRule
		NextRelease bool
	}{rules, a.nextRelease})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// NextRelease returns the mapper that answers "what would the next
// release publish?": an artifact a release publishes (latest-stable, a
// version, a semver range) maps to the revision the next release is cut
// from, the ref that latest maps to (branch main by default). A digest
// stays unmapped; latest and other tags map as before.
func (a *Artifacts) NextRelease() *Artifacts {
	return &Artifacts{rules: a.rules, nextRelease: true}
}

// NewArtifacts returns the mapper of the rules, in order, followed by
// DefaultRules. A URL pattern that does not compile is an error naming
// the rule's origin.
func NewArtifacts(rules ...[]ArtifactRule) (*Artifacts, error) {
	a := &Artifacts{}
	for _, rs := range append(rules, DefaultRules()) {
		for _, r := range rs {
			re, err := compilePattern(r.URL)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", r.From, err)
			}
			a.rules = append(a.rules, rule{ArtifactRule: r, re: re})
		}
	}
	return a, nil
}

// DefaultArtifacts returns the mapper of DefaultRules alone.
func DefaultArtifacts() *Artifacts {
	a, err := NewArtifacts()
	if err != nil {
		panic(err) // the built-in rules compile: TestDefaultRules
	}
	return a
}

// DefaultRules are d2's conventions: the artifact
// oci://ghcr.io/<org>/<repo> is the root of github.com/<org>/<repo>, and
// oci://ghcr.io/<org>/<repo>/<component> that repository's folder
// components/<component>, released with tags <component>/vX.Y.Z.
func DefaultRules() []ArtifactRule {
	return []ArtifactRule{
		{URL: "oci://ghcr.io/{org}/{repo}", Repository: "https://github.com/{org}/{repo}", From: RuleDefault},
		{URL: "oci://ghcr.io/{org}/{repo}/{component}", Repository: "https://github.com/{org}/{repo}",
			Path: "components/{component}", TagPrefix: "{component}/", From: RuleDefault},
	}
}

// placeholder is a {name} in a template.
var placeholder = regexp.MustCompile(`\{([A-Za-z0-9_.-]+)\}`)

// compilePattern turns an artifact URL pattern into a regular expression
// over the artifact URL without its scheme.
func compilePattern(url string) (*regexp.Regexp, error) {
	if !strings.HasPrefix(strings.TrimSpace(url), "oci://") {
		return nil, fmt.Errorf("artifact URL pattern %q does not start with oci://", url)
	}
	pat := trimOCI(url)
	var b strings.Builder
	b.WriteString("^")
	seen := map[string]bool{}
	last := 0
	for _, m := range placeholder.FindAllStringSubmatchIndex(pat, -1) {
		b.WriteString(regexp.QuoteMeta(pat[last:m[0]]))
		name := pat[m[2]:m[3]]
		if seen[name] {
			return nil, fmt.Errorf("artifact URL pattern %s names {%s} twice", url, name)
		}
		seen[name] = true
		elem := `[^/]+`
		if name == "owner" {
			// A registry namespace may nest (ghcr.io/org/team/...):
			// lazily, so the rest of the pattern keeps its elements.
			elem = `[^/]+(?:/[^/]+)*?`
		}
		fmt.Fprintf(&b, "(?P<%s>%s)", varName(name), elem)
		last = m[1]
	}
	b.WriteString(regexp.QuoteMeta(pat[last:]))
	b.WriteString("$")
	return regexp.Compile(b.String())
}

// varName is a placeholder's name as a regexp group names it.
func varName(name string) string { return strings.NewReplacer(".", "_", "-", "_").Replace(name) }

// match returns what the placeholders of the rule's URL matched in url,
// or false.
func (r *rule) match(url string) (map[string]string, bool) {
	re := r.re
	m := re.FindStringSubmatch(trimOCI(url))
	if m == nil {
		return nil, false
	}
	vars := map[string]string{}
	for i, name := range re.SubexpNames() {
		if name != "" {
			vars[name] = m[i]
		}
	}
	return vars, true
}

// expand replaces the placeholders of a template with vars; a placeholder
// the URL did not bind is an error.
func expand(tmpl string, vars map[string]string) (string, error) {
	var missing string
	out := placeholder.ReplaceAllStringFunc(tmpl, func(p string) string {
		name := varName(p[1 : len(p)-1])
		v, ok := vars[name]
		if !ok && missing == "" {
			missing = p
		}
		return v
	})
	if missing != "" {
		return "", fmt.Errorf("%s in %q is not in the URL pattern", missing, tmpl)
	}
	return out, nil
}

// trimOCI drops the oci:// scheme and trailing slashes, and lower-cases
// the registry host (OCI references name repositories in lower case).
func trimOCI(u string) string {
	u = strings.TrimSuffix(strings.TrimSpace(u), "/")
	u = strings.TrimPrefix(u, "oci://")
	if host, rest, ok := strings.Cut(u, "/"); ok {
		return strings.ToLower(host) + "/" + rest
	}
	return strings.ToLower(u)
}

// Map maps what an OCIRepository asks for to git. An artifact no rule
// maps, or a ref that no git ref stands for (a digest), is an error
// wrapping ErrNotRendered that says how to map it.
func (a *Artifacts) Map(spec Spec) (*Artifact, error) {
	url := strings.TrimSpace(spec.URL)
	if !strings.HasPrefix(url, "oci://") {
		return nil, errorf(ErrNotRendered, "%s is not an oci:// URL", url)
	}
	for i := range a.rules {
		r := &a.rules[i]
		vars, ok := r.match(url)
		if !ok {
			continue
		}
		art, err := r.artifact(url, spec.Ref, vars)
		if err == nil && a.nextRelease && ReleaseRef(spec.Ref) {
			// The next release is cut from what latest is built from.
			_, art.Refs, err = r.refs(url, map[string]string{"tag": "latest"}, "", vars)
			art.Ref += " (the next release: latest)"
		}
		return art, err
	}
	return nil, errorf(ErrNotRendered, "no rule maps the OCI artifact %s to a git repository: map it with artifacts: in .d1lint.yaml "+
		"(url: %s, repository: its git URL or local checkout, path: the folder CI pushes)", url, url)
}

// ReleaseRef reports whether an OCIRepository spec.ref follows what
// releases publish: a semver range, latest-stable, or a version tag.
func ReleaseRef(ref map[string]string) bool {
	if ref["digest"] != "" {
		return false
	}
	if ref["semver"] != "" {
		return true
	}
	tag := ref["tag"]
	if tag == "latest-stable" {
		return true
	}
	_, err := semver.StrictNewVersion(strings.TrimPrefix(tag, "v"))
	return err == nil
}

// artifact applies the rule r, whose URL pattern matched url with vars.
func (r *ArtifactRule) artifact(url string, ref map[string]string, vars map[string]string) (*Artifact, error) {
	repo, err := expand(r.Repository, vars)
	if err != nil {
		return nil, fmt.Errorf("%s: repository: %w", r.From, err)
	}
	dir, err := expand(r.Path, vars)
	if err != nil {
		return nil, fmt.Errorf("%s: path: %w", r.From, err)
	}
	dir = path.Clean("/" + dir)[1:]
	prefix := r.TagPrefix
	if prefix == "" && dir != "" {
		prefix = path.Base(dir) + "/"
	}
	if prefix, err = expand(prefix, vars); err != nil {
		return nil, fmt.Errorf("%s: tagPrefix: %w", r.From, err)
	}
	a := &Artifact{URL: url, Repository: repo, Path: dir, From: r.From}
	a.Ref, a.Refs, err = r.refs(url, ref, prefix, vars)
	return a, err
}

// refs reads an OCIRepository spec.ref as source-controller does (digest,
// then semver, then tag, by default the tag latest) and returns the git
// refs that stand for it.
func (r *ArtifactRule) refs(url string, ref map[string]string, prefix string, vars map[string]string) (string, []Ref, error) {
	withPrefix := func(sv string) []Ref {
		out := []Ref{{SemVer: sv, TagPrefix: prefix}}
		if prefix != "" {
			// A repository released as a whole tags vX.Y.Z.
			out = append(out, Ref{SemVer: sv})
		}
		return out
	}
	switch {
	case ref["digest"] != "":
		// A digest names the bytes CI pushed; git holds no record of which
		// commit they came from.
		return "digest " + ref["digest"], nil, errorf(ErrNotRendered,
			"%s@%s: a digest cannot be mapped to a git revision offline; pin a tag or a semver range to lint its source", url, ref["digest"])
	case ref["semver"] != "":
		return "semver " + ref["semver"], withPrefix(ref["semver"]), nil
	}
	tag := ref["tag"]
	if tag == "" {
		tag = "latest"
	}
	if g, ok := r.Tags[tag]; ok {
		var err error
		for _, f := range []*string{&g.Branch, &g.Tag, &g.SemVer, &g.Name, &g.Commit} {
			if *f, err = expand(*f, vars); err != nil {
				return "tag " + tag, nil, fmt.Errorf("%s: tags: %w", r.From, err)
			}
		}
		if g.SemVer != "" && g.TagPrefix == "" {
			return "tag " + tag, withPrefix(g.SemVer), nil
		}
		return "tag " + tag, []Ref{g}, nil
	}
	switch tag {
	case "latest":
		// CI pushes latest from every commit to main.
		return "tag " + tag, []Ref{{Branch: "main"}}, nil
	case "latest-stable":
		// ...and latest-stable from each release tag: the newest release.
		return "tag " + tag, withPrefix("*"), nil
	}
	if v, err := semver.StrictNewVersion(strings.TrimPrefix(tag, "v")); err == nil {
		var out []Ref
		for _, t := range []string{prefix + "v" + v.Original(), prefix + tag, "v" + v.Original(), tag} {
			if !slices.ContainsFunc(out, func(r Ref) bool { return r.Tag == t }) {
				out = append(out, Ref{Tag: t})
			}
		}
		return "tag " + tag, out, nil
	}
	return "tag " + tag, nil, errorf(ErrNotRendered,
		"%s:%s: no git ref is known to stand for the OCI tag %s; map it with tags: in the artifacts: entry of .d1lint.yaml", url, tag, tag)
}

// OCIKind returns the OCIRepository kind. It maps an artifact to a folder
// of a git repository with artifacts, and resolves that repository through
// resolveGit ([Resolver.Resolve], or a wrapper of it that memoises
// answers): the snapshot's Dir is the folder, so that kustomize-controller's
// build stays inside the artifact as it does in the cluster.
func OCIKind(resolveGit func(url string, ref Ref, ignore string) (*Snapshot, error), artifacts *Artifacts) Kind {
	if artifacts == nil {
		artifacts = DefaultArtifacts()
	}
	return &ociKind{resolve: resolveGit, artifacts: artifacts, subs: map[subKey]*Snapshot{}}
}

// ociKind is the OCIRepository Kind.
type ociKind struct {
	resolve   func(url string, ref Ref, ignore string) (*Snapshot, error)
	artifacts *Artifacts
	mu        sync.Mutex
	subs      map[subKey]*Snapshot
}

type subKey struct {
	snap          *Snapshot
	dir, artifact string
}

func (*ociKind) Kind() string { return OCIRepository }

func (k *ociKind) Resolve(spec Spec) (*Snapshot, error) {
	a, err := k.artifacts.Map(spec)
	if err != nil {
		return nil, err
	}
	var tried []string
	for _, ref := range a.Refs {
		snap, err := k.resolve(a.Repository, ref, spec.Ignore)
		if errors.Is(err, ErrRefNotFound) {
			tried = append(tried, ref.String())
			continue
		}
		if errors.Is(err, ErrUnmapped) && a.From == RuleDefault {
			// Only a guess maps it there (any artifact on ghcr.io matches
			// d2's conventions, third-party ones too): with no checkout of
			// that repository, the artifact is one d1lint does not read,
			// not a mistake of the fleet.
			return nil, errorf(ErrNotRendered, "%s (%s): d2's conventions map it to %s, which is not checked out (%v); "+
				"check that repository out beside the fleet, map it (sources: in .d1lint.yaml), or map the artifact with artifacts: in .d1lint.yaml",
				a.URL, a.Ref, a.Repository, err)
		}
		if err != nil {
			return nil, fmt.Errorf("%s (%s, mapped to %s by %s): %w", a.URL, a.Ref, a.Repository, a.From, err)
		}
		return k.sub(snap, a, ref)
	}
	return nil, errorf(ErrRefNotFound, "%s (%s): none of %s found in %s (mapped by %s)",
		a.URL, a.Ref, strings.Join(tried, ", "), a.Repository, a.From)
}

// sub returns the snapshot of the artifact's folder of snap, the same one
// for the same folder of the same snapshot.
func (k *ociKind) sub(snap *Snapshot, a *Artifact, ref Ref) (*Snapshot, error) {
	artifact := a.URL + ":" + strings.TrimPrefix(strings.TrimPrefix(a.Ref, "tag "), "semver ")
	if strings.HasPrefix(a.Ref, "semver ") {
		artifact = a.URL + " (" + a.Ref + ")"
	}
	key := subKey{snap: snap, dir: a.Path, artifact: artifact}
	k.mu.Lock()
	defer k.mu.Unlock()
	if s := k.subs[key]; s != nil {
		return s, nil
	}
	dir := snap.Dir
	if a.Path != "" {
		dir = filepath.Join(snap.Dir, filepath.FromSlash(a.Path))
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, errorf(ErrRefNotFound, "%s (%s): the folder %s it is pushed from is not in %s (%s)", a.URL, a.Ref, a.Path, a.Repository, snap.Note)
		}
	}
	s := *snap
	s.Dir, s.Prefix, s.Artifact = dir, a.Path, artifact
	if a.Path != "" {
		h := sha256.Sum256([]byte(snap.ID + "\x00" + a.Path))
		s.ID = hex.EncodeToString(h[:])[:16]
		// The artifact holds the folder only: its files' problems, named
		// from the artifact's root as the build names its files.
		s.Problems = nil
		for _, p := range snap.Problems {
			if rest, ok := strings.CutPrefix(p.Path, a.Path+"/"); ok {
				p.Path = rest
				s.Problems = append(s.Problems, p)
			}
		}
	}
	rev := ref.String()
	if s.Tag != "" {
		rev = "git tag " + s.Tag
	}
	where := "the root"
	if a.Path != "" {
		where = "folder " + a.Path
	}
	s.Note = fmt.Sprintf("%s → %s, %s of %s (%s); %s", artifact, rev, where, a.Repository, a.From, snap.Note)
	k.subs[key] = &s
	return &s, nil
}

// RepoPath returns the repository path of rel, a slash-separated path
// relative to Dir: rel within Prefix.
func (s *Snapshot) RepoPath(rel string) string {
	if s.Prefix == "" || rel == "" {
		return rel
	}
	return path.Join(s.Prefix, rel)
}

// RepoDir returns the folder holding the repository's files: Dir, less
// the Prefix it is the folder of.
func (s *Snapshot) RepoDir() string {
	if s.Prefix == "" {
		return s.Dir
	}
	dir := s.Dir
	for range strings.Split(s.Prefix, "/") {
		dir = filepath.Dir(dir)
	}
	return dir
}
