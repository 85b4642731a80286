// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	fluxfs "github.com/fluxcd/pkg/kustomize/filesys"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/d1lint/d1lint/internal/cache"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/source"
)

// Kustomize builds are kept in the persistent cache in two levels, the way
// ccache's manifest mode keeps compilations: which files a build reads is
// only known once it ran, so the first level remembers it.
//
//   - buildInputsKind is keyed by what is known before the build runs
//     (inputsKey: the repository, the folder, the Kustomization's spec, the
//     kustomization file Flux's generator wrote for it) and holds the file
//     system operations the last builds of those inputs did (which files
//     they read, which folders they listed, which paths they probed), not
//     their results.
//   - buildKind is keyed by those inputs and the result of every one of
//     those operations (file contents by SHA-256), and holds the build.
//
// A run replays the first level's operations on its own snapshot; when a
// build with exactly those results was stored, its output is the output
// kustomize would give now, since a build depends on nothing else.
const (
	buildInputsKind = "kustomize-inputs"
	buildKind       = "kustomize-build"
)

// buildFormat names the layout of both levels' entries.
const buildFormat = "kustomize-build/1"

// maxBuildCandidates bounds the operation lists a first-level entry keeps:
// one per variant of the folder recently built (two branches, a pull
// request's change), so that alternating between them does not rebuild.
const maxBuildCandidates = 4

// buildInputs is what a build is keyed by before it runs.
type buildInputs struct {
	key   cache.Key
	roots fsRoots
}

// inputsKey is the first-level key of a build: the repository and the
// folder of it the snapshot holds (paths in locations and problems depend
// on both), the folder built, the Kustomization fields that change the
// build (buildSpecFields), the kustomization file fluxcd/pkg/kustomize's
// generator made of the folder's own and those fields (it holds everything
// the generator read: a kustomization file, or the list of manifests of a
// folder without one), and whether a kustomization sets its own OpenAPI
// schema. The d1lint build is in every key (cache.Key).
func inputsKey(c *cache.Cache, snap *source.Snapshot, ks *unstructured.Unstructured, rel, kfile string, manifest []byte, openapi bool) (*buildInputs, bool) {
	roots := newFSRoots(snap.Dir)
	kf, ok := roots.rel(kfile)
	if !ok {
		return nil, false
	}
	o := "0"
	if openapi {
		o = "1"
	}
	key := c.Key(buildInputsKind, []byte(buildFormat), []byte(snap.URL), []byte(snap.Prefix), []byte(rel),
		buildSpec(ks), []byte(kf), manifest, []byte(o))
	return &buildInputs{key: key, roots: roots}, true
}

// fsRoots names a snapshot's folder in file system operations: as the
// snapshot gives it, and with its symbolic links resolved (kustomize goes on
// from the folders its file system confirmed, which are resolved). Paths
// are kept relative to either, so that a snapshot written elsewhere next
// time (a temporary folder) is the same snapshot.
type fsRoots struct{ dir, real string }

func newFSRoots(dir string) fsRoots {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		real = dir
	}
	return fsRoots{dir: dir, real: real}
}

// rel turns a path under one of the roots into its marker ('d' or 'r')
// and the rest of the path; false for any other path (which no key can
// describe).
func (r fsRoots) rel(p string) (string, bool) {
	sep := string(filepath.Separator)
	for _, root := range []struct {
		marker, dir string
	}{{"d", r.dir}, {"r", r.real}} {
		if p == root.dir {
			return root.marker, true
		}
		if strings.HasPrefix(p, root.dir+sep) {
			return root.marker + sep + p[len(root.dir)+len(sep):], true
		}
	}
	return "", false
}

// abs is the inverse of rel.
func (r fsRoots) abs(p string) string {
	if p == "" {
		return ""
	}
	if p[0] == 'r' {
		return r.real + p[1:]
	}
	return r.dir + p[1:]
}

// scrub replaces the roots in a result (an error message, a confirmed
// folder) with markers.
func (r fsRoots) scrub(s string) string {
	a, b := r.dir, r.real
	if len(b) > len(a) {
		a, b = b, a
	}
	s = strings.ReplaceAll(s, a, "\x00"+markerOf(r, a))
	if b != a {
		s = strings.ReplaceAll(s, b, "\x00"+markerOf(r, b))
	}
	return s
}

