// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package schema validates every rendered object against strict JSON
// Schemas, offline: the Kubernetes built-in kinds of a bundled release, the
// CRDs of the Flux release each cluster runs, other bundled CRDs (Flux
// Operator, Kyverno, Prometheus Operator), every CustomResourceDefinition in
// the cluster's own render, and the team's own kubeconform-style schema
// locations, which come first.
//
// Schemas are compiled once per kind and shared by every cluster; the
// verdicts go into the cluster model (model.Object.Schema,
// model.Cluster.Schemas), where the rules of category schema read them.
// With a persistent cache (Options.CacheDir), verdicts are also kept
// between runs, under the hash of the object and of the schema that
// judged it (persist.go, docs/cache.md).
package schema

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/Masterminds/semver/v3"
	jsonschema "github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/d1lint/d1lint/internal/cache"
	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/memo"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/openapi"
	"github.com/d1lint/d1lint/internal/par"
)

// ErrUsage marks errors in the options (an unknown Kubernetes version, a
// remote schema location).
var ErrUsage = errors.New("usage error")

// usageError reads as its message alone and matches ErrUsage: the message
// says what is wrong in the user's terms, the type decides the exit status.
type usageError struct{ err error }

func (e usageError) Error() string        { return e.err.Error() }
func (e usageError) Unwrap() error        { return e.err }
func (e usageError) Is(target error) bool { return target == ErrUsage }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

const fluxSet = "flux"

// base is the URL the bundled and render schemas are registered under. No
// loader serves it: a reference that leaves the registered documents fails
// to compile instead of reaching for the network.
const base = "https://schemas.d1lint.invalid/"

// Options configure a Validator.
type Options struct {
	// KubeVersion picks the Kubernetes release ("1.36", "v1.36.3"); default
	// the newest bundled one.
	KubeVersion string
	// Locations are kubeconform schema locations (local folders or path
	// templates such as "schemas/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json"),
	// consulted before the bundle, in order.
	Locations []string
	// CacheDir, when set, is the persistent cache's folder
	// (internal/cache): verdicts are read from it and, when the Validator
	// is closed, written to it (persist.go). A folder that cannot be
	// opened leaves the Validator without a cache.
	CacheDir string
	// CacheMaxSize bounds the persistent cache (cache.DefaultMaxSize when
	// 0).
	CacheMaxSize int64
}

// Validator validates clusters. It is safe for concurrent use: clusters
// validate in parallel and share compiled schemas. Close writes the
// verdicts it derived to the persistent cache, if it has one.
type Validator struct {
	bundle    *Bundle
	kube      *openapi.KubeRelease
	kubeKinds map[string]openapi.Kind // "apiVersion/Kind"
	kubeGK    map[string][]string     // "group/Kind" → versions served
	locations []string
	local     *localSchemas

	cmu      sync.Mutex // guards the compiler
	compiler *jsonschema.Compiler
	smu      sync.RWMutex
	compiled map[string]*compiled

	anyOnce     sync.Once
	anyFluxCRDs map[string]*crdEntry

	rmu        sync.Mutex
	render     map[uint64][]*renderCRD // CRD objects from renders, by model.ContentHash
	renderDocs map[string][]byte       // their version schemas, and bundled ones patched (operator.go), by digest

	omu      sync.Mutex
	operator map[*openapi.CRD]*openapi.CRD // bundled Flux CRDs as Flux Operator installs them

	// docIDs identify the documents the loader served, by URL, and
	// openDoc says one of them reaches beyond itself and the Kubernetes
	// definitions (persist.go); both guarded by rmu.
	docIDs  map[string]string
	openDoc bool

	// persistent is the cache (nil: none) and verdicts its table of
	// verdicts (persist.go); validations counts the objects actually
	// validated against a schema.
	persistent  *cache.Cache
	verdicts    *verdictStore
	validations atomic.Int64

	// shared memoises the work on objects rendered from charts, which
	// every cluster rendering the same release shares (the same map):
	// verdicts by schema and object, CRD digests by object.
	// Bounded (package memo): a release that one cluster alone renders
	// is dropped in time.
	shared memo.Map[sharedKey, *sharedEntry]

	prefetch prefetcher
}

