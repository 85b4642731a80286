// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package helm

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"math"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
	releaseutil3 "helm.sh/helm/v3/pkg/releaseutil"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/d1lint/d1lint/internal/memo"
	"github.com/d1lint/d1lint/internal/par"
)

// The fast path.
//
// Most HelmReleases have no kustomize post-renderer: helm-controller's
// post-rendering then only sets the origin labels (and spec.commonMetadata)
// on metadata, through a kustomize resource map that parses, de-anchors
// and copies every object, and Helm splits and sorts the rendered
// manifests with a regular expression and a YAML-to-JSON parse of every
// document. For a chart of large CRDs that was nearly all of a render.
//
// The fast path runs the same install as Helm's client-only dry run
// (renderFast3, renderFast4: the same Helm functions in the same order),
// splits and sorts the manifests as Helm does, with a scan instead of the
// regular expression (splitManifests3/4), parses each document once with
// yaml.v3 for both its head (nodeHead, where that is provably Helm's head;
// else Helm's own head parse) and its object (renderDocs), rebuilds the
// documents Helm 4 hands its post-renderer and sorts again, and sets the
// labels and annotations on the decoded objects directly
// (fastPost.object), each document decoded once, with what kustomize's
// JSON round trip does to values where Helm reads kustomize's output
// (jsonValues). A chart keeps the heads and objects of its large
// documents and the objects of its crds/ files (the CRDs, the same in
// every render), and the post-rendered objects of both (Chart.posted),
// which every render of the release with any values shares, read only.
//
// It gives up, and Render takes the kustomize path (Helm's install with
// the post-renderer) from the start, on anything it does not reproduce
// exactly: any error of Helm or of a document; a document that kustomize
// could read otherwise (a List, anchors, aliases, merge keys, explicit
// tags, several documents, no kind or name, labels or annotations that
// are not maps, kustomize's own annotations); two objects of one group,
// version, kind and name (kustomize refuses the same identity twice);
// values the JSON round trip may change otherwise (timestamps, NaN, large
// integral floats); empty commonMetadata maps and commonMetadata
// annotations that Helm or kustomize read. TestFastPathMatches compares
// both paths on every corpus render, TestFastPathFixtures on charts made
// for each of these cases.

// fastManifest is one document of a template in Helm's install order.
type fastManifest struct {
	path, content, kind string
}

// headCacheMin is the size from which a document's head (Helm's parse of
// apiVersion, kind, name and annotations) is kept per chart: large
// documents are CRDs, the same in every render of a chart.
const headCacheMin = 4 << 10

// renderDocs is what one render parses of its documents (a document's
// head and object come from one parse): in the chart, which every render
// of it shares, and the small ones in the render too.
type renderDocs struct {
	chart *Chart
	small map[string]parsedDoc
}

func newRenderDocs(c *Chart) *renderDocs {
	return &renderDocs{chart: c, small: map[string]parsedDoc{}}
}

// head is Helm's releaseutil manifestFile.sort parse of a document's head
// (sigs.k8s.io/yaml into SimpleHead; Helm 3's and 4's SimpleHead are the
// same type). It is read from the document's yaml.v3 parse (parsed),
// which its object shares, where that provably gives Helm's head
// (nodeHead); else Helm's parse runs, kept per chart for large documents.
func (d *renderDocs) head(doc string) (releaseutil3.SimpleHead, error) {
	if p, ok := d.parsed(doc); ok && p.headOK {
		return p.head, nil
	}
	parse := func() headResult {
		var h releaseutil3.SimpleHead
		err := sigsyaml.Unmarshal([]byte(doc), &h)
		return headResult{h, err}
	}
	if len(doc) < headCacheMin {
		r := parse()
		return r.head, r.err
	}
	r, ok := once(&d.chart.heads, sha256.Sum256([]byte(doc)), parse)
	if !ok {
		return r.head, errors.New("parsing the document's head failed")
	}
	return r.head, r.err
}

type headResult struct {
	head releaseutil3.SimpleHead
	err  error
}

