// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/internal/testutil"
)

// cachedRun is one render with a persistent cache folder.
type cachedRun struct {
	model string // the fleet's model, as JSON
	fleet *model.Fleet
	// builds counts the kustomize builds that ran (the builder's kustomize
	// function was called), reused the builds read from the cache.
	builds, reused int64
}

// renderCached renders opts with the persistent cache folder dir ("" for
// none), counting the kustomize builds that really run.
func renderCached(t *testing.T, opts Options, dir string) cachedRun {
	t.Helper()
	opts.CacheDir = dir
	r, err := newRenderer(opts)
	require.NoError(t, err)
	var builds atomic.Int64
	r.builder.kustomize = func(fs filesys.FileSystem, dir string, custom bool) (resmap.ResMap, error) {
		builds.Add(1)
		return kustomizeBuild(fs, dir, custom)
	}
	res, err := r.run(context.Background())
	require.NoError(t, err)
	defer res.Close()
	b, err := json.Marshal(res.Fleet)
	require.NoError(t, err)
	return cachedRun{model: string(b), fleet: res.Fleet, builds: builds.Load(), reused: res.BuildsReused()}
}

// configOptions are the render options of a fixture's .d1lint.yaml.
func configOptions(t *testing.T, cfgPath string) Options {
	t.Helper()
	cfg, err := config.Load(cfgPath)
	require.NoError(t, err)
	opts := Options{OutOfBand: cfg.OutOfBandObjects(), FleetPath: cfg.FleetPath(), FleetURL: cfg.FleetURL, FleetBranch: cfg.FleetBranch,
		ProviderInputs: cfg.ProviderInputs, Getenv: func(string) string { return "" }}
	for _, s := range cfg.Sources {
		opts.Sources = append(opts.Sources, source.Mapping{URL: s.URL, Path: cfg.Resolve(s.Path), Branch: s.Branch})
	}
	for _, d := range cfg.Charts {
		opts.ChartDirs = append(opts.ChartDirs, cfg.Resolve(d))
	}
	return opts
}

// TestPersistentBuildsFixtures: on every fixture, a render with a warm
// cache gives exactly the model of a render without one and of the cold
// render that filled it, and runs kustomize only for the builds that
// failed (failed builds are not kept).
func TestPersistentBuildsFixtures(t *testing.T) {
	for _, fixture := range [][]string{
		{"example", "fleet"}, {"example", "fleet-bootstrap"}, {"bad", "fleet"},
		{"layouts", "home-ops"}, {"layouts", "hub-spoke"}, {"layouts", "monorepo", "platform", "fleet"},
		{"resourceset"}, {"helm"},
	} {
		t.Run(strings.Join(fixture, "/"), func(t *testing.T) {
			opts := configOptions(t, testutil.Fixture(t, append(fixture, ".d1lint.yaml")...))
			uncached := renderCached(t, opts, "")
			require.Positive(t, uncached.builds)
			dir := t.TempDir()
			cold := renderCached(t, opts, dir)
			// Two builds of equal inputs in one run (a folder of the
			// working tree and of a branch in git with the same content)
			// are one: the second may be read from the cache already.
			assert.Equal(t, uncached.builds, cold.builds+cold.reused, "every build either runs or is reused")
			warm := renderCached(t, opts, dir)
			assert.Equal(t, uncached.model, cold.model, "cold cache: the same model")
			assert.Equal(t, uncached.model, warm.model, "warm cache: the same model")
			assert.Positive(t, warm.reused)
			assert.Equal(t, uncached.builds, warm.builds+warm.reused, "every build either runs or is reused")
			if fixture[0] != "bad" {
				assert.Zero(t, warm.builds, "nothing is built again")
			}
		})
	}
}

// TestPersistentBuildsD1Corpus: the d1 corpus, whose production branches
// are read from git into a new temporary folder on every run, reuses every
// build and gives the same model.
func TestPersistentBuildsD1Corpus(t *testing.T) {
	for _, bootstrap := range []bool{false, true} {
		name := map[bool]string{false: "operator-era", true: "bootstrap-era"}[bootstrap]
		t.Run(name, func(t *testing.T) {
			opts := d1Options(testutil.D1Corpus(t, bootstrap))
			dir := t.TempDir()
			cold := renderCached(t, opts, dir)
			require.Positive(t, cold.builds)
			warm := renderCached(t, opts, dir)
			assert.Zero(t, warm.builds)
			assert.Equal(t, cold.builds, warm.reused)
			assert.Equal(t, cold.model, warm.model)
		})
	}
}

