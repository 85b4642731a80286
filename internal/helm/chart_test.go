// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package helm

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func names(c *Chart) []string {
	var out []string
	for _, f := range c.Files {
		out = append(out, f.Name)
	}
	return out
}

// TestLoadArchive: a package's files under its top folder, sorted, with
// the archive's digest; it renders like the folder it was made from.
func TestLoadArchive(t *testing.T) {
	data := packDir(t, "app", "app")
	c, err := LoadArchive(data)
	require.NoError(t, err)
	assert.Equal(t, "app", c.Name)
	assert.Equal(t, "1.2.3", c.Version)
	sum := sha256.Sum256(data)
	assert.Equal(t, "sha256:"+hex.EncodeToString(sum[:]), c.Digest)
	assert.True(t, slices.IsSorted(names(c)))
	assert.Contains(t, names(c), "charts/sub/templates/configmap.yaml")
	// .helmignore is not applied to a package (Helm's archive loader does
	// not either: `helm package` applied it).
	assert.Contains(t, names(c), "README.md")

	for _, major := range majors {
		fromDir := appRequest(t, major)
		fromTgz := fromDir
		fromTgz.Chart = c
		assert.Equal(t, render(t, fromDir), render(t, fromTgz))
	}

	// A UTF-8 byte order mark is dropped, as Helm does.
	c, err = LoadArchive(makeTgz(t, []tarEntry{{name: "x/Chart.yaml", data: []byte("\xEF\xBB\xBFname: x\nversion: 1.0.0\n")}}))
	require.NoError(t, err)
	assert.Equal(t, "x", c.Name)
}