// once returns the cached value of key, computing it with f if it is not
// there; false if f panicked, for this render or an earlier one. The memo
// is bounded (package memo): what every cluster's render shares stays,
// what one cluster's values alone produce is dropped in time.
func once[T any](m *memo.Map[[sha256.Size]byte, any], key [sha256.Size]byte, f func() T) (T, bool) {
	v, ok := m.Do(key, func() any { return f() })
	if !ok {
		var zero T
		return zero, false
	}
	return v.(T), true
}

// hookEvents are the events releaseutil knows (its events map): a hook
// naming any other is skipped.
var hookEvents = map[string]bool{
	"pre-install": true, "post-install": true, "pre-delete": true, "post-delete": true,
	"pre-upgrade": true, "post-upgrade": true, "pre-rollback": true, "post-rollback": true,
	"test": true, "test-success": true,
}

// fastSort is releaseutil.SortManifests with the given split: the files in
// path order (partials and empty files skipped), each split into
// documents, a document with a helm.sh/hook annotation a hook (skipped if
// it names an unknown event), the others manifests; both sorted stably by
// kind in Helm's install order. It fails where Helm's parse fails.
func fastSort(d *renderDocs, files map[string]string, split func(string) []string, order []string) (hooks, manifests []fastManifest, ok bool) {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	type fileDoc struct{ path, doc string }
	var docs []fileDoc
	var large []string
	for _, p := range paths {
		content := files[p]
		if strings.HasPrefix(path.Base(p), "_") || strings.TrimSpace(content) == "" {
			continue
		}
		for _, doc := range split(content) {
			docs = append(docs, fileDoc{p, doc})
			if len(doc) >= decodeCacheMin {
				large = append(large, doc)
			}
		}
	}
	// The large documents (CRDs from templates: kyverno renders megabytes)
	// are parsed side by side first; the loop finds them parsed.
	if len(large) > 1 {
		par.Each(len(large), func(i int) { d.parsed(large[i]) })
	}
	for _, fd := range docs {
		p, doc := fd.path, fd.doc
		h, err := d.head(doc)
		if err != nil {
			return nil, nil, false
		}
		m := fastManifest{path: p, content: doc, kind: h.Kind}
		if h.Metadata == nil || len(h.Metadata.Annotations) == 0 {
			manifests = append(manifests, m)
			continue
		}
		types, isHook := h.Metadata.Annotations["helm.sh/hook"]
		if !isHook {
			manifests = append(manifests, m)
			continue
		}
		known := true
		for _, t := range strings.Split(types, ",") {
			if !hookEvents[strings.ToLower(strings.TrimSpace(t))] {
				known = false
				break
			}
		}
		if known {
			hooks = append(hooks, m)
		}
	}
	sortByKind(hooks, order, func(m fastManifest) string { return m.kind })
	sortByKind(manifests, order, func(m fastManifest) string { return m.kind })
	return hooks, manifests, true
}

// sortByKind is releaseutil's stable sort by kind (lessByKind): the kinds
// of the order first, in its order, then the others alphabetically.
func sortByKind[T any](s []T, order []string, kind func(T) string) {
	rank := make(map[string]int, len(order))
	for i, k := range order {
		rank[k] = i
	}
	sort.SliceStable(s, func(i, j int) bool {
		a, b := kind(s[i]), kind(s[j])
		ra, aok := rank[a]
		rb, bok := rank[b]
		switch {
		case !aok && !bok:
			return a < b
		case !aok:
			return false
		case !bok:
			return true
		}
		return ra < rb
	})
}

// fastPost is the post-rendering of the fast path: commonMetadata, then
// the origin labels, on each object, and the objects' identities, which
// kustomize refuses twice.
type fastPost struct {
	docs                 *renderDocs
	post                 *postRenderer
	dropEmptyAnnotations bool // Helm 4
	viaJSON              bool // Helm 4, and Helm 3 with commonMetadata
	seen                 map[string]bool
	key                  []byte // postKey
}

