// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package charts

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// ErrNotCached is the error [Cache.Find] wraps when no cache folder holds
// the chart asked for.
var ErrNotCached = errors.New("chart not in the cache")

// MaxChartSize is the largest chart d1lint reads or pulls: 50 MiB. Flux's
// source-controller refuses charts over its --helm-chart-max-size (10 MiB
// by default); d1lint is more lenient but still bounded, since a cache
// folder or a registry may hold anything.
const MaxChartSize = 50 << 20

// maxMetaSize bounds an OCI layout's index.json, a manifest, a config blob
// and a digest sidecar, none of which is more than a few KiB in practice.
const maxMetaSize = 4 << 20

// Cache is a set of chart cache folders, searched in order. It is safe for
// concurrent use. It keeps each folder listing it reads, so it sees the
// folders as they were when first listed: open a new Cache to see later
// changes.
type Cache struct {
	dirs  []string
	roots []*os.Root
	memo  sync.Map // string key -> *memoEntry
	// fresh turns memoisation off, for Pull, which looks at a folder it is
	// writing into.
	fresh bool
}

// memoEntry is one memoised result, computed once however many goroutines
// ask at the same time.
type memoEntry struct {
	once sync.Once
	val  any
	err  error
}

// OpenCache opens the cache folders dirs, searched in the order given.
// Each must exist and be a folder; the error names the first that is not.
// Close the Cache when done with it.
func OpenCache(dirs ...string) (*Cache, error) {
	c := &Cache{}
	for _, d := range dirs {
		fi, err := os.Stat(d)
		if err == nil && !fi.IsDir() {
			err = errors.New("not a folder")
		}
		if err == nil {
			var r *os.Root
			if r, err = os.OpenRoot(d); err == nil {
				c.dirs = append(c.dirs, d)
				c.roots = append(c.roots, r)
				continue
			}
		}
		_ = c.Close()
		return nil, fmt.Errorf("chart cache folder %s: %w", d, unwrapPathError(err))
	}
	return c, nil
}

// unwrapPathError drops the *fs.PathError around err, whose path the
// caller names already.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Dirs are the cache folders, as given to OpenCache.
func (c *Cache) Dirs() []string { return slices.Clone(c.dirs) }

// Close releases the cache folders. The Cache cannot be used afterwards.
func (c *Cache) Close() error {
	var errs []error
	for _, r := range c.roots {
		errs = append(errs, r.Close())
	}
	c.roots = nil
	return errors.Join(errs...)
}

// Found is a chart found in the cache.
type Found struct {
	// Path is the chart file (or OCI layout folder) relative to its cache
	// folder, with forward slashes, for messages.
	Path string
	// Dir is the cache folder it is in, as given to OpenCache.
	Dir string
	// Version is the version it resolved to, as in its file name or tag.
	Version string
	// Data is the packaged chart (.tgz).
	Data []byte
	// Digest is "sha256:<hex>" of Data.
	Digest string
}

// Where a candidate is, in the order a folder is searched.
const (
	inStructured = iota
	inLayout
	inFlat
)

// candidate is a chart version found in a cache folder listing.
type candidate struct {
	dir     int    // index into Cache.dirs
	where   int    // inStructured, inLayout or inFlat
	folder  bool   // an unpacked chart folder, not a .tgz
	version string // as in the file name, or from the layout's tag
	rel     string // the .tgz, or the OCI layout folder
	desc    ociDescriptor
}

// Find returns the cached chart for ref: the exact version, tag or digest
// asked for, or for a range the newest version in range (see the package
// documentation for the rules, which are source-controller's). When no
// cache folder holds it the error wraps [ErrNotCached] and says what was
// looked for and where; other errors are a cached file that cannot be
// read (too large, a symlink out of the folder, a corrupt OCI layout).
//
// The answer is memoised per Ref: a thousand clusters asking for one chart
// read (and, for an unpacked folder, pack) it once. The Found is shared:
// callers must not modify it.
func (c *Cache) Find(ref Ref) (*Found, error) {
	key := strings.Join([]string{"find", ref.Kind, ref.URL, ref.Name, ref.Version, ref.Tag, ref.SemVer, ref.Digest, ref.SemVerFilter}, "\x00")
	v, err := c.memoised(key, func() (any, error) { return c.find(ref, true) })
	if err != nil {
		return nil, err
	}
	return v.(*Found), nil
}

