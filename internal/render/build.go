// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fluxcd/pkg/kustomize"
	fluxfs "github.com/fluxcd/pkg/kustomize/filesys"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/api/resource"

	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/source"
)

// originAnnotation is the annotation kustomize's buildMetadata
// originAnnotations adds; d1lint turns it on to map objects to files.
const originAnnotation = "config.kubernetes.io/origin"

// built is the output of one kustomize build, shared by every cluster that
// needs the same (source revision, path, Kustomization spec). Its resources
// are never modified: each cluster works on deep copies.
type built struct {
	key       string
	resources []*resource.Resource
	locations []model.Location
	problems  []*model.Problem

	// Computed once on first use, shared read-only by every cluster.
	once   sync.Once
	maps   []map[string]any
	uses   [][]varUse
	dollar []bool
	perr   []error
}

// prepare converts the resources to maps and finds their variable
// references, once for every cluster that uses the build.
func (b *built) prepare() {
	b.once.Do(func() {
		n := len(b.resources)
		b.maps, b.uses, b.dollar, b.perr = make([]map[string]any, n), make([][]varUse, n), make([]bool, n), make([]error, n)
		for i, r := range b.resources {
			b.maps[i] = asMap(r)
			if substitutionDisabled(r) {
				// fluxcd/pkg/kustomize's SubstituteVariables returns before
				// it parses an object that opts out, so its ${...} text is
				// no variable syntax at all (a script's ${a[@]} is fine):
				// no references, no parse error, and (dollar false) no
				// substitution.
				continue
			}
			b.uses[i], b.dollar[i], b.perr[i] = findVars(b.maps[i])
		}
	})
}

// substituteKey is the label or annotation that opts an object out of
// postBuild substitution when its value is exactly substituteDisabled.
const (
	substituteKey      = "kustomize.toolkit.fluxcd.io/substitute"
	substituteDisabled = "disabled"
)

// substitutionDisabled reports whether Flux skips the object in postBuild
// substitution: labelled or annotated substitute: disabled, compared as
// fluxcd/pkg/kustomize compares it (case-sensitive), on the object as
// kustomize built it (spec.commonMetadata comes later, at apply).
func substitutionDisabled(r *resource.Resource) bool {
	return r.GetLabels()[substituteKey] == substituteDisabled || r.GetAnnotations()[substituteKey] == substituteDisabled
}

// builder runs kustomize builds the way kustomize-controller does, once per
// distinct input.
type builder struct {
	timeout time.Duration
	lines   *lineIndex

	mu    sync.Mutex
	cache map[string]*buildEntry

	// substituted memoises postBuild substitution of one object of one
	// build (see substKey).
	substituted sync.Map
	// patched memoises FluxInstance patches (see instancePatches).
	patched sync.Map

	// stuck is set when a build outlived its timeout. kustomize builds
	// cannot be cancelled and fluxcd/pkg/kustomize serialises them behind
	// one lock, so every later build would wait behind the stuck one; they
	// fail fast instead.
	stuck atomic.Value
	count atomic.Int64

	// dirs maps a revision (repo, branch, commit) to the snapshot folder it
	// was built from, so that findings can be traced to a field's line.
	dirs sync.Map
}

// revisionKey names the revision a location was read at.
func revisionKey(l model.Location) string { return l.Repo + "\x00" + l.Branch + "\x00" + l.Commit }

type buildEntry struct {
	once sync.Once
	out  *built
}

func newBuilder(timeout time.Duration) *builder {
	return &builder{timeout: timeout, lines: newLineIndex(), cache: map[string]*buildEntry{}}
}

// buildSpecFields are the Kustomization spec fields that change what
// kustomize builds (fluxcd/pkg/kustomize Generator reads these).
var buildSpecFields = []string{"path", "targetNamespace", "namePrefix", "nameSuffix", "patches",
	"patchesStrategicMerge", "patchesJson6902", "images", "components", "ignoreMissingComponents", "buildMetadata"}

func buildKey(snap *source.Snapshot, ks *unstructured.Unstructured) string {
	spec, _, _ := unstructured.NestedMap(ks.Object, "spec")
	sub := map[string]any{}
	for _, f := range buildSpecFields {
		if v, ok := spec[f]; ok {
			sub[f] = v
		}
	}
	// encoding/json sorts map keys, so the key is deterministic.
	b, _ := json.Marshal(sub)
	h := sha256.Sum256(append([]byte(snap.ID+"\x00"), b...))
	return hex.EncodeToString(h[:])
}