// sharedKey identifies a shared object's map by its address, with the
// schema and source a verdict was reached against (nil and "" for a CRD's
// digest).
type sharedKey struct {
	schema *jsonschema.Schema
	source string
	obj    uintptr
}

// sharedEntry is the memoised result for one shared object; obj keeps the
// map alive, so that its address is not reused while the entry exists.
type sharedEntry struct {
	once   sync.Once
	obj    map[string]any
	result model.SchemaResult
	crd    *renderCRD
}

// sharedEntry returns the entry of k, computing it with f once: clusters
// validate concurrently, and those sharing a release reach its objects at
// the same time.
func (v *Validator) sharedEntry(k sharedKey, obj map[string]any, f func(e *sharedEntry)) *sharedEntry {
	e, _ := v.shared.Do(k, func() *sharedEntry { return &sharedEntry{} })
	e.once.Do(func() {
		e.obj = obj
		f(e)
	})
	return e
}

// sharedObject says whether the object's map is shared by the clusters
// that render the same chart release, and so never changes once rendered.
func sharedObject(o *model.Object) bool {
	return o.Chart != "" && o.Object != nil
}

// objectKey is the address of an object's map.
func objectKey(obj map[string]any) uintptr {
	return reflect.ValueOf(obj).Pointer()
}

type compiled struct {
	schema *jsonschema.Schema
	err    error
	// id identifies the schema for the persistent cache (persist.go).
	id schemaID
}

type renderCRD struct {
	// obj is the first object of this content (model.SameContent).
	obj  map[string]any
	once sync.Once
	crd  *openapi.CRD
	err  error
	// raws are the versions' openAPIV3Schemas, by index in crd.Versions;
	// each strict schema is built the first time an object needs it
	// (schema).
	raws    []map[string]any
	schemas []versionSchema
}

// versionSchema is the digest of one version's strict schema, once built.
type versionSchema struct {
	once   sync.Once
	digest string
	err    error
}

// New returns a Validator over the built-in bundle.
func New(opts Options) (*Validator, error) {
	b, kube, local, err := opts.open()
	if err != nil {
		return nil, err
	}
	v := &Validator{bundle: b, kube: kube, kubeKinds: map[string]openapi.Kind{}, kubeGK: map[string][]string{},
		compiled: map[string]*compiled{}, render: map[uint64][]*renderCRD{}, renderDocs: map[string][]byte{}, docIDs: map[string]string{}}
	for _, k := range kube.Kinds {
		v.kubeKinds[k.APIVersion()+"/"+k.Kind] = k
		v.kubeGK[k.Group+"/"+k.Kind] = append(v.kubeGK[k.Group+"/"+k.Kind], k.Version)
	}
	if local != nil {
		v.locations, v.local = opts.Locations, local
	}
	v.compiler = newCompiler()
	v.compiler.UseLoader(jsonschema.SchemeURLLoader{"https": loader{v}})
	if opts.CacheDir != "" {
		// The persistent cache only saves time: one that cannot be opened
		// (a read-only home) leaves the Validator as it would be without.
		if c, err := cache.Open(opts.CacheDir, opts.CacheMaxSize); err == nil {
			v.persistent, v.verdicts = c, newVerdictStore(c, kube.Version)
		}
	}
	return v, nil
}

// Close writes the verdicts this Validator derived to the persistent
// cache, when it has one and they are new, and releases the cache. The
// Validator still validates afterwards, without keeping anything. Errors
// writing the cache cost the next run time, not this one its result:
// callers may ignore them.
func (v *Validator) Close() error {
	if v.persistent == nil {
		return nil
	}
	return errors.Join(v.verdicts.close(), v.persistent.Close())
}

// Validate returns the error New would return for opts (an unknown
// Kubernetes release, a remote schema location), without compiling
// anything: commands check their options before they read any source.
func (opts Options) Validate() error {
	_, _, _, err := opts.open()
	return err
}