// find is Find, searching the flat layout only when withFlat.
func (c *Cache) find(ref Ref, withFlat bool) (*Found, error) {
	name := ref.chartName()
	if !nameRE.MatchString(name) {
		return nil, fmt.Errorf("%s: chart name %q cannot name a cached file", ref, name)
	}
	// A bad URL still allows the flat layout, which needs no URL.
	sdir, dirErr := ref.cacheDir()
	kind, want := ref.selector()
	if kind == "digest" {
		return c.findDigest(ref, name, sdir, dirErr, want, withFlat)
	}
	cands, err := c.gather(ref, name, sdir, dirErr == nil, withFlat)
	if err != nil {
		return nil, err
	}
	versions := make([]string, len(cands))
	for i, cd := range cands {
		versions[i] = cd.version
	}
	var order []int
	var rangeErr error
	if kind == "tag" {
		// An OCIRepository tag is pulled as it is (repo:tag): no range.
		for i, v := range versions {
			if v == want {
				order = append(order, i)
			}
		}
	} else {
		var filter *regexp.Regexp
		if ref.isOCIRepository() {
			var err error
			if filter, err = compileFilter(ref.SemVerFilter); err != nil {
				return nil, fmt.Errorf("%s: %w", ref, err)
			}
		}
		order, rangeErr = rank(versions, want, !ref.isOCIRepository(), filter)
	}
	for _, i := range order {
		cd := cands[i]
		f, err := c.load(cd)
		if err != nil {
			return nil, err
		}
		// A flat or structured file is split on the chart name asked for,
		// so "kube-prometheus-stack-87.3.0.tgz" also reads as chart "kube"
		// at "prometheus-stack-87.3.0". An exact name is what was asked
		// for; a file picked by range must hold the chart it claims to.
		if cd.where != inLayout && cd.version != want {
			if top := topDir(f.Data); top != "" && top != name {
				continue
			}
		}
		return f, nil
	}
	return nil, c.notCached(ref, name, sdir, dirErr, want, kind, versions, rangeErr)
}

// gather lists the versions of chart name in every cache folder, in
// search order: per folder the structured layout, the OCI layout, then
// the flat layout.
func (c *Cache) gather(ref Ref, name, sdir string, structured, withFlat bool) ([]candidate, error) {
	var out []candidate
	for i := range c.roots {
		if structured {
			files, err := c.chartFiles(i, sdir, name, ".tgz")
			if err != nil {
				return nil, err
			}
			for _, f := range files {
				out = append(out, candidate{dir: i, where: inStructured, version: f.version, rel: f.rel})
			}
			folders, err := c.chartFolders(i, sdir, name)
			if err != nil {
				return nil, err
			}
			for _, f := range folders {
				out = append(out, candidate{dir: i, where: inStructured, version: f.version, rel: f.rel, folder: true})
			}
			descs, err := c.layout(i, sdir+"/"+name)
			if err != nil {
				return nil, err
			}
			for _, d := range descs {
				if d.tag == "" {
					continue
				}
				v := d.tag
				if !ref.isOCIRepository() {
					v = helmTagVersion(v)
				}
				out = append(out, candidate{dir: i, where: inLayout, version: v, rel: sdir + "/" + name, desc: d})
			}
		}
		if withFlat {
			files, err := c.chartFiles(i, ".", name, ".tgz")
			if err != nil {
				return nil, err
			}
			for _, f := range files {
				out = append(out, candidate{dir: i, where: inFlat, version: f.version, rel: f.rel})
			}
			folders, err := c.chartFolders(i, ".", name)
			if err != nil {
				return nil, err
			}
			for _, f := range folders {
				out = append(out, candidate{dir: i, where: inFlat, version: f.version, rel: f.rel, folder: true})
			}
		}
	}
	return out, nil
}

