// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package helm

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	chart3 "helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/ignore"
	"sigs.k8s.io/yaml"

	"github.com/d1lint/d1lint/internal/memo"
	"github.com/d1lint/d1lint/internal/par"
)

// Limits on what LoadArchive expands, so that a hostile or broken package
// cannot exhaust memory. Helm's own archive loader refuses files over 5 MiB
// and charts over 100 MiB (helm.sh/helm/v3/pkg/chart/loader); subchart
// packages under charts/ are still expanded by Helm with its limits.
const (
	maxFileSize    = 10 << 20
	maxArchiveSize = 100 << 20
)

// File is one file of a chart, its name relative to the chart's top folder
// ("Chart.yaml", "templates/deployment.yaml", "charts/redis-1.0.0.tgz",
// "charts/common/Chart.yaml").
type File struct {
	// Name is the file's path in the chart, "/"-separated.
	Name string
	// Data is the file's content.
	Data []byte
}

// Chart is a chart as files, independent of the Helm major version that
// renders it. A Chart is read-only once loaded and safe for concurrent use:
// every Render loads its own Helm chart from the files, because Helm's
// dependency processing rewrites the chart it is given. What renders parse
// of its large rendered documents and of its crds/ files (the CRDs, the
// same in every render) the Chart keeps for its later renders, so that
// rendering a chart again costs less than the first time; a Chart must not
// be copied.
type Chart struct {
	// Name and Version are those of Chart.yaml.
	Name, Version string
	// Files are the chart's files sorted by Name. Their Data is shared with
	// every render, never copied; it must not be modified.
	Files []File
	// Digest is "sha256:<hex>" of the archive bytes (LoadArchive) or of the
	// sorted files, names and contents (LoadFiles).
	Digest string

	apiVersionsOnce sync.Once
	apiVersions     APIVersionUse

	// sdk3 is the chart as Helm 3's loader read it (loaded3).
	sdk3 struct {
		once   sync.Once
		chart  *chart3.Chart
		err    error
		shared bool
	}

	// The caches of the fast path (fast.go): Helm's parse of large
	// documents' heads (head), their objects (decoded) and the size of
	// those documents, the objects of crds/ files (decodedFile).
	heads    memo.Map[[sha256.Size]byte, any]
	docs     memo.Map[[sha256.Size]byte, any]
	docBytes atomic.Int64
	// smallDocs are the parses of small documents, a few hundred: those
	// every render shares (a ServiceAccount, a Service) stay, those of one
	// cluster (an Ingress with its domain) pass.
	smallDocs memo.Map[[sha256.Size]byte, any]
	files     memo.Map[[sha256.Size]byte, any]
	// posted are the post-rendered objects of large documents and of
	// crds/ files, by document and post-rendering (postedKey): renders of
	// the chart with other values (staging's and production's) share
	// them, and with them every later stage's work on them.
	posted memo.Map[[sha256.Size]byte, any]
}

// postedLimit bounds a chart's post-rendered documents kept (Chart.posted).
const postedLimit = 1 << 9

// smallDocsLimit bounds a chart's small documents' parses kept
// (Chart.smallDocs).
const smallDocsLimit = 1 << 8

// utf8BOM is dropped from the start of every file, as Helm's archive and
// directory loaders do, so that a BOM-prefixed Chart.yaml still parses.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// drivePath matches "c:/..." names, which Helm's archive loader refuses
// because path checks alone do not catch them.
var drivePath = regexp.MustCompile(`^[a-zA-Z]:/`)

// LoadArchive reads a packaged chart (.tgz): one top folder holding the
// chart. It refuses absolute paths and paths out of the top folder, links,
// files over 10 MiB and archives expanding to more than 100 MiB.
func LoadArchive(data []byte) (*Chart, error) {
	files, err := archiveFiles(data)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	return newChart(files, "sha256:"+hex.EncodeToString(sum[:]))
}