// open checks opts and opens what a Validator reads: the bundle, the
// Kubernetes release, and the team's schema locations (nil when none).
func (opts Options) open() (*Bundle, *openapi.KubeRelease, *localSchemas, error) {
	b, err := Bundled()
	if err != nil {
		return nil, nil, nil, err
	}
	kube, err := b.kube(opts.KubeVersion)
	if err != nil {
		return nil, nil, nil, usagef("Kubernetes version: %w; set --kube-version (or kubeVersion: in .d1lint.yaml) to one of them", err)
	}
	if len(opts.Locations) == 0 {
		return b, kube, nil, nil
	}
	// The team's locations are read with kubeconform's layout and template
	// syntax but d1lint's loader (local.go), which keeps every file and
	// $ref inside them; objects they hold no schema for go on to the
	// bundle.
	local, err := newLocalSchemas(opts.Locations, kube.Version)
	if err != nil {
		return nil, nil, nil, err
	}
	return b, kube, local, nil
}

func newCompiler() *jsonschema.Compiler {
	c := jsonschema.NewCompiler()
	// As kubeconform compiles: draft 4, and Kubernetes' Go-style durations
	// ("10m") rather than ISO 8601 for format: duration.
	c.DefaultDraft(jsonschema.Draft4)
	c.RegisterFormat(&jsonschema.Format{Name: "duration", Validate: goDuration})
	return c
}

// goDuration accepts what Kubernetes' duration format accepts: a Go
// duration ("1m30s"), and ISO 8601 for good measure.
func goDuration(v any) error {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	if _, err := time.ParseDuration(s); err == nil {
		return nil
	}
	if strings.HasPrefix(s, "P") {
		return nil
	}
	return fmt.Errorf("%q is not a duration", s)
}

// KubeVersion is the Kubernetes release validated against.
func (v *Validator) KubeVersion() string { return v.kube.Version }

// schemaFor compiles (once) the schema at url (relative to base). The
// compiler pulls in, through the loader, only the documents the schema
// reaches, each once per Validator.
func (v *Validator) schemaFor(url string) (*compiled, error) {
	v.smu.RLock()
	c, ok := v.compiled[url]
	v.smu.RUnlock()
	if ok {
		return c, c.err
	}
	v.cmu.Lock()
	defer v.cmu.Unlock()
	v.smu.RLock()
	c, ok = v.compiled[url]
	v.smu.RUnlock()
	if ok {
		return c, c.err
	}
	c = &compiled{}
	c.schema, c.err = v.compiler.Compile(base + url)
	if c.err == nil {
		// Compiling resolved every $ref: all the documents the schema
		// reaches are loaded, now or by an earlier compilation.
		c.id = v.idFor(url)
	}
	v.smu.Lock()
	v.compiled[url] = c
	v.smu.Unlock()
	return c, c.err
}

// loader serves the schema documents: Kubernetes definitions of the
// release validated against (k8s/<definition>) and CRD version schemas by
// digest (crd/<digest>.json), from a render or the bundle. Anything else is
// refused: a schema never reaches for the network.
type loader struct{ v *Validator }

func (l loader) Load(url string) (any, error) {
	path, ok := strings.CutPrefix(url, base)
	if !ok {
		return nil, fmt.Errorf("%s: schemas are offline; only bundled and rendered schemas can be referenced", url)
	}
	if name, ok := strings.CutPrefix(path, "k8s/"); ok {
		d, ok := l.v.kube.Definitions[name]
		if !ok {
			return nil, fmt.Errorf("Kubernetes %s has no definition %s", l.v.kube.Version, name)
		}
		return l.served(url, "bundle "+d)(l.v.bundle.doc(d))
	}
	if file, ok := strings.CutPrefix(path, "crd/"); ok {
		digest := strings.TrimSuffix(file, ".json")
		l.v.rmu.Lock()
		raw, ok := l.v.renderDocs[digest]
		l.v.rmu.Unlock()
		if ok {
			return l.served(url, contentID(raw))(jsonschema.UnmarshalJSON(bytes.NewReader(raw)))
		}
		return l.served(url, "bundle "+digest)(l.v.bundle.doc(digest))
	}
	return nil, fmt.Errorf("%s: no such schema", url)
}

// served records, for the schema identity (persist.go), what the loader
// serves at url, identified by content, and passes it on.
func (l loader) served(url, content string) func(any, error) (any, error) {
	return func(doc any, err error) (any, error) {
		if err == nil {
			l.v.rmu.Lock()
			l.v.noteDoc(url, content, doc)
			l.v.rmu.Unlock()
		}
		return doc, err
	}
}