// findDigest finds the chart pulled at an OCI manifest digest, through
// the digest sidecars next to the .tgz files and the manifests of OCI
// layouts.
func (c *Cache) findDigest(ref Ref, name, sdir string, dirErr error, digest string, withFlat bool) (*Found, error) {
	if !digestRE.MatchString(digest) {
		return nil, fmt.Errorf("%s: %q is not an OCI digest (sha256:<hex>)", ref, digest)
	}
	for i := range c.roots {
		var folders []string
		if dirErr == nil {
			folders = append(folders, sdir)
		}
		if withFlat {
			folders = append(folders, ".")
		}
		for k, folder := range folders {
			files, err := c.chartFiles(i, folder, name, ".digest")
			if err != nil {
				return nil, err
			}
			for _, f := range files {
				got, err := c.sidecar(i, f.rel)
				if err != nil {
					return nil, err
				}
				if got != digest {
					continue
				}
				where := inStructured
				if folder == "." {
					where = inFlat
				}
				return c.load(candidate{dir: i, where: where, version: f.version, rel: strings.TrimSuffix(f.rel, ".digest") + ".tgz"})
			}
			if k == 0 && dirErr == nil {
				descs, err := c.layout(i, sdir+"/"+name)
				if err != nil {
					return nil, err
				}
				for _, d := range descs {
					if d.Digest == digest {
						v := d.tag
						if v != "" && !ref.isOCIRepository() {
							v = helmTagVersion(v)
						}
						return c.load(candidate{dir: i, where: inLayout, version: v, rel: sdir + "/" + name, desc: d})
					}
				}
			}
		}
	}
	return nil, c.notCached(ref, name, sdir, dirErr, digest, "digest", nil, nil)
}

// notCachedError is the error for a chart no cache folder holds.
type notCachedError struct{ msg string }

func (e *notCachedError) Error() string { return e.msg }
func (e *notCachedError) Unwrap() error { return ErrNotCached }

// notCached says what was looked for and where, and which versions of the
// chart the cache does hold, so that a typo or a stale cache shows.
func (c *Cache) notCached(ref Ref, name, sdir string, dirErr error, want, kind string, versions []string, rangeErr error) error {
	what := want
	switch {
	case kind == "semver" && strings.TrimSpace(want) == "":
		what = "*"
	case kind == "tag":
		what = "tag " + want
	}
	pattern := name + "-" + want + ".tgz"
	switch {
	case kind == "digest":
		pattern = name + "-*.digest"
	case kind == "semver" && (rangeErr != nil || !isExactVersion(want)):
		pattern = name + "-*.tgz"
	}
	var looked []string
	if dirErr == nil {
		looked = append(looked, sdir+"/"+pattern)
	}
	looked = append(looked, pattern)
	repo := ref.repoURL()
	if ref.isOCIRepository() {
		repo = strings.TrimRight(strings.TrimSpace(ref.URL), "/")
	}
	holding := ""
	if kind == "digest" {
		holding = " holding that digest"
	}
	// The folders are not named: they are the user's (or a temporary
	// copy's), and a finding's message must read the same on every
	// machine; the command's summary names them.
	msg := fmt.Sprintf("%s %s (%s) is not in the chart cache (looked for %s%s)",
		name, what, repo, joinAnd(looked), holding)
	if rangeErr != nil {
		msg += ": " + rangeErr.Error()
	}
	// Only what reads as a version: a file of another chart whose name
	// starts with this one's ("kube-prometheus-stack" for "kube") is not.
	var parsed []string
	for _, v := range versions {
		if _, err := parseVersion(v); err == nil {
			parsed = append(parsed, v)
		}
	}
	if seen := uniqueSorted(parsed); len(seen) > 0 {
		msg += "; cached versions: " + strings.Join(seen, ", ")
	}
	if dirErr != nil {
		msg += "; " + dirErr.Error()
	}
	return &notCachedError{msg: msg}
}

// joinAnd is "a", "a and b", "a, b and c".
func joinAnd(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// uniqueSorted is the distinct versions, newest first where they parse.
func uniqueSorted(versions []string) []string {
	var out []string
	for _, v := range versions {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	slices.SortStableFunc(out, func(a, b string) int {
		va, errA := parseVersion(a)
		vb, errB := parseVersion(b)
		switch {
		case errA == nil && errB == nil:
			return vb.Compare(va)
		case errA == nil:
			return -1
		case errB == nil:
			return 1
		}
		return strings.Compare(a, b)
	})
	return out
}

// load reads the chart a candidate stands for.
func (c *Cache) load(cd candidate) (*Found, error) {
	var data []byte
	var err error
	version := cd.version
	switch {
	case cd.where == inLayout:
		data, version, err = c.layoutChart(cd)
	case cd.folder:
		data, err = c.packFolder(cd.dir, cd.rel, path.Base(cd.rel[:len(cd.rel)-len(cd.version)-1]))
	default:
		data, err = readLimited(c.roots[cd.dir], cd.rel, MaxChartSize)
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s in chart cache %s: %w", cd.rel, c.dirs[cd.dir], err)
	}
	sum := sha256.Sum256(data)
	return &Found{
		Path:    cd.rel,
		Dir:     c.dirs[cd.dir],
		Version: version,
		Data:    data,
		Digest:  "sha256:" + hex.EncodeToString(sum[:]),
	}, nil
}

// readLimited reads the regular file rel under root, refusing one larger
// than limit. The Root refuses a path (or a symlink on it) that leads out
// of the folder.
func readLimited(root *os.Root, rel string, limit int64) ([]byte, error) {
	f, err := root.Open(rel)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%d bytes is larger than the %s limit", fi.Size(), sizeText(limit))
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	// The file may have grown since Stat.
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than the %s limit", sizeText(limit))
	}
	return data, nil
}

// sizeText is a byte count in MiB (or bytes when smaller).
func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// topDir is the first path element of the first entry of a packaged chart,
// which Helm names after the chart; "" when it cannot be read.
func topDir(data []byte) string {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return ""
	}
	defer zr.Close()
	h, err := tar.NewReader(zr).Next()
	if err != nil {
		return ""
	}
	name := strings.TrimPrefix(strings.TrimLeft(h.Name, "/"), "./")
	top, _, _ := strings.Cut(name, "/")
	return top
}

