// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package fleet discovers the clusters of a d1-style fleet repository:
// every folder under clusters/, in the Flux Operator era (a FluxInstance
// whose spec.sync makes Flux create the flux-system GitRepository and
// Kustomization) or the bootstrap era (gotk-sync.yaml declaring them); and
// decides which repository the fleet checkout is (Identify).
package fleet

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/d1lint/d1lint/internal/source"
)

// Eras of a cluster's Flux installation.
const (
	EraOperator  = "operator"
	EraBootstrap = "bootstrap"
)

// maxFileSize caps the files discovery reads: the limit the source
// snapshots the renderer builds from apply to every file.
const maxFileSize = source.DefaultMaxFileSize

// Doc is one YAML document of a file with the line it starts on.
type Doc struct {
	Object map[string]any
	Line   int
	// node is the document's YAML mapping, for the lines of its fields.
	node *yaml.Node
}

// Cluster is a discovered cluster folder.
type Cluster struct {
	// Name is the folder name.
	Name string
	// Path is clusters/<name>, slash-separated, relative to the fleet root.
	Path string
	// Era is EraOperator or EraBootstrap ("" when neither was found).
	Era string
	// Instance is the FluxInstance (operator era).
	Instance map[string]any
	// InstanceFile and InstanceLine locate it.
	InstanceFile string
	InstanceLine int
	// SyncDir is the folder holding gotk-sync.yaml (bootstrap era).
	SyncDir string
	// Sync is the flux-system Kustomization as written in gotk-sync.yaml,
	// before the patches of the folder's kustomization.yaml (bootstrap era).
	Sync map[string]any
	// SyncFile and SyncLine locate the flux-system Kustomization (bootstrap era).
	SyncFile string
	SyncLine int
	// ComponentsFile is gotk-components.yaml, when present (bootstrap era).
	ComponentsFile string
	// URL, Ref and SyncPath are what the cluster's root syncs.
	URL      string
	Ref      source.Ref
	SyncPath string
	// URLFile and URLLine locate where URL is written: the FluxInstance's
	// spec.sync.url, or the flux-system GitRepository's spec.url in
	// gotk-sync.yaml (empty and 0 when the folder declares no sync).
	URLFile string
	URLLine int
	// Assumed is true when the cluster folder declares no sync at all (a
	// placeholder gotk-sync.yaml, as example repositories ship): the root is
	// then assumed to be what `flux bootstrap` creates, a flux-system
	// Kustomization applying ./clusters/<name> from the fleet repository.
	Assumed bool
	// Problem says why the cluster cannot be rendered ("" when it can).
	Problem string
}

// Discover lists the clusters under root/clusters, sorted by name. When only
// is not empty, the other clusters are left out; naming a cluster that does
// not exist is an error.
func Discover(root string, only []string) ([]*Cluster, error) {
	base := filepath.Join(root, "clusters")
	entries, err := os.ReadDir(base)
	if err != nil {
		return nil, fmt.Errorf("reading clusters of fleet %s: %w", root, err)
	}
	want := map[string]bool{}
	for _, o := range only {
		want[o] = true
	}
	found := map[string]bool{}
	var out []*Cluster
	for _, e := range entries {
		// Flux drops symlinks from artifacts: a symlinked cluster folder does not exist for it.
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if len(want) > 0 && !want[e.Name()] {
			continue
		}
		found[e.Name()] = true
		out = append(out, discoverOne(root, e.Name()))
	}
	var missing []string
	for w := range want {
		if !found[w] {
			missing = append(missing, w)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return nil, fmt.Errorf("no cluster %s in %s", strings.Join(missing, ", "), base)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func discoverOne(root, name string) *Cluster {
	c := &Cluster{Name: name, Path: "clusters/" + name}
	dir := filepath.Join(root, "clusters", name)
	var files []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 || d.IsDir() {
			return nil
		}
		// FIFOs, devices and sockets are never opened (a FIFO blocks its
		// reader, a device never ends); the fleet's snapshot drops them
		// with a warning, as it drops symlinks.
		if !d.Type().IsRegular() {
			return nil
		}
		if strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml") {
			files = append(files, p)
		}
		return nil
	})
	slices.Sort(files)
	instanceURLLine := 0
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		rel = filepath.ToSlash(rel)
		data, err := readCapped(f)
		if err != nil {
			continue
		}
		// Cheap test first: gotk-components.yaml is half a megabyte.
		if !bytes.Contains(data, []byte("FluxInstance")) && !bytes.Contains(data, []byte("flux-system")) {
			continue
		}
		if filepath.Base(f) == "gotk-components.yaml" {
			c.ComponentsFile = rel
			continue
		}
		docs, err := Decode(data)
		if err != nil {
			continue
		}
		for _, d := range docs {
			kind, _ := d.Object["kind"].(string)
			md, _ := d.Object["metadata"].(map[string]any)
			n, _ := md["name"].(string)
			ns, _ := md["namespace"].(string)
			switch {
			case kind == "FluxInstance" && c.Instance == nil:
				c.Instance, c.InstanceFile, c.InstanceLine = d.Object, rel, d.Line
				instanceURLLine = d.FieldLine("spec", "sync", "url")
			case kind == "Kustomization" && n == "flux-system" && ns == "flux-system" &&
				strings.HasPrefix(apiVersion(d.Object), "kustomize.toolkit.fluxcd.io/"):
				c.Sync, c.SyncFile, c.SyncLine, c.SyncDir = d.Object, rel, d.Line, filepath.ToSlash(filepath.Dir(rel))
				c.SyncPath = nestedString(d.Object, "spec", "path")
			case kind == "GitRepository" && n == "flux-system" && ns == "flux-system" && c.URL == "":
				c.URL = nestedString(d.Object, "spec", "url")
				c.Ref = refOf(d.Object)
				c.URLFile, c.URLLine = rel, d.FieldLine("spec", "url")
			}
		}
	}
	switch {
	case c.Instance != nil:
		c.Era = EraOperator
		c.URL = nestedString(c.Instance, "spec", "sync", "url")
		c.URLFile, c.URLLine = c.InstanceFile, instanceURLLine
		c.SyncPath = nestedString(c.Instance, "spec", "sync", "path")
		c.Ref = RefFromSync(nestedString(c.Instance, "spec", "sync", "ref"))
		if kind := nestedString(c.Instance, "spec", "sync", "kind"); kind != "" && kind != "GitRepository" {
			c.Problem = fmt.Sprintf("%s: FluxInstance syncs from a %s; d1lint renders git sources only", c.InstanceFile, kind)
		} else if c.URL == "" {
			c.Problem = fmt.Sprintf("%s: FluxInstance has no spec.sync.url", c.InstanceFile)
		}
	case c.SyncFile != "":
		c.Era = EraBootstrap
		if c.URL == "" {
			c.Problem = fmt.Sprintf("%s: no GitRepository flux-system next to the flux-system Kustomization", c.SyncFile)
		}
	case len(files) > 0:
		c.Era, c.Assumed = EraBootstrap, true
		c.SyncPath, c.SyncDir = "./"+c.Path, c.Path
		c.Ref = source.Ref{Branch: "main"}
		c.Sync = map[string]any{
			"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
			"metadata": map[string]any{"name": "flux-system", "namespace": "flux-system"},
			"spec": map[string]any{"interval": "10m0s", "path": c.SyncPath, "prune": true,
				"sourceRef": map[string]any{"kind": "GitRepository", "name": "flux-system"}},
		}
	default:
		c.Problem = fmt.Sprintf("%s: neither a FluxInstance nor a flux-system Kustomization (gotk-sync.yaml) was found", c.Path)
	}
	return c
}