// TestLoadArchiveRefuses: paths out of the top folder, absolute paths,
// links, more than one top folder, oversize files and archives.
func TestLoadArchiveRefuses(t *testing.T) {
	chartYAML := tarEntry{name: "x/Chart.yaml", data: []byte("name: x\nversion: 1.0.0\n")}
	for name, tc := range map[string]struct {
		entries []tarEntry
		want    string
	}{
		"parent":       {[]tarEntry{chartYAML, {name: "x/../evil.yaml", data: []byte("a: 1")}}, "points outside the chart's top folder"},
		"deep parent":  {[]tarEntry{chartYAML, {name: "x/templates/../../../evil", data: []byte("a: 1")}}, "points outside the chart's top folder"},
		"top parent":   {[]tarEntry{{name: "../x/Chart.yaml", data: []byte("a: 1")}}, "points outside the chart's top folder"},
		"absolute":     {[]tarEntry{chartYAML, {name: "/etc/passwd", data: []byte("a: 1")}}, "absolute path"},
		"drive":        {[]tarEntry{chartYAML, {name: `c:\evil`, data: []byte("a: 1")}}, "absolute path"},
		"no folder":    {[]tarEntry{{name: "Chart.yaml", data: []byte("name: x\nversion: 1.0.0\n")}}, "not inside the chart's top folder"},
		"symlink":      {[]tarEntry{chartYAML, {name: "x/values.yaml", typ: tar.TypeSymlink, link: "/etc/passwd"}}, "is a link"},
		"hard link":    {[]tarEntry{chartYAML, {name: "x/values.yaml", typ: tar.TypeLink, link: "x/Chart.yaml"}}, "is a link"},
		"device":       {[]tarEntry{chartYAML, {name: "x/dev", typ: tar.TypeChar}}, "not a regular file"},
		"two folders":  {[]tarEntry{chartYAML, {name: "y/values.yaml", data: []byte("a: 1")}}, "more than one top folder"},
		"no Chart":     {[]tarEntry{{name: "x/values.yaml", data: []byte("a: 1")}}, "Chart.yaml is missing"},
		"empty":        {nil, "holds no files"},
		"oversize":     {[]tarEntry{chartYAML, {name: "x/big.yaml", size: maxFileSize + 1}}, "over the 10 MiB limit for one file"},
		"too large":    {append([]tarEntry{chartYAML}, bigFiles(11)...), "expands to more than 100 MiB"},
		"just right":   {append([]tarEntry{chartYAML, {name: "x/max.yaml", size: maxFileSize}}, bigFiles(8)...), ""},
		"bad Chart":    {[]tarEntry{{name: "x/Chart.yaml", data: []byte("name: [")}}, "Chart.yaml"},
		"nameless":     {[]tarEntry{{name: "x/Chart.yaml", data: []byte("version: 1.0.0")}}, "Chart.yaml has no name"},
		"not gzip tar": {nil, "not a gzip-compressed tar archive"},
	} {
		t.Run(name, func(t *testing.T) {
			data := makeTgz(t, tc.entries)
			if name == "not gzip tar" {
				data = []byte("PK\x03\x04 a zip file")
			}
			_, err := LoadArchive(data)
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

// bigFiles are n files of 10 MiB of zeros (they compress to little).
func bigFiles(n int) []tarEntry {
	var out []tarEntry
	for i := range n {
		out = append(out, tarEntry{name: "x/big" + string(rune('a'+i)) + ".bin", size: maxFileSize})
	}
	return out
}

// TestLoadFiles: a chart folder from git, with .helmignore applied; the
// digest depends on the files, not on their order.
func TestLoadFiles(t *testing.T) {
	files := readDir(t, "testdata/app")
	c, err := LoadFiles(files)
	require.NoError(t, err)
	assert.Equal(t, "app", c.Name)
	assert.True(t, slices.IsSorted(names(c)))
	assert.NotContains(t, names(c), "README.md")
	assert.NotContains(t, names(c), "ignored/file.txt")
	assert.Contains(t, names(c), "schemas/config.json")
	assert.Contains(t, names(c), ".helmignore")

	rev := slices.Clone(files)
	slices.Reverse(rev)
	c2, err := LoadFiles(rev)
	require.NoError(t, err)
	assert.Equal(t, c.Digest, c2.Digest)
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, c.Digest)

	changed := slices.Clone(files)
	for i, f := range changed {
		if f.Name == "values.yaml" {
			changed[i].Data = append(slices.Clone(f.Data), '\n')
		}
	}
	c3, err := LoadFiles(changed)
	require.NoError(t, err)
	assert.NotEqual(t, c.Digest, c3.Digest)

	for _, bad := range []string{"../x.yaml", "/abs.yaml", "templates/../../x.yaml"} {
		_, err := LoadFiles(append(slices.Clone(files), File{Name: bad, Data: []byte("a: 1")}))
		assert.ErrorContains(t, err, "not a path inside the chart folder", bad)
	}
	_, err = LoadFiles(append(slices.Clone(files), File{Name: "./values.yaml"}))
	assert.ErrorContains(t, err, "given twice")
	_, err = LoadFiles(append(slices.Clone(files), File{Name: "huge.yaml", Data: make([]byte, maxFileSize+1)}))
	assert.ErrorContains(t, err, "over the 10 MiB limit")
	_, err = LoadFiles(files[:0])
	assert.ErrorContains(t, err, "Chart.yaml is missing")
}

// TestAPIVersionUse: a template's actions are parsed; Has with a string
// literal is a query of one version, any other read of APIVersions makes
// every version count, and text outside actions reads nothing.
func TestAPIVersionUse(t *testing.T) {
	plain := loadDir(t, "plain")
	use := func(tpls ...string) APIVersionUse {
		t.Helper()
		files := slices.Clone(plain.Files)
		for i, tpl := range tpls {
			files = append(files, File{Name: fmt.Sprintf("templates/t%d.yaml", i), Data: []byte(tpl)})
		}
		c, err := LoadFiles(files)
		require.NoError(t, err)
		return c.APIVersionUse()
	}
	assert.Equal(t, APIVersionUse{}, use("description: APIVersions is the API versions the resources belong to"), "text, not an action")
	assert.Equal(t, APIVersionUse{Queries: []string{"a.example/v1", "b.example/v1", "policy/v1"}}, use(
		`{{ if .Capabilities.APIVersions.Has "policy/v1" }}x{{ end }}`,
		`{{- define "t.has" -}}{{ $.Capabilities.APIVersions.Has "b.example/v1" }}{{- end -}}
{{ with (.Capabilities).APIVersions.Has `+"`a.example/v1`"+` }}{{ . }}{{ end }}
{{ if and (.Capabilities.APIVersions.Has "policy/v1") (not .Values.off) }}y{{ end }}`))
	for name, tpl := range map[string]string{
		"a variable":         `{{ $v := "policy/v1" }}{{ .Capabilities.APIVersions.Has $v }}`,
		"a pipeline":         `{{ .Capabilities.APIVersions.Has (printf "%s/v1" "policy") }}`,
		"ranging":            `{{ range .Capabilities.APIVersions }}{{ . }}{{ end }}`,
		"printed":            `{{ .Capabilities.APIVersions | toString }}`,
		"indexed by name":    `{{ get .Values "APIVersions" }}`,
		"a broken template":  `{{ if .Capabilities.APIVersions.Has "policy/v1" }}`,
		"a deeper reference": `{{ .Values.APIVersions.x.Has "policy/v1" }}{{ .context.Capabilities.APIVersions.Has .version }}`,
	} {
		assert.True(t, use(tpl).Any, name)
	}

	u := APIVersionUse{Queries: []string{"a.example/v1", "policy/v1"}}
	assert.Equal(t, []string{"policy/v1"}, u.Seen([]string{"b.example/v1", "policy/v1"}))
	assert.Empty(t, u.Seen([]string{"b.example/v1"}))
	all := []string{"b.example/v1", "policy/v1"}
	assert.Equal(t, all, APIVersionUse{Any: true}.Seen(all))
}

// TestUsesAPIVersions: templates of the chart, of subchart folders and of
// subchart packages count; other files do not.
func TestUsesAPIVersions(t *testing.T) {
	assert.True(t, loadDir(t, "app").UsesAPIVersions())
	plain := loadDir(t, "plain")
	assert.False(t, plain.UsesAPIVersions())

	with := func(extra ...File) *Chart {
		c, err := LoadFiles(append(slices.Clone(plain.Files), extra...))
		require.NoError(t, err)
		return c
	}
	mention := []byte(`{{ if .Capabilities.APIVersions.Has "policy/v1" }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ .Release.Name }}-{{ .Chart.Name }}
{{ end }}`)
	assert.False(t, with(File{Name: "values.yaml", Data: []byte("APIVersions: true")}).UsesAPIVersions())
	assert.False(t, with(File{Name: "charts/sub/values.yaml", Data: mention}).UsesAPIVersions())
	assert.True(t, with(File{Name: "templates/_helpers.tpl", Data: mention}).UsesAPIVersions())
	assert.True(t, with(File{Name: "charts/sub/templates/pdb.yaml", Data: mention}).UsesAPIVersions())
	assert.True(t, with(File{Name: "charts/a/charts/b/templates/pdb.yaml", Data: mention}).UsesAPIVersions())

	pkg := func(tpl []byte) []byte {
		return makeTgz(t, []tarEntry{
			{name: "sub/Chart.yaml", data: []byte("apiVersion: v2\nname: sub\nversion: 1.0.0\n")},
			{name: "sub/templates/pdb.yaml", data: tpl},
		})
	}
	assert.True(t, with(File{Name: "charts/sub-1.0.0.tgz", Data: pkg(mention)}).UsesAPIVersions())
	assert.False(t, with(File{Name: "charts/sub-1.0.0.tgz", Data: pkg([]byte("kind: PodDisruptionBudget"))}).UsesAPIVersions())
	// A package inside a package.
	outer := makeTgz(t, []tarEntry{
		{name: "outer/Chart.yaml", data: []byte("apiVersion: v2\nname: outer\nversion: 1.0.0\n")},
		{name: "outer/charts/sub-1.0.0.tgz", data: pkg(mention)},
	})
	c := with(File{Name: "charts/outer-1.0.0.tgz", Data: outer})
	assert.True(t, c.UsesAPIVersions())

	// And the chart with packaged subcharts renders them.
	for _, major := range majors {
		res, err := Render(context.Background(), Request{Major: major, Chart: c, ReleaseName: "r", Namespace: "n", APIVersions: []string{"policy/v1"}})
		require.NoError(t, err)
		var tpls []string
		for _, o := range res.Objects {
			tpls = append(tpls, o.Template)
		}
		assert.Equal(t, []string{"plain/charts/outer/charts/sub/templates/pdb.yaml", "plain/templates/configmap.yaml"}, tpls)
	}
}

// TestFilesMention: any file of the chart counts, packaged subcharts' at
// any depth; a package that cannot be read counts as mentioning.
func TestFilesMention(t *testing.T) {
	plain := loadDir(t, "plain")
	with := func(extra ...File) *Chart {
		c, err := LoadFiles(append(slices.Clone(plain.Files), extra...))
		require.NoError(t, err)
		return c
	}
	words := []string{"gadgets.acme.example"}
	assert.False(t, plain.FilesMention(words))
	assert.True(t, with(File{Name: "README.md", Data: []byte("see gadgets.acme.example")}).FilesMention(words))
	sub := makeTgz(t, []tarEntry{
		{name: "sub/Chart.yaml", data: []byte("apiVersion: v2\nname: sub\nversion: 1.0.0\n")},
		{name: "sub/templates/cm.yaml", data: []byte("# gadgets.acme.example\n")},
	})
	outer := makeTgz(t, []tarEntry{
		{name: "outer/Chart.yaml", data: []byte("apiVersion: v2\nname: outer\nversion: 1.0.0\n")},
		{name: "outer/charts/sub-1.0.0.tgz", data: sub},
	})
	assert.True(t, with(File{Name: "charts/outer-1.0.0.tgz", Data: outer}).FilesMention(words), "a package in a package")
	assert.False(t, with(File{Name: "charts/outer-1.0.0.tgz", Data: outer}).FilesMention([]string{"widgets"}))
	assert.True(t, with(File{Name: "charts/broken-1.0.0.tgz", Data: []byte("not gzip")}).FilesMention([]string{"widgets"}), "unreadable: not judged on a guess")
}