func newFastPost(d *renderDocs, p *postRenderer, major int) (*fastPost, bool) {
	if len(p.kustomize) > 0 {
		return nil, false
	}
	if p.common != nil {
		if (p.common.Labels != nil && len(p.common.Labels) == 0) || (p.common.Annotations != nil && len(p.common.Annotations) == 0) {
			// Whether kustomize creates empty maps is its business.
			return nil, false
		}
		for k := range p.common.Annotations {
			// Helm 4 sorts the post-rendered objects again, reading
			// helm.sh/hook; kustomize reads its own annotations.
			if strings.HasPrefix(k, "helm.sh/") || kustomizeAnnotation(k) {
				return nil, false
			}
		}
	}
	viaJSON := major == 4 || (p.common != nil && (p.common.Labels != nil || p.common.Annotations != nil))
	return &fastPost{docs: d, post: p, dropEmptyAnnotations: major == 4, viaJSON: viaJSON, seen: map[string]bool{}}, true
}

// kustomizeAnnotation reports whether kustomize's readers and writers may
// read, copy or clear an annotation: config.kubernetes.io/...,
// internal.config.kubernetes.io/..., config.k8s.io/id,
// kustomize.config.k8s.io/..., and Helm 4's post-render file name.
func kustomizeAnnotation(k string) bool {
	return strings.Contains(k, "config.kubernetes.io/") || strings.Contains(k, "config.k8s.io/") ||
		strings.HasPrefix(k, "postrenderer.helm.sh/")
}

// object decodes one document as kustomize reads it and post-renders it:
// nil for an empty document, false where kustomize could read it
// otherwise.
func (f *fastPost) object(doc string) (map[string]any, bool) {
	return f.cached(doc, false)
}

// objectLine is object of doc followed by a line break, as Helm 3 hands
// kustomize each document.
func (f *fastPost) objectLine(doc string) (map[string]any, bool) {
	return f.cached(doc, true)
}

// postedDoc is a post-rendered document kept by the chart.
type postedDoc struct {
	m  map[string]any
	ok bool
}

// cached is object (objectLine when line is set) of a document, from the
// chart's post-rendered objects for a large document: the render with
// other values of the same release renders the same CRDs, and the
// object, shared, is then validated and converted once for all the
// clusters. Only the identity check is the render's own.
func (f *fastPost) cached(doc string, line bool) (map[string]any, bool) {
	decode := f.docs.decoded
	if line {
		decode = f.docs.decodedLine
	}
	if len(doc) < decodeCacheMin {
		return f.objectOf(decode(doc))
	}
	if _, cached := f.docs.parsed(doc); !cached {
		// The chart keeps no more text: nor does it keep objects.
		return f.objectOf(decode(doc))
	}
	h := sha256.New()
	if line {
		h.Write([]byte{1})
	} else {
		h.Write([]byte{0})
	}
	h.Write(f.postKey())
	h.Write([]byte(doc))
	var key [sha256.Size]byte
	h.Sum(key[:0])
	p, _ := once(&f.docs.chart.posted, key, func() postedDoc {
		m, ok := f.postOf(decode(doc))
		return postedDoc{m, ok}
	})
	if !p.ok || p.m == nil {
		return p.m, p.ok
	}
	if !f.fresh(p.m) {
		return nil, false
	}
	return p.m, true
}

// postKey identifies the post-rendering, computed once per render.
func (f *fastPost) postKey() []byte {
	if f.key == nil {
		b, err := json.Marshal(struct {
			Common        *commonMetadata
			Origin        map[string]string
			JSON, NoEmpty bool
		}{f.post.common, f.post.origin, f.viaJSON, f.dropEmptyAnnotations})
		if err != nil {
			// Maps of strings always marshal; a key that cannot be made
			// shares nothing.
			b = []byte(err.Error())
		}
		f.key = append([]byte{byte(len(b) >> 24), byte(len(b) >> 16), byte(len(b) >> 8), byte(len(b))}, b...)
	}
	return f.key
}

