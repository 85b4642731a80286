// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/yaml"

	"github.com/d1lint/d1lint/internal/model"
)

// hazard is an entry of a kustomization file that must not reach kustomize.
type hazard struct {
	kind   string // a model.Problem* kind
	file   string // the kustomization file, relative to the source root
	line   int    // the line concerned, 0 when unknown
	reason string
}

// prechecked is what precheck learnt about a build before kustomize runs.
type prechecked struct {
	hazards []hazard
	// openapi is set when a kustomization sets a custom OpenAPI schema.
	openapi bool
	// manifests are the files kustomize reads as YAML documents (resources,
	// patches, the manifests of folders without a kustomization file), in
	// walk order; blame decodes them when kustomize fails.
	manifests []string
}

// precheck walks the kustomization files reachable from dir and reports
// every entry kustomize would load from outside the source root or from the
// network. kustomize's loader treats any resource it cannot find on disk as
// a remote base and runs git for it (even with remote bases refused), and
// fetches http(s) URLs given as files. kustomize-controller fetches remote
// bases unless it runs with --no-remote-bases, but d1lint never touches the
// network: every entry must be a local, relative, existing path inside
// root, and a remote one is reported as such.
//
// It also reports whether a kustomization sets a custom OpenAPI schema, and
// lists the manifests the build reads.
//
// refused maps files the snapshot refused (slash paths relative to root) to
// why; an entry naming one is reported as refused rather than missing.
func precheck(root, dir string, refused map[string]string) prechecked {
	p := &prechecker{root: root, refused: refused, visiting: map[string]bool{}, done: map[string]bool{}}
	p.dir(dir, nil)
	sort.SliceStable(p.out, func(i, j int) bool {
		if p.out[i].file != p.out[j].file {
			return p.out[i].file < p.out[j].file
		}
		return p.out[i].reason < p.out[j].reason
	})
	return prechecked{hazards: p.out, openapi: p.openapi, manifests: p.manifests}
}

type prechecker struct {
	refused   map[string]string
	openapi   bool
	root      string
	visiting  map[string]bool
	done      map[string]bool
	out       []hazard
	manifests []string
}

func (p *prechecker) rel(path string) string {
	r, err := filepath.Rel(p.root, path)
	if err != nil {
		return path
	}
	return filepath.ToSlash(r)
}

func kustomizationFile(dir string) string {
	for _, name := range konfig.RecognizedKustomizationFileNames() {
		f := filepath.Join(dir, name)
		if st, err := os.Lstat(f); err == nil && st.Mode().IsRegular() {
			return f
		}
	}
	return ""
}

// dir checks the kustomization in dir, or, when it has none, the
// subfolders Flux's generator would include.
func (p *prechecker) dir(dir string, stack []string) {
	if p.visiting[dir] {
		chain := append(append([]string{}, stack...), p.rel(dir))
		p.add(model.ProblemCycle, p.rel(dir), "kustomize base cycle: "+strings.Join(chain, " -> "))
		return
	}
	if p.done[dir] {
		return
	}
	p.visiting[dir] = true
	defer func() { p.visiting[dir] = false; p.done[dir] = true }()
	stack = append(stack, p.rel(dir))

	kfile := kustomizationFile(dir)
	if kfile == "" {
		// Flux generates a kustomization.yaml listing the manifests and the
		// subfolders that hold a kustomization file (not descending into them).
		_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || path == dir {
				return nil
			}
			if !d.IsDir() {
				if d.Type().IsRegular() && isManifest(path) {
					p.manifests = append(p.manifests, path)
				}
				return nil
			}
			if kustomizationFile(path) != "" {
				p.dir(path, stack)
				return filepath.SkipDir
			}
			return nil
		})
		return
	}
	data, err := os.ReadFile(kfile)
	if err != nil {
		p.add(model.ProblemBuild, p.rel(kfile), err.Error())
		return
	}
	if bad := checkYAML(data); bad != nil {
		p.out = append(p.out, hazard{kind: model.ProblemInvalidYAML, file: p.rel(kfile), line: bad.line,
			reason: fmt.Sprintf("invalid YAML in %s: %s", p.rel(kfile), bad.msg)})
		return
	}
	var k map[string]any
	if err := yaml.Unmarshal(data, &k); err != nil {
		p.add(model.ProblemInvalidYAML, p.rel(kfile), fmt.Sprintf("invalid YAML in %s: %v", p.rel(kfile), err))
		return
	}
	for _, f := range []string{"resources", "bases", "components"} {
		for _, e := range strings_(k[f]) {
			if full, ok := p.entry(kfile, f, e); ok {
				if st, err := os.Stat(full); err == nil && st.IsDir() {
					p.dir(full, stack)
				} else if err == nil && st.Mode().IsRegular() {
					p.manifests = append(p.manifests, full)
				}
			}
		}
	}
	for _, f := range []string{"crds", "configurations", "generators", "transformers", "validators"} {
		for _, e := range strings_(k[f]) {
			if looksInline(e) {
				continue
			}
			p.entry(kfile, f, e)
		}
	}
	for _, e := range strings_(k["patchesStrategicMerge"]) {
		if !looksInline(e) {
			if full, ok := p.entry(kfile, "patchesStrategicMerge", e); ok {
				p.manifests = append(p.manifests, full)
			}
		}
	}
	for _, f := range []string{"patches", "patchesJson6902", "replacements"} {
		for _, m := range objectList(k[f]) {
			if s, ok := m["path"].(string); ok && s != "" {
				if full, ok := p.entry(kfile, f+".path", s); ok {
					p.manifests = append(p.manifests, full)
				}
			}
		}
	}
	if m, ok := k["openapi"].(map[string]any); ok {
		p.openapi = true
		if s, ok := m["path"].(string); ok && s != "" {
			p.entry(kfile, "openapi.path", s)
		}
	}
	for _, f := range []string{"configMapGenerator", "secretGenerator"} {
		for _, m := range objectList(k[f]) {
			for _, e := range strings_(m["files"]) {
				// "key=path" names the key; the path follows the '='.
				if i := strings.Index(e, "="); i >= 0 && !isURL(e) {
					e = e[i+1:]
				}
				p.entry(kfile, f+".files", e)
			}
			for _, e := range append(strings_(m["envs"]), strings_(m["env"])...) {
				p.entry(kfile, f+".envs", e)
			}
		}
	}
	if _, ok := k["helmCharts"]; ok {
		p.add(model.ProblemRemoteBase, p.rel(kfile),
			fmt.Sprintf("%s: helmCharts is not supported by Flux (kustomize-controller builds with Helm disabled)", p.rel(kfile)))
	}
}

