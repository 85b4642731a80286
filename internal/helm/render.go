// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package helm

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"
	"go.yaml.in/yaml/v3"
)

// Request is one HelmRelease's install, as helm-controller would run it.
type Request struct {
	// Major is the Helm major version of the controller: 3 for
	// helm-controller v1.4 (Flux 2.7), 4 for helm-controller v1.5 (Flux 2.8).
	Major int
	// Chart is the chart to install.
	Chart *Chart
	// Values are the user-supplied values (valuesFrom merged, then
	// spec.values); Helm coalesces them over the chart's values.yaml.
	Values map[string]any
	// ReleaseName is the release name (spec.releaseName, or
	// [targetNamespace-]name); like helm-controller, Render shortens a name
	// over 53 characters to 40 characters, "-" and 12 of its sha256.
	ReleaseName string
	// Namespace is the namespace Helm installs into (the HelmRelease's
	// targetNamespace or namespace): .Release.Namespace.
	Namespace string
	// KubeVersion is the cluster's Kubernetes version, e.g. "1.34" or
	// "v1.34.0" (both v1.34.0). "" is the SDK's default, which differs:
	// Helm 3's is v1.20.0 unless set at link time, Helm 4's is derived
	// from the k8s.io/client-go it is built with (v1.37.0 with client-go
	// v0.37), and v1.20.0 under go test.
	KubeVersion string
	// APIVersions are extra "group/version" and "group/version/Kind"
	// entries added to Helm's default version set
	// (.Capabilities.APIVersions).
	APIVersions []string
	// CRDs is the install.crds policy: "Create" (the default, when ""),
	// "CreateReplace" (both include the crds/ objects) or "Skip" (crds/
	// objects left out).
	CRDs string
	// DisableHooks is install.disableHooks: hooks are left out.
	DisableHooks bool
	// PostRenderers are the raw spec.postRenderers entries of the
	// HelmRelease (helm.toolkit.fluxcd.io/v2): kustomize.patches (patch and
	// target) and kustomize.images (name, newName, newTag, digest).
	PostRenderers []map[string]any
	// CommonMetadata is spec.commonMetadata: {labels, annotations}.
	CommonMetadata map[string]any
	// OwnerName and OwnerNamespace are the HelmRelease's name and
	// namespace, for the origin labels helm-controller adds
	// (helm.toolkit.fluxcd.io/name and /namespace).
	OwnerName, OwnerNamespace string

	// kustomizePath makes Render take the kustomize path (Helm's install
	// with the post-renderer) even where the fast path would do: for the
	// tests that compare both.
	kustomizePath bool
}

// Object is one object the install creates.
type Object struct {
	// Object is the manifest after post-rendering, origin labels and
	// commonMetadata. It has a metadata.namespace only when the template
	// set one: Helm installs namespaced objects without one into the
	// release namespace. It is read only: the objects of crds/ files and
	// of large documents are shared by every render of the release that
	// produces them (the same CRDs whatever the values).
	Object map[string]any
	// Template is the file it comes from, as Helm names it:
	// "podinfo/templates/deployment.yaml", or
	// "kyverno/charts/crds/crds/x.yaml" for a file of a crds/ folder.
	Template string
	// CRD is set for an object of a crds/ folder, which Helm installs
	// before the templates, as the CRDs policy says.
	CRD bool
	// Hook is the helm.sh/hook annotation of a hook ("" otherwise). Test
	// hooks (only test, test-success or test-failure events) are left
	// out: they run on `helm test`, never on install.
	Hook string
}

// Result is what Render returns.
type Result struct {
	// Objects in install order: the crds/ objects, then the templates'
	// objects in Helm's kind order, then the hooks.
	Objects []Object
}