// objectOf post-renders a decoded document (object).
func (f *fastPost) objectOf(m map[string]any, ok bool) (map[string]any, bool) {
	m, ok = f.postOf(m, ok)
	if !ok || m == nil {
		return m, ok
	}
	if !f.fresh(m) {
		return nil, false
	}
	return m, true
}

// fresh records a post-rendered object's identity in the render: false
// for the second object of one group, version, kind and name. kustomize
// refuses two objects of one identity (group, version, kind, namespace,
// name); which namespaces it takes for one is its business, so two
// objects of one group, version, kind and name take the kustomize path.
func (f *fastPost) fresh(m map[string]any) bool {
	kind, _ := m["kind"].(string)
	av, _ := m["apiVersion"].(string)
	meta, _ := m["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	group, version, found := strings.Cut(av, "/")
	if !found {
		group, version = "", av
	}
	id := group + "\x00" + version + "\x00" + kind + "\x00" + name
	if f.seen[id] {
		return false
	}
	f.seen[id] = true
	return true
}

// postOf post-renders a decoded document (object) in place, without the
// identity check (fresh): the same for every render of the release.
func (f *fastPost) postOf(m map[string]any, ok bool) (map[string]any, bool) {
	if !ok || m == nil {
		return nil, ok
	}
	kind, _ := m["kind"].(string)
	av, _ := m["apiVersion"].(string)
	meta, _ := m["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	if kind == "" || strings.HasSuffix(kind, "List") || av == "" || name == "" {
		return nil, false
	}
	if ns, ok := meta["namespace"]; ok {
		if _, ok := ns.(string); !ok {
			return nil, false
		}
	}
	// metadata.labels and .annotations as kustomize reads them: absent,
	// null or a map (a null one becomes a map when a label or annotation
	// is set on it).
	labels, ok := metaMap(meta, "labels")
	if !ok {
		return nil, false
	}
	annotations, ok := metaMap(meta, "annotations")
	if !ok {
		return nil, false
	}
	for k := range annotations {
		if kustomizeAnnotation(k) {
			return nil, false
		}
	}
	// helm-controller's order: the kustomize post-renderers (none), the
	// common labels, the common annotations, the origin labels.
	if c := f.post.common; c != nil && (c.Labels != nil || c.Annotations != nil) {
		if c.Labels != nil {
			labels = setAll(meta, "labels", labels, c.Labels)
		}
		if c.Annotations != nil {
			annotations = setAll(meta, "annotations", annotations, c.Annotations)
		}
	}
	if f.viaJSON {
		// kustomize writes the resources it transformed as YAML through
		// JSON (resource.AsYAML: yaml.v3 into Go values, encoding/json,
		// sigs.k8s.io/yaml.JSONToYAML), and Helm 4 (and Helm 3 after
		// commonMetadata) reads that text back.
		if !jsonValues(m) {
			return nil, false
		}
	}
	if f.dropEmptyAnnotations && len(annotations) == 0 {
		// Helm 4 writes the objects with kyaml, which drops empty or null
		// annotations (kio.ByteWriter, ClearEmptyAnnotations); Helm 3's
		// objects are kustomize's, as read.
		delete(meta, "annotations")
	}
	setAll(meta, "labels", labels, f.post.origin)
	return m, true
}

// decodeCacheMin is the size from which a document's decoded object is
// kept per chart (deep-copied for each post-rendering, which Chart.posted
// then keeps), and decodeCacheMax the most document text whose
// objects a chart keeps.
const (
	decodeCacheMin = 4 << 10
	decodeCacheMax = 32 << 20
)

// parsedDoc is a large document parsed once with yaml.v3: its object as
// decodeDoc gives it, its head where that is Helm's (headOK), and whether
// the document followed by a line break decodes to the same object
// (newlineSafe: Helm 3 hands kustomize each document with one).
type parsedDoc struct {
	m           map[string]any
	ok          bool
	head        releaseutil3.SimpleHead
	headOK      bool
	newlineSafe bool
}

// parsed is parseDoc of a document, kept in the chart (and in the render
// for small ones); false when the chart keeps no more text of a large one.
func (d *renderDocs) parsed(doc string) (parsedDoc, bool) {
	c := d.chart
	if len(doc) < decodeCacheMin {
		if p, ok := d.small[doc]; ok {
			return p, true
		}
		// Most small documents are the same in every render of a release
		// whatever its values (a ServiceAccount, a Service; only the
		// Ingress holds the cluster's domain): the chart keeps the parses
		// it meets again (smallDocs), and the render keeps it besides,
		// for its head and object.
		p, ok := once(&c.smallDocs, sha256.Sum256([]byte(doc)), func() parsedDoc { return parseDoc(doc) })
		if !ok {
			p = parseDoc(doc)
		}
		d.small[doc] = p
		return p, true
	}
	key := sha256.Sum256([]byte(doc))
	if cached := c.docs.Has(key); !cached && c.docBytes.Add(int64(len(doc))) > decodeCacheMax {
		return parsedDoc{}, false
	}
	return once(&c.docs, key, func() parsedDoc { return parseDoc(doc) })
}

// parseDoc decodes a document (decodeDoc) and reads its head and line
// break safety from the same parse.
func parseDoc(doc string) parsedDoc {
	root, m, ok := decodeNode(doc)
	p := parsedDoc{m: m, ok: ok}
	if ok && m != nil {
		p.head, p.headOK = nodeHead(root)
		p.newlineSafe = !endsInBlockScalar(root)
	}
	return p
}

// decoded is decodeDoc from the document's parse (parsed), deep-copied:
// the post-rendering writes into it.
func (d *renderDocs) decoded(doc string) (map[string]any, bool) {
	p, cached := d.parsed(doc)
	if !cached {
		return decodeDoc(doc)
	}
	if !p.ok || p.m == nil {
		return nil, p.ok
	}
	return deepCopy(p.m).(map[string]any), true
}

// decodedLine is decoded(doc + "\n"), from the parse of doc when the
// line break changes nothing, so that a document's head and object come
// from one parse.
func (d *renderDocs) decodedLine(doc string) (map[string]any, bool) {
	if p, cached := d.parsed(doc); cached && p.ok && p.m != nil && p.newlineSafe {
		return deepCopy(p.m).(map[string]any), true
	}
	return d.decoded(doc + "\n")
}

// decodedFile is decodeDocs of a file of the chart (a crds/ file), kept
// per chart: the files are the same in every render. The documents are
// shared by every caller: read only.
func (c *Chart) decodedFile(data []byte) decodedFileResult {
	r, ok := once(&c.files, sha256.Sum256(data), func() decodedFileResult {
		docs, err := decodeDocs(data)
		return decodedFileResult{docs, err}
	})
	if !ok {
		docs, err := decodeDocs(data)
		return decodedFileResult{docs, err}
	}
	return r
}

// labelledFile is decodedFile with the origin labels set on each object,
// kept per chart and labels: every render of the release, whatever its
// values, installs the same crds/ objects, which are then shared (read
// only) by all the clusters that render it.
func (c *Chart) labelledFile(data []byte, origin map[string]string) ([]map[string]any, error) {
	h := sha256.New()
	sum := sha256.Sum256(data)
	h.Write(sum[:])
	for _, k := range slices.Sorted(maps.Keys(origin)) {
		h.Write([]byte(k + "\x00" + origin[k] + "\x00"))
	}
	var key [sha256.Size]byte
	h.Sum(key[:0])
	r, _ := once(&c.posted, key, func() decodedFileResult {
		decoded := c.decodedFile(data)
		if decoded.err != nil {
			return decoded
		}
		// The labels go on copies of each object's metadata; the rest (a
		// CRD's schema runs to megabytes) is the decoded file's, read only.
		docs := make([]map[string]any, len(decoded.docs))
		for i, d := range decoded.docs {
			docs[i] = withLabels(d, origin)
		}
		return decodedFileResult{docs, nil}
	})
	if r.err != nil {
		return nil, r.err
	}
	return slices.Clone(r.docs), nil
}

type decodedFileResult struct {
	docs []map[string]any
	err  error
}

// decodeDoc decodes one document of a manifest as kustomize's reader
// does, with yaml.v3: nil for an empty document, false for anything the
// fast path leaves to kustomize (see object).
func decodeDoc(doc string) (map[string]any, bool) {
	_, m, ok := decodeNode(doc)
	return m, ok
}

// decodeNode is decodeDoc, with the document's root node.
func decodeNode(doc string) (*yaml.Node, map[string]any, bool) {
	// One document, as kustomize's reader (which splits at lines starting
	// with --- and decodes one document of each piece, after replacing
	// \r\n) sees it.
	if strings.HasPrefix(doc, "---") || strings.HasPrefix(doc, "...") || strings.HasPrefix(doc, "%") ||
		strings.Contains(doc, "\n---") || strings.Contains(doc, "\n...") || strings.Contains(doc, "\r") {
		return nil, nil, false
	}
	dec := yaml.NewDecoder(strings.NewReader(doc))
	var n yaml.Node
	if err := dec.Decode(&n); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, true
		}
		return nil, nil, false
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return nil, nil, false
	}
	if n.Kind != yaml.DocumentNode || len(n.Content) != 1 {
		return nil, nil, false
	}
	root := n.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" && root.Style&yaml.TaggedStyle == 0 && root.Anchor == "" {
		// An empty document (kyaml's IsYNodeEmptyDoc).
		return nil, nil, true
	}
	if root.Kind != yaml.MappingNode || len(root.Content) == 0 || !plainTree(root) {
		return nil, nil, false
	}
	var m map[string]any
	if err := n.Decode(&m); err != nil {
		return nil, nil, false
	}
	return root, m, true
}

