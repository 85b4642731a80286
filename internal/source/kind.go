// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package source

import (
	"maps"
	"slices"
	"strings"
)

// Spec is what a Flux source object asks for, read from its spec as
// written: the fields a [Kind] needs to find the content offline.
type Spec struct {
	// URL is spec.url.
	URL string
	// Ref is spec.ref: for a GitRepository branch, tag, semver, name and
	// commit; for an OCIRepository tag, semver and digest.
	Ref map[string]string
	// Ignore is spec.ignore: .gitignore-style rules applied on top of the
	// source's own .sourceignore files.
	Ignore string
}

// A Kind resolves the Flux sources of one kind (GitRepository,
// OCIRepository...) to snapshots. Resolve may be called from several
// goroutines at once; a Kind whose resolution is costly memoises it.
type Kind interface {
	// Kind is the Flux kind it resolves, as a sourceRef names it:
	// "GitRepository".
	Kind() string
	// Resolve materialises the content spec asks for.
	Resolve(spec Spec) (*Snapshot, error)
}

// Kinds is a set of [Kind]s looked up by name. It is not changed after
// NewKinds, so it is safe for concurrent use.
type Kinds struct {
	byName map[string]Kind
}

// NewKinds returns the set of kinds; of two kinds with the same name the
// later one is kept.
func NewKinds(kinds ...Kind) *Kinds {
	k := &Kinds{byName: make(map[string]Kind, len(kinds))}
	for _, kind := range kinds {
		k.byName[kind.Kind()] = kind
	}
	return k
}

// Lookup returns the kind named name (a sourceRef's kind), if there is one.
func (k *Kinds) Lookup(name string) (Kind, bool) {
	kind, ok := k.byName[name]
	return kind, ok
}

// Names returns the names of the kinds, sorted.
func (k *Kinds) Names() []string {
	return slices.Sorted(maps.Keys(k.byName))
}

// GitRepository is the name of the [GitKind].
const GitRepository = "GitRepository"

// GitKind returns the GitRepository kind. It reads spec.ref the way
// source-controller does and resolves through resolve: [Resolver.Resolve],
// or a wrapper of it that memoises answers.
func GitKind(resolve func(url string, ref Ref, ignore string) (*Snapshot, error)) Kind {
	return gitKind{resolve: resolve}
}

// gitKind is the GitRepository Kind.
type gitKind struct {
	resolve func(url string, ref Ref, ignore string) (*Snapshot, error)
}

func (gitKind) Kind() string { return GitRepository }

func (g gitKind) Resolve(spec Spec) (*Snapshot, error) {
	return g.resolve(spec.URL, gitRef(spec.Ref), spec.Ignore)
}

// gitRef reads a GitRepository spec.ref.
func gitRef(m map[string]string) Ref {
	r := Ref{Branch: m["branch"], Tag: m["tag"], SemVer: m["semver"], Name: m["name"], Commit: m["commit"]}
	// Flux Operator writes a FluxInstance's spec.sync.ref ("refs/heads/main")
	// into the GitRepository's spec.ref.name. source-controller checks such a
	// name out as the ref it names, which for refs/heads/x is branch x and
	// for refs/tags/x is tag x; reading them as such lets a mapped working
	// tree or branch stand for them, as it does for spec.ref.branch.
	if strings.HasPrefix(r.Name, "refs/heads/") && r.Branch == "" {
		r.Branch, r.Name = strings.TrimPrefix(r.Name, "refs/heads/"), ""
	}
	if strings.HasPrefix(r.Name, "refs/tags/") && r.Tag == "" {
		r.Tag, r.Name = strings.TrimPrefix(r.Name, "refs/tags/"), ""
	}
	return r
}