// buildFleet is a fleet whose apps Kustomization builds apps/one, an
// overlay of ../base, with a patch and postBuild substitution.
func buildFleet(t *testing.T) string {
	return writeFleet(t, map[string]string{
		"clusters/one/apps.yaml": fluxKustomization("apps", "./apps/one", `  targetNamespace: shop
  patches:
    - target: {kind: Deployment, name: web}
      patch: |
        - op: replace
          path: /spec/replicas
          value: 3
  postBuild:
    substitute:
      GREETING: hello
`),
		"apps/one/kustomization.yaml":  "resources:\n  - ../base\n  - cm.yaml\n",
		"apps/one/cm.yaml":             "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: greeting\ndata:\n  text: ${GREETING} world\n",
		"apps/base/kustomization.yaml": "resources:\n  - deploy.yaml\n",
		"apps/base/deploy.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
`,
	})
}

func oneObject(t *testing.T, fl *model.Fleet, kind, name string) *model.Object {
	t.Helper()
	for _, o := range cluster(t, fl, "one").Objects {
		if o.Kind == kind && o.Name == name {
			return o
		}
	}
	t.Fatalf("no %s %s", kind, name)
	return nil
}

// TestPersistentBuildsInvalidation: a build is read from the cache only
// when nothing it read changed. Each change rebuilds what it concerns,
// and the model is then the one a render without the cache gives.
func TestPersistentBuildsInvalidation(t *testing.T) {
	fleet := buildFleet(t)
	opts := Options{FleetPath: fleet, Getenv: func(string) string { return "" }}
	dir := t.TempDir()
	// check renders with the cache and without, and returns the run with.
	check := func(t *testing.T, builds, reused int64) cachedRun {
		t.Helper()
		got := renderCached(t, opts, dir)
		assert.Equal(t, builds, got.builds, "builds run")
		assert.Equal(t, reused, got.reused, "builds reused")
		assert.Equal(t, renderCached(t, opts, "").model, got.model, "the model without the cache")
		return got
	}
	write := func(file, content string) {
		require.NoError(t, os.WriteFile(filepath.Join(fleet, file), []byte(content), 0o644))
	}

	first := check(t, 2, 0) // the root (clusters/one) and apps
	assert.Equal(t, "hello world", oneObject(t, first.fleet, "ConfigMap", "greeting").Object["data"].(map[string]any)["text"])
	assert.EqualValues(t, 3, oneObject(t, first.fleet, "Deployment", "web").Object["spec"].(map[string]any)["replicas"])
	check(t, 0, 2)

	t.Run("a file of the folder changes", func(t *testing.T) {
		write("apps/one/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: greeting\ndata:\n  text: ${GREETING} there\n")
		got := check(t, 1, 1)
		assert.Equal(t, "hello there", oneObject(t, got.fleet, "ConfigMap", "greeting").Object["data"].(map[string]any)["text"])
		check(t, 0, 2)
	})
	t.Run("a file of a base changes", func(t *testing.T) {
		base, err := os.ReadFile(filepath.Join(fleet, "apps/base/deploy.yaml"))
		require.NoError(t, err)
		write("apps/base/deploy.yaml", strings.Replace(string(base), "nginx:1.27", "nginx:1.28", 1))
		got := check(t, 1, 1)
		assert.Contains(t, got.model, "nginx:1.28")
		check(t, 0, 2)
		// Back to the first content: that build is still kept.
		write("apps/base/deploy.yaml", string(base))
		check(t, 0, 2)
	})
	t.Run("a line moves without the objects changing", func(t *testing.T) {
		cm := oneObject(t, renderCached(t, opts, dir).fleet, "ConfigMap", "greeting")
		write("apps/one/cm.yaml", "# a comment\n"+"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: greeting\ndata:\n  text: ${GREETING} there\n")
		got := check(t, 1, 1)
		assert.Equal(t, cm.Location.Line+1, oneObject(t, got.fleet, "ConfigMap", "greeting").Location.Line)
	})
	t.Run("a comment moves a generator's line", func(t *testing.T) {
		// Flux's generator rewrites the kustomization file without its
		// comments, and kustomize reads that copy: the line of a generated
		// object is read from the file itself, which the key covers too.
		kust := "resources:\n  - ../base\n  - cm.yaml\nconfigMapGenerator:\n  - name: generated\n    literals: [a=b]\n"
		write("apps/one/kustomization.yaml", kust)
		// kustomize names it with the hash of its data.
		before := oneObject(t, check(t, 1, 1).fleet, "ConfigMap", "generated-4h2mbtbbt6")
		write("apps/one/kustomization.yaml", "# generated objects\n"+kust)
		after := oneObject(t, check(t, 1, 1).fleet, "ConfigMap", "generated-4h2mbtbbt6")
		assert.Equal(t, before.Location.Line+1, after.Location.Line)
		write("apps/one/kustomization.yaml", "resources:\n  - ../base\n  - cm.yaml\n")
	})
	t.Run("a file the build looked for appears", func(t *testing.T) {
		// kustomize refuses a folder with two kustomization files: the
		// build that found one must not be reused once the other exists.
		write("apps/base/kustomization.yml", "resources:\n  - deploy.yaml\n")
		got := check(t, 1, 1)
		assert.Equal(t, model.StatusFailed, kustomization(cluster(t, got.fleet, "one"), "flux-system/apps").Status)
		require.NoError(t, os.Remove(filepath.Join(fleet, "apps/base/kustomization.yml")))
		check(t, 0, 2)
	})
	t.Run("a missing resource appears", func(t *testing.T) {
		write("apps/one/kustomization.yaml", "resources:\n  - ../base\n  - cm.yaml\n  - extra.yaml\n")
		// d1lint's precheck finds the missing file: kustomize does not run.
		got := check(t, 0, 1)
		assert.Equal(t, model.StatusFailed, kustomization(cluster(t, got.fleet, "one"), "flux-system/apps").Status)
		write("apps/one/extra.yaml", strings.Replace(configMap, "%s", "extra", 1))
		got = check(t, 1, 1)
		oneObject(t, got.fleet, "ConfigMap", "extra")
		check(t, 0, 2)
	})
	t.Run("a manifest appears in a folder without a kustomization file", func(t *testing.T) {
		write("clusters/one/more.yaml", strings.Replace(configMap, "%s", "more", 1))
		got := check(t, 1, 1)
		oneObject(t, got.fleet, "ConfigMap", "more")
		check(t, 0, 2)
	})
	t.Run("the Kustomization's spec changes", func(t *testing.T) {
		apps, err := os.ReadFile(filepath.Join(fleet, "clusters/one/apps.yaml"))
		require.NoError(t, err)
		write("clusters/one/apps.yaml", strings.Replace(string(apps), "value: 3", "value: 5", 1))
		// The root's build reads apps.yaml; apps' build reads nothing that
		// changed, but its spec did.
		got := check(t, 2, 0)
		assert.EqualValues(t, 5, oneObject(t, got.fleet, "Deployment", "web").Object["spec"].(map[string]any)["replicas"])
		check(t, 0, 2)
	})
}

// TestPersistentBuildsSpecKeyed: two Kustomizations that build the same
// folder with different specs share no entry.
func TestPersistentBuildsSpecKeyed(t *testing.T) {
	fleet := buildFleet(t)
	testutil.WriteFiles(t, fleet, map[string]string{
		"clusters/one/apps2.yaml": fluxKustomization("apps2", "./apps/one", "  targetNamespace: shop2\n"),
	})
	opts := Options{FleetPath: fleet, Getenv: func(string) string { return "" }}
	dir := t.TempDir()
	cold := renderCached(t, opts, dir)
	assert.EqualValues(t, 3, cold.builds)
	warm := renderCached(t, opts, dir)
	assert.Zero(t, warm.builds)
	assert.Equal(t, cold.model, warm.model)
	var namespaces []string
	for _, o := range cluster(t, warm.fleet, "one").Objects {
		if o.Kind == "ConfigMap" && o.Name == "greeting" {
			namespaces = append(namespaces, o.Namespace)
		}
	}
	assert.ElementsMatch(t, []string{"shop", "shop2"}, namespaces)
}

// TestPersistentBuildsDamaged: entries that are damaged, or hold what
// this d1lint cannot read, are misses: the builds run again and the model
// is the same.
func TestPersistentBuildsDamaged(t *testing.T) {
	opts := Options{FleetPath: buildFleet(t), Getenv: func(string) string { return "" }}
	dir := t.TempDir()
	cold := renderCached(t, opts, dir)
	for _, kind := range []string{buildKind, buildInputsKind} {
		entries, err := filepath.Glob(filepath.Join(dir, "v1", kind, "*", "*"))
		require.NoError(t, err)
		require.Len(t, entries, 2, kind)
		for _, e := range entries {
			require.NoError(t, os.WriteFile(e, []byte("damaged"), 0o600))
		}
		got := renderCached(t, opts, dir)
		assert.EqualValues(t, 2, got.builds, "%s damaged: every build runs", kind)
		assert.Equal(t, cold.model, got.model)
	}
}

// TestBuildCodecs: entries that are well framed but do not decode are
// refused, whatever their length.
func TestBuildCodecs(t *testing.T) {
	rn, err := kyaml.Parse("# head\napiVersion: v1 # line\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {}\ndata:\n  k: 'quoted'\n  n: !!str 1\n  l: |\n    text\n")
	require.NoError(t, err)
	b, err := appendNode(nil, rn.Document(), 0)
	require.NoError(t, err)
	got, err := decodeNode(b)
	require.NoError(t, err)
	assert.Equal(t, rn.Document(), got, "every field of every node")
	want, err := rn.String()
	require.NoError(t, err)
	gotText, err := kyaml.NewRNode(got).String()
	require.NoError(t, err)
	assert.Equal(t, want, gotText)
	for i := range b {
		_, err := decodeNode(b[:i])
		assert.Error(t, err, "truncated at %d", i)
	}
	_, err = decodeNode(append(b, 0))
	assert.Error(t, err, "trailing bytes")
	_, err = decodeNode([]byte{byte(kyaml.ScalarNode), 0x80, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	assert.Error(t, err, "a varint longer than it needs to be")

	alias, err := kyaml.Parse("a: &x 1\nb: *x\n")
	require.NoError(t, err)
	_, err = appendNode(nil, alias.Document(), 0)
	assert.Error(t, err, "aliases are not stored")

	snap := &source.Snapshot{URL: "example.com/r", Branch: "main", Commit: "abc"}
	_, err = decodeCandidates([]byte("junk"))
	assert.Error(t, err)
	out := &built{}
	assert.Error(t, decodeBuild([]byte("junk"), snap, out))
	assert.Empty(t, out.resources)
}

// FuzzBuildEntry: reading any bytes as a kept build never panics; a node
// tree that decodes encodes back to exactly those bytes (the codec has one
// encoding per tree), and an entry that does not decode adds nothing to the
// build.
func FuzzBuildEntry(f *testing.F) {
	rn, err := kyaml.Parse("# c\na: [1, 'x', {b: null}]\nc: |\n  text\n")
	if err != nil {
		f.Fatal(err)
	}
	node, err := appendNode(nil, rn.Document(), 0)
	if err != nil {
		f.Fatal(err)
	}
	snap := &source.Snapshot{URL: "example.com/r", Branch: "main", Commit: "abc"}
	l := snapLocation(snap, "a.yaml", 3)
	entry, err := encodeBuild(snap, &built{
		resources: []*resource.Resource{{RNode: *rn}}, maps: []map[string]any{{"a": []any{1, "x"}}}, locations: []model.Location{l},
		problems: []*model.Problem{{Kind: model.ProblemInvalidYAML, Location: &l, Reason: "r", Field: []string{"spec"}}},
	}, 0)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(node)
	f.Add(entry)
	f.Fuzz(func(t *testing.T, data []byte) {
		if n, err := decodeNode(data); err == nil {
			again, err := appendNode(nil, n, 0)
			if err != nil || !bytes.Equal(again, data) {
				t.Fatalf("a decoded tree encodes otherwise: %v", err)
			}
		}
		out := &built{problems: []*model.Problem{{Kind: "before"}}}
		if err := decodeBuild(data, snap, out); err != nil && (len(out.resources) > 0 || len(out.problems) != 1) {
			t.Fatal("an entry that does not decode changed the build")
		}
	})
}
