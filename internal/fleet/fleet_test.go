// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package fleet

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/internal/testutil"
)

const fleetURL = "https://github.com/acme/d1-fleet.git"

// appsKustomization is a Flux Kustomization that is no root: it applies
// another folder.
const appsKustomization = "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\n" +
	"spec:\n  path: ./apps\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n"

func names(cs []*Cluster) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

// writeTree writes files (slash-separated paths relative to root).
func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, []byte(content), 0o644))
	}
}

func TestDiscoverOperatorEra(t *testing.T) {
	cs, err := discoverAll(testutil.Fixture(t, "example", "fleet"))
	require.NoError(t, err)
	require.Equal(t, []string{"prod-eu", "staging"}, names(cs))
	for _, c := range cs {
		t.Run(c.Name, func(t *testing.T) {
			assert.Equal(t, "clusters/"+c.Name, c.Path)
			assert.Equal(t, EraOperator, c.Era)
			assert.Empty(t, c.Problem)
			assert.False(t, c.Assumed)
			assert.Equal(t, fleetURL, c.URL)
			assert.Equal(t, source.Ref{Branch: "main"}, c.Ref)
			assert.Equal(t, "clusters/"+c.Name, c.SyncPath)
			require.NotNil(t, c.Instance)
			assert.Equal(t, "FluxInstance", c.Instance["kind"])
			assert.Equal(t, "clusters/"+c.Name+"/flux-system/flux-instance.yaml", c.InstanceFile)
			assert.Equal(t, 3, c.InstanceLine, "the document starts after two comment lines")
			assert.Equal(t, c.InstanceFile, c.URLFile)
			assert.Equal(t, map[string]int{"prod-eu": 23, "staging": 26}[c.Name], c.URLLine, "the line of spec.sync.url")
			assert.Empty(t, c.SyncFile)
			assert.Nil(t, c.Sync)
			assert.Empty(t, c.ComponentsFile)
		})
	}
}

func TestDiscoverBootstrapEra(t *testing.T) {
	cs, err := discoverAll(testutil.Fixture(t, "example", "fleet-bootstrap"))
	require.NoError(t, err)
	require.Equal(t, []string{"prod-eu", "staging"}, names(cs))
	for _, c := range cs {
		t.Run(c.Name, func(t *testing.T) {
			dir := "clusters/" + c.Name + "/flux-system"
			assert.Equal(t, EraBootstrap, c.Era)
			assert.Empty(t, c.Problem)
			assert.False(t, c.Assumed)
			assert.Nil(t, c.Instance)
			assert.Empty(t, c.InstanceFile)
			assert.Equal(t, fleetURL, c.URL)
			assert.Equal(t, source.Ref{Branch: "main"}, c.Ref)
			assert.Equal(t, "./clusters/"+c.Name, c.SyncPath)
			assert.Equal(t, dir, c.SyncDir)
			assert.Equal(t, dir+"/gotk-sync.yaml", c.SyncFile)
			assert.Equal(t, 15, c.SyncLine, "the Kustomization is the second document")
			assert.Equal(t, dir+"/gotk-sync.yaml", c.URLFile)
			assert.Equal(t, 9, c.URLLine, "the line of the GitRepository's spec.url")
			assert.Equal(t, dir+"/gotk-components.yaml", c.ComponentsFile)
			require.NotNil(t, c.Sync)
			assert.Equal(t, "Kustomization", c.Sync["kind"])
			_, patched := c.Sync["spec"].(map[string]any)["serviceAccountName"]
			assert.False(t, patched, "Sync is gotk-sync.yaml as written, before the folder's patches")
		})
	}
}

