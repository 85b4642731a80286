// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/fluxcd/pkg/kustomize"
	"github.com/fluxcd/pkg/ssa/utils"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/api/resource"

	"github.com/d1lint/d1lint/internal/fleet"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/source"
)

// Where an object used for look-ups comes from.
const (
	fromRender    = "render"
	fromGenerated = "generated"
	fromOutOfBand = "out-of-band"
	fromInstance  = "flux-instance"
)

// stored is an object the render can look up (substituteFrom, sourceRef).
type stored struct {
	obj  map[string]any
	from string
	keys []string
	loc  *model.Location
}

func (s *stored) labels() map[string]string { return stringMap(nestedMap(s.obj, "metadata")["labels"]) }
func (s *stored) name() string              { n, _ := nestedMap(s.obj, "metadata")["name"].(string); return n }

// node is one Flux Kustomization of the graph being rendered.
type node struct {
	ks      *unstructured.Unstructured
	m       *model.Kustomization
	objects []*model.Object
	// charts are the objects its HelmReleases' charts render, and
	// releases those HelmReleases.
	charts     []*model.Object
	releases   []*model.HelmRelease
	waiting    string // why it could not be rendered yet
	waitingFor string // waitSource or waitSubstitute
}

// What a Kustomization waits for.
const (
	waitSource     = "source"
	waitSubstitute = "substitute"
)

// clusterRender renders one cluster. It is used by one goroutine.
type clusterRender struct {
	r     *renderer
	spec  *fleet.Cluster
	out   *model.Cluster
	store map[string]*stored
	nodes map[string]*node
	order []*node
	snaps map[string]*sourceResult
	gen   []*model.Object
	// genFrom is how many objects gen was computed from.
	genFrom int
	// kinds resolves the cluster's Flux sources by kind (see sourceKinds).
	kinds *source.Kinds
	// foreign is set when the root syncs a repository that is not read
	// (renderer.foreignSync).
	foreign bool
	// ksScopes are the scopes of the CRDs the Kustomizations apply, read
	// once for every chart of the cluster (crdScopes).
	ksScopes map[string]bool
	// inputs are the source revisions the render read (Options.Reuse).
	inputs inputs
}

type sourceResult struct {
	snap *source.Snapshot
	err  error
	m    *model.Source
	// notRendered: err is a limitation of d1lint (a source kind it does not
	// read), not a mistake in the fleet.
	notRendered bool
}

func storeKey(kind, ns, name string) string { return kind + "\x00" + ns + "\x00" + name }

func (c *clusterRender) lookup(kind, ns, name string) *stored {
	return c.store[storeKey(kind, ns, name)]
}

func (c *clusterRender) list(kind, ns string) []*stored {
	var out []*stored
	prefix := kind + "\x00" + ns + "\x00"
	for k, s := range c.store {
		if strings.HasPrefix(k, prefix) && s.from != fromGenerated {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name() < out[j].name() })
	return out
}

// handOn hands objects to Options.Prefetch, when set.
func (c *clusterRender) handOn(objs []*model.Object) {
	if c.r.opts.Prefetch != nil && len(objs) > 0 {
		c.r.opts.Prefetch(c.out.Flux.Version, objs)
	}
}

func (c *clusterRender) put(kind, ns, name string, s *stored) {
	if prev := c.store[storeKey(kind, ns, name)]; prev != nil && prev.from == fromRender && s.from != fromRender {
		return
	}
	c.store[storeKey(kind, ns, name)] = s
}

func (c *clusterRender) problem(p *model.Problem) { c.out.Problems = append(c.out.Problems, p) }