func (v *Validator) kubeSchema(k openapi.Kind) (*compiled, error) {
	return v.schemaFor("k8s/" + k.Ref)
}

// crdSchema compiles the schema of one CRD version, by digest.
func (v *Validator) crdSchema(digest string) (*compiled, error) {
	return v.schemaFor("crd/" + digest + ".json")
}

// crdEntry is a CRD a cluster's objects are validated against.
type crdEntry struct {
	crd    *openapi.CRD
	source string
	// current is true when the CRD is the one the cluster runs (its Flux
	// release's, or its render's): only then does a missing or deprecated
	// version say something about the cluster. Other projects' bundled CRDs
	// are of one release, which the cluster may not run.
	current bool
	// render is the parse of a CRD found in the render, whose versions'
	// schemas are built when first needed (crd's Schema digests are
	// empty); nil for a bundled CRD.
	render *renderCRD
}

// clusterSchemas are the CRDs that apply to one cluster, by "group/Kind".
type clusterSchemas struct {
	crds map[string]*crdEntry
	info model.Schemas
}

// forCluster decides which CRDs describe the cluster's custom resources:
// the CRDs in its own render first, then the bundled CRDs of the Flux
// release it runs (unless the render carries Flux's CRDs, as bootstrap
// era's gotk-components.yaml does; on a Flux Operator cluster, as the
// operator installs them), then the other bundled projects.
func (v *Validator) forCluster(c *model.Cluster) *clusterSchemas {
	cs := &clusterSchemas{crds: map[string]*crdEntry{}}
	cs.info.KubernetesVersion = v.kube.Version
	cs.info.Locations = v.locations
	for _, s := range v.bundle.index.Sets {
		if s.Name == fluxSet {
			continue
		}
		for i := range s.CRDs {
			cs.crds[s.CRDs[i].Group+"/"+s.CRDs[i].Kind] = &crdEntry{crd: &s.CRDs[i], source: s.Name + " " + s.Version}
		}
	}
	var fromRender []*crdEntry
	fluxInRender := false
	var crdObjects []*model.Object
	for _, o := range c.Objects {
		if o.Kind != "CustomResourceDefinition" || o.APIVersion != "apiextensions.k8s.io/v1" || o.NotApplied != "" || o.Remote != "" {
			// A CRD Flux never applies, or applies to a remote cluster
			// (spec.kubeConfig), defines nothing on this cluster.
			continue
		}
		crdObjects = append(crdObjects, o)
	}
	parsed := make([]*renderCRD, len(crdObjects))
	par.Each(len(crdObjects), func(i int) { parsed[i] = v.sharedCRD(crdObjects[i]) })
	for _, rc := range parsed {
		if rc.err != nil {
			// The object itself is validated (and fails) as a
			// CustomResourceDefinition; its custom resources find no schema.
			continue
		}
		fromRender = append(fromRender, &crdEntry{crd: rc.crd, source: "render", current: true, render: rc})
		if strings.HasSuffix(rc.crd.Group, ".toolkit.fluxcd.io") {
			fluxInRender = true
		}
	}
	// The bundled release the cluster runs fills in what the render's own
	// CRDs leave out (a bootstrap-era gotk-components.yaml may install only
	// some controllers; the others' kinds then find no match on the cluster
	// either, but their schemas still say what a valid object is).
	if c.Flux.Version == "" && !fluxInRender {
		// Nothing says which Flux the cluster runs (no FluxInstance, a
		// placeholder gotk-components.yaml): validate each Flux object
		// against the newest bundled release that serves its version, and
		// claim nothing about removals or deprecations.
		cs.info.FluxFrom = "bundle"
		cs.info.Notes = append(cs.info.Notes, "no Flux version known: each Flux object is validated against the newest bundled release that serves its API version; removed and deprecated versions are not reported")
		for gk, e := range v.anyFlux() {
			cs.crds[gk] = e
		}
	} else {
		rel, note := v.fluxRelease(c.Flux.Version)
		cs.info.FluxFrom, cs.info.FluxVersion = "bundle", rel.Version
		if fluxInRender {
			cs.info.FluxFrom = "render"
		}
		if note != "" {
			cs.info.Notes = append(cs.info.Notes, note)
		}
		for i := range rel.CRDs {
			cs.crds[rel.CRDs[i].Group+"/"+rel.CRDs[i].Kind] = &crdEntry{crd: &rel.CRDs[i], source: "flux " + rel.Version, current: true}
		}
	}
	if c.Era == eraOperator {
		// Flux Operator installs the Flux CRDs with its own kinds added to
		// notification-controller's enums; the render's own CRDs, below,
		// still take precedence.
		v.withOperatorKinds(cs)
	}
	for _, e := range fromRender {
		cs.crds[e.crd.Group+"/"+e.crd.Kind] = e
	}
	return cs
}

