// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cache

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultMaxSize bounds the cache's size on disk unless told otherwise.
const DefaultMaxSize = 1 << 30

// layout is the folder of this version of the entry format: a d1lint that
// changes the format reads none of another's entries.
const layout = "v1"

// magic starts every entry file, followed by the SHA-256 of the content.
var magic = []byte("d1lint-cache-1\n")

// touchAfter is how old an entry's modification time must be for a hit to
// refresh it: the eviction order needs no finer clock, and most hits then
// cost no write.
const touchAfter = time.Hour

// Key identifies an entry: the SHA-256 of its kind, the build's salt and
// the inputs it was derived from.
type Key [sha256.Size]byte

// Cache is a cache folder. Its methods are safe for concurrent use.
type Cache struct {
	dir  string
	salt []byte

	wrote        atomic.Bool
	hits, misses atomic.Int64
	closeOnce    sync.Once
	folder       *folder
}

// DefaultDir is $XDG_CACHE_HOME/d1lint, else $HOME/.cache/d1lint (the XDG
// default), read through getenv; "" when neither variable is set.
func DefaultDir(getenv func(string) string) string {
	if d := getenv("XDG_CACHE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "d1lint")
	}
	if h := getenv("HOME"); h != "" && filepath.IsAbs(h) {
		return filepath.Join(h, ".cache", "d1lint")
	}
	return ""
}

// Open opens (creating it when missing) the cache folder dir, bounded to
// maxSize bytes (DefaultMaxSize when 0 or less).
func Open(dir string, maxSize int64) (*Cache, error) {
	if dir == "" {
		return nil, errors.New("cache: no folder")
	}
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	if err := os.MkdirAll(filepath.Join(dir, layout), 0o700); err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	c := &Cache{dir: dir, salt: buildSalt()}
	c.folder = openFolder(dir, maxSize)
	return c, nil
}

// folder is a cache folder the process holds open, through one Cache or
// several (the render's, the validator's, the check's): it is walked to
// evict once, when the last of them closes, if any wrote.
type folder struct {
	key     string
	open    int
	wrote   bool
	maxSize int64
}

// folders are the folders open in this process, by absolute path.
var folders = struct {
	sync.Mutex
	m map[string]*folder
}{m: map[string]*folder{}}

func openFolder(dir string, maxSize int64) *folder {
	key, err := filepath.Abs(dir)
	if err != nil {
		key = dir
	}
	folders.Lock()
	defer folders.Unlock()
	f := folders.m[key]
	if f == nil {
		f = &folder{key: key, maxSize: maxSize}
		folders.m[key] = f
	}
	f.open++
	f.maxSize = min(f.maxSize, maxSize)
	return f
}

// closeFolder releases a Cache's hold on its folder; it reports whether
// the folder is to be evicted now (the last hold, and a write), and to
// which size.
func closeFolder(f *folder, wrote bool) (evict bool, maxSize int64) {
	folders.Lock()
	defer folders.Unlock()
	f.open--
	f.wrote = f.wrote || wrote
	if f.open > 0 {
		return false, 0
	}
	delete(folders.m, f.key)
	return f.wrote, f.maxSize
}

// Dir is the cache's folder.
func (c *Cache) Dir() string {
	if c == nil {
		return ""
	}
	return c.dir
}

// Key is the key of an entry of kind derived from parts. Each part is
// length-prefixed, so that parts never run into each other.
func (c *Cache) Key(kind string, parts ...[]byte) Key {
	h := sha256.New()
	if c != nil {
		h.Write(c.salt)
	}
	for _, p := range append([][]byte{[]byte(kind)}, parts...) {
		h.Write([]byte(strconv.Itoa(len(p)) + ":"))
		h.Write(p)
	}
	var k Key
	h.Sum(k[:0])
	return k
}

// path is where an entry of kind lives.
func (c *Cache) path(kind string, k Key) string {
	s := hex.EncodeToString(k[:])
	return filepath.Join(c.dir, layout, kind, s[:2], s)
}

// Get returns the content of an entry, and whether there was a whole one.
func (c *Cache) Get(kind string, k Key) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	p := c.path(kind, k)
	b, err := os.ReadFile(p)
	if err != nil {
		c.misses.Add(1)
		return nil, false
	}
	data, ok := unwrap(b)
	if !ok {
		// Torn or altered: a miss, and the next Put replaces it.
		_ = os.Remove(p)
		c.misses.Add(1)
		return nil, false
	}
	c.hits.Add(1)
	if fi, err := os.Stat(p); err == nil && time.Since(fi.ModTime()) > touchAfter {
		now := time.Now()
		_ = os.Chtimes(p, now, now)
	}
	return data, true
}

// Put stores an entry. Another run storing the same entry at the same time
// is harmless: both write whole files and the last rename wins.
func (c *Cache) Put(kind string, k Key, data []byte) error {
	if c == nil {
		return nil
	}
	p := c.path(kind, k)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	var suffix [8]byte
	_, _ = rand.Read(suffix[:])
	tmp := p + ".tmp-" + hex.EncodeToString(suffix[:])
	if err := os.WriteFile(tmp, wrap(data), 0o600); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("cache: %w", err)
	}
	if err := os.Rename(tmp, p); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("cache: %w", err)
	}
	c.wrote.Store(true)
	return nil
}