// render walks the graph from the root until no Kustomization can make
// progress. Flux reconciles Kustomizations independently and retries the
// ones whose source or substituteFrom objects do not exist yet; the walk
// does the same in rounds, so the order of files never changes the result.
func (c *clusterRender) render(ctx context.Context, root *node) {
	c.addNode(root)
	queue := []*node{root}
	for {
		var pending []*node
		progress := false
		for len(queue) > 0 {
			if ctx.Err() != nil {
				c.problem(&model.Problem{Kind: model.ProblemLimit, Reason: "render cancelled: " + ctx.Err().Error()})
				return
			}
			n := queue[0]
			queue = queue[1:]
			children, ok := c.process(ctx, n)
			if !ok {
				pending = append(pending, n)
				continue
			}
			progress = true
			for _, ch := range children {
				c.prefetch(ctx, ch)
			}
			queue = append(queue, children...)
		}
		if c.refreshGenerated() {
			progress = true
		}
		if len(pending) == 0 || !progress {
			for _, n := range pending {
				n.m.Status, n.m.Reason = model.StatusSkipped, n.waiting
				kind, field := model.ProblemMissingSource, []string{"spec", "sourceRef", "name"}
				if n.waitingFor == waitSubstitute {
					kind, field = model.ProblemMissingSubstitute, nil
				}
				c.problem(&model.Problem{Kind: kind, Kustomization: n.m.Key, Location: n.m.Location, Field: field, Reason: n.m.Key + ": " + n.waiting})
			}
			return
		}
		queue = pending
	}
}

// refreshGenerated recomputes Kyverno clones; it reports whether new ones appeared.
func (c *clusterRender) refreshGenerated() bool {
	var all []*model.Object
	for _, n := range c.order {
		for _, o := range n.objects {
			// A Namespace or policy Flux never applies triggers nothing,
			// nor one applied to a remote cluster: Kyverno runs here.
			if o.NotApplied == "" && o.Remote == "" {
				all = append(all, o)
			}
		}
	}
	// Copies come from the rendered objects and the out-of-band ones,
	// which never change: with no object rendered since the last time,
	// there is nothing new to copy.
	if len(all) == c.genFrom {
		return false
	}
	c.genFrom = len(all)
	clones := kyvernoClones(all, c.lookup, c.list)
	if len(clones) == len(c.gen) {
		return false
	}
	c.gen = clones
	for _, o := range clones {
		l := o.Location
		c.put(o.Kind, o.Namespace, o.Name, &stored{obj: o.Object, from: fromGenerated, loc: &l})
	}
	return true
}

func (c *clusterRender) addNode(n *node) {
	c.nodes[n.m.Key] = n
	c.order = append(c.order, n)
}

// newNode reads the fields of a Flux Kustomization into the model.
func newNode(obj map[string]any, parent *model.Kustomization, loc *model.Location) *node {
	u := &unstructured.Unstructured{Object: obj}
	ns := u.GetNamespace()
	if ns == "" {
		ns = "default"
	}
	key := ns + "/" + u.GetName()
	spec, _, _ := unstructured.NestedMap(obj, "spec")
	m := &model.Kustomization{Key: key, Namespace: ns, Name: u.GetName(), Location: loc, Spec: spec, Status: model.StatusSkipped}
	m.Path, _, _ = unstructured.NestedString(obj, "spec", "path")
	m.Wait, _, _ = unstructured.NestedBool(obj, "spec", "wait")
	m.Prune, _, _ = unstructured.NestedBool(obj, "spec", "prune")
	m.Suspend, _, _ = unstructured.NestedBool(obj, "spec", "suspend")
	m.ServiceAccountName, _, _ = unstructured.NestedString(obj, "spec", "serviceAccountName")
	m.TargetNamespace, _, _ = unstructured.NestedString(obj, "spec", "targetNamespace")
	m.Remote = remoteOf(spec, ns)
	sr, _, _ := unstructured.NestedStringMap(obj, "spec", "sourceRef")
	m.SourceRef = model.Ref{APIVersion: sr["apiVersion"], Kind: sr["kind"], Namespace: sr["namespace"], Name: sr["name"]}
	if m.SourceRef.Namespace == "" {
		m.SourceRef.Namespace = ns
	}
	for _, d := range objectList(spec["dependsOn"]) {
		r := model.Ref{Kind: "Kustomization", Name: str(d["name"]), Namespace: str(d["namespace"])}
		if r.Namespace == "" {
			r.Namespace = ns
		}
		m.DependsOn = append(m.DependsOn, r)
	}
	for _, h := range objectList(spec["healthChecks"]) {
		m.HealthChecks = append(m.HealthChecks, model.Ref{APIVersion: str(h["apiVersion"]), Kind: str(h["kind"]), Namespace: str(h["namespace"]), Name: str(h["name"])})
	}
	if pb, ok := spec["postBuild"].(map[string]any); ok {
		m.PostBuild = &model.PostBuild{Substitute: stringMap(pb["substitute"])}
		if len(m.PostBuild.Substitute) == 0 {
			m.PostBuild.Substitute = nil
		}
		for _, s := range objectList(pb["substituteFrom"]) {
			opt, _ := s["optional"].(bool)
			m.PostBuild.SubstituteFrom = append(m.PostBuild.SubstituteFrom, model.SubstituteRef{Kind: str(s["kind"]), Name: str(s["name"]), Optional: opt})
		}
	}
	if parent != nil {
		m.Parent = parent.Key
		m.Chain = append(append([]string{}, parent.Chain...), key)
	} else {
		m.Chain = []string{key}
	}
	return &node{ks: u, m: m}
}