// nodeHead reads Helm's head (sigs.k8s.io/yaml, which parses with yaml.v2
// and matches JSON names case-insensitively, into SimpleHead) from a
// document yaml.v3 decoded, false where the two might differ: a key that
// matches a head field in another case, or a head value that is not a
// string both YAML versions read alike (a quoted one, or a plain one
// starting with a letter that is none of YAML 1.1's booleans and nulls,
// which yaml.v2 resolves and yaml.v3 does not), or a tree the conversion
// to JSON refuses (jsonSafe). A document only yaml.v3 can parse is not
// told apart: FuzzParseDoc and TestFastPathMatches compare the two.
func nodeHead(root *yaml.Node) (releaseutil3.SimpleHead, bool) {
	var h releaseutil3.SimpleHead
	if !jsonSafe(root) {
		return h, false
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		var ok bool
		switch k.Value {
		case "apiVersion":
			h.Version, ok = headString(v)
		case "kind":
			h.Kind, ok = headString(v)
		case "metadata":
			h.Metadata, ok = headMetadata(v)
		default:
			ok = !strings.EqualFold(k.Value, "apiVersion") && !strings.EqualFold(k.Value, "kind") && !strings.EqualFold(k.Value, "metadata")
		}
		if !ok {
			return h, false
		}
	}
	return h, true
}

