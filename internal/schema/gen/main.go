// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Command gen builds d1lint's schema bundle (run it with
// `go generate ./internal/schema`). It reads the list of sources
// (sources.yaml), obtains each module with `go mod download -json` (the
// module cache and the module proxy, as any Go build does), converts the
// OpenAPI and CRD files it names to strict JSON Schema, and writes
// schemas.zip and provenance.json. The same list gives the same bytes.
package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/Masterminds/semver/v3"
	"gopkg.in/yaml.v3"

	"github.com/d1lint/d1lint/internal/openapi"
)

// Sources is the list in sources.yaml.
type Sources struct {
	Sources []Source `yaml:"sources"`
}

// Source is one module and the files taken from it.
type Source struct {
	Name    string   `yaml:"name" json:"name"`
	Kind    string   `yaml:"kind" json:"kind"`
	Module  string   `yaml:"module" json:"module"`
	Version string   `yaml:"version" json:"version"`
	Paths   []string `yaml:"paths" json:"paths"`
	Minimum string   `yaml:"minimum,omitempty" json:"minimum,omitempty"`
}

// Provenance is provenance.json: every source, what was taken from it, and
// the bundle it produced.
type Provenance struct {
	Generator string        `json:"generator"`
	Sources   []Provenanced `json:"sources"`
	Bundle    struct {
		File   string `json:"file"`
		SHA256 string `json:"sha256"`
	} `json:"bundle"`
}

// Provenanced is one source with the module checksum and the files read.
type Provenanced struct {
	Source
	Sum      string   `json:"sum"`
	Files    []string `json:"files"`
	Releases []string `json:"releases,omitempty"`
}

func main() {
	sources := flag.String("sources", "sources.yaml", "the list of sources")
	out := flag.String("out", "bundle", "folder to write schemas.zip and provenance.json to")
	flag.Parse()
	if err := run(*sources, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(sourcesPath, out string) error {
	data, err := os.ReadFile(sourcesPath)
	if err != nil {
		return err
	}
	var list Sources
	if err := yaml.Unmarshal(data, &list); err != nil {
		return fmt.Errorf("%s: %w", sourcesPath, err)
	}
	b := &builder{schemas: map[string][]byte{}}
	prov := Provenance{Generator: "go generate ./internal/schema (internal/schema/gen, sources.yaml)"}
	for _, s := range list.Sources {
		p, err := b.add(s)
		if err != nil {
			return fmt.Errorf("%s %s@%s: %w", s.Name, s.Module, s.Version, err)
		}
		prov.Sources = append(prov.Sources, p)
	}
	zipped, err := b.zip()
	if err != nil {
		return err
	}
	sum := sha256.Sum256(zipped)
	prov.Bundle.File, prov.Bundle.SHA256 = "schemas.zip", hex.EncodeToString(sum[:])
	pj, err := json.MarshalIndent(prov, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "schemas.zip"), zipped, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "provenance.json"), append(pj, '\n'), 0o644)
}

type builder struct {
	index   openapi.Index
	schemas map[string][]byte
}

// module downloads a module the ordinary Go way and opens its zip. A module
// whose go.mod asks for a newer Go still downloads: go mod download reports
// the error but fills the cache and names the zip.
func module(mod, version string) (*zip.Reader, string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", mod+"@"+version)
	cmd.Dir = os.TempDir()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var info struct{ Zip, Sum, Error string }
	if err := json.Unmarshal(stdout.Bytes(), &info); err != nil {
		return nil, "", fmt.Errorf("go mod download: %v: %w: %s", runErr, err, stderr.Bytes())
	}
	if info.Zip == "" {
		return nil, "", fmt.Errorf("go mod download: %s %s", info.Error, stderr.Bytes())
	}
	data, err := os.ReadFile(info.Zip)
	if err != nil {
		return nil, "", err
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", info.Zip, err)
	}
	return zr, info.Sum, nil
}