func str(v any) string { s, _ := v.(string); return s }

// remoteOf names the remote cluster a Kustomization's spec.kubeConfig
// points at, or "". kustomize-controller then applies (health-checks and
// prunes) what it builds on that cluster, with the kubeconfig of the
// Secret (or, with a cloud provider, the ConfigMap) named in the
// Kustomization's namespace; the source, dependsOn and substituteFrom are
// still read on the cluster the controller runs on.
func remoteOf(spec map[string]any, ns string) string {
	kc, ok := spec["kubeConfig"].(map[string]any)
	if !ok {
		return ""
	}
	if name := str(nestedMap(kc, "secretRef")["name"]); name != "" {
		return "Secret " + ns + "/" + name
	}
	if name := str(nestedMap(kc, "configMapRef")["name"]); name != "" {
		return "ConfigMap " + ns + "/" + name
	}
	if p := str(kc["provider"]); p != "" {
		return "provider " + p
	}
	return "spec.kubeConfig"
}

// sourceKinds builds the source kinds a cluster's render resolves Flux
// sources through. resolveGit is the renderer's memoised git resolution, so
// the fleet snapshot and every GitRepository that asks for the same revision
// share one answer. Registering a kind here is all a new kind of source
// needs in the render; tests replace the variable to add fakes.
var sourceKinds = func(resolveGit func(url string, ref source.Ref, ignore string) (*source.Snapshot, error), artifacts *source.Artifacts) *source.Kinds {
	return source.NewKinds(source.GitKind(resolveGit), source.OCIKind(resolveGit, artifacts))
}

// sourceKind returns the kind that resolves Flux sources of kind name.
func (c *clusterRender) sourceKind(name string) (source.Kind, bool) {
	if c.kinds == nil {
		c.kinds = sourceKinds(c.resolve, c.r.artifacts)
	}
	return c.kinds.Lookup(name)
}

// artifactKinds are Flux source kinds that are objects with a spec.url,
// from which source-controller downloads an artifact. Without a Kind to
// resolve them the render still reads the object, so the report names the
// source's URL.
var artifactKinds = map[string]bool{"GitRepository": true, "OCIRepository": true, "Bucket": true}

// sourceSpec reads what a Flux source object asks for.
func sourceSpec(obj map[string]any) source.Spec {
	var s source.Spec
	s.URL, _, _ = unstructured.NestedString(obj, "spec", "url")
	s.Ref, _, _ = unstructured.NestedStringMap(obj, "spec", "ref")
	s.Ignore, _, _ = unstructured.NestedString(obj, "spec", "ignore")
	return s
}

