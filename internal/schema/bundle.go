// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package schema

import (
	"archive/zip"
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	jsonschema "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/d1lint/d1lint/internal/openapi"
)

//go:generate go run ./gen -sources sources.yaml -out bundle

// bundleZip is the schema bundle that go generate writes: index.json and
// every schema, compressed, each stored once by digest.
//
//go:embed bundle/schemas.zip
var bundleZip []byte

// ProvenanceJSON names every source of the bundle and its version
// (bundle/provenance.json).
//
//go:embed bundle/provenance.json
var ProvenanceJSON []byte

// Bundle is the schemas built into d1lint.
type Bundle struct {
	index openapi.Index
	files map[string]*zip.File
	mu    sync.Mutex
	docs  map[string]any
}

var (
	bundleOnce sync.Once
	bundled    *Bundle
	bundleErr  error
)

// Bundled opens the built-in bundle (once per process). Schemas are
// decompressed when first needed.
func Bundled() (*Bundle, error) {
	bundleOnce.Do(func() { bundled, bundleErr = openBundle(bundleZip) })
	return bundled, bundleErr
}

func openBundle(data []byte) (*Bundle, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("schema bundle: %w", err)
	}
	b := &Bundle{files: map[string]*zip.File{}, docs: map[string]any{}}
	for _, f := range zr.File {
		b.files[f.Name] = f
	}
	raw, err := b.read("index.json")
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &b.index); err != nil {
		return nil, fmt.Errorf("schema bundle: index.json: %w", err)
	}
	if len(b.index.Kubernetes) == 0 {
		return nil, fmt.Errorf("schema bundle: no Kubernetes release")
	}
	return b, nil
}

func (b *Bundle) read(name string) ([]byte, error) {
	f, ok := b.files[name]
	if !ok {
		return nil, fmt.Errorf("schema bundle: no %s", name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("schema bundle: %s: %w", name, err)
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// doc returns the schema document with the given digest, decoded as the
// JSON Schema compiler wants it (numbers as json.Number).
func (b *Bundle) doc(digest string) (any, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if d, ok := b.docs[digest]; ok {
		return d, nil
	}
	raw, err := b.read("schemas/" + digest + ".json")
	if err != nil {
		return nil, err
	}
	d, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("schema bundle: %s: %w", digest, err)
	}
	b.docs[digest] = d
	return d, nil
}

// Index is what the bundle holds.
func (b *Bundle) Index() openapi.Index { return b.index }

// KubeVersions are the bundled Kubernetes releases, the default first.
func (b *Bundle) KubeVersions() []string {
	var out []string
	for _, k := range b.index.Kubernetes {
		out = append(out, k.Version)
	}
	return out
}

// FluxVersions are the bundled Flux releases, newest first.
func (b *Bundle) FluxVersions() []string {
	var out []string
	for _, s := range b.index.Sets {
		if s.Name == fluxSet {
			out = append(out, s.Version)
		}
	}
	return out
}

// kube returns the bundled Kubernetes release that version names: "" for
// the default, else a minor ("1.36") or a release ("v1.36.3") whose minor
// is bundled.
func (b *Bundle) kube(version string) (*openapi.KubeRelease, error) {
	if version == "" {
		return &b.index.Kubernetes[0], nil
	}
	want := strings.TrimPrefix(version, "v")
	for i, k := range b.index.Kubernetes {
		if k.Version == want || minor(k.Version) == minor(want) {
			return &b.index.Kubernetes[i], nil
		}
	}
	return nil, fmt.Errorf("Kubernetes %s has no bundled schemas (bundled: %s)", version, strings.Join(b.KubeVersions(), ", "))
}

// minor is "1.37" of "1.37.2".
func minor(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v
	}
	return parts[0] + "." + parts[1]
}

// Entry is one bundled kind, for `d1lint schemas`.
type Entry struct {
	Group string `json:"group"`
	Kind  string `json:"kind"`
	// Versions are the API versions with a schema; deprecated ones are
	// suffixed " (deprecated)" and ones no longer served " (not served)".
	Versions []string `json:"versions"`
	// Source is the set ("kubernetes", "flux", "kyverno", ...).
	Source string `json:"source"`
	// Releases are the releases of the source that carry exactly these
	// versions, newest first.
	Releases []string `json:"releases"`
	// Module is where the schemas come from (module@version).
	Module string `json:"module"`
}

// Entries lists every bundled kind, one entry per source and set of
// versions, sorted by group, kind and source.
func (b *Bundle) Entries() []Entry {
	type key struct{ source, group, kind, versions string }
	var order []key
	byKey := map[key]*Entry{}
	add := func(source, group, kind string, versions []string, release, module string) {
		k := key{source, group, kind, strings.Join(versions, ",")}
		e, ok := byKey[k]
		if !ok {
			e = &Entry{Group: group, Kind: kind, Versions: versions, Source: source, Module: module}
			byKey[k] = e
			order = append(order, k)
		}
		e.Releases = append(e.Releases, release)
	}
	for _, k := range b.index.Kubernetes {
		byGK := map[[2]string][]string{}
		var gks [][2]string
		for _, kind := range k.Kinds {
			gk := [2]string{kind.Group, kind.Kind}
			if _, ok := byGK[gk]; !ok {
				gks = append(gks, gk)
			}
			byGK[gk] = append(byGK[gk], kind.Version)
		}
		for _, gk := range gks {
			add("kubernetes", gk[0], gk[1], byGK[gk], k.Version, k.Source)
		}
	}
	for _, s := range b.index.Sets {
		module, _, _ := strings.Cut(s.Source, "/config")
		if s.Name != fluxSet {
			module = s.Source
		}
		for _, c := range s.CRDs {
			var vs []string
			for _, v := range c.Versions {
				name := v.Name
				switch {
				case !v.Served:
					name += " (not served)"
				case v.Deprecated:
					name += " (deprecated)"
				}
				vs = append(vs, name)
			}
			add(s.Name, c.Group, c.Kind, vs, s.Version, module)
		}
	}
	out := make([]Entry, 0, len(order))
	for _, k := range order {
		out = append(out, *byKey[k])
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Source < b.Source
	})
	return out
}