func TestDiscoverOnly(t *testing.T) {
	root := testutil.Fixture(t, "example", "fleet")
	cs, err := discoverAll(root, "staging")
	require.NoError(t, err)
	assert.Equal(t, []string{"staging"}, names(cs))

	cs, err = discoverAll(root, "staging", "prod-eu", "staging")
	require.NoError(t, err)
	assert.Equal(t, []string{"prod-eu", "staging"}, names(cs), "sorted, each once")

	_, err = discoverAll(root, "staging", "nope", "also-nope")
	require.Error(t, err)
	assert.Equal(t, "no cluster also-nope, nope in "+root+" (its clusters: prod-eu, staging)", err.Error())
}

func TestDiscoverMissingFleet(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nothing")
	_, err := discoverAll(missing)
	require.Error(t, err)
	assert.Equal(t, `fleet path "`+missing+`" is not a folder`, err.Error(), "no raw OS error")
}

func TestDiscoverEdgeCases(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		// Neither a FluxInstance nor any YAML at all: not a cluster.
		"clusters/bare/README.md": "# nothing here\n",
		// Flux manifests but no sync: the root flux bootstrap creates is assumed.
		"clusters/plain/configmap.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: default\n",
		"clusters/plain/apps.yaml":      appsKustomization,
		// A FluxInstance that syncs an OCI artifact.
		"clusters/oci/instance.yaml": "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n  namespace: flux-system\n" +
			"spec:\n  sync:\n    kind: OCIRepository\n    url: oci://ghcr.io/acme/fleet\n    ref: latest\n    path: clusters/oci\n",
		// One whose registry no convention maps, and a kind d1lint does not read.
		"clusters/oci-elsewhere/instance.yaml": "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n  namespace: flux-system\n" +
			"spec:\n  sync:\n    kind: OCIRepository\n    url: oci://registry.example.com/fleet\n    ref: latest\n    path: clusters/oci-elsewhere\n",
		"clusters/oci-kind/instance.yaml": "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n  namespace: flux-system\n" +
			"spec:\n  sync:\n    kind: Bucket\n    url: https://minio.example.com\n    path: clusters/oci-kind\n",
		// A FluxInstance without spec.sync.url.
		"clusters/no-url/instance.yaml": "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n  namespace: flux-system\nspec:\n  sync:\n    path: clusters/no-url\n",
		// A gotk-sync.yaml with the Kustomization but no GitRepository.
		"clusters/no-repo/flux-system/gotk-sync.yaml": "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\n  namespace: flux-system\n" +
			"spec:\n  path: ./clusters/no-repo\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n",
		// A bootstrap-era sync on a tag.
		"clusters/tagged/sync.yml": "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\n" +
			"spec:\n  url: ssh://git@github.com/acme/fleet\n  ref:\n    tag: v1.2.3\n---\n" +
			"apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  path: ./clusters/tagged\n",
		// Not clusters: a hidden folder and a file.
		"clusters/.hidden/instance.yaml": "kind: FluxInstance\n",
		"clusters/notes.yaml":            "kind: FluxInstance\n",
	})
	cs, err := discoverAll(root)
	require.NoError(t, err)
	require.Equal(t, []string{"no-repo", "no-url", "oci", "oci-elsewhere", "oci-kind", "plain", "tagged"}, names(cs))
	byName := map[string]*Cluster{}
	for _, c := range cs {
		byName[c.Name] = c
	}

	plain := byName["plain"]
	assert.Empty(t, plain.Problem)
	assert.Equal(t, EraBootstrap, plain.Era)
	assert.True(t, plain.Assumed)
	assert.Equal(t, "./clusters/plain", plain.SyncPath)
	assert.Equal(t, "clusters/plain", plain.SyncDir)
	assert.Equal(t, source.Ref{Branch: "main"}, plain.Ref)
	assert.Empty(t, plain.URL, "the fleet URL comes from the configuration")
	require.NotNil(t, plain.Sync)
	assert.Equal(t, "./clusters/plain", plain.Sync["spec"].(map[string]any)["path"])

	oci := byName["oci"]
	assert.Equal(t, EraOperator, oci.Era)
	assert.Empty(t, oci.Problem, "d2's convention maps the fleet artifact to its repository")
	assert.Equal(t, source.OCIRepository, oci.SourceKind)
	assert.Equal(t, "oci://ghcr.io/acme/fleet", oci.URL)
	assert.Equal(t, "https://github.com/acme/fleet", oci.RepoURL())
	assert.Equal(t, source.Ref{Branch: "main"}, oci.Ref, "latest is built from main")

	unmapped := byName["oci-elsewhere"]
	assert.Equal(t, EraOperator, unmapped.Era)
	assert.Contains(t, unmapped.Problem, "clusters/oci-elsewhere/instance.yaml")
	assert.Contains(t, unmapped.Problem, "oci://registry.example.com/fleet")
	assert.Contains(t, unmapped.Problem, "artifacts:")

	ociBad := byName["oci-kind"]
	assert.Contains(t, ociBad.Problem, "Bucket")

	noURL := byName["no-url"]
	assert.Equal(t, EraOperator, noURL.Era)
	assert.Equal(t, "clusters/no-url/instance.yaml: FluxInstance has no spec.sync.url", noURL.Problem)
	assert.Equal(t, source.Ref{Branch: "main"}, noURL.Ref, "no ref means main")

	noRepo := byName["no-repo"]
	assert.Equal(t, EraBootstrap, noRepo.Era)
	assert.Contains(t, noRepo.Problem, "clusters/no-repo/flux-system/gotk-sync.yaml")
	assert.Equal(t, "clusters/no-repo/flux-system/gotk-sync.yaml: no GitRepository flux-system/flux-system next to the Kustomization flux-system/flux-system", noRepo.Problem)

	tagged := byName["tagged"]
	assert.Empty(t, tagged.Problem)
	assert.Equal(t, EraBootstrap, tagged.Era)
	assert.Equal(t, "ssh://git@github.com/acme/fleet", tagged.URL)
	assert.Equal(t, source.Ref{Tag: "v1.2.3"}, tagged.Ref)
	assert.Equal(t, "clusters/tagged/sync.yml", tagged.SyncFile)
	assert.Equal(t, 11, tagged.SyncLine)
	assert.Equal(t, "clusters/tagged/sync.yml", tagged.URLFile)
	assert.Equal(t, 7, tagged.URLLine)
	assert.Empty(t, plain.URLFile, "no sync declared, no URL line")
	assert.Zero(t, plain.URLLine)
	assert.Equal(t, "./clusters/tagged", tagged.SyncPath)
}