// Render renders the chart offline exactly as helm-controller installs it
// (helm template semantics: Helm's install action, client-only dry run, a
// memory release storage, no cluster, so lookup finds nothing), with the
// Helm SDK of req.Major, then applies helm-controller's post-renderers.
//
// The values are validated against the charts' schemas (ValuesError) and
// the enabled dependencies must be vendored (DependencyError); any other
// failure is Helm's message wrapped with the chart's name and version.
// Render is safe for concurrent use; it never panics on bad input.
//
// The same request renders byte-identical objects, except where a template
// calls a function that differs per run (randAlphaNum, genCA, now, uuidv4,
// ...): that is Helm, and helm-controller gets a new value on every upgrade
// too.
func Render(ctx context.Context, req Request) (*Result, error) {
	if req.Chart == nil {
		return nil, errors.New("rendering chart: no chart")
	}
	wrap := func(err error) error {
		return fmt.Errorf("rendering chart %s %s: %w", req.Chart.Name, req.Chart.Version, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, wrap(err)
	}
	pl, err := newPlan(&req)
	if err != nil {
		return nil, wrap(err)
	}
	var out *sdkResult
	fast := false
	if !req.kustomizePath {
		// The fast path (fast.go) gives the same objects as the kustomize
		// path below when it succeeds; it gives up on anything else, and
		// the kustomize path runs from the start.
		switch req.Major {
		case 3:
			out, fast = renderFast3(&req, pl)
		case 4:
			out, fast = renderFast4(ctx, &req, pl)
		}
	}
	if !fast {
		switch req.Major {
		case 3:
			out, err = renderV3(&req, pl)
		case 4:
			out, err = renderV4(ctx, &req, pl)
		default:
			return nil, wrap(fmt.Errorf("unsupported Helm major version %d (3 or 4)", req.Major))
		}
		if err != nil {
			return nil, wrap(err)
		}
	}
	// What Helm's CLI checks first (action.CheckDependencies), and what its
	// install checks before it renders (the schemas), come before any
	// rendering error: a missing subchart or wrong values is the cause.
	if len(out.missing) > 0 {
		// Helm's loader adds subcharts in map order: sorted, the list is
		// the same every time.
		slices.Sort(out.missing)
		return nil, &DependencyError{Missing: slices.Compact(out.missing)}
	}
	if out.schema != nil {
		v, err := validateValues(out.schema, out.values)
		if err != nil {
			return nil, wrap(err)
		}
		if len(v) > 0 {
			return nil, &ValuesError{Violations: v}
		}
	}
	if out.runErr != nil {
		return nil, wrap(out.runErr)
	}
	objs, err := objects(&req, pl, out)
	if err != nil {
		return nil, wrap(err)
	}
	return &Result{Objects: objs}, nil
}

// plan is what Render derives from a request before calling an SDK.
type plan struct {
	releaseName string
	kubeVersion string // canonical "vX.Y.Z", or "" for Helm's default
	crds        string // Create, CreateReplace or Skip
	values      map[string]any
	post        *postRenderer
}

func newPlan(req *Request) (*plan, error) {
	pl := &plan{releaseName: shortenName(req.ReleaseName), crds: req.CRDs}
	// helm-controller's crdPolicyOrDefault: Create when unset.
	switch req.CRDs {
	case "":
		pl.crds = "Create"
	case "Create", "CreateReplace", "Skip":
	default:
		return nil, fmt.Errorf("invalid CRD policy %q, valid values are 'Skip', 'Create' or 'CreateReplace'", req.CRDs)
	}
	if req.KubeVersion != "" {
		// Helm 3 parses with semver ("1.34" is v1.34.0) and Helm 4 with
		// Kubernetes' generic parser, which keeps the input as
		// .Capabilities.KubeVersion.Version ("v1.34"). Both get the same
		// full version, so that both SDKs see the same cluster.
		v, err := semver.NewVersion(req.KubeVersion)
		if err != nil {
			return nil, fmt.Errorf("invalid Kubernetes version %q: %w", req.KubeVersion, err)
		}
		pl.kubeVersion = "v" + v.String()
	}
	// Helm only reads the values it is given, but concurrent renders may
	// share the caller's map: each render gets its own copy.
	pl.values = deepCopy(req.Values).(map[string]any)
	if pl.values == nil {
		pl.values = map[string]any{}
	}
	var err error
	// Helm 3 loses the templates' names in post-rendering; Helm 4 keeps them.
	if pl.post, err = newPostRenderer(req, req.Major == 3); err != nil {
		return nil, err
	}
	return pl, nil
}

// shortenName is helm-controller's release.ShortenName: a name over 53
// characters (Helm's limit) becomes its first 40, "-" and the first 12
// hex digits of its sha256.
func shortenName(name string) string {
	const maxLength, hashLength = 53, 12
	if len(name) <= maxLength {
		return name
	}
	sum := fmt.Sprintf("%x", sha256.Sum256([]byte(name)))
	return name[:maxLength-(hashLength+1)] + "-" + sum[:hashLength]
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		if v == nil {
			return map[string]any(nil)
		}
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = deepCopy(x)
		}
		return m
	case map[any]any:
		if v == nil {
			return map[any]any(nil)
		}
		m := make(map[any]any, len(v))
		for k, x := range v {
			m[k] = deepCopy(x)
		}
		return m
	case []any:
		if v == nil {
			return []any(nil)
		}
		s := make([]any, len(v))
		for i, x := range v {
			s[i] = deepCopy(x)
		}
		return s
	}
	return v
}

// sdkResult is what an SDK's install produced, independent of its version.
type sdkResult struct {
	manifest string       // Helm 4's release manifest: "---\n# Source: <file>\n<doc>\n"...
	posted   []Object     // Helm 3's post-rendered objects (see postRenderer.objects)
	hooks    []hookResult // the release's hooks, in Helm's order
	crds     []crdFile    // the crds/ files helm-controller applies
	missing  []string     // enabled dependencies not vendored
	schema   *schemaChart // the processed chart tree, for validateValues
	values   map[string]any
	runErr   error // Helm's install error
}

