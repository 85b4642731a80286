// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package helm

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// readDir reads a fixture chart folder as LoadFiles takes it.
func readDir(t testing.TB, dir string) []File {
	t.Helper()
	var files []File
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		files = append(files, File{Name: filepath.ToSlash(rel), Data: data})
		return nil
	})
	require.NoError(t, err)
	return files
}

// loadDir loads a fixture chart folder.
func loadDir(t testing.TB, name string) *Chart {
	t.Helper()
	c, err := LoadFiles(readDir(t, filepath.Join("testdata", name)))
	require.NoError(t, err)
	return c
}

// tarEntry is one entry of an archive built by makeTgz.
type tarEntry struct {
	name string
	data []byte
	typ  byte   // tar.TypeReg when 0
	link string // for links
	size int64  // the header's size when the data is not given (zeros)
}

// makeTgz builds a gzip-compressed tar archive.
func makeTgz(t testing.TB, entries []tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		hd := &tar.Header{Name: e.name, Mode: 0o644, Typeflag: e.typ, Linkname: e.link}
		if hd.Typeflag == 0 {
			hd.Typeflag = tar.TypeReg
		}
		if hd.Typeflag == tar.TypeReg {
			hd.Size = int64(len(e.data))
			if e.data == nil {
				hd.Size = e.size
			}
		}
		require.NoError(t, tw.WriteHeader(hd))
		if hd.Typeflag == tar.TypeReg {
			if e.data != nil {
				_, err := tw.Write(e.data)
				require.NoError(t, err)
			} else {
				_, err := tw.Write(make([]byte, e.size))
				require.NoError(t, err)
			}
		}
	}
	require.NoError(t, tw.Close())
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// packDir packages a fixture chart folder the way `helm package` does:
// every file under one top folder named after the chart.
func packDir(t testing.TB, name, top string) []byte {
	t.Helper()
	var entries []tarEntry
	for _, f := range readDir(t, filepath.Join("testdata", name)) {
		entries = append(entries, tarEntry{name: top + "/" + f.Name, data: f.Data})
	}
	return makeTgz(t, entries)
}

// byTemplate returns the objects rendered from a template, in order.
func byTemplate(objs []Object, template string) []Object {
	var out []Object
	for _, o := range objs {
		if o.Template == template {
			out = append(out, o)
		}
	}
	return out
}

// find returns the object of a kind and name, or fails.
func find(t testing.TB, objs []Object, kind, name string) Object {
	t.Helper()
	for _, o := range objs {
		if o.Object["kind"] == kind && nested(o.Object, "metadata", "name") == name {
			return o
		}
	}
	require.Failf(t, "object not found", "%s %s", kind, name)
	return Object{}
}

// nested reads a value at a path of map keys (nil when absent).
func nested(m map[string]any, path ...string) any {
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[p]
	}
	return cur
}