func TestDiscoverSkipsSymlinkedClusters(t *testing.T) {
	root := filepath.Join(t.TempDir(), "fleet")
	writeTree(t, root, map[string]string{
		"../elsewhere/instance.yaml":  "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n  namespace: flux-system\nspec:\n  sync:\n    url: " + fleetURL + "\n",
		"clusters/real/instance.yaml": "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n  namespace: flux-system\nspec:\n  sync:\n    url: " + fleetURL + "\n",
	})
	if err := os.Symlink(filepath.Join(root, "..", "elsewhere"), filepath.Join(root, "clusters", "linked")); err != nil {
		t.Skipf("symlinks unavailable: %v", err)
	}
	cs, err := discoverAll(root)
	require.NoError(t, err)
	assert.Equal(t, []string{"real"}, names(cs), "Flux drops symlinks")

	_, err = discoverAll(root, "linked")
	assert.Error(t, err, "a symlinked cluster does not exist")
}

func TestRefFromSync(t *testing.T) {
	tests := []struct {
		in   string
		want source.Ref
	}{
		{"", source.Ref{Branch: "main"}},
		{"main", source.Ref{Branch: "main"}},
		{"production", source.Ref{Branch: "production"}},
		{"refs/heads/main", source.Ref{Branch: "main"}},
		{"refs/heads/feature/x", source.Ref{Branch: "feature/x"}},
		{"refs/tags/v1.2.3", source.Ref{Tag: "v1.2.3"}},
		{"refs/pull/42/head", source.Ref{Name: "refs/pull/42/head"}},
		{"refs/merge-requests/1/head", source.Ref{Name: "refs/merge-requests/1/head"}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, RefFromSync(tt.in), "%q", tt.in)
	}
}