type hookResult struct {
	path, manifest string
}

type crdFile struct {
	filename string
	data     []byte
}

// objects assembles the install's objects in order: crds/, templates, hooks.
func objects(req *Request, pl *plan, out *sdkResult) ([]Object, error) {
	var objs []Object
	if pl.crds != "Skip" {
		// Helm lists the crds/ files chart by chart in the order the loader
		// found the subcharts, which is random (a map); sorting by file
		// keeps renders identical. helm-controller applies them one by one,
		// so their order does not change what is installed.
		crds := slices.Clone(out.crds)
		slices.SortStableFunc(crds, func(a, b crdFile) int { return strings.Compare(a.filename, b.filename) })
		for _, f := range crds {
			// helm-controller's setOriginVisitor: crds/ objects get the
			// origin labels, and nothing else of the post-renderers.
			docs, err := req.Chart.labelledFile(f.data, pl.post.origin)
			if err != nil {
				return nil, fmt.Errorf("failed to parse CustomResourceDefinitions from %s: %w", f.filename, err)
			}
			for _, d := range docs {
				// helm-controller v1.5 (Helm 4) drops anything but a CRD
				// from crds/ with a warning (internal/action/crds.go);
				// v1.4 applies whatever is there.
				if req.Major == 4 && !isCRD(d) {
					continue
				}
				objs = append(objs, Object{Object: d, Template: f.filename, CRD: true})
			}
		}
	}
	objs = append(objs, out.posted...)
	chunks := strings.Split(out.manifest, sourceMarker)
	if strings.TrimSpace(chunks[0]) != "" {
		return nil, errors.New("the release manifest does not start with a # Source: comment")
	}
	for _, chunk := range chunks[1:] {
		src, content, _ := strings.Cut(chunk, "\n")
		docs, err := decodeDocs([]byte(content))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src, err)
		}
		for _, d := range docs {
			objs = append(objs, Object{Object: d, Template: src})
		}
	}
	if req.DisableHooks {
		// install.disableHooks: Helm renders the hooks but never runs them.
		return objs, nil
	}
	for _, h := range out.hooks {
		docs, err := decodeDocs([]byte(h.manifest))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", h.path, err)
		}
		for _, d := range docs {
			ann := hookAnnotation(d)
			if testHook(ann) {
				continue
			}
			objs = append(objs, Object{Object: d, Template: h.path, Hook: ann})
		}
	}
	return objs, nil
}

// decodeDocs reads the YAML documents of a manifest, skipping empty ones,
// as maps in the form kustomize's resources give (yaml.v3: integers as
// int, floats as float64, timestamps left strings).
func decodeDocs(data []byte) ([]map[string]any, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []map[string]any
	for {
		var m map[string]any
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if len(m) > 0 {
			out = append(out, m)
		}
	}
}

func isCRD(m map[string]any) bool {
	av, _ := m["apiVersion"].(string)
	k, _ := m["kind"].(string)
	return strings.HasPrefix(av, "apiextensions.k8s.io/") && k == "CustomResourceDefinition"
}

// withLabels is m with labels set in its metadata.labels (helm-controller
// labels crds/ objects with the release they come from), on copies of m,
// its metadata and its labels; the rest is shared with m. A metadata or
// labels that is not a map is replaced.
func withLabels(m map[string]any, labels map[string]string) map[string]any {
	out := maps.Clone(m)
	meta, _ := m["metadata"].(map[string]any)
	meta = maps.Clone(meta)
	if meta == nil {
		meta = map[string]any{}
	}
	l, _ := meta["labels"].(map[string]any)
	l = maps.Clone(l)
	if l == nil {
		l = map[string]any{}
	}
	for k, v := range labels {
		l[k] = v
	}
	meta["labels"] = l
	out["metadata"] = meta
	return out
}

func hookAnnotation(m map[string]any) string {
	meta, _ := m["metadata"].(map[string]any)
	anns, _ := meta["annotations"].(map[string]any)
	s, _ := anns["helm.sh/hook"].(string)
	return s
}

// testHook reports whether a hook only runs on `helm test`: every event it
// names is test, test-success (Helm's alias of test) or test-failure (a
// Helm 2 event Helm 3 and 4 never run). A hook that also names an install
// event runs on install.
func testHook(annotation string) bool {
	found := false
	for _, e := range strings.Split(annotation, ",") {
		switch strings.ToLower(strings.TrimSpace(e)) {
		case "test", "test-success", "test-failure":
			found = true
		case "":
		default:
			return false
		}
	}
	return found
}