// headMetadata is SimpleHead's metadata from a mapping node.
func headMetadata(n *yaml.Node) (meta *struct {
	Name        string            `json:"name"`
	Annotations map[string]string `json:"annotations"`
}, ok bool) {
	if n.Kind != yaml.MappingNode {
		return nil, false
	}
	meta = &struct {
		Name        string            `json:"name"`
		Annotations map[string]string `json:"annotations"`
	}{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "name":
			if meta.Name, ok = headString(v); !ok {
				return nil, false
			}
		case "annotations":
			if v.Kind != yaml.MappingNode {
				return nil, false
			}
			meta.Annotations = make(map[string]string, len(v.Content)/2)
			for j := 0; j+1 < len(v.Content); j += 2 {
				ak, okk := headString(v.Content[j])
				av, okv := headString(v.Content[j+1])
				if !okk || !okv {
					return nil, false
				}
				meta.Annotations[ak] = av
			}
		default:
			if strings.EqualFold(k.Value, "name") || strings.EqualFold(k.Value, "annotations") {
				return nil, false
			}
		}
	}
	return meta, true
}

// jsonSafe reports whether sigs.k8s.io/yaml's conversion of a whole tree
// to JSON cannot fail: every key a string both YAML versions read alike
// (it refuses keys yaml.v2 reads as large integers), and no infinite or
// NaN number (encoding/json refuses them).
func jsonSafe(n *yaml.Node) bool {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if _, ok := headString(n.Content[i]); !ok || !jsonSafe(n.Content[i+1]) {
				return false
			}
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if !jsonSafe(c) {
				return false
			}
		}
	case yaml.ScalarNode:
		if n.Tag == "!!float" {
			f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
			return err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
		}
	}
	return true
}