// resolveSource finds the Flux source a Kustomization reads and materialises it.
func (c *clusterRender) resolveSource(n *node) (*sourceResult, string) {
	ref := n.m.SourceRef
	kind := ref.Kind
	if kind == "" {
		kind = source.GitRepository
	}
	key := kind + "/" + ref.Namespace + "/" + ref.Name
	n.m.Source = key
	if r, ok := c.snaps[key]; ok {
		return r, ""
	}
	impl, resolvable := c.sourceKind(kind)
	if !resolvable && !artifactKinds[kind] {
		// ExternalArtifact (made by source-watcher's ArtifactGenerator) and
		// other kinds hold content d1lint cannot reproduce offline.
		ms := &model.Source{Key: key, Kind: kind, Namespace: ref.Namespace, Name: ref.Name,
			Reason: fmt.Sprintf("d1lint does not render sources of kind %s yet (it renders %s sources); not verified", kind, strings.Join(c.kinds.Names(), ", "))}
		res := &sourceResult{m: ms, err: errors.New(ms.Reason), notRendered: true}
		c.snaps[key] = res
		c.out.Sources = append(c.out.Sources, ms)
		return res, ""
	}
	s := c.lookup(kind, ref.Namespace, ref.Name)
	if s == nil {
		return nil, fmt.Sprintf("source %s not found in the render", key)
	}
	spec := sourceSpec(s.obj)
	ms := &model.Source{Key: key, Kind: kind, Namespace: ref.Namespace, Name: ref.Name, URL: spec.URL, Ref: spec.Ref, Location: s.loc}
	res := &sourceResult{m: ms}
	if resolvable {
		res.snap, res.err = impl.Resolve(spec)
		// An OCI artifact no rule maps to git, or pinned by digest, is
		// beyond what d1lint reads offline: a limitation, not a mistake.
		res.notRendered = errors.Is(res.err, source.ErrNotRendered)
	} else {
		// source-controller downloads these artifacts (OCI registries,
		// buckets); d1lint never touches the network and cannot read them
		// yet: a limitation, not the user's mistake.
		res.err = fmt.Errorf("%s (%s): d1lint does not render %s sources yet (it never fetches artifacts); not verified", key, spec.URL, kind)
		res.notRendered = true
	}
	if res.err != nil {
		ms.Reason = res.err.Error()
	} else {
		ms.Resolved, ms.Mode, ms.LocalPath, ms.Branch, ms.Commit, ms.Note =
			true, res.snap.Mode, res.snap.LocalPath, res.snap.Branch, res.snap.Commit, res.snap.Note
		if ms.Branch == "" {
			ms.Tag = res.snap.Tag
		}
		if res.snap.URL == c.r.fleet.Key() && res.snap.LocalPath == c.r.fleetShown() {
			// Read through the fleet's own mapping: say why this checkout
			// stands for that URL.
			ms.Note += "; the fleet checkout, whose URL was decided from " + c.r.fleet.How
		}
	}
	c.snaps[key] = res
	c.out.Sources = append(c.out.Sources, ms)
	return res, ""
}

// prefetch starts resolving and building n's source in the background when
// the source is already known. The walk itself stays sequential (and so
// deterministic); it finds the memoised results ready, and the builds of
// sibling Kustomizations use every core.
func (c *clusterRender) prefetch(ctx context.Context, n *node) {
	ref := n.m.SourceRef
	kind := ref.Kind
	if kind == "" {
		kind = source.GitRepository
	}
	impl, ok := c.sourceKind(kind)
	if !ok {
		return
	}
	s := c.lookup(kind, ref.Namespace, ref.Name)
	if s == nil {
		return
	}
	spec := sourceSpec(s.obj)
	ks, key := n.ks, n.m.Key
	c.r.prefetches.Add(1)
	go func() {
		defer c.r.prefetches.Done()
		if snap, err := impl.Resolve(spec); err == nil {
			c.r.builder.build(ctx, snap, ks, key)
		}
	}()
}

// missingSubstituteFrom returns the first required substituteFrom object
// that does not exist yet; kustomize-controller fails the Kustomization
// until it does.
func (c *clusterRender) missingSubstituteFrom(n *node) string {
	if n.m.PostBuild == nil {
		return ""
	}
	for i := range n.m.PostBuild.SubstituteFrom {
		ref := &n.m.PostBuild.SubstituteFrom[i]
		s := c.lookup(ref.Kind, n.m.Namespace, ref.Name)
		ref.Found = s != nil
		if s != nil {
			ref.From = s.from
		} else if !ref.Optional {
			return fmt.Sprintf("substituteFrom %s %s/%s not found (not in the render, not cloned by a Kyverno policy, not declared out-of-band)", ref.Kind, n.m.Namespace, ref.Name)
		}
	}
	return ""
}