// Stats are the hits and misses of the run so far.
func (c *Cache) Stats() (hits, misses int64) {
	if c == nil {
		return 0, 0
	}
	return c.hits.Load(), c.misses.Load()
}

// Close evicts, when this run wrote to the cache, the least recently used
// entries until the cache is within its size limit again (to nine tenths
// of it, so that the next runs do not evict at once). Entries another run
// removes first, or is writing, are skipped. When the process holds the
// folder open through other Caches too, the last of them to close evicts,
// once, to the smallest of their limits.
func (c *Cache) Close() error {
	if c == nil {
		return nil
	}
	var err error
	c.closeOnce.Do(func() {
		if evict, maxSize := closeFolder(c.folder, c.wrote.Load()); evict {
			err = c.evict(maxSize)
		}
	})
	return err
}

type entry struct {
	path string
	size int64
	mod  time.Time
}

func (c *Cache) evict(maxSize int64) error {
	var entries []entry
	var total int64
	root := filepath.Join(c.dir, layout)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return nil // removed meanwhile
		}
		if !fi.Mode().IsRegular() {
			return nil
		}
		entries = append(entries, entry{p, fi.Size(), fi.ModTime()})
		total += fi.Size()
		return nil
	})
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	if total <= maxSize {
		return nil
	}
	slices.SortFunc(entries, func(a, b entry) int {
		if c := a.mod.Compare(b.mod); c != 0 {
			return c
		}
		return bytes.Compare([]byte(a.path), []byte(b.path))
	})
	target := maxSize / 10 * 9
	for _, e := range entries {
		if total <= target {
			break
		}
		if err := os.Remove(e.path); err == nil || errors.Is(err, fs.ErrNotExist) {
			total -= e.size
		}
	}
	return nil
}

// wrap frames content as an entry file: magic, SHA-256, content.
func wrap(data []byte) []byte {
	sum := sha256.Sum256(data)
	out := make([]byte, 0, len(magic)+len(sum)+len(data))
	out = append(out, magic...)
	out = append(out, sum[:]...)
	return append(out, data...)
}

// unwrap checks an entry file and returns its content.
func unwrap(b []byte) ([]byte, bool) {
	if !bytes.HasPrefix(b, magic) || len(b) < len(magic)+sha256.Size {
		return nil, false
	}
	sum, data := b[len(magic):len(magic)+sha256.Size], b[len(magic)+sha256.Size:]
	got := sha256.Sum256(data)
	if !bytes.Equal(sum, got[:]) {
		return nil, false
	}
	return data, true
}

// buildSalt identifies the build of d1lint that derives entries: its Go
// version, its module's version and VCS revision, and every dependency's
// version (the Helm SDK's, kustomize's). A build from a modified or
// unknown tree adds its executable's size and modification time, so that
// a rebuilt development binary never reads entries an older one wrote.
func buildSalt() []byte {
	var b bytes.Buffer
	b.WriteString(layout + "\n")
	info, ok := debug.ReadBuildInfo()
	if !ok {
		exeStamp(&b)
		return b.Bytes()
	}
	fmt.Fprintf(&b, "%s\n%s@%s %s\n", info.GoVersion, info.Main.Path, info.Main.Version, info.Main.Sum)
	for _, d := range info.Deps {
		fmt.Fprintf(&b, "%s@%s %s\n", d.Path, d.Version, d.Sum)
		if d.Replace != nil {
			fmt.Fprintf(&b, "=> %s@%s %s\n", d.Replace.Path, d.Replace.Version, d.Replace.Sum)
		}
	}
	revision, modified := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	fmt.Fprintf(&b, "revision %s\n", revision)
	if modified || (revision == "" && (info.Main.Version == "" || info.Main.Version == "(devel)")) {
		exeStamp(&b)
	}
	return b.Bytes()
}

// exeStamp writes the running executable's Go build ID (which changes
// with its content, and is the same for the same sources built the same
// way, as an action's builds are), else its path, size and modification
// time.
func exeStamp(b *bytes.Buffer) {
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(b, "exe ? %d\n", time.Now().UnixNano())
		return
	}
	if id := goBuildID(exe); id != "" {
		fmt.Fprintf(b, "exe build ID %s\n", id)
		return
	}
	fi, err := os.Stat(exe)
	if err != nil {
		fmt.Fprintf(b, "exe %s ? %d\n", exe, time.Now().UnixNano())
		return
	}
	fmt.Fprintf(b, "exe %s %d %d\n", exe, fi.Size(), fi.ModTime().UnixNano())
}

// goBuildID reads the Go build ID of an ELF executable from its
// .note.go.buildid section (the linker's); "" for another format or none.
func goBuildID(exe string) string {
	f, err := elf.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	s := f.Section(".note.go.buildid")
	if s == nil || s.Size > 4096 {
		return ""
	}
	data, err := s.Data()
	if err != nil {
		return ""
	}
	// An ELF note: name size, descriptor size, type, "Go\x00\x00", then
	// the ID.
	const header = 16
	if len(data) < header {
		return ""
	}
	descSize := f.ByteOrder.Uint32(data[4:8])
	if uint64(header)+uint64(descSize) > uint64(len(data)) {
		return ""
	}
	return string(data[header : header+int(descSize)])
}