// anyFlux merges every bundled Flux release's CRDs: each API version any
// release served, with the newest release's schema for it.
func (v *Validator) anyFlux() map[string]*crdEntry {
	v.anyOnce.Do(func() {
		v.anyFluxCRDs = map[string]*crdEntry{}
		sets := v.bundle.index.Sets
		for i := len(sets) - 1; i >= 0; i-- { // oldest first: newer releases override
			if sets[i].Name != fluxSet {
				continue
			}
			for _, c := range sets[i].CRDs {
				gk := c.Group + "/" + c.Kind
				e, ok := v.anyFluxCRDs[gk]
				if !ok {
					e = &crdEntry{crd: &openapi.CRD{Group: c.Group, Kind: c.Kind}, source: "flux (version unknown)"}
					v.anyFluxCRDs[gk] = e
				}
				for _, cv := range c.Versions {
					if !cv.Served {
						continue
					}
					if old := e.crd.Version(cv.Name); old != nil {
						*old = cv
					} else {
						e.crd.Versions = append(e.crd.Versions, cv)
					}
				}
			}
		}
	})
	return v.anyFluxCRDs
}

// sharedCRD is renderCRD, memoised by map for an object rendered from a
// chart: each cluster rendering the release would digest it again.
func (v *Validator) sharedCRD(o *model.Object) *renderCRD {
	if !sharedObject(o) {
		return v.renderCRD(o.Object)
	}
	e := v.sharedEntry(sharedKey{obj: objectKey(o.Object)}, o.Object, func(e *sharedEntry) {
		// Read as it is, not looked up by content: hashing a chart's
		// megabytes of CRDs cost more than reading the few fields ReadCRD
		// reads, and renders of one release share the maps already.
		e.crd = &renderCRD{obj: o.Object}
		e.crd.read()
	})
	return e.crd
}

// renderCRD parses a CRD found in a render, once per distinct object.
func (v *Validator) renderCRD(obj map[string]any) *renderCRD {
	// A content hash, checked by comparing: clusters substitute their
	// own copies of the same CRDs, and encoding megabytes of schema to
	// digest them cost more than the comparison.
	h := model.ContentHash(obj)
	v.rmu.Lock()
	seen := v.render[h]
	v.rmu.Unlock()
	// Compared outside the lock; only entries added meanwhile are
	// compared under it.
	rc := sameCRD(seen, obj)
	if rc == nil {
		v.rmu.Lock()
		if rc = sameCRD(v.render[h][len(seen):], obj); rc == nil {
			rc = &renderCRD{obj: obj}
			v.render[h] = append(v.render[h], rc)
		}
		v.rmu.Unlock()
	}
	// Parsed outside the lock: a chart's CRDs (kube-prometheus-stack's
	// run to megabytes) parse side by side, and clusters wait only for
	// the CRD they need.
	rc.read()
	return rc
}

// read parses the CRD, once.
func (rc *renderCRD) read() {
	rc.once.Do(func() {
		rc.crd, rc.raws, rc.err = openapi.ReadCRD(rc.obj)
		rc.schemas = make([]versionSchema, len(rc.raws))
	})
}

// renderSchema is the digest of the strict schema of the render CRD's
// version, which the loader then serves; "" when the CRD has no such
// version or the version declares no schema.
func (v *Validator) renderSchema(rc *renderCRD, version string) (string, error) {
	i := slices.IndexFunc(rc.crd.Versions, func(cv openapi.CRDVersion) bool { return cv.Name == version })
	if i < 0 || rc.raws[i] == nil {
		return "", nil
	}
	vs := &rc.schemas[i]
	vs.once.Do(func() {
		d, raw, err := rc.crd.VersionSchema(i, rc.raws[i])
		if err != nil {
			vs.err = err
			return
		}
		v.rmu.Lock()
		v.renderDocs[d] = raw
		v.rmu.Unlock()
		vs.digest = d
	})
	return vs.digest, vs.err
}