func markerOf(r fsRoots, root string) string {
	if root == r.dir {
		return "d"
	}
	return "r"
}

// Operations, by the first byte of a recorded operation; the rest is the
// path (fsRoots.rel).
const (
	opRead    = 'f' // ReadFile: the content
	opOpen    = 'o' // Open: the content, and whether it is a folder
	opExists  = 'e' // Exists
	opIsDir   = 'i' // IsDir
	opReadDir = 'l' // ReadDir: the names listed
	opGlob    = 'g' // Glob: the paths matched
	opAbs     = 'a' // CleanedAbs: the folder and file confirmed
	opWalk    = 'w' // Walk: every path under the folder
	opLines   = 'n' // a file d1lint itself reads (lineIndex) for lines
)

// Digests of operations' results. The recording file system and the
// replay compute them with the same functions.

func (r fsRoots) readDigest(data []byte, err error) string {
	if err != nil {
		return "E" + r.scrub(err.Error())
	}
	sum := sha256.Sum256(data)
	return "D" + string(sum[:])
}

func boolDigest(v bool) string {
	if v {
		return "1"
	}
	return "0"
}

func (r fsRoots) listDigest(names []string, err error) string {
	h := sha256.New()
	for _, n := range names {
		h.Write([]byte(r.scrub(n)))
		h.Write([]byte{0})
	}
	if err != nil {
		h.Write([]byte("E" + r.scrub(err.Error())))
	}
	return "L" + string(h.Sum(nil))
}

func (r fsRoots) absDigest(d filesys.ConfirmedDir, f string, err error) string {
	s := r.scrub(string(d)) + "\x00" + f
	if err != nil {
		s += "\x00E" + r.scrub(err.Error())
	}
	return s
}

func (r fsRoots) walkDigest(disk filesys.FileSystem, p string) string {
	var names []string
	err := disk.Walk(p, func(q string, info os.FileInfo, err error) error {
		n := q
		if info != nil && info.IsDir() {
			n += "/"
		}
		if err != nil {
			n += "\x00E" + err.Error()
		}
		names = append(names, n)
		return nil
	})
	return r.listDigest(names, err)
}

func (r fsRoots) openDigest(disk filesys.FileSystem, p string) string {
	return r.readDigest(disk.ReadFile(p)) + boolDigest(disk.IsDir(p))
}

func (r fsRoots) linesDigest(p string) string {
	return r.readDigest(os.ReadFile(p))
}

// digest replays one recorded operation on disk.
func (r fsRoots) digest(disk filesys.FileSystem, op string) string {
	p := r.abs(op[1:])
	switch op[0] {
	case opRead:
		return r.readDigest(disk.ReadFile(p))
	case opOpen:
		return r.openDigest(disk, p)
	case opExists:
		return boolDigest(disk.Exists(p))
	case opIsDir:
		return boolDigest(disk.IsDir(p))
	case opReadDir:
		return r.listDigest(disk.ReadDir(p))
	case opGlob:
		return r.listDigest(disk.Glob(p))
	case opAbs:
		return r.absDigest(disk.CleanedAbs(p))
	case opWalk:
		return r.walkDigest(disk, p)
	case opLines:
		return r.linesDigest(p)
	}
	// An operation this d1lint does not know: no build was stored with it.
	return "?"
}

// recordingFS is the file system a build reads the snapshot through: it
// records every operation and a digest of its result. Writes never reach
// it (fluxfs.MakeFsInMemory keeps them in memory); one that does, or a path
// outside the snapshot, leaves the build uncacheable.
type recordingFS struct {
	disk  filesys.FileSystem
	roots fsRoots

	mu      sync.Mutex
	ops     map[string]string
	tainted bool
}

func newRecordingFS(disk filesys.FileSystem, roots fsRoots) *recordingFS {
	return &recordingFS{disk: disk, roots: roots, ops: map[string]string{}}
}