// process renders one Kustomization. It returns false when it must wait.
func (c *clusterRender) process(ctx context.Context, n *node) ([]*node, bool) {
	if ref := n.m.SourceRef; c.out.Flux.NoCrossNamespaceRefs && ref.Namespace != n.m.Namespace {
		// kustomize-controller started with --no-cross-namespace-refs (Flux
		// Operator's multitenant lockdown) denies access to a source in
		// another namespace before it fetches anything: the Kustomization
		// never becomes ready and applies nothing, so nothing it would have
		// applied is judged.
		kind := ref.Kind
		if kind == "" {
			kind = source.GitRepository
		}
		n.m.Source = kind + "/" + ref.Namespace + "/" + ref.Name
		n.m.Status, n.m.Reason = model.StatusSkipped, fmt.Sprintf("sourceRef %s %s/%s refused: cross-namespace references are disabled (--no-cross-namespace-refs), so Flux applies nothing of %s", kind, ref.Namespace, ref.Name, n.m.Key)
		c.problem(&model.Problem{Kind: model.ProblemRefused, Kustomization: n.m.Key, Location: n.m.Location,
			Field: []string{"spec", "sourceRef", "namespace"}, Reason: n.m.Key + ": " + n.m.Reason})
		return nil, true
	}
	src, waiting := c.resolveSource(n)
	if src == nil {
		n.waiting, n.waitingFor = waiting, waitSource
		return nil, false
	}
	if src.err != nil {
		n.m.Status, n.m.Reason = model.StatusSkipped, "source not resolved: "+src.err.Error()
		if src.notRendered {
			n.m.Reason = "not rendered: " + src.err.Error()
		}
		// Point at the source (where a wrong branch is written), else at the
		// Kustomization whose sourceRef names it.
		loc := src.m.Location
		if loc == nil {
			loc = n.m.Location
		}
		kind := model.ProblemUnresolvedSource
		if src.notRendered {
			kind = model.ProblemNotRendered
		}
		c.problem(&model.Problem{Kind: kind, Kustomization: n.m.Key, Location: loc, Reason: n.m.Key + ": " + n.m.Reason})
		return nil, true
	}
	if w := c.missingSubstituteFrom(n); w != "" {
		n.waiting, n.waitingFor = w, waitSubstitute
		return nil, false
	}
	snap := src.snap
	// An OCI artifact is a folder of its repository: the revision names
	// the folder in the repository (components/frontend/production).
	n.m.Revision = ptr(snapLocation(snap, n.m.Path))
	if snap.Prefix != "" {
		n.m.Revision.Path = snap.RepoPath(path.Clean(n.m.Path))
	}

	b := c.r.builder.build(ctx, snap, n.ks, n.m.Key)
	failed := false
	for _, p := range b.problems {
		cp := *p
		cp.Kustomization = n.m.Key
		if cp.Location == nil {
			cp.Location = n.m.Location
		}
		c.problem(&cp)
		failed = failed || !p.Warning
	}
	if failed {
		n.m.Status, n.m.Reason = model.StatusFailed, b.problems[0].Reason
		return nil, true
	}

	var vars map[string]string
	// Flux Operator copies the data of a copyFrom ConfigMap or Secret
	// before kustomize-controller reads it for substitution (d2 puts
	// flux-runtime-info into every tenant namespace so).
	client := storeClient{lookup: func(kind, ns, name string) *stored { return c.copied(kind, c.lookup(kind, ns, name)) }}
	if n.m.PostBuild != nil {
		var err error
		vars, err = kustomize.LoadVariables(ctx, client, *n.ks)
		if err != nil {
			return c.fail(n, model.ProblemSubstitution, fmt.Sprintf("%s: loading postBuild variables: %v", n.m.Key, err)), true
		}
		for k, v := range n.m.PostBuild.Substitute {
			vars[k] = strings.ReplaceAll(v, "\n", "")
		}
	}

	var objects []*model.Object
	var refs [][]*model.VarRef // per object
	var unstructs []*unstructured.Unstructured
	names := varNames(vars)
	b.prepare()
	for i, shared := range b.resources {
		loc := b.locations[i]
		if shared.GetKind() == "" || shared.GetApiVersion() == "" || shared.GetName() == "" {
			c.problem(&model.Problem{Kind: model.ProblemInvalidObject, Kustomization: n.m.Key, Location: &loc,
				Reason: fmt.Sprintf("%s: object without apiVersion, kind or name (kustomize-controller refuses it)", loc.Path)})
			continue
		}
		// The build's maps are shared by every cluster and never modified.
		obj, uses := b.maps[i], b.uses[i]
		substituted := false
		if n.m.PostBuild != nil && b.dollar[i] {
			// fluxcd/pkg/kustomize SubstituteVariables runs envsubst only
			// when a variable is defined (len(vars) > 0; kustomize-controller
			// does not pass SubstituteWithAlways): without one, text that
			// envsubst cannot parse stays as it is, and nothing fails.
			if b.perr[i] != nil && len(vars) > 0 {
				return c.unparsable(n, shared, obj, loc, b.perr[i]), true
			}
			// Flux skips objects labelled or annotated substitute: disabled
			// (prepare leaves their dollar false), and runs nothing when no
			// variable is defined at all. An object without a '$' anywhere
			// comes out of Flux's substitution unchanged, so only objects
			// with one pay for the round trip.
			r := c.r.builder.substitute(ctx, client, n.ks, b, i, names, vars)
			if r.err != nil {
				return c.fail(n, model.ProblemSubstitution, fmt.Sprintf("%s: %s %s: %v", loc.Path, shared.GetKind(), shared.GetName(), r.err)), true
			}
			if r.obj != nil {
				substituted = len(vars) > 0
				obj = r.obj
			}
		}
		// The build's and the substitution's maps are shared by every
		// cluster: withOwnerLabels copies the metadata it writes, and
		// commonMetadata below writes nothing else. Without commonMetadata
		// nothing writes to the labelled copy either, so clusters whose
		// Kustomization of the same name applies the same map share it.
		if _, hasCommon := n.m.Spec["commonMetadata"].(map[string]any); hasCommon {
			obj = withOwnerLabels(obj, n.m.Name, n.m.Namespace)
		} else {
			obj = c.r.builder.ownerLabelled(obj, n.m.Name, n.m.Namespace)
		}
		u := &unstructured.Unstructured{Object: obj}
		id := model.ObjectID{APIVersion: u.GetAPIVersion(), Kind: u.GetKind(), Namespace: u.GetNamespace(), Name: u.GetName()}
		var vr []*model.VarRef
		for _, v := range uses {
			vr = append(vr, &model.VarRef{Name: v.name, Expression: v.expr, Kustomization: n.m.Key, Object: id, Field: v.field, Path: v.segs,
				Operator: v.op, Status: varStatus(v, vars, substituted), Substituted: substituted, HasDefault: v.hasDefault, Location: loc})
		}
		refs = append(refs, vr)
		unstructs = append(unstructs, u)
		objects = append(objects, &model.Object{ObjectID: id, Location: loc, AppliedBy: n.m.Key, Chain: n.m.Chain, Object: obj})
	}
	// kustomize-controller stamps spec.commonMetadata on every object after
	// substitution and after the owner labels, with fluxcd/pkg/ssa.
	if cm, ok := n.m.Spec["commonMetadata"].(map[string]any); ok {
		utils.SetCommonMetadata(unstructs, stringMap(cm["labels"]), stringMap(cm["annotations"]))
	}

	// Flux's apply skips what its exclusion selectors match, on the object
	// as it would apply it (commonMetadata included). Such an object never
	// reaches the cluster: it stays in the model, marked, but it is no
	// source, substituteFrom object, Kyverno trigger or child Kustomization,
	// and its references substitute nothing that reaches the cluster.
	for i, o := range objects {
		o.NotApplied = notApplied(unstructs[i])
		o.Remote = n.m.Remote
	}
	if o := unnamespaced(objects); o != nil {
		// kustomize-controller does not default namespaces: the server-side
		// dry-run of a namespaced object without one fails ("namespace not
		// specified"), and with it the whole Kustomization.
		l := o.Location
		n.m.Status, n.m.Reason = model.StatusFailed, fmt.Sprintf("%s %s has no metadata.namespace and %s sets no targetNamespace: kustomize-controller's dry-run fails (namespace not specified), so Flux applies nothing of %s", o.Kind, o.Name, n.m.Key, n.m.Key)
		c.problem(&model.Problem{Kind: model.ProblemInvalidObject, Kustomization: n.m.Key, Location: &l, Reason: n.m.Reason})
		return nil, true
	}
	applied := 0
	for i, o := range objects {
		if o.NotApplied == "" {
			applied++
			c.out.Variables = append(c.out.Variables, refs[i]...)
		}
	}
	n.m.Status = model.StatusRendered
	n.m.Objects = applied
	// What the Kustomization applies is in the cluster before Flux
	// Operator reconciles a ResourceSet among it: its input providers
	// included.
	for _, o := range objects {
		if o.NotApplied == "" && o.Remote == "" {
			l := o.Location
			c.put(o.Kind, nsOrDefault(o.Namespace), o.Name, &stored{obj: o.Object, from: fromRender, loc: &l})
		}
	}
	objects = append(objects, c.expandResourceSets(n, objects)...)
	n.objects = objects
	c.handOn(objects)

	var children []*node
	for _, o := range objects {
		// What a Kustomization applies through spec.kubeConfig is on the
		// remote cluster: no source, substituteFrom or Kustomization of
		// this one. A Flux Kustomization among it is reconciled there, by
		// that cluster's own Flux, which d1lint renders only when that
		// cluster has a root of its own.
		if o.NotApplied != "" || o.Remote != "" {
			continue
		}
		l := o.Location
		c.put(o.Kind, nsOrDefault(o.Namespace), o.Name, &stored{obj: o.Object, from: fromRender, loc: &l})
		if o.Kind != "Kustomization" || !strings.HasPrefix(o.APIVersion, "kustomize.toolkit.fluxcd.io/") {
			continue
		}
		child := newNode(o.Object, n.m, &l)
		child.m.After = c.readyAfter(o)
		switch {
		case child.m.Key == n.m.Key:
			// The bootstrap pattern: flux-system applies its own definition.
			continue
		case slices.Contains(n.m.Chain, child.m.Key):
			c.problem(&model.Problem{Kind: model.ProblemCycle, Kustomization: n.m.Key, Location: &l,
				Reason: fmt.Sprintf("Kustomization %s applies itself through %s", child.m.Key, strings.Join(append(n.m.Chain, child.m.Key), " -> "))})
			continue
		case c.nodes[child.m.Key] != nil:
			c.problem(&model.Problem{Kind: model.ProblemDuplicate, Kustomization: n.m.Key, Location: &l,
				Reason: fmt.Sprintf("Kustomization %s is applied by both %s and %s", child.m.Key, c.nodes[child.m.Key].m.Parent, n.m.Key)})
			continue
		}
		n.m.Children = append(n.m.Children, child.m.Key)
		c.addNode(child)
		children = append(children, child)
	}
	sort.Strings(n.m.Children)
	return children, true
}