// sameCRD is the entry of crds for obj's content, or nil.
func sameCRD(crds []*renderCRD, obj map[string]any) *renderCRD {
	for _, c := range crds {
		if objectKey(c.obj) == objectKey(obj) || model.SameContent(c.obj, obj) {
			return c
		}
	}
	return nil
}

// fluxRelease picks the bundled Flux release for a FluxInstance
// distribution.version (a semver range such as "2.7.x", as Flux Operator
// reads it) or a bootstrap-era version ("v2.7.5"): the newest bundled
// release the range admits, else the bundled release of the same minor,
// else the nearest one, with a note.
func (v *Validator) fluxRelease(version string) (*openapi.CRDSet, string) {
	var rels []*openapi.CRDSet // newest first, as the bundle lists them
	for i := range v.bundle.index.Sets {
		if v.bundle.index.Sets[i].Name == fluxSet {
			rels = append(rels, &v.bundle.index.Sets[i])
		}
	}
	if version == "" {
		return rels[0], "no Flux version known: Flux " + rels[0].Version + "'s schemas are used"
	}
	if con, err := semver.NewConstraint(version); err == nil {
		for _, r := range rels {
			if sv, err := semver.NewVersion(r.Version); err == nil && con.Check(sv) {
				return r, ""
			}
		}
	}
	want, err := semver.NewVersion(strings.TrimSuffix(strings.TrimSuffix(version, ".x"), ".*"))
	if err != nil {
		return rels[0], fmt.Sprintf("Flux version %q is not a version: Flux %s's schemas are used", version, rels[0].Version)
	}
	best, bestDist := rels[0], int64(-1)
	for _, r := range rels {
		sv, err := semver.NewVersion(r.Version)
		if err != nil {
			continue
		}
		if sv.Major() == want.Major() && sv.Minor() == want.Minor() {
			return r, ""
		}
		dist := abs(int64(sv.Major())*1000 + int64(sv.Minor()) - (int64(want.Major())*1000 + int64(want.Minor())))
		if bestDist < 0 || dist < bestDist {
			best, bestDist = r, dist
		}
	}
	return best, fmt.Sprintf("Flux %s has no bundled schemas: Flux %s's are used", version, best.Version)
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// Validate validates every object of the cluster and records the verdicts
// in the model.
func (v *Validator) Validate(c *model.Cluster) {
	cs := v.forCluster(c)
	// Objects are independent: they are checked side by side (a chart's
	// CRDs take long to validate), and counted in order.
	results := make([]*model.SchemaResult, len(c.Objects))
	par.Each(len(c.Objects), func(i int) {
		// kustomize-controller skips an object Flux never applies before
		// its dry-run: the API server never sees it, so its schema decides
		// nothing.
		if c.Objects[i].NotApplied == "" {
			results[i] = v.check(cs, c.Objects[i])
		}
	})
	for i, o := range c.Objects {
		o.Schema = nil
		r := results[i]
		if r == nil {
			continue
		}
		if r.Status == model.SchemaMissing {
			cs.info.Missing++
		} else if r.Status != model.SchemaRemoved {
			cs.info.Validated++
		}
		if r.Status != model.SchemaValid || r.Deprecated {
			o.Schema = r
		}
	}
	info := cs.info
	c.Schemas = &info
}

func (v *Validator) check(cs *clusterSchemas, o *model.Object) *model.SchemaResult {
	if v.local != nil {
		if r, ok := v.checkLocal(o); ok {
			return r
		}
	}
	group, version := model.SplitAPIVersion(o.APIVersion)
	if e, ok := cs.crds[group+"/"+o.Kind]; ok {
		return v.checkCRD(e, o, group, version)
	}
	if k, ok := v.kubeKinds[o.APIVersion+"/"+o.Kind]; ok {
		src := "kubernetes " + v.kube.Version
		s, err := v.kubeSchema(k)
		if err != nil {
			return &model.SchemaResult{Status: model.SchemaMissing, Source: src + ": " + err.Error()}
		}
		return v.validate(s, o, src)
	}
	if served := v.kubeGK[group+"/"+o.Kind]; len(served) > 0 {
		// A built-in kind at a version this Kubernetes release no longer
		// serves (the API server answers: no matches for kind).
		slices.Sort(served)
		repl := served[len(served)-1]
		if group != "" {
			repl = group + "/" + repl
		}
		return &model.SchemaResult{Status: model.SchemaRemoved, Source: "kubernetes " + v.kube.Version, Replacement: repl}
	}
	return &model.SchemaResult{Status: model.SchemaMissing}
}

func (v *Validator) checkCRD(e *crdEntry, o *model.Object, group, version string) *model.SchemaResult {
	repl := e.crd.StorageVersion()
	if repl != "" && group != "" {
		repl = group + "/" + repl
	}
	cv := e.crd.Version(version)
	if cv == nil || !cv.Served {
		if !e.current {
			return &model.SchemaResult{Status: model.SchemaMissing, Source: e.source}
		}
		return &model.SchemaResult{Status: model.SchemaRemoved, Source: e.source, Replacement: repl}
	}
	digest := cv.Schema
	if e.render != nil {
		d, err := v.renderSchema(e.render, version)
		if err != nil {
			return &model.SchemaResult{Status: model.SchemaMissing, Source: e.source + ": " + err.Error()}
		}
		digest = d
	}
	var r *model.SchemaResult
	if digest == "" {
		// A version without a schema accepts anything, as the API server does.
		r = &model.SchemaResult{Status: model.SchemaValid, Source: e.source}
	} else {
		s, err := v.crdSchema(digest)
		if err != nil {
			return &model.SchemaResult{Status: model.SchemaMissing, Source: e.source + ": " + err.Error()}
		}
		r = v.validate(s, o, e.source)
	}
	if cv.Deprecated && e.current {
		r.Deprecated, r.Warning = true, cv.Warning
		if repl != o.APIVersion {
			r.Replacement = repl
		}
	}
	return r
}

// checkLocal validates against the team's schema locations; ok is false
// when none holds a schema for the object. A schema that cannot be read or
// compiled (a $ref refused because it leaves the locations, say) leaves the
// object without a schema, and the verdict's source says why, naming the
// schema file.
func (v *Validator) checkLocal(o *model.Object) (*model.SchemaResult, bool) {
	src := "schema location"
	s, err := v.local.schema(o.Kind, o.APIVersion)
	switch {
	case err != nil:
		// For a kind or apiVersion Kubernetes would refuse (errBadName) no
		// file is opened at all; the API server knows no such kind either.
		return &model.SchemaResult{Status: model.SchemaMissing, Source: src + ": " + err.Error()}, true
	case s == nil:
		return nil, false
	}
	return v.validate(s, o, src), true
}

var printer = message.NewPrinter(language.English)

// validate is verdict, memoised for objects rendered from charts: the
// clusters that render the same release share their maps, and would
// validate each again. Each caller gets its own result, errors included:
// locating fills them in per cluster.
func (v *Validator) validate(s *compiled, o *model.Object, source string) *model.SchemaResult {
	if !sharedObject(o) {
		return v.verdict(s, o, source)
	}
	e := v.sharedEntry(sharedKey{schema: s.schema, source: source, obj: objectKey(o.Object)}, o.Object, func(e *sharedEntry) {
		e.result = *v.verdict(s, o, source)
	})
	r := e.result
	r.Errors = slices.Clone(r.Errors)
	return &r
}

// verdict is validate, read from the persistent cache when an earlier run
// (or another cluster of this one) judged an object of the same content
// against the same schema, and kept there otherwise.
func (v *Validator) verdict(s *compiled, o *model.Object, source string) *model.SchemaResult {
	var k verdictKey
	keep := v.verdicts != nil && s.id.ok
	if keep {
		k, keep = v.verdicts.keyOf(&s.id.sum, o.Object)
	}
	if keep {
		if r, ok := v.verdicts.get(k, source); ok {
			return r
		}
	}
	v.validations.Add(1)
	r := validate(s.schema, o, source)
	if keep {
		v.verdicts.put(k, r)
	}
	return r
}

// validate checks one object. Null fields are dropped first, as the API
// server drops them when it decodes; SOPS metadata and SOPS-encrypted
// values are not schema errors (kustomize-controller decrypts before it
// applies).
func validate(s *jsonschema.Schema, o *model.Object, source string) *model.SchemaResult {
	inst := prune(o.Object)
	_, sops := inst["sops"].(map[string]any)
	if sops {
		// prune may return the object itself: the model keeps its sops.
		inst = maps.Clone(inst)
		delete(inst, "sops")
	}
	err := s.Validate(inst)
	if err == nil {
		return &model.SchemaResult{Status: model.SchemaValid, Source: source}
	}
	r := &model.SchemaResult{Status: model.SchemaInvalid, Source: source}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		r.Errors = []model.SchemaError{{Message: err.Error()}}
		return r
	}
	seen := map[string]bool{}
	for _, leaf := range leaves(ve) {
		if sops && encrypted(inst, leaf.InstanceLocation) {
			continue
		}
		for _, e := range schemaErrors(leaf) {
			key := e.Path + "\x00" + e.Message
			if !seen[key] {
				seen[key] = true
				r.Errors = append(r.Errors, e)
			}
		}
	}
	if len(r.Errors) == 0 {
		return &model.SchemaResult{Status: model.SchemaValid, Source: source}
	}
	sortErrors(r.Errors)
	return r
}

