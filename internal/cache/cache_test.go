// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cache

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultDir(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	assert.Equal(t, filepath.Join("/x", "d1lint"), DefaultDir(env(map[string]string{"XDG_CACHE_HOME": "/x", "HOME": "/h"})))
	assert.Equal(t, filepath.Join("/h", ".cache", "d1lint"), DefaultDir(env(map[string]string{"HOME": "/h"})))
	// The XDG spec ignores a relative XDG_CACHE_HOME.
	assert.Equal(t, filepath.Join("/h", ".cache", "d1lint"), DefaultDir(env(map[string]string{"XDG_CACHE_HOME": "rel", "HOME": "/h"})))
	assert.Empty(t, DefaultDir(env(nil)))
}

func TestPutGet(t *testing.T) {
	c, err := Open(t.TempDir(), 0)
	require.NoError(t, err)
	k := c.Key("kind", []byte("a"), []byte("b"))
	_, ok := c.Get("kind", k)
	assert.False(t, ok)
	require.NoError(t, c.Put("kind", k, []byte("content")))
	got, ok := c.Get("kind", k)
	require.True(t, ok)
	assert.Equal(t, "content", string(got))
	// Another kind, or parts split otherwise, is another key.
	assert.NotEqual(t, k, c.Key("other", []byte("a"), []byte("b")))
	assert.NotEqual(t, k, c.Key("kind", []byte("ab")))
	assert.NotEqual(t, k, c.Key("kind", []byte("a"), []byte("b"), nil))
	_, ok = c.Get("other", k)
	assert.False(t, ok)
	hits, misses := c.Stats()
	assert.Equal(t, [2]int64{1, 2}, [2]int64{hits, misses})
}

// TestNilCache: --no-cache is a nil cache, which holds nothing.
func TestNilCache(t *testing.T) {
	var c *Cache
	require.NoError(t, c.Put("kind", Key{}, []byte("x")))
	_, ok := c.Get("kind", Key{})
	assert.False(t, ok)
	require.NoError(t, c.Close())
	assert.Empty(t, c.Dir())
}

// TestTornEntry: a truncated or altered entry reads as a miss and is
// removed, never as content.
func TestTornEntry(t *testing.T) {
	c, err := Open(t.TempDir(), 0)
	require.NoError(t, err)
	k := c.Key("kind", []byte("x"))
	require.NoError(t, c.Put("kind", k, bytes.Repeat([]byte("y"), 100)))
	p := c.path("kind", k)
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	for name, bad := range map[string][]byte{
		"truncated": b[:len(b)-1],
		"altered":   append(append([]byte{}, b[:len(b)-1]...), 'z'),
		"empty":     nil,
		"foreign":   []byte("not an entry"),
	} {
		require.NoError(t, os.WriteFile(p, bad, 0o600))
		_, ok := c.Get("kind", k)
		assert.False(t, ok, name)
		assert.NoFileExists(t, p, name)
	}
}

// TestConcurrentRuns: runs sharing the cache folder read and write the
// same entries at once; every read is a whole entry or a miss.
func TestConcurrentRuns(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	for run := range 4 {
		c, err := Open(dir, 0)
		require.NoError(t, err)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				k := c.Key("kind", []byte(fmt.Sprint(i%5)))
				want := bytes.Repeat([]byte(fmt.Sprint(i%5)), 10000)
				if got, ok := c.Get("kind", k); ok {
					assert.Equal(t, want, got, "run %d", run)
				}
				assert.NoError(t, c.Put("kind", k, want))
			}
			assert.NoError(t, c.Close())
		}()
	}
	wg.Wait()
	// No temporary files are left behind.
	var files []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, filepath.Base(p))
		}
		return err
	}))
	assert.Len(t, files, 5)
}

