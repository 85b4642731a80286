// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/model"
)

var appsSync = fluxKustomization("backend", "./components/backend/staging", "")

func TestBlameBaseFile(t *testing.T) {
	deep := strings.Repeat("[", 20000)
	cases := map[string]struct {
		content string
		line    int
	}{
		"syntax":        {"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: redis\ndata:\n  a: [b\n", 6},
		"duplicate-key": {"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: redis\ndata:\n  a: b\ndata:\n  c: d\n", 7},
		"invalid-utf8":  {"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: redis\ndata:\n  a: \xff\xfe\n", 6},
		"too-deep":      {"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: redis\ndata: " + deep + "\n", 5},
		// kustomize reports lines within the document; the file's line is wanted.
		"second-document": {"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n - x\n", 10},
		"unknown-anchor":  {"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: redis\ndata:\n  a: *nope\n", 6},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dir := writeFleet(t, map[string]string{
				"clusters/one/backend.yaml":                     appsSync,
				"components/backend/staging/kustomization.yaml": "resources:\n  - ../base\n",
				"components/backend/base/kustomization.yaml":    "resources:\n  - redis.yaml\n",
				"components/backend/base/redis.yaml":            tc.content,
			})
			fl := renderOpts(t, Options{FleetPath: dir, Getenv: func(string) string { return "" }})
			c := cluster(t, fl, "one")
			probs := hardProblems(c)
			require.Len(t, probs, 1, "%v", probs)
			p := probs[0]
			assert.Equal(t, model.ProblemInvalidYAML, p.Kind)
			require.NotNil(t, p.Location)
			assert.Equal(t, "components/backend/base/redis.yaml", p.Location.Path)
			assert.Equal(t, tc.line, p.Location.Line)
			assert.Equal(t, "flux-system/backend", p.Kustomization)
			assert.NotContains(t, p.Reason, dir, "no temporary path")
			assert.NotContains(t, p.Reason, "staging/redis.yaml", "never a path that does not exist")
		})
	}
}

// TestBlameGeneratedKustomization: in a folder without a kustomization file
// Flux's generator decodes every manifest itself; a bad one is named there.
func TestBlameGeneratedKustomization(t *testing.T) {
	dir := writeFleet(t, map[string]string{
		"clusters/one/backend.yaml":                   strings.Replace(appsSync, "./components/backend/staging", "./components/backend/plain", 1),
		"components/backend/plain/ok.yaml":            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n",
		"components/backend/plain/nested/broken.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n\tdata: 1\n",
	})
	fl := renderOpts(t, Options{FleetPath: dir, Getenv: func(string) string { return "" }})
	probs := hardProblems(cluster(t, fl, "one"))
	require.Len(t, probs, 1, "%v", probs)
	assert.Equal(t, model.ProblemInvalidYAML, probs[0].Kind)
	assert.Equal(t, "components/backend/plain/nested/broken.yaml", probs[0].Location.Path)
	assert.Equal(t, 5, probs[0].Location.Line)
	assert.NotContains(t, probs[0].Reason, dir)
}

// TestSpecPathClamped: kustomize-controller joins spec.path to the source
// root with securejoin, so ".." stops at the root: Flux builds the clamped
// folder, and d1lint does too, with a warning at spec.path.
func TestSpecPathClamped(t *testing.T) {
	dir := writeFleet(t, map[string]string{
		"clusters/one/backend.yaml":             strings.Replace(appsSync, "./components/backend/staging", "../../components/backend", 1),
		"components/backend/kustomization.yaml": "resources:\n  - redis.yaml\n",
		"components/backend/redis.yaml":         configMapNamed("redis"),
	})
	c := cluster(t, renderOpts(t, Options{FleetPath: dir, Getenv: func(string) string { return "" }}), "one")
	assert.Empty(t, hardProblems(c))
	assert.Equal(t, model.StatusRendered, kustomization(c, "flux-system/backend").Status)
	assert.NotNil(t, object(c, "ConfigMap", "default", "redis"), "the clamped folder is built, as Flux builds it")
	var warned []*model.Problem
	for _, p := range c.Problems {
		if p.Warning && p.Kind == model.ProblemPathEscape {
			warned = append(warned, p)
		}
	}
	require.Len(t, warned, 1)
	assert.Equal(t, []string{"spec", "path"}, warned[0].Field)
	assert.Equal(t, "clusters/one/backend.yaml", warned[0].Location.Path)
	assert.Contains(t, warned[0].Reason, `builds "components/backend"`)
}

// TestBadComponentNamedAtItsEntry: a spec.components entry that is remote,
// leaves the source or does not exist is a problem of that entry in the
// Kustomization's file, not a failed build of its folder.
func TestBadComponentNamedAtItsEntry(t *testing.T) {
	sync := appsSync + "  components:\n    - ../extra\n    - ../../../../outside\n    - https://example.com/c.git\n    - ../missing\n"
	dir := writeFleet(t, map[string]string{
		"clusters/one/backend.yaml":                     sync,
		"components/backend/staging/kustomization.yaml": "resources:\n  - redis.yaml\n",
		"components/backend/staging/redis.yaml":         configMapNamed("redis"),
		"components/backend/extra/kustomization.yaml":   "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n",
	})
	c := cluster(t, renderOpts(t, Options{FleetPath: dir, Getenv: func(string) string { return "" }}), "one")
	got := map[string]string{}
	for _, p := range hardProblems(c) {
		require.NotNil(t, p.Location)
		assert.Equal(t, "clusters/one/backend.yaml", p.Location.Path, p.Reason)
		assert.Equal(t, "flux-system/backend", p.Kustomization)
		got[strings.Join(p.Field, ".")] = p.Kind
	}
	assert.Equal(t, map[string]string{
		"spec.components.1": model.ProblemPathEscape,
		"spec.components.2": model.ProblemRemoteBase,
		"spec.components.3": model.ProblemMissingPath,
	}, got)
}

