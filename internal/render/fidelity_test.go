// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/fleet"
	"github.com/d1lint/d1lint/internal/model"
)

// TestKustomizationFields checks the Flux Kustomization fields that
// kustomize-controller layers over the build, and postBuild's precedence.
func TestKustomizationFields(t *testing.T) {
	dir := writeFleet(t, map[string]string{
		"clusters/one/vars.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: vars
  namespace: flux-system
data:
  COLOR: red
  SIZE: small
---
apiVersion: v1
kind: Secret
metadata:
  name: secret-vars
  namespace: flux-system
stringData:
  SIZE: large
  SHAPE: round
`,
		"clusters/one/app.yaml": fluxKustomization("app", "./apps/app", `  targetNamespace: team
  namePrefix: pre-
  nameSuffix: -suf
  images:
    - name: ghcr.io/acme/web
      newTag: 2.0.0
  components:
    - ../extra
  commonMetadata:
    labels:
      owner: team
  patches:
    - patch: |
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: any
          annotations:
            patched: "yes"
      target:
        kind: Deployment
        labelSelector: patch-me=true
  postBuild:
    substitute:
      SHAPE: square
    substituteFrom:
      - kind: ConfigMap
        name: vars
      - kind: Secret
        name: secret-vars
`),
		// No kustomization.yaml: Flux generates one listing the manifests.
		"apps/app/deploy.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    patch-me: "true"
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.0.0
`,
		"apps/app/settings.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  color: ${COLOR}
  size: ${SIZE}
  shape: ${SHAPE}
  escaped: $${COLOR}
  fallback: ${MISSING:=dflt}
`,
		"apps/extra/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources:
  - extra.yaml
`,
		"apps/extra/extra.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: extra
data:
  from: component
`,
	})
	fl := renderOpts(t, Options{FleetPath: dir})
	c := fl.Clusters[0]
	require.Empty(t, c.Problems)
	k := kustomization(c, "flux-system/app")
	require.NotNil(t, k)
	assert.Equal(t, model.StatusRendered, k.Status)

	dep := object(c, "Deployment", "team", "pre-web-suf")
	require.NotNil(t, dep, "targetNamespace, namePrefix and nameSuffix apply")
	assert.Equal(t, "apps/app/deploy.yaml", dep.Location.Path, "a generated kustomization still maps objects to files")
	assert.Equal(t, 1, dep.Location.Line)
	md := nestedMap(dep.Object, "metadata")
	assert.Equal(t, "team", md["labels"].(map[string]any)["owner"], "commonMetadata")
	assert.Equal(t, "yes", md["annotations"].(map[string]any)["patched"], "labelSelector patch")
	ctr := objectList(nestedMap(nestedMap(nestedMap(dep.Object, "spec"), "template"), "spec")["containers"])[0]
	assert.Equal(t, "ghcr.io/acme/web:2.0.0", ctr["image"], "images")

	assert.NotNil(t, object(c, "ConfigMap", "team", "pre-extra-suf"), "components")

	cm := object(c, "ConfigMap", "team", "pre-settings-suf")
	require.NotNil(t, cm)
	data := cm.Object["data"].(map[string]any)
	assert.Equal(t, "red", data["color"])
	assert.Equal(t, "large", data["size"], "substituteFrom: later entries override earlier ones")
	assert.Equal(t, "square", data["shape"], "inline substitute comes last")
	assert.Equal(t, "${COLOR}", data["escaped"], "$${} escapes")
	assert.Equal(t, "dflt", data["fallback"])
	assert.Equal(t, "team", nestedMap(cm.Object, "metadata")["labels"].(map[string]any)["owner"])
}

// TestOperatorRootIntervals checks the intervals of the GitRepository and
// Kustomization that Flux Operator generates from FluxInstance spec.sync:
// the source's is spec.sync.interval (default 1m) as a Go duration, the
// Kustomization's is always 10m0s.
func TestOperatorRootIntervals(t *testing.T) {
	for _, tc := range []struct{ interval, source string }{
		{"", "1m0s"},
		{"5m", "5m0s"},
		{"1h", "1h0m0s"},
		{"90s", "1m30s"},
	} {
		t.Run(tc.interval, func(t *testing.T) {
			sync := map[string]any{"kind": "GitRepository", "url": "https://example.com/acme/fleet.git",
				"ref": "refs/heads/main", "path": "clusters/one"}
			if tc.interval != "" {
				sync["interval"] = tc.interval
			}
			c := &clusterRender{r: &renderer{builder: newBuilder(time.Minute, nil)}, out: &model.Cluster{}, store: map[string]*stored{},
				spec: &fleet.Cluster{Era: fleet.EraOperator, URL: "https://example.com/acme/fleet.git", InstanceFile: "clusters/one/flux-system/flux-instance.yaml",
					Instance: map[string]any{"metadata": map[string]any{"name": "flux", "namespace": "flux-system"}, "spec": map[string]any{"sync": sync}}}}
			root, err := c.root(context.Background())
			require.NoError(t, err)
			assert.Equal(t, "10m0s", root.m.Spec["interval"], "the Kustomization's interval is fixed")
			repo := c.lookup("GitRepository", "flux-system", "flux-system")
			require.NotNil(t, repo)
			assert.Equal(t, tc.source, nestedMap(repo.obj, "spec")["interval"], "the source follows spec.sync.interval")
		})
	}
}

// TestSubstituteDisabled checks that an object opting out of postBuild
// substitution is not parsed for variables, as kustomize-controller does
// not parse it: a shell script's ${a[@]} (no valid envsubst expression) does
// not fail the Kustomization, and the object's ${...} text is no reference.
func TestSubstituteDisabled(t *testing.T) {
	dir := writeFleet(t, map[string]string{
		"clusters/one/vars.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: vars
  namespace: flux-system
data:
  CLUSTER_NAME: one
`,
		"clusters/one/app.yaml": fluxKustomization("app", "./apps/app", `  postBuild:
    substituteFrom:
      - kind: ConfigMap
        name: vars
`),
		"apps/app/scripts.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: scripts
  namespace: default
  annotations:
    kustomize.toolkit.fluxcd.io/substitute: disabled
data:
  run.sh: |
    for x in "${a[@]}"; do echo "${CLUSTER_NAME} $x"; done
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: labelled
  namespace: default
  labels:
    kustomize.toolkit.fluxcd.io/substitute: disabled
data:
  run.sh: echo ${#a[@]} ${CLUSTER_NAME}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: default
data:
  cluster: ${CLUSTER_NAME}
`,
	})
	fl := renderOpts(t, Options{FleetPath: dir})
	c := fl.Clusters[0]
	require.Empty(t, c.Problems)
	k := kustomization(c, "flux-system/app")
	require.NotNil(t, k)
	assert.Equal(t, model.StatusRendered, k.Status, k.Reason)

	scripts := object(c, "ConfigMap", "default", "scripts")
	require.NotNil(t, scripts)
	assert.Equal(t, "for x in \"${a[@]}\"; do echo \"${CLUSTER_NAME} $x\"; done\n", scripts.Object["data"].(map[string]any)["run.sh"], "left as written")
	labelled := object(c, "ConfigMap", "default", "labelled")
	require.NotNil(t, labelled)
	assert.Equal(t, "echo ${#a[@]} ${CLUSTER_NAME}", labelled.Object["data"].(map[string]any)["run.sh"], "the label opts out too")
	settings := object(c, "ConfigMap", "default", "settings")
	require.NotNil(t, settings)
	assert.Equal(t, "one", settings.Object["data"].(map[string]any)["cluster"], "the rest is substituted")

	var refs []string
	for _, v := range c.Variables {
		refs = append(refs, v.Object.Name+"/"+v.Name)
	}
	assert.Equal(t, []string{"settings/CLUSTER_NAME"}, refs, "opted-out objects hold no references")
}

// TestOwnerLabels checks the labels kustomize-controller sets on every
// object it applies: the name and namespace of the Kustomization that
// applies it (for a nested Kustomization's objects, the nested one), set
// before spec.commonMetadata.
func TestOwnerLabels(t *testing.T) {
	dir := writeFleet(t, map[string]string{
		"clusters/one/team.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: team
  namespace: team-ns
spec:
  interval: 10m
  path: ./apps/team
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
    namespace: flux-system
  commonMetadata:
    labels:
      owner: team
`,
		"apps/team/settings.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: team-ns
  labels:
    app: web
data:
  key: value
`,
		"apps/team/bare.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: bare
  namespace: team-ns
`,
	})
	fl := renderOpts(t, Options{FleetPath: dir})
	c := fl.Clusters[0]
	require.Empty(t, c.Problems)
	labels := func(kind, ns, name string) map[string]any {
		o := object(c, kind, ns, name)
		require.NotNil(t, o, "%s %s/%s", kind, ns, name)
		l, _ := nestedMap(o.Object, "metadata")["labels"].(map[string]any)
		return l
	}
	assert.Equal(t, map[string]any{"kustomize.toolkit.fluxcd.io/name": "flux-system", "kustomize.toolkit.fluxcd.io/namespace": "flux-system"},
		labels("Kustomization", "team-ns", "team"), "the root applies the nested Kustomization")
	assert.Equal(t, map[string]any{"app": "web", "owner": "team", "kustomize.toolkit.fluxcd.io/name": "team", "kustomize.toolkit.fluxcd.io/namespace": "team-ns"},
		labels("ConfigMap", "team-ns", "settings"), "the nested Kustomization applies its objects")
	assert.Equal(t, map[string]any{"owner": "team", "kustomize.toolkit.fluxcd.io/name": "team", "kustomize.toolkit.fluxcd.io/namespace": "team-ns"},
		labels("ConfigMap", "team-ns", "bare"), "an object without labels gets them too")
}

// TestNotApplied checks the objects kustomize-controller's apply skips (its
// exclusion selector: reconcile: disabled, ssa: Ignore, as a label or an
// annotation, values case-insensitive, commonMetadata included): they stay
// in the model, marked, but the render derives nothing from them.
func TestNotApplied(t *testing.T) {
	dir := writeFleet(t, map[string]string{
		// Never applied, so it never reconciles: no node of the graph.
		"clusters/one/off.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: off
  namespace: flux-system
  labels:
    kustomize.toolkit.fluxcd.io/reconcile: Disabled
spec:
  interval: 10m
  path: ./apps/app
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`,
		// Never applied, so it is no substituteFrom source.
		"clusters/one/vars.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: vars
  namespace: flux-system
  annotations:
    kustomize.toolkit.fluxcd.io/ssa: Ignore
data:
  COLOR: blue
`,
		"clusters/one/app.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: app
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps/app
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  targetNamespace: team
  postBuild:
    substitute:
      SIZE: small
    substituteFrom:
      - kind: ConfigMap
        name: vars
        optional: true
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: marked
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps/marked
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  commonMetadata:
    annotations:
      kustomize.toolkit.fluxcd.io/reconcile: disabled
`,
		"apps/app/objects.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: created-once
  annotations:
    kustomize.toolkit.fluxcd.io/ssa: IfNotPresent
data:
  size: ${SIZE}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: ignored
  annotations:
    kustomize.toolkit.fluxcd.io/ssa: ignore
data:
  size: ${SIZE}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  labels:
    kustomize.toolkit.fluxcd.io/reconcile: disabled
spec:
  interval: 10m
  chart:
    spec:
      chart: web
      sourceRef:
        kind: HelmRepository
        name: charts
`,
		"apps/marked/cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: marked
  namespace: default
`,
	})
	fl := renderOpts(t, Options{FleetPath: dir})
	c := fl.Clusters[0]
	require.Empty(t, c.Problems)

	off := object(c, "Kustomization", "flux-system", "off")
	require.NotNil(t, off, "still in the model")
	assert.Equal(t, "label kustomize.toolkit.fluxcd.io/reconcile: Disabled", off.NotApplied)
	assert.Nil(t, kustomization(c, "flux-system/off"), "a Kustomization Flux never applies never reconciles")
	assert.NotContains(t, kustomization(c, "flux-system/flux-system").Children, "flux-system/off")

	vars := object(c, "ConfigMap", "flux-system", "vars")
	require.NotNil(t, vars)
	assert.Equal(t, "annotation kustomize.toolkit.fluxcd.io/ssa: Ignore", vars.NotApplied)
	app := kustomization(c, "flux-system/app")
	require.NotNil(t, app)
	assert.Equal(t, model.StatusRendered, app.Status, app.Reason)
	assert.False(t, app.PostBuild.SubstituteFrom[0].Found, "a ConfigMap Flux never applies substitutes nothing")
	assert.Equal(t, 1, app.Objects, "only what Flux applies is counted")

	once := object(c, "ConfigMap", "team", "created-once")
	require.NotNil(t, once)
	assert.Empty(t, once.NotApplied, "ssa: IfNotPresent is applied when the object does not exist")
	ignored := object(c, "ConfigMap", "team", "ignored")
	require.NotNil(t, ignored)
	assert.Equal(t, "annotation kustomize.toolkit.fluxcd.io/ssa: ignore", ignored.NotApplied)
	assert.Equal(t, "small", ignored.Object["data"].(map[string]any)["size"], "Flux still substitutes it before its apply skips it")
	hr := object(c, "HelmRelease", "team", "web")
	require.NotNil(t, hr)
	assert.NotEmpty(t, hr.NotApplied)
	assert.Empty(t, c.HelmReleases, "helm-controller never sees it")

	var refs []string
	for _, v := range c.Variables {
		refs = append(refs, v.Object.Name+"/"+v.Name)
	}
	assert.Equal(t, []string{"created-once/SIZE"}, refs, "references in what Flux never applies reach nothing")

	marked := object(c, "ConfigMap", "default", "marked")
	require.NotNil(t, marked)
	assert.Equal(t, "annotation kustomize.toolkit.fluxcd.io/reconcile: disabled", marked.NotApplied, "commonMetadata is stamped before the apply")
}