// RefFromSync turns a FluxInstance spec.sync.ref ("refs/heads/main",
// "refs/tags/v1", a plain branch name) into a source ref.
func RefFromSync(ref string) source.Ref {
	switch {
	case strings.HasPrefix(ref, "refs/heads/"):
		return source.Ref{Branch: strings.TrimPrefix(ref, "refs/heads/")}
	case strings.HasPrefix(ref, "refs/tags/"):
		return source.Ref{Tag: strings.TrimPrefix(ref, "refs/tags/")}
	case strings.HasPrefix(ref, "refs/"):
		return source.Ref{Name: ref}
	case ref == "":
		return source.Ref{Branch: "main"}
	default:
		return source.Ref{Branch: ref}
	}
}

func refOf(obj map[string]any) source.Ref {
	return source.Ref{
		Branch: nestedString(obj, "spec", "ref", "branch"),
		Tag:    nestedString(obj, "spec", "ref", "tag"),
		SemVer: nestedString(obj, "spec", "ref", "semver"),
		Name:   nestedString(obj, "spec", "ref", "name"),
		Commit: nestedString(obj, "spec", "ref", "commit"),
	}
}

// readCapped reads the regular file p, at most maxFileSize bytes. The file
// is checked before it is opened (opening a FIFO blocks) and again once
// open, so that one swapped for a device or a FIFO in between is not read.
func readCapped(p string) ([]byte, error) {
	st, err := os.Lstat(p)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", p)
	}
	if st.Size() > maxFileSize {
		return nil, fmt.Errorf("%s: file too large", p)
	}
	f, err := os.OpenFile(p, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !os.SameFile(fi, st) {
		return nil, fmt.Errorf("%s: changed while being read", p)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > maxFileSize {
		return nil, fmt.Errorf("%s: file too large", p)
	}
	return data, nil
}

func apiVersion(obj map[string]any) string { s, _ := obj["apiVersion"].(string); return s }

func nestedString(obj map[string]any, fields ...string) string {
	var cur any = obj
	for _, f := range fields {
		m, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = m[f]
	}
	s, _ := cur.(string)
	return s
}

// AssumeURL names the fleet repository for the clusters whose folder
// declares no sync (Assumed): url when given (the renderer gives the
// fleet's Identity), else the URL the other
// clusters sync, else "local/<folder name>" of the fleet at path.
func AssumeURL(specs []*Cluster, url, path string) {
	if url == "" {
		for _, s := range specs {
			if !s.Assumed && s.URL != "" {
				url = s.URL
				break
			}
		}
	}
	if url == "" {
		abs, err := filepath.Abs(path)
		if err != nil {
			abs = path
		}
		url = "local/" + filepath.Base(abs)
	}
	for _, s := range specs {
		if s.Assumed {
			s.URL = url
		}
	}
}