// memoised runs f once per key for the life of the Cache (every time
// when the Cache is fresh), however many goroutines ask at once.
func (c *Cache) memoised(key string, f func() (any, error)) (any, error) {
	if c.fresh {
		return f()
	}
	e, _ := c.memo.LoadOrStore(key, &memoEntry{})
	m := e.(*memoEntry)
	m.once.Do(func() { m.val, m.err = f() })
	return m.val, m.err
}

// dirEntry is one name in a folder listing.
type dirEntry struct {
	name string
	dir  bool
}

// list is the listing of folder rel of cache folder i, memoised; a folder
// that does not exist (or is no folder) lists empty.
func (c *Cache) list(i int, rel string) ([]dirEntry, error) {
	v, err := c.memoised("ls\x00"+strconv.Itoa(i)+"\x00"+rel, func() (any, error) {
		f, err := c.roots[i].Open(rel)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
				return []dirEntry(nil), nil
			}
			return nil, fmt.Errorf("listing %s in chart cache %s: %w", rel, c.dirs[i], unwrapPathError(err))
		}
		defer f.Close()
		ents, err := f.ReadDir(-1)
		if err != nil {
			// A file where a folder would be: no folder, so nothing here.
			if errors.Is(err, syscall.ENOTDIR) {
				return []dirEntry(nil), nil
			}
			return nil, fmt.Errorf("listing %s in chart cache %s: %w", rel, c.dirs[i], unwrapPathError(err))
		}
		out := make([]dirEntry, 0, len(ents))
		for _, e := range ents {
			out = append(out, dirEntry{name: e.Name(), dir: e.IsDir()})
		}
		slices.SortFunc(out, func(a, b dirEntry) int { return strings.Compare(a.name, b.name) })
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]dirEntry), nil
}

// chartFileEntry is a "<name>-<version><ext>" file in a listing.
type chartFileEntry struct {
	rel     string
	version string
}

// chartFiles are the "<name>-<version><ext>" files of folder rel of cache
// folder i, the version split off with the chart name as prefix.
func (c *Cache) chartFiles(i int, rel, name, ext string) ([]chartFileEntry, error) {
	ents, err := c.list(i, rel)
	if err != nil {
		return nil, err
	}
	var out []chartFileEntry
	prefix := name + "-"
	for _, e := range ents {
		if e.dir || !strings.HasPrefix(e.name, prefix) || !strings.HasSuffix(e.name, ext) {
			continue
		}
		v := strings.TrimSuffix(strings.TrimPrefix(e.name, prefix), ext)
		if v == "" {
			continue
		}
		p := e.name
		if rel != "." {
			p = rel + "/" + e.name
		}
		out = append(out, chartFileEntry{rel: p, version: v})
	}
	return out, nil
}

// sidecar is the digest held by a .digest file, memoised.
func (c *Cache) sidecar(i int, rel string) (string, error) {
	v, err := c.memoised("digest\x00"+strconv.Itoa(i)+"\x00"+rel, func() (any, error) {
		data, err := readLimited(c.roots[i], rel, maxMetaSize)
		if err != nil {
			return "", fmt.Errorf("reading %s in chart cache %s: %w", rel, c.dirs[i], err)
		}
		return strings.TrimSpace(string(data)), nil
	})
	if err != nil {
		return "", err
	}
	return v.(string), nil
}