// unnamespaced returns the first namespaced object without a namespace.
func unnamespaced(objects []*model.Object) *model.Object {
	for _, o := range objects {
		if o.Namespace != "" || o.NotApplied != "" {
			continue
		}
		if scoped, known := namespaced(o.APIVersion, o.Kind); known && scoped {
			return o
		}
	}
	return nil
}

// The selectors of kustomize-controller's server-side apply options: an
// object whose labels or annotations match ExclusionSelector is skipped,
// created or not (IfNotPresentSelector, ssa: IfNotPresent, skips only an
// object that exists, so such an object is applied).
var exclusionSelector = []struct{ key, value string }{
	{"kustomize.toolkit.fluxcd.io/reconcile", "disabled"},
	{"kustomize.toolkit.fluxcd.io/ssa", "Ignore"},
}

// notApplied says why kustomize-controller never applies the object, or
// "". fluxcd/pkg/ssa matches the exclusion selector against the desired
// object's labels and annotations (values case-insensitive, as
// utils.AnyInMetadata compares them) before it creates or patches
// anything. It also matches the in-cluster object, which d1lint cannot see:
// an object whose desired state lacks the marker but whose live copy has
// it is skipped too.
func notApplied(u *unstructured.Unstructured) string {
	// Read in place: GetLabels and GetAnnotations copy the maps, for
	// every object of every cluster.
	md, _ := u.Object["metadata"].(map[string]any)
	labels, _ := md["labels"].(map[string]any)
	annotations, _ := md["annotations"].(map[string]any)
	for _, sel := range exclusionSelector {
		if v, _ := labels[sel.key].(string); v != "" && strings.EqualFold(v, sel.value) {
			return fmt.Sprintf("label %s: %s", sel.key, v)
		}
		if v, _ := annotations[sel.key].(string); v != "" && strings.EqualFold(v, sel.value) {
			return fmt.Sprintf("annotation %s: %s", sel.key, v)
		}
	}
	return ""
}