func configMapNamed(name string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n  namespace: default\n"
}

// TestCheckYAMLLines: the line named is the offending one, in lines of the
// file, whatever kind of error the YAML decoder gives.
func TestCheckYAMLLines(t *testing.T) {
	for in, line := range map[string]int{
		"a: 1\nb: c: d\ne: 2\n":                      2, // scanner error
		"a: 1\nb:\n\t- x\n":                          3, // a tab
		"a: 1\n- b\nc: 2\n":                          2, // parser error: the decoder says line 1
		"a: 1\nb:\n  c: d\n e: f\n":                  4,
		"x: 1\n---\na: 1\nb: \"unclosed\ne: 2\n":     4, // second document
		"kind: A\nmetadata:\n  name: x\n\tdata: 1\n": 4, // a tab after a plain scalar: the decoder says line 3
		"a: 1\nb: *nope\n":                           2,
		"ok: \xc3\xa9\nbad: \xff\n":                  2,
	} {
		bad := checkYAML([]byte(in))
		require.NotNil(t, bad, "%q", in)
		assert.Equal(t, line, bad.line, "%q: %s", in, bad.msg)
		assert.NotEmpty(t, bad.msg)
	}
	assert.Nil(t, checkYAML([]byte("a: 1\n---\nb: [1, 2]\n")))
}

// TestBadFluxPatchNamedAtItsEntry: a spec.patches entry that matches
// nothing, does not apply or does not parse breaks the build; the problem
// is that entry of the Kustomization, not the folder built.
func TestBadFluxPatchNamedAtItsEntry(t *testing.T) {
	good := "    - patch: |\n        - op: add\n          path: /data\n          value: {a: b}\n      target:\n        kind: ConfigMap\n"
	for name, bad := range map[string]string{
		"no-match":  "    - patch: |\n        apiVersion: v1\n        kind: ConfigMap\n        metadata:\n          name: nope\n        data:\n          a: b\n",
		"not-apply": "    - patch: |\n        - op: replace\n          path: /spec/x\n          value: y\n      target:\n        kind: ConfigMap\n",
		"unparsed":  "    - patch: |\n        apiVersion: v1\n        kind: ConfigMap\n        metadata:\n          name: redis\n        data: [\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := writeFleet(t, map[string]string{
				"clusters/one/backend.yaml":                     appsSync + "  patches:\n" + good + bad,
				"components/backend/staging/kustomization.yaml": "resources:\n  - redis.yaml\n",
				"components/backend/staging/redis.yaml":         configMapNamed("redis"),
			})
			c := cluster(t, renderOpts(t, Options{FleetPath: dir, Getenv: func(string) string { return "" }}), "one")
			probs := hardProblems(c)
			require.Len(t, probs, 1)
			assert.Equal(t, []string{"spec", "patches", "1"}, probs[0].Field)
			assert.Equal(t, "clusters/one/backend.yaml", probs[0].Location.Path)
			assert.Contains(t, probs[0].Reason, "spec.patches[1] breaks the kustomize build")
		})
	}
	// A build broken elsewhere is not blamed on the patches.
	dir := writeFleet(t, map[string]string{
		"clusters/one/backend.yaml":                     appsSync + "  patches:\n" + good,
		"components/backend/staging/kustomization.yaml": "resources:\n  - redis.yaml\n  - missing-dir/\n",
		"components/backend/staging/redis.yaml":         configMapNamed("redis"),
		"components/backend/staging/missing-dir/x.txt":  "not a kustomization",
	})
	c := cluster(t, renderOpts(t, Options{FleetPath: dir, Getenv: func(string) string { return "" }}), "one")
	probs := hardProblems(c)
	require.NotEmpty(t, probs)
	assert.Nil(t, probs[0].Field, probs[0].Reason)
}

// TestMissingSourceNamedAtSourceRef: a sourceRef to a source that never
// appears is a problem of the Kustomization's spec.sourceRef.name.
func TestMissingSourceNamedAtSourceRef(t *testing.T) {
	dir := writeFleet(t, map[string]string{
		"clusters/one/backend.yaml": strings.Replace(appsSync, "name: flux-system\n", "name: nowhere\n", 1),
	})
	c := cluster(t, renderOpts(t, Options{FleetPath: dir, Getenv: func(string) string { return "" }}), "one")
	probs := hardProblems(c)
	require.Len(t, probs, 1)
	assert.Equal(t, model.ProblemMissingSource, probs[0].Kind)
	assert.Equal(t, []string{"spec", "sourceRef", "name"}, probs[0].Field)
	assert.Equal(t, "clusters/one/backend.yaml", probs[0].Location.Path)
}
