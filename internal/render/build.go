// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/fluxcd/pkg/kustomize"
	fluxfs "github.com/fluxcd/pkg/kustomize/filesys"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"

	pcache "github.com/d1lint/d1lint/internal/cache"
	"github.com/d1lint/d1lint/internal/memo"
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
	// maps are the resources as maps, shared read-only by every cluster.
	maps []map[string]any

	// Computed once on first use, shared read-only by every cluster.
	once   sync.Once
	uses   [][]varUse
	dollar []bool
	perr   []error
}

// prepare finds the resources' variable references, once for every cluster
// that uses the build.
func (b *built) prepare() {
	b.once.Do(func() {
		n := len(b.resources)
		b.uses, b.dollar, b.perr = make([][]varUse, n), make([]bool, n), make([]error, n)
		for i, r := range b.resources {
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
	// kustomize runs one build: kustomizeBuild, which tests replace with a
	// build that blocks.
	kustomize func(fs filesys.FileSystem, dir string, customSchema bool) (resmap.ResMap, error)

	mu    sync.Mutex
	cache map[string]*buildEntry

	// substituted memoises postBuild substitution of one object of one
	// build (see substKey).
	substituted memo.Map[string, *substResult]
	// patched memoises FluxInstance patches (see instancePatches).
	patched sync.Map
	// labelled memoises owner-labelled copies of shared maps (see
	// ownerLabelled).
	labelled sync.Map

	// stuck is set when a build outlived its timeout. kustomize builds
	// cannot be cancelled and fluxcd/pkg/kustomize serialises them behind
	// one lock, so every later build would wait behind the stuck one; they
	// fail fast instead.
	stuck atomic.Value
	count atomic.Int64

	// store is the persistent cache builds are kept in (nil: none; see
	// buildcache.go); reused counts the builds read from it, and inputsMu
	// guards its first-level entries.
	store    *pcache.Cache
	reused   atomic.Int64
	inputsMu sync.Mutex

	// dirs maps a revision (repo, branch, commit) to the snapshot folder it
	// was built from, so that findings can be traced to a field's line.
	dirs sync.Map
}

// ownerKey names one owner-labelled copy: the map labelled (by identity)
// and the owner.
type ownerKey struct {
	obj             unsafe.Pointer
	name, namespace string
}

// ownerLabelled is withOwnerLabels, memoised for maps the caller never
// modifies afterwards: the copy is shared by every cluster whose
// Kustomization of that name and namespace applies the same map.
func (b *builder) ownerLabelled(obj map[string]any, name, namespace string) map[string]any {
	k := ownerKey{obj: reflect.ValueOf(obj).UnsafePointer(), name: name, namespace: namespace}
	if v, ok := b.labelled.Load(k); ok {
		return v.(map[string]any)
	}
	v, _ := b.labelled.LoadOrStore(k, withOwnerLabels(obj, name, namespace))
	return v.(map[string]any)
}

// revisionKey names the revision a location was read at.
func revisionKey(l model.Location) string { return l.Repo + "\x00" + l.Branch + "\x00" + l.Commit }

type buildEntry struct {
	once sync.Once
	out  *built
}

func newBuilder(timeout time.Duration, store *pcache.Cache) *builder {
	return &builder{timeout: timeout, lines: newLineIndex(), cache: map[string]*buildEntry{}, kustomize: kustomizeBuild, store: store}
}

// buildSpecFields are the Kustomization spec fields that change what
// kustomize builds (fluxcd/pkg/kustomize Generator reads these).
var buildSpecFields = []string{"path", "targetNamespace", "namePrefix", "nameSuffix", "patches",
	"patchesStrategicMerge", "patchesJson6902", "images", "components", "ignoreMissingComponents", "buildMetadata"}

func buildKey(snap *source.Snapshot, ks *unstructured.Unstructured) string {
	h := sha256.Sum256(append([]byte(snap.ID+"\x00"), buildSpec(ks)...))
	return hex.EncodeToString(h[:])
}

// buildSpec encodes the Kustomization's buildSpecFields.
func buildSpec(ks *unstructured.Unstructured) []byte {
	spec, _, _ := unstructured.NestedMap(ks.Object, "spec")
	sub := map[string]any{}
	for _, f := range buildSpecFields {
		if v, ok := spec[f]; ok {
			sub[f] = v
		}
	}
	// encoding/json sorts map keys, so the encoding is deterministic.
	b, _ := json.Marshal(sub)
	return b
}

// build returns the shared build of ks from snap. Once ctx is done, builds
// stop (see run): the render they belong to is being abandoned.
func (b *builder) build(ctx context.Context, snap *source.Snapshot, ks *unstructured.Unstructured, ksKey string) *built {
	key := buildKey(snap, ks)
	b.mu.Lock()
	e, ok := b.cache[key]
	if !ok {
		e = &buildEntry{}
		b.cache[key] = e
	}
	b.mu.Unlock()
	e.once.Do(func() {
		e.out = b.run(ctx, snap, ks, ksKey)
		e.out.key = key
	})
	return e.out
}

// snapLocation is the location of a file of a snapshot (path relative to
// the repository's root), at its revision: branch, tag and commit.
func snapLocation(snap *source.Snapshot, path string, line ...int) model.Location {
	l := model.Location{Repo: snap.URL, Branch: snap.Branch, Commit: snap.Commit, Path: path}
	if snap.Branch == "" {
		l.Tag = snap.Tag
	}
	if len(line) > 0 {
		l.Line = line[0]
	}
	return l
}

func ptr[T any](v T) *T { return &v }

func (b *builder) loc(snap *source.Snapshot, rel string) *model.Location {
	l := snapLocation(snap, snap.RepoPath(rel))
	return &l
}

func (b *builder) run(ctx context.Context, snap *source.Snapshot, ks *unstructured.Unstructured, ksKey string) *built {
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
	// securejoin: an absolute path is root-relative and ".." stops at the
	// root. Flux builds the clamped path; the clamp is worth a warning.
	clean := path.Clean("/" + filepath.ToSlash(specPath))
	rel := strings.TrimPrefix(clean, "/")
	if rel == "" {
		rel = "."
	}
	clamped := ""
	if lexical := path.Clean(filepath.ToSlash(specPath)); lexical == ".." || strings.HasPrefix(lexical, "../") {
		clamped = fmt.Sprintf("spec.path %q leaves the root of %s; kustomize-controller stops it at the root and builds %q", specPath, snap.URL, rel)
	}
	dir := filepath.Join(snap.Dir, filepath.FromSlash(rel))
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		// The Kustomization's own file is where the wrong path is written.
		reason := fmt.Sprintf("spec.path %q not found in %s (%s)", specPath, snap.URL, describe(snap))
		kind := model.ProblemMissingPath
		if clamped != "" {
			reason, kind = clamped+", which does not exist", model.ProblemPathEscape
		}
		fail(kind, "", reason)
		out.problems[0].Field = []string{"spec", "path"}
		return out
	}
	if clamped != "" {
		out.problems = append(out.problems, &model.Problem{Kind: model.ProblemPathEscape, Kustomization: ksKey,
			Reason: clamped, Warning: true, Field: []string{"spec", "path"}})
	}
	if b := badComponents(snap.Dir, dir, ks); len(b) > 0 {
		return &built{problems: append(out.problems, b...)}
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
	pre := precheck(snap.Dir, dir, refused)
	named := map[string]bool{}
	for _, h := range pre.hazards {
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
	for _, h := range pre.hazards {
		fail(h.kind, h.file, h.reason)
		out.problems[len(out.problems)-1].Location.Line = h.line
	}
	for _, p := range out.problems {
		if !p.Warning {
			return out
		}
	}

	// Locations name files of the repository (Snapshot.RepoPath), so the
	// folder located in is the repository's, whatever folder of it an OCI
	// artifact is.
	b.dirs.Store(revisionKey(model.Location{Repo: snap.URL, Branch: snap.Branch, Commit: snap.Commit}), snap.RepoDir())

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
		// The generator decodes every manifest of a folder without a
		// kustomization file; a bad one is named where it is.
		if file, bad := blame(snap.Dir, pre.manifests); bad != nil {
			return b.yamlProblem(out, snap, ksKey, rel, file, bad)
		}
		return fail(model.ProblemBuild, rel, fmt.Sprintf("generating kustomization for %s: %s", rel, strings.ReplaceAll(err.Error(), snap.Dir+"/", "")))
	}
	// A build kept in the persistent cache needs no kustomize, so it is
	// looked up before the checks that stop kustomize from running.
	var in *buildInputs
	if b.store != nil {
		if in, _ = inputsKey(b.store, snap, ks, rel, kfile, manifest, pre.openapi); in != nil && b.cachedBuild(in, snap, out) {
			b.reused.Add(1)
			return out
		}
	}
	if s, _ := b.stuck.Load().(string); s != "" {
		return fail(model.ProblemLimit, rel, "not built: "+s)
	}
	if ctx.Err() != nil {
		return fail(model.ProblemLimit, rel, "not built: the render was stopped: "+context.Cause(ctx).Error())
	}
	var disk filesys.FileSystem
	disk, err = fluxfs.MakeFsOnDiskSecure(snap.Dir)
	if err != nil {
		return fail(model.ProblemBuild, rel, err.Error())
	}
	// With a persistent cache, the build reads the snapshot through a
	// recorder: what it read is what the kept build is keyed by.
	var rec *recordingFS
	if in != nil {
		rec = newRecordingFS(disk, in.roots)
		disk = rec
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
		m, err := b.kustomize(fs, dir, pre.openapi)
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
	case <-ctx.Done():
		// A kustomize build cannot be interrupted: it is abandoned, to
		// finish (or not) on its own while the process exits; done is
		// buffered, so its goroutine never blocks on the send. It does not
		// make the builder stuck: every later build sees ctx done too.
		return fail(model.ProblemLimit, rel, fmt.Sprintf("kustomize build of %s in %s abandoned: the render was stopped: %v", rel, snap.URL, context.Cause(ctx)))
	}
	if timedOut {
		msg := fmt.Sprintf("kustomize build of %s in %s did not finish within %s", rel, snap.URL, b.timeout)
		b.stuck.Store(msg)
		return fail(model.ProblemLimit, rel, msg)
	}
	if r.err != nil {
		kind := classify(r.err)
		if kind == model.ProblemInvalidYAML {
			// kustomize names a base's file relative to the base and its line
			// within the YAML document: decode the manifests again to name
			// the real file and line.
			if file, bad := blame(snap.Dir, pre.manifests); bad != nil {
				return b.yamlProblem(out, snap, ksKey, rel, file, bad)
			}
		}
		msg := strings.ReplaceAll(r.err.Error(), snap.Dir+"/", "")
		if i := guiltyPatch(snap.Dir, dir, gks, pre.openapi); i >= 0 {
			// The fix is in the Kustomization's own spec.patches entry.
			out.problems = append(out.problems, &model.Problem{Kind: kind, Kustomization: ksKey, Field: []string{"spec", "patches", strconv.Itoa(i)},
				Reason: fmt.Sprintf("spec.patches[%d] breaks the kustomize build of %s: %s", i, rel, msg)})
			return out
		}
		file, line := errorFile(msg, rel)
		out.problems = append(out.problems, &model.Problem{Kind: kind, Kustomization: ksKey,
			Location: ptr(snapLocation(snap, snap.RepoPath(file), line)),
			Reason:   fmt.Sprintf("kustomize build of %s failed: %s", rel, msg)})
		return out
	}
	first := len(out.problems)
	for _, res := range r.res {
		l := snapLocation(snap, "")
		if o, err := res.GetOrigin(); err == nil && o != nil {
			file := o.Path
			if file == "" {
				file = o.ConfiguredIn
			}
			if file != "" {
				abs := filepath.Join(dir, filepath.FromSlash(file))
				if rr, err := filepath.Rel(snap.Dir, abs); err == nil {
					l.Path = snap.RepoPath(filepath.ToSlash(rr))
				}
				org := res.OrgId()
				l.Line = b.lines.line(abs, org.Kind, org.Name, org.Namespace)
				rec.noteLines(abs)
			}
		}
		if !keepOrigin {
			anns := res.GetAnnotations()
			if _, ok := anns[originAnnotation]; ok {
				delete(anns, originAnnotation)
				_ = res.SetAnnotations(anns)
			}
		}
		m, err := res.Map()
		if err != nil {
			m = b.undecodable(out, res, l, err)
		}
		out.resources = append(out.resources, res)
		out.locations = append(out.locations, l)
		out.maps = append(out.maps, m)
	}
	if rec != nil {
		b.storeBuild(in, rec, snap, out, first)
	}
	return out
}

// undecodable records a built object kustomize holds but cannot turn into
// a map. kustomize-controller encodes the whole build (resmap AsYaml) before
// it applies anything, which fails the same way, so the Kustomization fails.
// The usual cause is a key given twice in one mapping: that is named at the
// repeated key.
func (b *builder) undecodable(out *built, res *resource.Resource, l model.Location, err error) map[string]any {
	name := res.OrgId().Kind + " " + res.GetName()
	if key, first, second := duplicateKey(res.YNode()); key != "" {
		if second > 0 {
			l.Line = second
		}
		out.problems = append(out.problems, &model.Problem{Kind: model.ProblemInvalidYAML, Location: &l,
			Reason: fmt.Sprintf("%s: %s sets key %q twice (lines %d and %d); kustomize-controller cannot encode the build", l.Path, name, key, first, second)})
		return map[string]any{}
	}
	out.problems = append(out.problems, &model.Problem{Kind: model.ProblemInvalidObject, Location: &l,
		Reason: fmt.Sprintf("%s: %s cannot be decoded: %v", l.Path, name, err)})
	return map[string]any{}
}

// duplicateKey finds the first key that a mapping in n sets twice, with the
// lines of both.
func duplicateKey(n *kyaml.Node) (string, int, int) {
	if n == nil {
		return "", 0, 0
	}
	if n.Kind == kyaml.MappingNode {
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if first, ok := seen[k.Value]; ok {
				return k.Value, first, k.Line
			}
			seen[k.Value] = k.Line
		}
	}
	for _, c := range n.Content {
		if k, a, b := duplicateKey(c); k != "" {
			return k, a, b
		}
	}
	return "", 0, 0
}

// guiltyPatch finds the entry of the Kustomization's own spec.patches that
// makes its failed build fail (a patch that matches nothing, an operation
// that does not apply, a patch that does not parse), so that the problem is
// named at that entry rather than at the folder built: the build without
// the patches must succeed, and the first prefix of them that fails ends
// with the culprit. It returns -1 when the patches are not the cause. It
// runs only after a build failed, one build per patch at most.
func guiltyPatch(root, dir string, ks *unstructured.Unstructured, openapi bool) int {
	patches, _, _ := unstructured.NestedSlice(ks.Object, "spec", "patches")
	if len(patches) == 0 {
		return -1
	}
	try := func(n int) error {
		k := ks.DeepCopy()
		if n == 0 {
			unstructured.RemoveNestedField(k.Object, "spec", "patches")
		} else if err := unstructured.SetNestedSlice(k.Object, patches[:n], "spec", "patches"); err != nil {
			return err
		}
		manifest, kfile, _, err := kustomize.NewGenerator(root, *k).GenerateManifest(dir)
		if err != nil {
			return err
		}
		disk, err := fluxfs.MakeFsOnDiskSecure(root)
		if err != nil {
			return err
		}
		fs := fluxfs.MakeFsInMemory(disk)
		if err := fs.WriteFile(kfile, manifest); err != nil {
			return err
		}
		_, err = kustomizeBuild(fs, dir, openapi)
		return err
	}
	if try(0) != nil {
		return -1
	}
	for n := 1; n <= len(patches); n++ {
		if try(n) != nil {
			return n - 1
		}
	}
	return -1
}

// badComponents checks the Kustomization's spec.components the way Flux's
// generator and kustomize will read them, so that a bad entry is named at
// that entry of the Kustomization rather than as a failed build of its
// folder: a component must be a local, relative path (the generator refuses
// others), inside the source, and present unless ignoreMissingComponents.
func badComponents(root, dir string, ks *unstructured.Unstructured) []*model.Problem {
	comps, _, _ := unstructured.NestedStringSlice(ks.Object, "spec", "components")
	ignoreMissing, _, _ := unstructured.NestedBool(ks.Object, "spec", "ignoreMissingComponents")
	var out []*model.Problem
	for i, c := range comps {
		add := func(kind, reason string) {
			out = append(out, &model.Problem{Kind: kind, Reason: reason, Field: []string{"spec", "components", strconv.Itoa(i)}})
		}
		full := filepath.Join(dir, filepath.FromSlash(c))
		switch r, err := filepath.Rel(root, full); {
		case !isLocalRelative(c) || isURL(c):
			add(model.ProblemRemoteBase, fmt.Sprintf("spec.components[%d] %q must be a local, relative path (Flux refuses remote components)", i, c))
		case err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)):
			add(model.ProblemPathEscape, fmt.Sprintf("spec.components[%d] %q leaves the source root", i, c))
		default:
			if _, err := os.Stat(full); err != nil && !ignoreMissing {
				add(model.ProblemMissingPath, fmt.Sprintf("spec.components[%d] %q does not exist: no %s in the source (set ignoreMissingComponents to allow it)", i, c, filepath.ToSlash(r)))
			}
		}
	}
	return out
}

// yamlProblem records a manifest that is not valid YAML, at its own file and line.
func (b *builder) yamlProblem(out *built, snap *source.Snapshot, ksKey, rel, file string, bad *badYAML) *built {
	l := b.loc(snap, file)
	l.Line = bad.line
	at := file
	if bad.line > 0 {
		at += ":" + strconv.Itoa(bad.line)
	}
	out.problems = append(out.problems, &model.Problem{Kind: model.ProblemInvalidYAML, Kustomization: ksKey, Location: l,
		Reason: fmt.Sprintf("kustomize build of %s failed: invalid YAML in %s: %s", rel, at, bad.msg)})
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