// note records an operation on p whose result's digest is d.
func (f *recordingFS) note(kind byte, p string, d func() string) {
	rel, ok := f.roots.rel(p)
	if kind == opGlob && strings.ContainsAny(f.roots.dir+f.roots.real, "*?[\\") {
		// The pattern's root would be a pattern too.
		ok = false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !ok {
		f.tainted = true
		return
	}
	op := string(kind) + rel
	if _, seen := f.ops[op]; seen {
		// The snapshot does not change during the run: the first result
		// is every result.
		return
	}
	f.ops[op] = d()
}

// noteLines records a file d1lint reads itself to find objects' lines.
func (f *recordingFS) noteLines(p string) {
	if f != nil {
		f.note(opLines, p, func() string { return f.roots.linesDigest(p) })
	}
}

func (f *recordingFS) taint() {
	f.mu.Lock()
	f.tainted = true
	f.mu.Unlock()
}

// recorded returns the operations, sorted, with their digests, and false
// when the build cannot be kept.
func (f *recordingFS) recorded() ([]string, []string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.tainted {
		return nil, nil, false
	}
	ops := make([]string, 0, len(f.ops))
	for op := range f.ops {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	digests := make([]string, len(ops))
	for i, op := range ops {
		digests[i] = f.ops[op]
	}
	return ops, digests, true
}

func (f *recordingFS) Create(p string) (filesys.File, error) { f.taint(); return f.disk.Create(p) }
func (f *recordingFS) Mkdir(p string) error                  { f.taint(); return f.disk.Mkdir(p) }
func (f *recordingFS) MkdirAll(p string) error               { f.taint(); return f.disk.MkdirAll(p) }
func (f *recordingFS) RemoveAll(p string) error              { f.taint(); return f.disk.RemoveAll(p) }
func (f *recordingFS) WriteFile(p string, data []byte) error {
	f.taint()
	return f.disk.WriteFile(p, data)
}

func (f *recordingFS) Open(p string) (filesys.File, error) {
	f.note(opOpen, p, func() string { return f.roots.openDigest(f.disk, p) })
	return f.disk.Open(p)
}

func (f *recordingFS) IsDir(p string) bool {
	v := f.disk.IsDir(p)
	f.note(opIsDir, p, func() string { return boolDigest(v) })
	return v
}

func (f *recordingFS) Exists(p string) bool {
	v := f.disk.Exists(p)
	f.note(opExists, p, func() string { return boolDigest(v) })
	return v
}

func (f *recordingFS) ReadDir(p string) ([]string, error) {
	names, err := f.disk.ReadDir(p)
	f.note(opReadDir, p, func() string { return f.roots.listDigest(names, err) })
	return names, err
}

func (f *recordingFS) CleanedAbs(p string) (filesys.ConfirmedDir, string, error) {
	d, file, err := f.disk.CleanedAbs(p)
	f.note(opAbs, p, func() string { return f.roots.absDigest(d, file, err) })
	return d, file, err
}

func (f *recordingFS) Glob(pattern string) ([]string, error) {
	paths, err := f.disk.Glob(pattern)
	f.note(opGlob, pattern, func() string { return f.roots.listDigest(paths, err) })
	return paths, err
}

func (f *recordingFS) ReadFile(p string) ([]byte, error) {
	data, err := f.disk.ReadFile(p)
	f.note(opRead, p, func() string { return f.roots.readDigest(data, err) })
	return data, err
}

func (f *recordingFS) Walk(p string, fn filepath.WalkFunc) error {
	// The walk's callback may skip folders; the digest is of the whole
	// tree, which covers what any callback sees.
	f.note(opWalk, p, func() string { return f.roots.walkDigest(f.disk, p) })
	return f.disk.Walk(p, fn)
}

// resultKey is the second-level key: the inputs, and each operation with
// the digest of its result.
func resultKey(c *cache.Cache, in *buildInputs, ops, digests []string) cache.Key {
	h := sha256.New()
	for i, op := range ops {
		for _, s := range []string{op, digests[i]} {
			h.Write(binary.AppendUvarint(nil, uint64(len(s))))
			h.Write([]byte(s))
		}
	}
	return c.Key(buildKind, []byte(buildFormat), in.key[:], h.Sum(nil))
}

// cachedBuild looks the build up: for each operation list the first level
// holds, most recent first, it replays the operations on the snapshot and
// looks for a build whose operations gave the same results. On a hit it
// appends the build's resources, locations and problems to out.
func (b *builder) cachedBuild(in *buildInputs, snap *source.Snapshot, out *built) bool {
	data, ok := b.store.Get(buildInputsKind, in.key)
	if !ok {
		return false
	}
	candidates, err := decodeCandidates(data)
	if err != nil || len(candidates) == 0 {
		return false
	}
	disk, err := fluxfs.MakeFsOnDiskSecure(snap.Dir)
	if err != nil {
		return false
	}
	// Candidates share most operations: each is replayed once.
	replayed := map[string]string{}
	for _, ops := range candidates {
		digests := make([]string, len(ops))
		for i, op := range ops {
			d, ok := replayed[op]
			if !ok {
				d = in.roots.digest(disk, op)
				replayed[op] = d
			}
			digests[i] = d
		}
		data, ok := b.store.Get(buildKind, resultKey(b.store, in, ops, digests))
		if !ok {
			continue
		}
		if decodeBuild(data, snap, out) == nil {
			return true
		}
	}
	return false
}

// storeBuild keeps a build that succeeded: its output from problem first
// on (the problems before are the precheck's, made again on every run),
// under the results of the operations rec recorded, and those operations
// in the first level.
func (b *builder) storeBuild(in *buildInputs, rec *recordingFS, snap *source.Snapshot, out *built, first int) {
	ops, digests, ok := rec.recorded()
	if !ok {
		return
	}
	data, err := encodeBuild(snap, out, first)
	if err != nil {
		// An output the entry cannot describe costs the next run a build.
		return
	}
	if err := b.store.Put(buildKind, resultKey(b.store, in, ops, digests), data); err != nil {
		return
	}
	// The first level is read, changed and written under one lock, so that
	// builds of one run do not drop each other's lists; concurrent runs
	// may, which costs a build.
	b.inputsMu.Lock()
	defer b.inputsMu.Unlock()
	var candidates [][]string
	if old, ok := b.store.Get(buildInputsKind, in.key); ok {
		candidates, _ = decodeCandidates(old)
	}
	candidates = slices.DeleteFunc(candidates, func(c []string) bool { return slices.Equal(c, ops) })
	candidates = append([][]string{ops}, candidates...)
	if len(candidates) > maxBuildCandidates {
		candidates = candidates[:maxBuildCandidates]
	}
	list := make([]any, len(candidates))
	for i, c := range candidates {
		l := make([]any, len(c))
		for j, op := range c {
			l[j] = op
		}
		list[i] = l
	}
	if data, err := cache.AppendValue(nil, []any{buildFormat, list}); err == nil {
		_ = b.store.Put(buildInputsKind, in.key, data)
	}
}

var errNotBuild = fmt.Errorf("%w: not a kustomize build", cache.ErrValue)

func decodeCandidates(data []byte) ([][]string, error) {
	v, rest, err := cache.DecodeValue(data)
	if err != nil {
		return nil, err
	}
	f, ok := v.([]any)
	if !ok || len(rest) != 0 || len(f) != 2 || f[0] != buildFormat {
		return nil, errNotBuild
	}
	list, ok := f[1].([]any)
	if !ok {
		return nil, errNotBuild
	}
	out := make([][]string, 0, len(list))
	for _, l := range list {
		ops, ok := l.([]any)
		if !ok {
			return nil, errNotBuild
		}
		c := make([]string, len(ops))
		for i, op := range ops {
			s, ok := op.(string)
			if !ok || s == "" {
				return nil, errNotBuild
			}
			c[i] = s
		}
		out = append(out, c)
	}
	return out, nil
}

// encodeBuild encodes a build's output from problem first on: for each
// resource, its YAML node tree as kustomize left it, its map and its
// location (the path in the repository and the line: the revision is the
// snapshot's, set again when read); for each problem, its fields. A
// location of another revision than the snapshot's is not expected, and
// not stored.
func encodeBuild(snap *source.Snapshot, out *built, first int) ([]byte, error) {
	here := func(l model.Location) bool { return l == snapLocation(snap, l.Path, l.Line) }
	resources := make([]any, len(out.resources))
	for i, res := range out.resources {
		l := out.locations[i]
		if !here(l) {
			return nil, fmt.Errorf("%w: a location of another revision", cache.ErrValue)
		}
		node, err := appendNode(nil, res.Document(), 0)
		if err != nil {
			return nil, err
		}
		resources[i] = []any{string(node), out.maps[i], l.Path, l.Line}
	}
	problems := make([]any, 0, len(out.problems)-first)
	for _, p := range out.problems[first:] {
		field := make([]any, len(p.Field))
		for i, f := range p.Field {
			field[i] = f
		}
		loc := []any{}
		if p.Location != nil {
			if !here(*p.Location) {
				return nil, fmt.Errorf("%w: a location of another revision", cache.ErrValue)
			}
			loc = []any{p.Location.Path, p.Location.Line}
		}
		problems = append(problems, []any{p.Kind, p.Kustomization, p.HelmRelease, p.Reason, field, p.Warning, loc})
	}
	return cache.AppendValue(nil, []any{buildFormat, resources, problems})
}

// decodeBuild decodes what encodeBuild wrote, at the snapshot's revision,
// and appends it to out only when all of it decodes.
func decodeBuild(data []byte, snap *source.Snapshot, out *built) error {
	v, rest, err := cache.DecodeValue(data)
	if err != nil {
		return err
	}
	f, ok := v.([]any)
	if !ok || len(rest) != 0 || len(f) != 3 || f[0] != buildFormat {
		return errNotBuild
	}
	records, ok1 := f[1].([]any)
	problems, ok2 := f[2].([]any)
	if !ok1 || !ok2 {
		return errNotBuild
	}
	var got built
	for _, rec := range records {
		r, ok := rec.([]any)
		if !ok || len(r) != 4 {
			return errNotBuild
		}
		node, ok1 := r[0].(string)
		obj, ok2 := r[1].(map[string]any)
		p, ok3 := r[2].(string)
		line, ok4 := r[3].(int)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return errNotBuild
		}
		n, err := decodeNode([]byte(node))
		if err != nil {
			return err
		}
		got.resources = append(got.resources, &resource.Resource{RNode: *kyaml.NewRNode(n)})
		got.maps = append(got.maps, obj)
		got.locations = append(got.locations, snapLocation(snap, p, line))
	}
	for _, rec := range problems {
		r, ok := rec.([]any)
		if !ok || len(r) != 7 {
			return errNotBuild
		}
		kind, ok1 := r[0].(string)
		ks, ok2 := r[1].(string)
		hr, ok3 := r[2].(string)
		reason, ok4 := r[3].(string)
		field, ok5 := r[4].([]any)
		warning, ok6 := r[5].(bool)
		loc, ok7 := r[6].([]any)
		if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || !ok7 {
			return errNotBuild
		}
		p := &model.Problem{Kind: kind, Kustomization: ks, HelmRelease: hr, Reason: reason, Warning: warning}
		for _, s := range field {
			s, ok := s.(string)
			if !ok {
				return errNotBuild
			}
			p.Field = append(p.Field, s)
		}
		switch len(loc) {
		case 0:
		case 2:
			path, ok1 := loc[0].(string)
			line, ok2 := loc[1].(int)
			if !ok1 || !ok2 {
				return errNotBuild
			}
			p.Location = ptr(snapLocation(snap, path, line))
		default:
			return errNotBuild
		}
		got.problems = append(got.problems, p)
	}
	out.resources, out.maps, out.locations = got.resources, got.maps, got.locations
	out.problems = append(out.problems, got.problems...)
	return nil
}

// The node codec stores a YAML node tree exactly as kustomize built it:
// every field of every node (kind, style, tag, value, anchor, comments,
// line and column), and nil content apart from empty, so that the
// resources read back behave as the ones built (their YAML, their maps,
// the lines duplicateKey reports). kustomize resolves aliases when it
// reads manifests; a tree that still has one is not stored.

// maxNodeDepth bounds the nesting the node codec writes and reads.
const maxNodeDepth = 10000

var errNode = fmt.Errorf("%w: not a YAML node", cache.ErrValue)

func appendNode(b []byte, n *kyaml.Node, depth int) ([]byte, error) {
	if n == nil || depth > maxNodeDepth || n.Kind == kyaml.AliasNode || n.Alias != nil || n.Kind > 0xff ||
		n.Line < 0 || n.Column < 0 {
		return nil, errNode
	}
	b = append(b, byte(n.Kind))
	b = binary.AppendUvarint(b, uint64(n.Style))
	for _, s := range []string{n.Tag, n.Value, n.Anchor, n.HeadComment, n.LineComment, n.FootComment} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendUvarint(b, uint64(n.Line))
	b = binary.AppendUvarint(b, uint64(n.Column))
	if n.Content == nil {
		return append(b, 0), nil
	}
	b = binary.AppendUvarint(b, uint64(len(n.Content))+1)
	var err error
	for _, c := range n.Content {
		if b, err = appendNode(b, c, depth+1); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// decodeNode reads the node tree appendNode wrote, which must be all of b.
func decodeNode(b []byte) (*kyaml.Node, error) {
	d := nodeDecoder{b: b, tags: map[string]string{}}
	n, err := d.node(0)
	if err != nil {
		return nil, err
	}
	if len(d.b) != 0 {
		return nil, errNode
	}
	return n, nil
}

type nodeDecoder struct {
	b []byte
	// tags shares the few tag strings among the nodes.
	tags    map[string]string
	scratch [binary.MaxVarintLen64]byte
}

func (d *nodeDecoder) uvarint() (uint64, error) {
	v, n := binary.Uvarint(d.b)
	if n <= 0 || n != len(binary.AppendUvarint(d.scratch[:0], v)) {
		// Only the shortest encoding is one appendNode writes.
		return 0, errNode
	}
	d.b = d.b[n:]
	return v, nil
}

func (d *nodeDecoder) int() (int, error) {
	v, err := d.uvarint()
	if err != nil || v > uint64(int(^uint(0)>>1)) {
		return 0, errNode
	}
	return int(v), nil
}

func (d *nodeDecoder) bytes() ([]byte, error) {
	n, err := d.uvarint()
	if err != nil || n > uint64(len(d.b)) {
		return nil, errNode
	}
	s := d.b[:n]
	d.b = d.b[n:]
	return s, nil
}

func (d *nodeDecoder) node(depth int) (*kyaml.Node, error) {
	if depth > maxNodeDepth || len(d.b) == 0 {
		return nil, errNode
	}
	n := &kyaml.Node{Kind: kyaml.Kind(d.b[0])}
	d.b = d.b[1:]
	switch n.Kind {
	case kyaml.DocumentNode, kyaml.SequenceNode, kyaml.MappingNode, kyaml.ScalarNode:
	default:
		// appendNode writes no alias, and no other kind exists.
		return nil, errNode
	}
	style, err := d.uvarint()
	if err != nil || style > 0xffffffff {
		return nil, errNode
	}
	n.Style = kyaml.Style(style)
	tag, err := d.bytes()
	if err != nil {
		return nil, err
	}
	t, ok := d.tags[string(tag)]
	if !ok {
		t = string(tag)
		d.tags[t] = t
	}
	n.Tag = t
	for _, s := range []*string{&n.Value, &n.Anchor, &n.HeadComment, &n.LineComment, &n.FootComment} {
		v, err := d.bytes()
		if err != nil {
			return nil, err
		}
		if len(v) > 0 {
			*s = string(v)
		}
	}
	if n.Line, err = d.int(); err != nil {
		return nil, err
	}
	if n.Column, err = d.int(); err != nil {
		return nil, err
	}
	count, err := d.uvarint()
	if err != nil || count > uint64(len(d.b))+1 {
		// Every node takes at least one byte.
		return nil, errNode
	}
	if count == 0 {
		return n, nil
	}
	n.Content = make([]*kyaml.Node, count-1)
	for i := range n.Content {
		if n.Content[i], err = d.node(depth + 1); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// BuildsReused reports how many kustomize builds were read from the
// persistent cache instead of run.
func (x *Result) BuildsReused() int64 { return x.r.builder.reused.Load() }