// build returns the shared build of ks from snap.
func (b *builder) build(snap *source.Snapshot, ks *unstructured.Unstructured, ksKey string) *built {
	key := buildKey(snap, ks)
	b.mu.Lock()
	e, ok := b.cache[key]
	if !ok {
		e = &buildEntry{}
		b.cache[key] = e
	}
	b.mu.Unlock()
	e.once.Do(func() {
		e.out = b.run(snap, ks, ksKey)
		e.out.key = key
	})
	return e.out
}

func (b *builder) loc(snap *source.Snapshot, rel string) *model.Location {
	return &model.Location{Repo: snap.URL, Branch: snap.Branch, Commit: snap.Commit, Path: rel}
}

func (b *builder) run(snap *source.Snapshot, ks *unstructured.Unstructured, ksKey string) *built {
	out := &built{}
	fail := func(kind, file, reason string) *built {
		var l *model.Location
		if file != "" {
			l = b.loc(snap, file)
		}
		out.problems = append(out.problems, &model.Problem{Kind: kind, Kustomization: ksKey, Location: l, Reason: reason})
		return out
	}

	specPath, _, _ := unstructured.NestedString(ks.Object, "spec", "path")
	// kustomize-controller joins spec.path to the artifact root with
	// securejoin: an absolute path is root-relative and ".." cannot leave
	// the root. A path that tries to is reported rather than silently clamped.
	clean := path.Clean("/" + filepath.ToSlash(specPath))
	if lexical := path.Clean(filepath.ToSlash(specPath)); lexical == ".." || strings.HasPrefix(lexical, "../") {
		return fail(model.ProblemPathEscape, "", fmt.Sprintf("spec.path %q escapes the root of %s", specPath, snap.URL))
	}
	rel := strings.TrimPrefix(clean, "/")
	if rel == "" {
		rel = "."
	}
	dir := filepath.Join(snap.Dir, filepath.FromSlash(rel))
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		// The Kustomization's own file is where the wrong path is written.
		return fail(model.ProblemMissingPath, "", fmt.Sprintf("spec.path %q not found in %s (%s)", specPath, snap.URL, describe(snap)))
	}

	// Files the snapshot dropped (symlinks: a warning, as Flux drops them
	// silently) or refused (hazards: the build stops) matter to the builds
	// that would read them: those under the path or named by an entry.
	refused := map[string]string{}
	for _, fp := range snap.Problems {
		if fp.Refused {
			refused[fp.Path] = fp.Reason
		}
	}
	hazards, customSchema := precheck(snap.Dir, dir, refused)
	named := map[string]bool{}
	for _, h := range hazards {
		named[h.file] = true
	}
	for _, fp := range snap.Problems {
		if rel != "." && !strings.HasPrefix(fp.Path, rel+"/") || named[fp.Path] {
			continue
		}
		if fp.Refused {
			fail(model.ProblemFileRefused, fp.Path, fmt.Sprintf("%s refused: %s", fp.Path, fp.Reason))
		} else {
			out.problems = append(out.problems, &model.Problem{Kind: model.ProblemFileDropped, Kustomization: ksKey,
				Location: b.loc(snap, fp.Path), Reason: fmt.Sprintf("%s: %s", fp.Path, fp.Reason), Warning: true})
		}
	}
	for _, h := range hazards {
		fail(h.kind, h.file, h.reason)
	}
	for _, p := range out.problems {
		if !p.Warning {
			return out
		}
	}

	if s, _ := b.stuck.Load().(string); s != "" {
		return fail(model.ProblemLimit, rel, "not built: "+s)
	}
	b.dirs.Store(revisionKey(model.Location{Repo: snap.URL, Branch: snap.Branch, Commit: snap.Commit}), snap.Dir)

	// Ask kustomize to annotate every object with the file it came from;
	// the annotation is removed again below unless the user asked for it.
	gks := ks.DeepCopy()
	userMeta, _, _ := unstructured.NestedStringSlice(gks.Object, "spec", "buildMetadata")
	keepOrigin := slices.Contains(userMeta, "originAnnotations")
	if !keepOrigin {
		_ = unstructured.SetNestedStringSlice(gks.Object, append(userMeta, "originAnnotations"), "spec", "buildMetadata")
	}
	gen := kustomize.NewGenerator(snap.Dir, *gks)
	manifest, kfile, _, err := gen.GenerateManifest(dir)
	if err != nil {
		return fail(model.ProblemBuild, rel, fmt.Sprintf("generating kustomization for %s: %v", rel, err))
	}
	disk, err := fluxfs.MakeFsOnDiskSecure(snap.Dir)
	if err != nil {
		return fail(model.ProblemBuild, rel, err.Error())
	}
	fs := fluxfs.MakeFsInMemory(disk)
	if err := fs.WriteFile(kfile, manifest); err != nil {
		return fail(model.ProblemBuild, rel, err.Error())
	}

	type result struct {
		res []*resource.Resource
		err error
	}
	done := make(chan result, 1)
	b.count.Add(1)
	start := time.Now()
	go func() {
		m, err := kustomizeBuild(fs, dir, customSchema)
		if err != nil {
			done <- result{err: err}
			return
		}
		done <- result{res: m.Resources()}
	}()
	var r result
	timedOut := false
	select {
	case r = <-done:
		// A build that finished past its bound is over it too, whichever
		// of the two the select saw first (kustomize-controller's timeout
		// would have cancelled it).
		timedOut = time.Since(start) > b.timeout
	case <-time.After(b.timeout):
		timedOut = true
	}
	if timedOut {
		msg := fmt.Sprintf("kustomize build of %s in %s did not finish within %s", rel, snap.URL, b.timeout)
		b.stuck.Store(msg)
		return fail(model.ProblemLimit, rel, msg)
	}
	if r.err != nil {
		msg := strings.ReplaceAll(r.err.Error(), snap.Dir+"/", "")
		file, line := errorFile(msg, rel)
		out.problems = append(out.problems, &model.Problem{Kind: classify(r.err), Kustomization: ksKey,
			Location: &model.Location{Repo: snap.URL, Branch: snap.Branch, Commit: snap.Commit, Path: file, Line: line},
			Reason:   fmt.Sprintf("kustomize build of %s failed: %s", rel, msg)})
		return out
	}
	for _, res := range r.res {
		l := model.Location{Repo: snap.URL, Branch: snap.Branch, Commit: snap.Commit}
		if o, err := res.GetOrigin(); err == nil && o != nil {
			file := o.Path
			if file == "" {
				file = o.ConfiguredIn
			}
			if file != "" {
				abs := filepath.Join(dir, filepath.FromSlash(file))
				if rr, err := filepath.Rel(snap.Dir, abs); err == nil {
					l.Path = filepath.ToSlash(rr)
				}
				org := res.OrgId()
				l.Line = b.lines.line(abs, org.Kind, org.Name, org.Namespace)
			}
		}
		if !keepOrigin {
			anns := res.GetAnnotations()
			if _, ok := anns[originAnnotation]; ok {
				delete(anns, originAnnotation)
				_ = res.SetAnnotations(anns)
			}
		}
		out.resources = append(out.resources, res)
		out.locations = append(out.locations, l)
	}
	return out
}