// files returns the module files matching the globs, by path in the module.
func files(zr *zip.Reader, prefix string, globs []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, f := range zr.File {
		name, ok := strings.CutPrefix(f.Name, prefix)
		if !ok {
			continue
		}
		for _, g := range globs {
			if m, _ := path.Match(g, name); !m {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			data, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				return nil, err
			}
			out[name] = data
			break
		}
	}
	for _, g := range globs {
		found := false
		for name := range out {
			if m, _ := path.Match(g, name); m {
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("no file matches %s", g)
		}
	}
	return out, nil
}

func (b *builder) add(s Source) (Provenanced, error) {
	p := Provenanced{Source: s}
	zr, sum, err := module(s.Module, s.Version)
	if err != nil {
		return p, err
	}
	p.Sum = sum
	fs, err := files(zr, s.Module+"@"+s.Version+"/", s.Paths)
	if err != nil {
		return p, err
	}
	names := slices.Sorted(maps.Keys(fs))
	source := s.Module + "@" + s.Version
	switch s.Kind {
	case "kubernetes":
		if len(fs) != 1 {
			return p, fmt.Errorf("a kubernetes source names one swagger.json, got %d files", len(fs))
		}
		defs, kinds, err := openapi.Kubernetes(fs[names[0]])
		if err != nil {
			return p, err
		}
		rel := openapi.KubeRelease{Version: strings.TrimPrefix(s.Version, "v"), Source: source,
			Definitions: map[string]string{}, Kinds: kinds}
		for name, doc := range defs {
			if rel.Definitions[name], err = b.store(doc); err != nil {
				return p, err
			}
		}
		b.index.Kubernetes = append(b.index.Kubernetes, rel)
	case "flux":
		min, err := semver.NewVersion(s.Minimum)
		if err != nil {
			return p, fmt.Errorf("minimum: %w", err)
		}
		// The newest patch of each minor: releases are the folder names.
		newest := map[string]*semver.Version{}
		for _, n := range names {
			rel, err := semver.NewVersion(path.Base(path.Dir(n)))
			if err != nil || rel.LessThan(min) || rel.Prerelease() != "" {
				continue
			}
			key := fmt.Sprintf("%d.%d", rel.Major(), rel.Minor())
			if cur, ok := newest[key]; !ok || rel.GreaterThan(cur) {
				newest[key] = rel
			}
		}
		var releases []*semver.Version
		for _, v := range newest {
			releases = append(releases, v)
		}
		sort.Sort(sort.Reverse(semver.Collection(releases)))
		for _, rel := range releases {
			set := openapi.CRDSet{Name: s.Name, Version: rel.String()}
			var used []string
			for _, n := range names {
				if path.Base(path.Dir(n)) != rel.Original() {
					continue
				}
				crds, err := b.crds(n, fs[n])
				if err != nil {
					return p, err
				}
				if len(crds) > 0 {
					used = append(used, n)
					set.CRDs = append(set.CRDs, crds...)
				}
			}
			set.Source = source + "/" + path.Dir(used[0])
			sortCRDs(set.CRDs)
			b.index.Sets = append(b.index.Sets, set)
			p.Files = append(p.Files, used...)
			p.Releases = append(p.Releases, rel.String())
		}
		return p, nil
	case "crds":
		set := openapi.CRDSet{Name: s.Name, Version: s.Version, Source: source}
		for _, n := range names {
			crds, err := b.crds(n, fs[n])
			if err != nil {
				return p, err
			}
			set.CRDs = append(set.CRDs, crds...)
		}
		sortCRDs(set.CRDs)
		b.index.Sets = append(b.index.Sets, set)
	default:
		return p, fmt.Errorf("unknown kind %q (kubernetes, flux or crds)", s.Kind)
	}
	p.Files = names
	return p, nil
}

// crds reads the CustomResourceDefinitions of a multi-document YAML file.
func (b *builder) crds(name string, data []byte) ([]openapi.CRD, error) {
	var out []openapi.CRD
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var obj map[string]any
		err := dec.Decode(&obj)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if obj["kind"] != "CustomResourceDefinition" {
			continue
		}
		crd, schemas, err := openapi.ParseCRD(obj)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for d, s := range schemas {
			b.schemas[d] = s
		}
		out = append(out, *crd)
	}
}

func (b *builder) store(doc any) (string, error) {
	d, data, err := openapi.Digest(doc)
	if err != nil {
		return "", err
	}
	b.schemas[d] = data
	return d, nil
}

func sortCRDs(crds []openapi.CRD) {
	sort.Slice(crds, func(i, j int) bool {
		if crds[i].Group != crds[j].Group {
			return crds[i].Group < crds[j].Group
		}
		return crds[i].Kind < crds[j].Kind
	})
}

// zip writes index.json and every schema, sorted, with no timestamps, so
// that the same sources give the same bytes.
func (b *builder) zip() ([]byte, error) {
	idx, err := json.Marshal(b.index)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	write := func(name string, data []byte) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	}
	if err := write("index.json", idx); err != nil {
		return nil, err
	}
	for _, d := range slices.Sorted(maps.Keys(b.schemas)) {
		if err := write("schemas/"+d+".json", b.schemas[d]); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