// TestEvictLeastRecentlyUsed: a run that wrote evicts the entries used
// longest ago, down to nine tenths of the limit; a hit counts as a use.
func TestEvictLeastRecentlyUsed(t *testing.T) {
	dir := t.TempDir()
	c, err := Open(dir, 10*1100)
	require.NoError(t, err)
	content := bytes.Repeat([]byte("x"), 1000)
	keys := make([]Key, 10)
	old := time.Now().Add(-48 * time.Hour)
	for i := range keys {
		keys[i] = c.Key("kind", []byte{byte(i)})
		require.NoError(t, c.Put("kind", keys[i], content))
		// Entry i was last used i hours after the oldest.
		at := old.Add(time.Duration(i) * time.Hour)
		require.NoError(t, os.Chtimes(c.path("kind", keys[i]), at, at))
	}
	// Using entry 0 makes it the most recent.
	_, ok := c.Get("kind", keys[0])
	require.True(t, ok)
	require.NoError(t, c.Close())
	// Within the limit: nothing evicted.
	for _, k := range keys {
		assert.FileExists(t, c.path("kind", k))
	}

	c, err = Open(dir, 10*1100)
	require.NoError(t, err)
	extra := c.Key("kind", []byte("extra"))
	require.NoError(t, c.Put("kind", extra, bytes.Repeat([]byte("x"), 3000)))
	require.NoError(t, c.Close())
	// 10 entries of ~1050 bytes and one of ~3050 exceed 11000: the
	// least recently used go (1, 2, 3, ...) until at most 9900 remain.
	assert.FileExists(t, c.path("kind", keys[0]), "used last")
	assert.FileExists(t, c.path("kind", extra), "written last")
	assert.NoFileExists(t, c.path("kind", keys[1]))
	assert.NoFileExists(t, c.path("kind", keys[2]))
	assert.NoFileExists(t, c.path("kind", keys[3]))
	assert.FileExists(t, c.path("kind", keys[9]))
	var total int64
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			fi, _ := d.Info()
			total += fi.Size()
		}
		return err
	}))
	assert.LessOrEqual(t, total, int64(9900))
}

// TestOneEvictionPerFolder: the Caches a process holds on one folder
// evict once, when the last closes, if any wrote, to the smallest of their
// limits; a closed folder is opened afresh.
func TestOneEvictionPerFolder(t *testing.T) {
	dir := t.TempDir()
	writer, err := Open(dir, 1<<20)
	require.NoError(t, err)
	reader, err := Open(filepath.Join(dir, "."), 4000)
	require.NoError(t, err)
	keys := make([]Key, 4)
	for i := range keys {
		keys[i] = writer.Key("kind", []byte{byte(i)})
		require.NoError(t, writer.Put("kind", keys[i], bytes.Repeat([]byte("x"), 1500)))
		at := time.Now().Add(time.Duration(i-10) * time.Hour)
		require.NoError(t, os.Chtimes(writer.path("kind", keys[i]), at, at))
	}
	require.NoError(t, writer.Close())
	for _, k := range keys {
		assert.FileExists(t, writer.path("kind", k), "the folder is still open: nothing evicted")
	}
	require.NoError(t, reader.Close())
	// 4 entries of ~1550 bytes over the reader's 4000: the oldest go until
	// at most 3600 remain.
	assert.NoFileExists(t, writer.path("kind", keys[0]))
	assert.NoFileExists(t, writer.path("kind", keys[1]))
	assert.FileExists(t, writer.path("kind", keys[3]))

	again, err := Open(dir, 1<<20)
	require.NoError(t, err)
	require.NoError(t, again.Close())
	assert.FileExists(t, writer.path("kind", keys[3]), "a run that wrote nothing evicts nothing")
}

// TestReadOnlyRunDoesNotEvict: a run that only read leaves the cache
// alone, even over its limit (the next run that writes evicts).
func TestReadOnlyRunDoesNotEvict(t *testing.T) {
	dir := t.TempDir()
	c, err := Open(dir, 1<<20)
	require.NoError(t, err)
	k := c.Key("kind", []byte("k"))
	require.NoError(t, c.Put("kind", k, bytes.Repeat([]byte("x"), 5000)))
	require.NoError(t, c.Close())
	c, err = Open(dir, 100)
	require.NoError(t, err)
	_, ok := c.Get("kind", k)
	require.True(t, ok)
	require.NoError(t, c.Close())
	assert.FileExists(t, c.path("kind", k))
}

// TestSaltIsTheBuild: entries are keyed by the build too; a test binary
// has no VCS stamp, so its executable's identity is part of the salt.
func TestSaltIsTheBuild(t *testing.T) {
	s := buildSalt()
	if runtime.GOOS == "linux" {
		exe, err := os.Executable()
		require.NoError(t, err)
		out, err := exec.Command("go", "tool", "buildid", exe).Output()
		require.NoError(t, err)
		assert.Contains(t, string(s), "exe build ID "+strings.TrimSpace(string(out))+"\n", "the Go build ID, as go tool buildid reads it")
	} else {
		assert.Contains(t, string(s), "exe ")
	}
	assert.Equal(t, s, buildSalt(), "the same build, the same salt")
}