// schemaErrors words one validation error. An unknown field is named by
// its own path, as kubectl names it, so that it can be located.
func schemaErrors(e *jsonschema.ValidationError) []model.SchemaError {
	if ap, ok := e.ErrorKind.(*kind.AdditionalProperties); ok {
		var out []model.SchemaError
		for _, p := range ap.Properties {
			segs := append(append([]string{}, e.InstanceLocation...), p)
			out = append(out, model.SchemaError{Path: finding.FieldString(segs), Segments: segs, Message: "unknown field"})
		}
		return out
	}
	segs := append([]string{}, e.InstanceLocation...)
	return []model.SchemaError{{Path: finding.FieldString(segs), Segments: segs, Message: e.ErrorKind.LocalizedString(printer)}}
}

// leaves are the errors worth reporting: the innermost ones, except that an
// anyOf or oneOf failure is reported as itself (its branches' errors would
// each be half the story).
func leaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	switch e.ErrorKind.(type) {
	case *kind.AnyOf, *kind.OneOf:
		return []*jsonschema.ValidationError{e}
	}
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	var out []*jsonschema.ValidationError
	for _, c := range e.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

func sortErrors(es []model.SchemaError) {
	sort.Slice(es, func(i, j int) bool {
		if es[i].Path != es[j].Path {
			return es[i].Path < es[j].Path
		}
		return es[i].Message < es[j].Message
	})
}