var (
	errFileRE = regexp.MustCompile(`in File: (\S+)`)
	errFromRE = regexp.MustCompile(`accumulating resources from '([^']+)'`)
	errLineRE = regexp.MustCompile(`yaml: line (\d+)`)
)

// errorFile finds the file (relative to the source root) and line a
// kustomize error names, falling back to the built folder.
func errorFile(msg, rel string) (string, int) {
	file := ""
	if m := errFileRE.FindStringSubmatch(msg); m != nil {
		file = m[1]
	} else if m := errFromRE.FindAllStringSubmatch(msg, -1); m != nil {
		file = m[len(m)-1][1]
	}
	if file == "" || isURL(file) {
		return rel, 0
	}
	if !path.IsAbs(file) {
		file = path.Join(rel, file)
	}
	line := 0
	if m := errLineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
	}
	return strings.TrimPrefix(path.Clean(file), "/"), line
}

// classify maps kustomize errors to problem kinds.
func classify(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "cycle detected"):
		return model.ProblemCycle
	case strings.Contains(msg, "yaml:") || strings.Contains(msg, "YAML") || strings.Contains(msg, "json:"):
		return model.ProblemInvalidYAML
	}
	var ce *fluxfs.ConstraintError
	if errors.As(err, &ce) {
		return model.ProblemPathEscape
	}
	return model.ProblemBuild
}

func describe(s *source.Snapshot) string {
	if s.Note != "" {
		return s.Note
	}
	return s.Mode
}