// archiveFiles reads a packaged chart's files, named within its top folder
// and sorted, within LoadArchive's limits.
func archiveFiles(data []byte) ([]File, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("reading chart archive: not a gzip-compressed tar archive: %w", err)
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	var (
		files []File
		top   string
		total int64
	)
	for {
		hd, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading chart archive: %w", err)
		}
		switch hd.Typeflag {
		case tar.TypeDir, tar.TypeXGlobalHeader, tar.TypeXHeader:
			// Folders are implied by the files' names, and PAX headers are
			// read by archive/tar itself; Helm skips both as well.
			continue
		case tar.TypeReg, tar.TypeRegA: //nolint:staticcheck // TypeRegA is what old tar writers emit for regular files.
		case tar.TypeSymlink, tar.TypeLink:
			return nil, fmt.Errorf("reading chart archive: %q is a link; a chart package holds regular files only", hd.Name)
		default:
			return nil, fmt.Errorf("reading chart archive: %q is not a regular file (tar type %q)", hd.Name, hd.Typeflag)
		}
		// An archive written on Windows may use backslashes, which Helm's
		// loader accepts as separators.
		name := strings.ReplaceAll(hd.Name, `\`, "/")
		if path.IsAbs(name) || drivePath.MatchString(name) {
			return nil, fmt.Errorf("reading chart archive: %q is an absolute path", hd.Name)
		}
		first, rest, _ := strings.Cut(name, "/")
		rel := path.Clean(rest)
		if rest == "" || rel == "." {
			return nil, fmt.Errorf("reading chart archive: %q is not inside the chart's top folder", hd.Name)
		}
		if rel == ".." || strings.HasPrefix(rel, "../") || first == ".." || first == "." {
			return nil, fmt.Errorf("reading chart archive: %q points outside the chart's top folder", hd.Name)
		}
		if drivePath.MatchString(rel) {
			return nil, fmt.Errorf("reading chart archive: %q is an illegal file name", hd.Name)
		}
		if top == "" {
			top = first
		} else if first != top {
			return nil, fmt.Errorf("reading chart archive: it has more than one top folder (%q and %q); a chart package holds one", top, first)
		}
		if hd.Size < 0 {
			return nil, fmt.Errorf("reading chart archive: %q has a negative size", hd.Name)
		}
		if hd.Size > maxFileSize {
			return nil, fmt.Errorf("reading chart archive: %q is %d bytes, over the %d MiB limit for one file", hd.Name, hd.Size, maxFileSize>>20)
		}
		if total+hd.Size > maxArchiveSize {
			return nil, fmt.Errorf("reading chart archive: it expands to more than %d MiB", maxArchiveSize>>20)
		}
		// archive/tar yields exactly the header's size (checked above), so
		// the file is read into a buffer of that size, no more.
		b := make([]byte, hd.Size)
		if _, err := io.ReadFull(tr, b); err != nil {
			return nil, fmt.Errorf("reading chart archive: %s: %w", hd.Name, err)
		}
		total += hd.Size
		files = append(files, File{Name: rel, Data: bytes.TrimPrefix(b, utf8BOM)})
	}
	if len(files) == 0 {
		return nil, errors.New("reading chart archive: it holds no files")
	}
	// A tar may hold a name twice; the later entry wins, as when it is
	// extracted. The stable sort keeps entries of one name in archive order.
	slices.SortStableFunc(files, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	return dedupeLast(files), nil
}

// FilesMention says whether any file of the chart holds one of words,
// the files of its subchart packages (charts/*.tgz, at any depth)
// included. A package that cannot be read counts as mentioning them: it is
// not judged on a guess.
func (c *Chart) FilesMention(words []string) bool {
	return slices.ContainsFunc(c.Files, func(f File) bool { return fileMentions(f.Name, f.Data, words, 0) })
}

func fileMentions(name string, data []byte, words []string, depth int) bool {
	if !strings.HasSuffix(name, ".tgz") {
		return slices.ContainsFunc(words, func(w string) bool { return bytes.Contains(data, []byte(w)) })
	}
	files, err := archiveFiles(data)
	if err != nil || depth >= 8 {
		return true
	}
	return slices.ContainsFunc(files, func(f File) bool { return fileMentions(f.Name, f.Data, words, depth+1) })
}

// dedupeLast keeps the last of each run of files with the same name.
func dedupeLast(files []File) []File {
	out := files[:0]
	for i, f := range files {
		if i+1 < len(files) && files[i+1].Name == f.Name {
			continue
		}
		out = append(out, f)
	}
	return out
}

// LoadFiles makes a chart of the files of a chart folder read from git,
// names relative to the chart folder. As Helm's directory loader (the one
// source-controller uses to package a chart from git) does, the chart's
// .helmignore and Helm's default ignore rules leave files out. The Chart
// keeps the files' Data without copying it; the caller must not modify it.
func LoadFiles(files []File) (*Chart, error) {
	rules := ignore.Empty()
	for _, f := range files {
		if cleanName(f.Name) == ignore.HelmIgnore {
			r, err := ignore.Parse(bytes.NewReader(f.Data))
			if err != nil {
				return nil, fmt.Errorf("reading chart files: %s: %w", ignore.HelmIgnore, err)
			}
			rules = r
		}
	}
	rules.AddDefaults()
	kept := make([]File, 0, len(files))
	seen := make(map[string]bool, len(files))
	for _, f := range files {
		name := cleanName(f.Name)
		if name == "" || name == "." || path.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") || drivePath.MatchString(name) {
			return nil, fmt.Errorf("reading chart files: %q is not a path inside the chart folder", f.Name)
		}
		if seen[name] {
			return nil, fmt.Errorf("reading chart files: %q is given twice", name)
		}
		seen[name] = true
		if ignored(rules, name) {
			continue
		}
		if len(f.Data) > maxFileSize {
			return nil, fmt.Errorf("reading chart files: %q is %d bytes, over the %d MiB limit for one file", name, len(f.Data), maxFileSize>>20)
		}
		kept = append(kept, File{Name: name, Data: bytes.TrimPrefix(f.Data, utf8BOM)})
	}
	slices.SortFunc(kept, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	return newChart(kept, filesDigest(kept))
}

func cleanName(name string) string {
	return path.Clean(strings.ReplaceAll(name, `\`, "/"))
}

// ignored applies .helmignore rules the way Helm's directory walk does: a
// folder that matches leaves out everything under it, then the file itself
// is matched.
func ignored(rules *ignore.Rules, name string) bool {
	parts := strings.Split(name, "/")
	for i := 1; i < len(parts); i++ {
		if rules.Ignore(strings.Join(parts[:i], "/"), fakeInfo{name: parts[i-1], dir: true}) {
			return true
		}
	}
	return rules.Ignore(name, fakeInfo{name: parts[len(parts)-1]})
}

// fakeInfo is the fs.FileInfo Helm's ignore rules read: only the name and
// whether it is a folder matter to them.
type fakeInfo struct {
	name string
	dir  bool
}

func (f fakeInfo) Name() string { return f.name }
func (f fakeInfo) Size() int64  { return 0 }
func (f fakeInfo) Mode() fs.FileMode {
	if f.dir {
		return fs.ModeDir | 0o755
	}
	return 0o644
}
func (f fakeInfo) ModTime() time.Time { return time.Time{} }
func (f fakeInfo) IsDir() bool        { return f.dir }
func (f fakeInfo) Sys() any           { return nil }

// filesDigest hashes sorted files unambiguously: each name and content is
// preceded by its length.
func filesDigest(files []File) string {
	h := sha256.New()
	var n [8]byte
	for _, f := range files {
		binary.BigEndian.PutUint64(n[:], uint64(len(f.Name)))
		h.Write(n[:])
		h.Write([]byte(f.Name))
		binary.BigEndian.PutUint64(n[:], uint64(len(f.Data)))
		h.Write(n[:])
		h.Write(f.Data)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

func newChart(files []File, digest string) (*Chart, error) {
	i, ok := slices.BinarySearchFunc(files, "Chart.yaml", func(f File, name string) int { return strings.Compare(f.Name, name) })
	if !ok {
		return nil, errors.New("reading chart: Chart.yaml is missing from the chart's top folder")
	}
	var meta struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	if err := yaml.Unmarshal(files[i].Data, &meta); err != nil {
		return nil, fmt.Errorf("reading chart: Chart.yaml: %w", err)
	}
	if meta.Name == "" {
		return nil, errors.New("reading chart: Chart.yaml has no name")
	}
	c := &Chart{Name: meta.Name, Version: meta.Version, Files: files, Digest: digest}
	// A release whose values differ in every cluster (a cluster's name
	// in a host) post-renders documents no other cluster shares: a
	// thousand clusters' worth would stay in memory.
	c.posted.SetLimit(postedLimit)
	c.smallDocs.SetLimit(smallDocsLimit)
	return c, nil
}

// ShippedCRDs are the CustomResourceDefinitions of the chart's crds/
// folders (its own and its folder subcharts'), read without rendering:
// Helm installs them before it renders the templates. Each file is parsed
// once per chart, and the parse is the one renders use (decodedFile), so
// asking first costs a render nothing. The maps are shared: callers must
// not modify them. A file Helm cannot parse gives nothing here; a render
// reports it.
func (c *Chart) ShippedCRDs() []map[string]any {
	var files []File
	for _, f := range c.Files {
		if inCRDsFolder(f.Name) {
			files = append(files, f)
		}
	}
	// The files decode side by side: kube-prometheus-stack ships
	// megabytes of CRDs, in a file each.
	decoded := make([]decodedFileResult, len(files))
	par.Each(len(files), func(i int) {
		decoded[i] = c.decodedFile(files[i].Data)
	})
	var out []map[string]any
	for _, r := range decoded {
		if r.err != nil {
			continue
		}
		for _, d := range r.docs {
			if k, _ := d["kind"].(string); k == "CustomResourceDefinition" {
				out = append(out, d)
			}
		}
	}
	return out
}

// inCRDsFolder: "crds/x.yaml", or "charts/<sub>/crds/x.yaml" at any depth,
// the files Helm's loader takes for CRDs (Chart.CRDs: a .yaml, .yml or
// .json file under crds/).
func inCRDsFolder(name string) bool {
	parts := inSubchart(name)
	return len(parts) >= 2 && parts[0] == "crds" &&
		(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") || strings.HasSuffix(name, ".json"))
}

// inSubchart splits a chart file's name into its path within the
// innermost folder subchart: charts/<sub>/... at any depth is the
// subchart's own layout.
func inSubchart(name string) []string {
	parts := strings.Split(name, "/")
	for len(parts) >= 3 && parts[0] == "charts" {
		parts = parts[2:]
	}
	return parts
}