// prune is obj without its null map values, at any depth. Maps and lists
// are copied only on the way to a null: an object without one (most of
// them) is returned as it is, and must then not be modified.
func prune(obj map[string]any) map[string]any {
	var out map[string]any
	for k, v := range obj {
		p, changed := pruneValue(v)
		if v != nil && !changed {
			continue
		}
		if out == nil {
			out = maps.Clone(obj)
		}
		if v == nil {
			delete(out, k)
		} else {
			out[k] = p
		}
	}
	if out == nil {
		return obj
	}
	return out
}

// pruneValue is v pruned, and whether that differs from v.
func pruneValue(v any) (any, bool) {
	switch t := v.(type) {
	case map[string]any:
		p := prune(t)
		return p, objectKey(p) != objectKey(t)
	case []any:
		var out []any
		for i, e := range t {
			if p, changed := pruneValue(e); changed {
				if out == nil {
					out = slices.Clone(t)
				}
				out[i] = p
			}
		}
		if out == nil {
			return t, false
		}
		return out, true
	}
	return v, false
}

// encrypted reports whether the value at loc is a SOPS-encrypted string.
func encrypted(inst map[string]any, loc []string) bool {
	var cur any = inst
	for _, p := range loc {
		switch t := cur.(type) {
		case map[string]any:
			cur = t[p]
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(t) {
				return false
			}
			cur = t[i]
		default:
			return false
		}
	}
	s, ok := cur.(string)
	return ok && strings.HasPrefix(s, "ENC[")
}
