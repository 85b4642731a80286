// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package fleet

import (
	"bytes"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// object is one Flux object discovery reads: a FluxInstance, a
// GitRepository or a Flux Kustomization, with the file (relative to the
// fleet folder, slash-separated) and the document that declare it.
type object struct {
	file      string
	doc       Doc
	namespace string
	name      string
}

func (o *object) key() string { return o.namespace + "/" + o.name }

// scanned is what one walk of the fleet folder found.
type scanned struct {
	// files are every YAML file, relative to the fleet folder, sorted.
	files []string
	// dirs are every folder, relative to the fleet folder, sorted ("."
	// first).
	dirs []string
	// instances, repos and kustomizations are the FluxInstances,
	// GitRepositories and Flux Kustomizations, in file order.
	instances, repos, kustomizations []*object
	// components are the gotk-components.yaml files.
	components []string
	// flux are the folders holding a Flux object or a file flux bootstrap
	// writes (gotk-*.yaml, even a placeholder).
	flux map[string]bool
	// refs are the targets of kustomize references (resources, components,
	// bases) by the folder whose kustomization.yaml makes them; targets
	// are cleaned paths relative to the fleet folder (they may climb out
	// with "..").
	refs map[string][]string
}

// kustomizeFiles are the names kustomize reads as a folder's kustomization.
var kustomizeFiles = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// scan walks the fleet folder at root. Hidden folders (.git, .github) are
// not read; symlinks and special files are skipped, as Flux drops them
// from artifacts and the fleet's snapshot drops them with a warning.
// Files that do not decode are skipped: the render reports them.
func scan(root string) *scanned {
	s := &scanned{flux: map[string]bool{}, refs: map[string][]string{}}
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		rel, rerr := filepath.Rel(root, p)
		if rerr != nil {
			return nil
		}
		rel = filepath.ToSlash(rel)
		if d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		if d.IsDir() {
			if rel != "." && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			s.dirs = append(s.dirs, rel)
			return nil
		}
		// FIFOs, devices and sockets are never opened (a FIFO blocks its
		// reader, a device never ends).
		if !d.Type().IsRegular() {
			return nil
		}
		name := d.Name()
		if name == "Kustomization" || strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") {
			s.files = append(s.files, rel)
		}
		return nil
	})
	slices.Sort(s.dirs)
	slices.Sort(s.files)
	for _, rel := range s.files {
		s.read(root, rel)
	}
	return s
}

// read records what one file declares.
func (s *scanned) read(root, rel string) {
	dir, base := path.Dir(rel), path.Base(rel)
	if base == "gotk-components.yaml" {
		// Half a megabyte of CRDs and controllers: its name says enough.
		s.components = append(s.components, rel)
		s.flux[dir] = true
		return
	}
	if strings.HasPrefix(base, "gotk-") {
		// flux bootstrap's files, placeholders included.
		s.flux[dir] = true
	}
	isKustomize := slices.Contains(kustomizeFiles, base)
	data, err := readCapped(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		return
	}
	// Cheap test first: most manifests name no Flux API.
	if !isKustomize && !bytes.Contains(data, []byte("fluxcd.")) {
		return
	}
	docs, _ := Decode(data)
	for _, d := range docs {
		api, kind := apiVersion(d.Object), nestedString(d.Object, "kind")
		if isKustomize && (api == "" || strings.HasPrefix(api, "kustomize.config.k8s.io/")) {
			s.kustomizeRefs(dir, d.Object)
			continue
		}
		group, _, _ := strings.Cut(api, "/")
		if !strings.HasSuffix(group, ".fluxcd.io") && group != "fluxcd.controlplane.io" {
			continue
		}
		s.flux[dir] = true
		o := &object{file: rel, doc: d, namespace: nestedString(d.Object, "metadata", "namespace"), name: nestedString(d.Object, "metadata", "name")}
		switch {
		case kind == "FluxInstance" && group == "fluxcd.controlplane.io":
			s.instances = append(s.instances, o)
		case kind == "GitRepository" && group == "source.toolkit.fluxcd.io":
			s.repos = append(s.repos, o)
		case kind == "Kustomization" && group == "kustomize.toolkit.fluxcd.io":
			s.kustomizations = append(s.kustomizations, o)
		}
	}
}

// kustomizeRefs records the local paths a kustomization.yaml in dir
// refers to. URLs (remote bases, which Flux refuses) refer to nothing here.
func (s *scanned) kustomizeRefs(dir string, k map[string]any) {
	for _, field := range []string{"resources", "components", "bases"} {
		l, _ := k[field].([]any)
		for _, e := range l {
			ref, _ := e.(string)
			if ref == "" || strings.Contains(ref, "://") || path.IsAbs(ref) {
				continue
			}
			s.refs[dir] = append(s.refs[dir], path.Join(dir, ref))
		}
	}
}

// within tells whether the slash path p is folder dir or lies in it ("."
// holds everything but paths climbing out with "..").
func within(p, dir string) bool {
	if dir == "." {
		return p != ".." && !strings.HasPrefix(p, "../")
	}
	return p == dir || strings.HasPrefix(p, dir+"/")
}

// cleanPath turns a Flux spec.path ("./clusters/x/", "", "/x") into a
// cleaned slash path relative to the repository root ("." for the root).
// kustomize-controller resolves an absolute spec.path inside the artifact
// too (SecureJoin), so a leading "/" is dropped.
func cleanPath(p string) string {
	return path.Clean(strings.TrimLeft(strings.TrimSpace(p), "/"))
}
