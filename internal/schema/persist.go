// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package schema

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/d1lint/d1lint/internal/cache"
	"github.com/d1lint/d1lint/internal/model"
)

// Schema verdicts persist across runs in the persistent cache
// (internal/cache, docs/cache.md): a verdict is a function of the object
// and of the schema that judged it, and nothing else, so it is kept under
// the hash of both.
//
// A fleet of a thousand clusters renders some 400,000 objects: one cache
// entry per verdict would cost a cold run as many files. Verdicts are
// therefore kept in one table per Kubernetes release (the salted cache key
// covers the d1lint build), read once, on the first verdict a run needs,
// and written once, when the Validator is closed, and only when the run
// added verdicts to it. Every verdict's own key hashes the schema's
// identity (schemaID) and the object, so the table's key need not say
// which schemas or objects it holds: one table serves every fleet checked
// against the same release, and a run carries forward what the previous
// runs kept.

// verdictKind is the persistent cache's kind for schema verdict tables.
const verdictKind = "schema-verdicts"

// verdictFormat starts a table's content; a table in another format is
// read as an empty one (and replaced by the next write).
const verdictFormat = "d1lint-schema-verdicts-1\n"

// Bounds of a table: the verdicts this run used or added come first, then
// the others in the order the last writer kept them (most recently used
// first), until either bound is reached. A million verdicts (tens of MB)
// is more than the largest fleets render; the byte bound guards against
// tables of large error lists.
const (
	maxVerdicts   = 1 << 20
	maxTableBytes = 64 << 20
)

// verdictKey is a verdict's key: the SHA-256 of the schema's identity and
// the object's canonical encoding (cache.AppendValue).
type verdictKey [sha256.Size]byte

// kept is what validate decided for one object: invalid, with errors,
// or valid. The Source of a result is the caller's, not the verdict's.
type kept struct {
	invalid bool
	errors  []model.SchemaError // Path, Message and Segments only
}

// validVerdict is every valid verdict: most of them, and all alike.
var validVerdict = &kept{}

// slot is a table entry; used says this run read or wrote it.
type slot struct {
	k    verdictKey
	v    *kept
	used atomic.Bool
}

// verdictStore is the table of verdicts of one Validator.
type verdictStore struct {
	c   *cache.Cache
	key cache.Key

	loadOnce sync.Once
	loadedAt uint64 // maphash of the table read (0: none), to tell whether another run wrote since
	// loaded are the verdicts of the table read, in its order, and index
	// finds them by the first 8 bytes of their key: a map without
	// pointers, which a run builds in a fraction of the time of one by
	// whole key (a table can hold a million verdicts).
	loaded []slot
	index  map[uint64]int32

	mu     sync.RWMutex
	table  map[verdictKey]*slot // added by this run, and loaded ones whose index entry another took
	fresh  []*slot              // added by this run, in order
	closed bool

	bufs sync.Pool // *[]byte for object encodings
}

// tableSeed seeds the hash that tells whether a table changed on disk
// during the run: a comparison within one process.
var tableSeed = maphash.MakeSeed()

// newVerdictStore opens the verdict table of Kubernetes release kube in
// the cache c; nil (no persistence) when c is nil.
func newVerdictStore(c *cache.Cache, kube string) *verdictStore {
	if c == nil {
		return nil
	}
	return &verdictStore{c: c, key: c.Key(verdictKind, []byte(kube)), table: map[verdictKey]*slot{}}
}

