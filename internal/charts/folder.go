// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package charts

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// Unpacked charts: a folder <name>-<version>/ holding Chart.yaml, in the
// structured or the flat layout, stands for the packaged chart of that
// name and version (what `helm pull --untar` writes, and what a project
// keeps in review as text). It is packed in memory as Helm packages a
// chart folder (one top folder named after the chart), with fixed file
// times, so the same folder always has the same digest.

// maxFolderFiles bounds the files of an unpacked chart.
const maxFolderFiles = 10000

// chartFolders are the "<name>-<version>" folders of folder rel of cache
// folder i that hold a Chart.yaml.
func (c *Cache) chartFolders(i int, rel, name string) ([]chartFileEntry, error) {
	ents, err := c.list(i, rel)
	if err != nil {
		return nil, err
	}
	var out []chartFileEntry
	prefix := name + "-"
	for _, e := range ents {
		if !e.dir || !strings.HasPrefix(e.name, prefix) || len(e.name) == len(prefix) {
			continue
		}
		p := e.name
		if rel != "." {
			p = rel + "/" + e.name
		}
		if _, err := c.roots[i].Stat(p + "/Chart.yaml"); err != nil {
			continue
		}
		out = append(out, chartFileEntry{rel: p, version: strings.TrimPrefix(e.name, prefix)})
	}
	return out, nil
}

// packFolder packs the unpacked chart folder rel of cache folder i into a
// .tgz whose top folder is name. Reading stays inside the cache folder
// (os.Root); symlinks are skipped, as Helm's packager skips what it cannot
// read as a regular file.
func (c *Cache) packFolder(i int, rel, name string) ([]byte, error) {
	fsys := c.roots[i].FS()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	total, files := int64(0), 0
	err := fs.WalkDir(fsys, rel, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		files++
		if files > maxFolderFiles {
			return fmt.Errorf("more than %d files", maxFolderFiles)
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		total += int64(len(data))
		if total > MaxChartSize {
			return fmt.Errorf("larger than the %s limit", sizeText(MaxChartSize))
		}
		inner := path.Join(name, strings.TrimPrefix(strings.TrimPrefix(p, rel), "/"))
		if err := tw.WriteHeader(&tar.Header{Name: inner, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
			return err
		}
		_, err = tw.Write(data)
		return err
	})
	if err != nil {
		return nil, unwrapPathError(err)
	}
	if files == 0 {
		return nil, errors.New("an empty chart folder")
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