func TestDecodeMultiDocument(t *testing.T) {
	data := []byte(`# leading comment
apiVersion: v1
kind: ConfigMap
metadata:
  name: first
---
# a comment inside the second document
apiVersion: v1
kind: Secret
metadata:
  name: second
---
---
- a list is no object
---
just a scalar
---
kind: Third
`)
	docs, err := Decode(data)
	require.NoError(t, err)
	require.Len(t, docs, 3, "empty, list and scalar documents are skipped")
	assert.Equal(t, 2, docs[0].Line)
	assert.Equal(t, "ConfigMap", docs[0].Object["kind"])
	assert.Equal(t, map[string]any{"name": "first"}, docs[0].Object["metadata"])
	assert.Equal(t, 8, docs[1].Line)
	assert.Equal(t, "Secret", docs[1].Object["kind"])
	assert.Equal(t, 18, docs[2].Line)
	assert.Equal(t, "Third", docs[2].Object["kind"])
}

func TestDocFieldLine(t *testing.T) {
	docs, err := Decode([]byte("# c\nkind: FluxInstance\nspec:\n  sync:\n    kind: GitRepository\n\n    url: >-\n      https://example.com/x\n  sync2: {url: y}\n"))
	require.NoError(t, err)
	require.Len(t, docs, 1)
	d := docs[0]
	assert.Equal(t, 7, d.FieldLine("spec", "sync", "url"), "the key's line, not the folded value's")
	assert.Equal(t, 4, d.FieldLine("spec", "sync"))
	assert.Equal(t, 9, d.FieldLine("spec", "sync2", "url"))
	assert.Zero(t, d.FieldLine("spec", "sync", "ref"), "not set")
	assert.Zero(t, d.FieldLine("kind", "x"), "not a mapping")
	assert.Zero(t, Doc{}.FieldLine("spec"), "not decoded from YAML")
}

func TestDecodeEmpty(t *testing.T) {
	for _, in := range []string{"", "\n", "# only a comment\n", "---\n"} {
		docs, err := Decode([]byte(in))
		assert.NoError(t, err, "%q", in)
		assert.Empty(t, docs, "%q", in)
	}
}

func TestDecodeInvalidYAML(t *testing.T) {
	docs, err := Decode([]byte("kind: A\n---\nkind: [unclosed\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "decoding YAML")
	require.Len(t, docs, 1, "documents before the error are returned")
	assert.Equal(t, "A", docs[0].Object["kind"])
}

func TestDecodeRefusesBillionLaughs(t *testing.T) {
	var b strings.Builder
	b.WriteString("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		b.WriteString(n + ": &" + n + " [")
		for i := 0; i < 9; i++ {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("*" + prev)
		}
		b.WriteString("]\n")
		prev = n
	}
	docs, err := Decode([]byte(b.String()))
	require.Error(t, err)
	assert.ErrorIs(t, err, source.ErrYAMLBomb)
	assert.Empty(t, docs, "nothing is expanded")
}

func TestDecodeAllowsModestAliases(t *testing.T) {
	docs, err := Decode([]byte("base: &base\n  replicas: 2\none:\n  <<: *base\ntwo: *base\n"))
	require.NoError(t, err)
	require.Len(t, docs, 1)
	assert.Equal(t, map[string]any{"replicas": 2}, docs[0].Object["two"])
	assert.Equal(t, map[string]any{"replicas": 2}, docs[0].Object["one"])
}

// discoverAll is Discover's clusters, keeping only the named ones if any.
func discoverAll(root string, only ...string) ([]*Cluster, error) {
	l, err := Discover(root, Options{Only: only})
	if err != nil {
		return nil, err
	}
	return l.Clusters, nil
}