// yaml11Words are the plain scalars starting with a letter that yaml.v2
// resolves to booleans or null (YAML 1.1).
var yaml11Words = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true, "n": true, "N": true, "no": true, "No": true, "NO": true,
	"true": true, "True": true, "TRUE": true, "false": true, "False": true, "FALSE": true,
	"on": true, "On": true, "ON": true, "off": true, "Off": true, "OFF": true,
	"null": true, "Null": true, "NULL": true,
}

// headString is a scalar both YAML versions read as the same string.
func headString(n *yaml.Node) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		return "", false
	}
	switch n.Style {
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		return n.Value, true
	case 0:
		if c := n.Value; c != "" && (c[0] >= 'a' && c[0] <= 'z' || c[0] >= 'A' && c[0] <= 'Z') && !yaml11Words[c] {
			return c, true
		}
	}
	return "", false
}

// endsInBlockScalar reports whether the last scalar of a tree is a literal
// or folded one, whose value a line break after the document may change.
func endsInBlockScalar(n *yaml.Node) bool {
	for len(n.Content) > 0 {
		n = n.Content[len(n.Content)-1]
	}
	return n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0
}

// jsonValues turns the values of a decoded object into what they are
// after kustomize's JSON round trip and Helm's YAML decoding of its
// output: a float with an integral value an int (encoding/json writes
// 1000 for 1e3). It reports false for what the round trip may change
// otherwise or refuses: timestamps (yaml.v3 decodes a plain one as a
// time.Time, which encoding/json writes in RFC 3339, yet kustomize does
// not always), NaN, infinities, large integral floats, maps with keys
// that are not strings, invalid UTF-8.
func jsonValues(m map[string]any) bool {
	for k, v := range m {
		if !utf8.ValidString(k) {
			return false
		}
		nv, ok := jsonValue(v)
		if !ok {
			return false
		}
		m[k] = nv
	}
	return true
}

func jsonValue(v any) (any, bool) {
	switch v := v.(type) {
	case nil, bool, int, uint64:
		return v, true
	case string:
		return v, utf8.ValidString(v)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) || (v == math.Trunc(v) && math.Abs(v) >= 1<<53) {
			return nil, false
		}
		if v == math.Trunc(v) {
			return int(v), true
		}
		return v, true
	case map[string]any:
		return v, jsonValues(v)
	case []any:
		for i, x := range v {
			nx, ok := jsonValue(x)
			if !ok {
				return nil, false
			}
			v[i] = nx
		}
		return v, true
	}
	return nil, false
}

// metaMap returns meta[key] when it is absent or null (nil, true) or a
// map.
func metaMap(meta map[string]any, key string) (map[string]any, bool) {
	v := meta[key]
	if v == nil {
		return nil, true
	}
	m, ok := v.(map[string]any)
	return m, ok
}

// setAll sets string values on meta[key], creating the map, as kustomize's
// label and annotation transformers do (fieldSpec metadata/labels or
// metadata/annotations, create if not present).
func setAll(meta map[string]any, key string, m map[string]any, values map[string]string) map[string]any {
	if m == nil && len(values) > 0 {
		m = make(map[string]any, len(values))
		meta[key] = m
	}
	for k, v := range values {
		m[k] = v
	}
	return m
}