// entry checks one path entry of kfile and returns its absolute path when it
// is local, inside the root and exists.
func (p *prechecker) entry(kfile, field, e string) (string, bool) {
	rel := p.rel(kfile)
	switch {
	case isURL(e) || !isLocalRelative(e):
		if filepath.IsAbs(e) {
			p.add(model.ProblemAbsolutePath, rel, fmt.Sprintf("%s: %s entry %q is an absolute path; Flux confines builds to the source", rel, field, e))
		} else {
			p.add(model.ProblemRemoteBase, rel, fmt.Sprintf("%s: %s entry %q is remote; d1lint never fetches remote content (kustomize-controller fetches it unless started with --no-remote-bases)", rel, field, e))
		}
		return "", false
	}
	full := filepath.Join(filepath.Dir(kfile), e)
	if r, err := filepath.Rel(p.root, full); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		p.add(model.ProblemPathEscape, rel, fmt.Sprintf("%s: %s entry %q escapes the source root", rel, field, e))
		return "", false
	}
	if why, ok := p.refused[p.rel(full)]; ok {
		p.add(model.ProblemFileRefused, p.rel(full), fmt.Sprintf("%s: %s entry %q refused: %s", rel, field, e, why))
		return "", false
	}
	if _, err := os.Lstat(full); err != nil {
		// kustomize would take a missing resource for a remote base and run git.
		p.add(model.ProblemMissingPath, rel, fmt.Sprintf("%s: %s entry %q not found", rel, field, e))
		return "", false
	}
	return full, true
}

func (p *prechecker) add(kind, file, reason string) {
	p.out = append(p.out, hazard{kind: kind, file: file, reason: reason})
}

// isManifest reports the files Flux's generated kustomization lists
// (fluxcd/pkg/kustomize scanManifests: the extension, case-sensitive).
func isManifest(path string) bool {
	ext := filepath.Ext(path)
	return ext == ".yaml" || ext == ".yml"
}

// isURL reports entries kustomize would fetch or clone.
func isURL(s string) bool {
	l := strings.ToLower(s)
	return strings.Contains(l, "://") || strings.HasPrefix(l, "git::") || strings.HasPrefix(l, "gh:") ||
		strings.HasPrefix(l, "git@")
}

// isLocalRelative mirrors kustomize's own test for remote specs
// (api/internal/git/repospec.go), as fluxcd/pkg/kustomize does for components.
func isLocalRelative(s string) bool {
	l := strings.ToLower(s)
	for _, prefix := range []string{"git::", "gh:", "ssh://", "https://", "http://", "git@", "github.com:", "github.com/", "file://"} {
		if strings.HasPrefix(l, prefix) {
			return false
		}
	}
	// host/org/repo//path?ref=x: kustomize's repospec recognises a "//" or
	// "?ref=" and a host-looking first segment.
	if strings.Contains(s, "?ref=") || strings.Contains(s, "?version=") {
		return false
	}
	if first, _, ok := strings.Cut(s, "/"); ok && strings.Contains(first, ".") && first != "." && first != ".." &&
		strings.Contains(s, "//") {
		return false
	}
	return !filepath.IsAbs(s)
}

// looksInline reports entries that hold YAML rather than a path.
func looksInline(s string) bool {
	return strings.Contains(s, "\n") || strings.HasPrefix(strings.TrimSpace(s), "{") || strings.Contains(s, ": ")
}

func strings_(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, e := range l {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func objectList(v any) []map[string]any {
	l, _ := v.([]any)
	var out []map[string]any
	for _, e := range l {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}