// load reads the table, once. A missing, damaged or unreadable table is an
// empty one: verdicts are derived again.
func (s *verdictStore) load() {
	s.loadOnce.Do(func() {
		b, ok := s.c.Get(verdictKind, s.key)
		if !ok {
			return
		}
		loaded, err := decodeVerdicts(b)
		if err != nil || len(loaded) > maxVerdicts {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.loadedAt = maphash.Bytes(tableSeed, b)
		s.loaded, s.index = loaded, make(map[uint64]int32, len(loaded))
		for i := range loaded {
			p := prefix(loaded[i].k)
			if _, taken := s.index[p]; taken {
				// Two keys alike in their first 8 bytes (once in some
				// 10^13 tables of a million verdicts): by whole key.
				s.table[loaded[i].k] = &loaded[i]
				continue
			}
			s.index[p] = int32(i)
		}
	})
}

// prefix is the first 8 bytes of a key, which is a SHA-256.
func prefix(k verdictKey) uint64 { return binary.LittleEndian.Uint64(k[:8]) }

// lookup finds the verdict for k; with mu held.
func (s *verdictStore) lookup(k verdictKey) *slot {
	if i, ok := s.index[prefix(k)]; ok && s.loaded[i].k == k {
		return &s.loaded[i]
	}
	return s.table[k]
}

// keyOf is the key of the verdict of schema id on obj; ok is false
// for an object the codec cannot encode (which is then not kept).
func (s *verdictStore) keyOf(id *[sha256.Size]byte, obj map[string]any) (verdictKey, bool) {
	bp, _ := s.bufs.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	defer s.bufs.Put(bp)
	b, err := cache.AppendValue((*bp)[:0], obj)
	if err != nil {
		return verdictKey{}, false
	}
	*bp = b
	h := sha256.New()
	h.Write(id[:])
	h.Write(b)
	var k verdictKey
	h.Sum(k[:0])
	return k, true
}

// get returns the kept verdict for k as a result of source.
func (s *verdictStore) get(k verdictKey, source string) (*model.SchemaResult, bool) {
	s.load()
	s.mu.RLock()
	e := s.lookup(k)
	s.mu.RUnlock()
	if e == nil {
		return nil, false
	}
	if !e.used.Load() {
		e.used.Store(true)
	}
	if !e.v.invalid {
		return &model.SchemaResult{Status: model.SchemaValid, Source: source}, true
	}
	// Each caller gets its own errors: locating fills them in per cluster.
	return &model.SchemaResult{Status: model.SchemaInvalid, Source: source, Errors: slices.Clone(e.v.errors)}, true
}

// put keeps the verdict r for k.
func (s *verdictStore) put(k verdictKey, r *model.SchemaResult) {
	v := validVerdict
	if r.Status == model.SchemaInvalid {
		// A copy: the caller's errors are located later, in place.
		v = &kept{invalid: true, errors: make([]model.SchemaError, len(r.Errors))}
		for i, e := range r.Errors {
			v.errors[i] = model.SchemaError{Path: e.Path, Message: e.Message, Segments: e.Segments}
		}
	} else if r.Status != model.SchemaValid {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lookup(k) != nil {
		return // another cluster's object of the same content, meanwhile
	}
	e := &slot{k: k, v: v}
	e.used.Store(true)
	s.table[k] = e
	s.fresh = append(s.fresh, e)
}

// close writes the table when this run added verdicts to it. Whatever
// another run wrote meanwhile is merged in first (after this run's
// verdicts, within the bounds); two runs closing at the same moment both
// write whole tables, atomically (cache.Put renames a complete file into
// place), and the last one wins: the other's new verdicts are then merely
// derived again by a later run, never wrong.
func (s *verdictStore) close() error {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || len(s.fresh) == 0 {
		s.closed = true
		return nil
	}
	s.closed = true
	// This run's verdicts first, in the order the clusters' goroutines
	// reached them (the order of a table is that of eviction, and decides
	// no result), then the others as the last writer left them.
	var rest []*slot
	used := slices.Clone(s.fresh)
	for i := range s.loaded {
		if e := &s.loaded[i]; e.used.Load() {
			used = append(used, e)
		} else {
			rest = append(rest, e)
		}
	}
	if b, ok := s.c.Get(verdictKind, s.key); ok && maphash.Bytes(tableSeed, b) != s.loadedAt {
		if theirs, err := decodeVerdicts(b); err == nil {
			for i := range theirs {
				if s.lookup(theirs[i].k) == nil {
					rest = append(rest, &theirs[i])
				}
			}
		}
	}
	b := encodeVerdicts(append(used, rest...))
	return s.c.Put(verdictKind, s.key, b)
}

// encodeVerdicts writes the verdicts, in order, within the table's
// bounds: the format, then per verdict its key, 0 (valid) or 1 (invalid)
// and, for an invalid one, its errors.
func encodeVerdicts(slots []*slot) []byte {
	b := make([]byte, 0, len(verdictFormat)+min(len(slots), maxVerdicts)*(sha256.Size+1))
	b = append(b, verdictFormat...)
	for i, e := range slots {
		if i == maxVerdicts || len(b) >= maxTableBytes {
			break
		}
		v := e.v
		b = append(b, e.k[:]...)
		if !v.invalid {
			b = append(b, 0)
			continue
		}
		b = append(b, 1)
		b = binary.AppendUvarint(b, uint64(len(v.errors)))
		for _, e := range v.errors {
			b = appendString(b, e.Path)
			b = appendString(b, e.Message)
			// 0 for no segments (nil), else the count plus one: a result
			// read back is the one validate returned, to the slice.
			if e.Segments == nil {
				b = append(b, 0)
				continue
			}
			b = binary.AppendUvarint(b, uint64(len(e.Segments))+1)
			for _, seg := range e.Segments {
				b = appendString(b, seg)
			}
		}
	}
	return b
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

var errVerdicts = errors.New("not a schema verdict table")

// decodeVerdicts reads what encodeVerdicts wrote.
func decodeVerdicts(b []byte) ([]slot, error) {
	rest, ok := bytes.CutPrefix(b, []byte(verdictFormat))
	if !ok {
		return nil, errVerdicts
	}
	d := verdictDecoder{b: rest}
	// Most verdicts are valid: a key and a byte.
	slots := make([]slot, 0, len(rest)/(sha256.Size+1))
	for len(d.b) > 0 {
		if len(d.b) < sha256.Size+1 {
			return nil, errVerdicts
		}
		slots = append(slots, slot{})
		e := &slots[len(slots)-1]
		copy(e.k[:], d.b)
		status := d.b[sha256.Size]
		d.b = d.b[sha256.Size+1:]
		switch status {
		case 0:
			e.v = validVerdict
			continue
		case 1:
		default:
			return nil, errVerdicts
		}
		n := d.count()
		v := &kept{invalid: true, errors: make([]model.SchemaError, 0, n)}
		for range n {
			e := model.SchemaError{Path: d.string(), Message: d.string()}
			if segs := d.uvarint(); segs > 0 {
				e.Segments = make([]string, 0, min(segs-1, uint64(len(d.b))))
				for range segs - 1 {
					e.Segments = append(e.Segments, d.string())
					if d.err != nil {
						break
					}
				}
			}
			if d.err != nil {
				break
			}
			v.errors = append(v.errors, e)
		}
		if d.err != nil || len(v.errors) == 0 {
			return nil, errVerdicts
		}
		e.v = v
	}
	return slots, nil
}

// verdictDecoder reads a table; the first error sticks.
type verdictDecoder struct {
	b   []byte
	err error
}

func (d *verdictDecoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errVerdicts
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a length, which cannot exceed the bytes left (every element
// takes at least one).
func (d *verdictDecoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.err = errVerdicts
		return 0
	}
	return int(n)
}

func (d *verdictDecoder) string() string {
	n := d.count()
	if d.err != nil {
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

// Schema identity. A compiled schema is identified, for the persistent
// cache, by everything it was compiled from: the Kubernetes release (whose
// definitions are bundled, and so covered by the d1lint build the cache
// key hashes), the URL it was compiled at, and the content of the document
// served there (a bundled document by digest; one from a render, or
// patched, by the SHA-256 of its bytes: a render's CRDs are not the
// build's). A document can reach other documents only through $ref (and
// id, $schema and the like, which move or add resources): a schema whose
// documents reach anything but themselves and the release's Kubernetes
// definitions is not identified, and its verdicts are not kept.

// schemaID is the identity of a schema, hashed; ok is false when verdicts
// against the schema must not be kept.
type schemaID struct {
	sum [sha256.Size]byte
	ok  bool
}

// newSchemaID hashes the parts of a schema's identity, each
// length-prefixed.
func newSchemaID(parts ...string) schemaID {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(strconv.Itoa(len(p)) + ":" + p))
	}
	var id schemaID
	h.Sum(id.sum[:0])
	id.ok = true
	return id
}

// k8sPrefix is where the release's Kubernetes definitions are served.
const k8sPrefix = base + "k8s/"

// closedDoc says whether the schema document doc, served at docURL, reaches
// nothing but itself and the Kubernetes definitions: every $ref resolves
// into the document or under k8s/, and no keyword moves the document's
// base or adds a resource (id, $id, $schema, anchors, dynamic references).
// The walk looks at every object of the document, keywords or not (an
// enum value that reads {"id": "x"} counts): a document wrongly held open
// only loses its verdicts' persistence.
func closedDoc(docURL string, doc any) bool {
	u, err := url.Parse(docURL)
	if err != nil {
		return false
	}
	var walk func(v any) bool
	walk = func(v any) bool {
		switch t := v.(type) {
		case map[string]any:
			for k, e := range t {
				switch k {
				case "$ref":
					if ref, ok := e.(string); ok && !localRef(u, ref) {
						return false
					}
				case "id", "$id", "$schema", "$anchor", "$dynamicAnchor", "$dynamicRef", "$recursiveRef":
					if _, ok := e.(string); ok {
						return false
					}
				case "$recursiveAnchor", "$vocabulary":
					return false
				}
				if !walk(e) {
					return false
				}
			}
		case []any:
			for _, e := range t {
				if !walk(e) {
					return false
				}
			}
		}
		return true
	}
	return walk(doc)
}

// localRef says whether ref, in the document at u, resolves into that
// document or under k8s/.
func localRef(u *url.URL, ref string) bool {
	r, err := url.Parse(ref)
	if err != nil {
		return false
	}
	abs := u.ResolveReference(r)
	abs.Fragment, abs.RawFragment = "", ""
	s := abs.String()
	return s == u.String() || (len(s) > len(k8sPrefix) && s[:len(k8sPrefix)] == k8sPrefix)
}

// noteDoc records, for the schema identity, the document the loader serves
// at docURL (the first time: the compiler keeps what it loaded) and whether
// it is closed. Called with rmu held.
func (v *Validator) noteDoc(docURL, content string, doc any) {
	if _, ok := v.docIDs[docURL]; ok {
		return
	}
	v.docIDs[docURL] = content
	if !closedDoc(docURL, doc) {
		v.openDoc = true
	}
}

// idFor is the identity of the schema just compiled at url (relative to
// base), with the compiler's lock held: none once any document the
// compiler loaded is open, since any schema compiled since may reach it.
func (v *Validator) idFor(path string) schemaID {
	v.rmu.Lock()
	defer v.rmu.Unlock()
	content, ok := v.docIDs[base+path]
	if v.openDoc || !ok {
		return schemaID{}
	}
	return newSchemaID("bundled", v.kube.Version, path, content)
}

// contentID is how a served document's content is identified: a bundled
// document by its digest (the bundle is the build's), others by the
// SHA-256 of their bytes.
func contentID(raw []byte) string {
	return fmt.Sprintf("sha256:%x", sha256.Sum256(raw))
}