// The labels kustomize-controller sets on every object it applies, naming
// the Kustomization that applies it (fluxcd/pkg/ssa ResourceManager
// SetOwnerLabels with the owner group kustomize.toolkit.fluxcd.io).
const (
	ownerNameLabel      = "kustomize.toolkit.fluxcd.io/name"
	ownerNamespaceLabel = "kustomize.toolkit.fluxcd.io/namespace"
)

// withOwnerLabels returns obj with the owner labels of the Kustomization
// name/namespace, as kustomize-controller sets them on the objects of its
// build before it applies them (a nested Kustomization's objects carry the
// nested one, the Kustomization that applies them). obj is not modified:
// the top level, metadata and labels are copies, the rest is shared.
func withOwnerLabels(obj map[string]any, name, namespace string) map[string]any {
	out := maps.Clone(obj)
	md := map[string]any{}
	if m, ok := obj["metadata"].(map[string]any); ok {
		md = maps.Clone(m)
	}
	labels := map[string]any{}
	if l, ok := md["labels"].(map[string]any); ok {
		labels = maps.Clone(l)
	}
	labels[ownerNameLabel] = name
	labels[ownerNamespaceLabel] = namespace
	md["labels"] = labels
	out["metadata"] = md
	return out
}

// unparsable fails n for a string of one of its objects that Flux's
// envsubst parser rejects (kustomize-controller's substitution of the
// object fails, and with it the Kustomization), at the line of the field
// that holds it, saying which construct Flux does not support.
func (c *clusterRender) unparsable(n *node, res *resource.Resource, obj map[string]any, loc model.Location, err error) []*node {
	reason := fmt.Sprintf("%s: %s %s: %v", loc.Path, res.GetKind(), res.GetName(), err)
	at := &loc
	var pe *parseError
	if errors.As(err, &pe) {
		if h := hint(pe.text); h != "" {
			reason += ": " + h
		}
		o := &model.Object{ObjectID: model.ObjectID{APIVersion: res.GetApiVersion(), Kind: res.GetKind(), Namespace: res.GetNamespace(), Name: res.GetName()},
			Location: loc, AppliedBy: n.m.Key, Object: obj}
		if l := c.r.locate(c.out, n.m, o, pe.segs); l != nil {
			at = l
		}
	}
	n.m.Status, n.m.Reason = model.StatusFailed, reason
	c.problem(&model.Problem{Kind: model.ProblemSubstitution, Kustomization: n.m.Key, Location: at, Reason: reason})
	return nil
}

func (c *clusterRender) fail(n *node, kind, reason string) []*node {
	n.m.Status, n.m.Reason = model.StatusFailed, reason
	c.problem(&model.Problem{Kind: kind, Kustomization: n.m.Key, Location: n.m.Location, Reason: reason})
	return nil
}

func nsOrDefault(ns string) string {
	if ns == "" {
		return "default"
	}
	return ns
}