// plainTree reports whether a node tree decodes the same through kyaml's
// reader as through yaml.v3: no anchors or aliases (kyaml inflates them
// itself), no merge keys, no explicit tags.
func plainTree(n *yaml.Node) bool {
	if n.Anchor != "" || n.Kind == yaml.AliasNode || n.Style&yaml.TaggedStyle != 0 {
		return false
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; k.Tag == "!!merge" || k.Value == "<<" {
				return false
			}
		}
	}
	for _, c := range n.Content {
		if !plainTree(c) {
			return false
		}
	}
	return true
}

// fastObjects3 post-renders Helm 3's sorted manifests: Helm hands the
// post-renderer "---\n# Source: <path>\n<content>\n" for each, which
// kustomize reads document by document (the content and its line break).
func fastObjects3(post *fastPost, manifests []fastManifest) ([]Object, bool) {
	var objs []Object
	for _, m := range manifests {
		content := m.content
		// Helm 3's split leaves a "---" line at the start of a document
		// after an empty one ("a\n---\n\n---\nb"); kustomize's reader
		// takes that line for a separator.
		content = strings.TrimPrefix(content, "---\n")
		obj, ok := post.objectLine(content)
		if !ok {
			return nil, false
		}
		if obj != nil {
			objs = append(objs, Object{Object: obj, Template: m.path})
		}
	}
	return objs, true
}

// joinFiles is how Helm 4's renderResources groups sorted documents back
// into files: each path's documents joined with "\n---\n".
func joinFiles(docs []fastManifest) (map[string]string, map[string][]fastManifest) {
	files := map[string]string{}
	byPath := map[string][]fastManifest{}
	for _, d := range docs {
		if existing, ok := files[d.path]; ok {
			files[d.path] = existing + "\n---\n" + d.content
		} else {
			files[d.path] = d.content
		}
		byPath[d.path] = append(byPath[d.path], d)
	}
	return files, byPath
}

// fastObjects4 is Helm 4's renderResources from the first sort on, with
// helm-controller's nohooks strategy: the manifests grouped into files,
// split again and post-rendered in file order (annotateAndMerge), grouped
// by file again and sorted by kind (the second SortManifests), with the
// hooks split and sorted again the same way, untouched. It returns the
// objects and the hooks.
func fastObjects4(d *renderDocs, post *fastPost, hooks, manifests []fastManifest, order []string) ([]Object, []hookResult, bool) {
	type kinded struct {
		obj  Object
		kind string
	}
	manifestFiles, byPath := joinFiles(manifests)
	var objs []kinded
	rendered := map[string]bool{}
	for _, fname := range slices.Sorted(maps.Keys(manifestFiles)) {
		content := manifestFiles[fname]
		if strings.HasPrefix(path.Base(fname), "_") || strings.TrimSpace(content) == "" {
			continue
		}
		docs := splitManifests4(content)
		if len(docs) != len(byPath[fname]) {
			return nil, nil, false
		}
		for i, doc := range docs {
			obj, ok := post.object(doc)
			if !ok {
				return nil, nil, false
			}
			if obj != nil {
				// The kind Helm's second sort reads from the
				// post-rendered document is the one it read before.
				objs = append(objs, kinded{Object{Object: obj, Template: fname}, byPath[fname][i].kind})
				rendered[fname] = true
			}
		}
	}
	sortByKind(objs, order, func(k kinded) string { return k.kind })
	out := make([]Object, len(objs))
	for i, k := range objs {
		out[i] = k.obj
	}
	// The hooks' files, followed by the file's post-rendered documents
	// when it has any: the hooks as Helm's second sort splits them.
	hookFiles, _ := joinFiles(hooks)
	for p := range hookFiles {
		if rendered[p] {
			hookFiles[p] += "\n---\n"
		}
	}
	hooks2, generic, ok := fastSort(d, hookFiles, splitManifests4, order)
	if !ok || len(generic) > 0 || len(hooks2) != len(hooks) {
		return nil, nil, false
	}
	hs := make([]hookResult, len(hooks2))
	for i, h := range hooks2 {
		hs[i] = hookResult{path: h.path, manifest: h.content}
	}
	return out, hs, true
}
