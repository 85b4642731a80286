// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package synth

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/memory"
)

// Default sizes used for zero Options fields.
const (
	DefaultClusters        = 3
	DefaultAppNamespaces   = 2
	DefaultInfraComponents = 2
)

// Repository folder names under Fleet.Dir, and the base of the synthetic
// repository URLs.
const (
	FleetRepo = "d1-fleet"
	InfraRepo = "d1-infra"
	AppsRepo  = "d1-apps"
	URLBase   = "https://github.com/synth/"
)

// ConfigFile is the d1lint configuration file written at the root of the
// d1-fleet repository.
const ConfigFile = ".d1lint.yaml"

// Branch names.
const (
	MainBranch       = "main"
	ProductionBranch = "production"
)

// CommitTime is the fixed author and committer time of every commit.
var CommitTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Author name and e-mail of every commit.
const (
	AuthorName  = "synth"
	AuthorEmail = "synth@example.invalid"
)

// Options size the fleet. Zero values get defaults (Clusters 3,
// AppNamespaces 2, InfraComponents 2); negative values are an error.
type Options struct {
	// Clusters is the number of clusters. Clusters alternate environments:
	// the first (index 0) is staging (GIT_BRANCH main), the second
	// production (GIT_BRANCH production), and so on. They are named
	// "staging-001", "prod-002", ... (1-based, 3 digits at least).
	Clusters int
	// AppNamespaces is the number of application namespaces, named
	// "app-01", "app-02", ...: tenants/apps/components/<ns> in the fleet
	// and components/<ns> in d1-apps.
	AppNamespaces int
	// InfraComponents is the number of infrastructure components, named
	// "comp-01", "comp-02", ...: Kustomizations in tenants/infra/components
	// of the fleet and components/<comp>/{controllers,configs} in d1-infra.
	InfraComponents int
}

// withDefaults returns o with zero fields set to their defaults.
func (o Options) withDefaults() (Options, error) {
	if o.Clusters < 0 || o.AppNamespaces < 0 || o.InfraComponents < 0 {
		return o, fmt.Errorf("synth: negative size in %+v", o)
	}
	if o.Clusters == 0 {
		o.Clusters = DefaultClusters
	}
	if o.AppNamespaces == 0 {
		o.AppNamespaces = DefaultAppNamespaces
	}
	if o.InfraComponents == 0 {
		o.InfraComponents = DefaultInfraComponents
	}
	return o, nil
}

// Fleet says where the generated repositories are.
type Fleet struct {
	// Dir is the absolute parent folder of the three repositories.
	Dir string
	// FleetPath, InfraPath and AppsPath are <Dir>/d1-fleet, <Dir>/d1-infra
	// and <Dir>/d1-apps.
	FleetPath, InfraPath, AppsPath string
	// FleetURL, InfraURL and AppsURL are the repositories' URLs
	// (https://github.com/synth/d1-fleet.git etc.), as the fleet's
	// manifests and .d1lint.yaml reference them.
	FleetURL, InfraURL, AppsURL string
	// Clusters are the cluster folder names under clusters/, sorted.
	Clusters []string
	// ChartsPath is <Dir>/charts, the chart cache of every chart the
	// HelmReleases pin (.d1lint.yaml names it).
	ChartsPath string
}

// Generate writes three git repositories under dir, which must be empty or
// absent, without a git binary: d1-fleet with branch main, and d1-infra and
// d1-apps each with branches main and production. production is the parent
// commit of main there (main is one promotion ahead: newer chart versions
// and changed production overlays). HEAD is on main and every working tree
// and index match main; each repository has its URL as remote "origin".
// The fleet repository also holds .d1lint.yaml, which maps the d1-infra and
// d1-apps URLs to their sibling folders.
//
// The three repositories are written concurrently. Commits are built with
// go-git's plumbing (see writeRepo), so their hashes depend only on opts.
func Generate(dir string, opts Options) (*Fleet, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := checkEmpty(abs); err != nil {
		return nil, err
	}
	f := &Fleet{
		Dir:        abs,
		FleetPath:  filepath.Join(abs, FleetRepo),
		InfraPath:  filepath.Join(abs, InfraRepo),
		AppsPath:   filepath.Join(abs, AppsRepo),
		FleetURL:   URLBase + FleetRepo + ".git",
		InfraURL:   URLBase + InfraRepo + ".git",
		AppsURL:    URLBase + AppsRepo + ".git",
		ChartsPath: filepath.Join(abs, ChartsDir),
	}
	g := newGen(opts, f)
	for _, c := range g.clusters {
		f.Clusters = append(f.Clusters, c.name)
	}
	slices.Sort(f.Clusters)

	jobs := []struct {
		path, url  string
		main, prod func() map[string]string
	}{
		{f.FleetPath, f.FleetURL, g.fleetFiles, nil},
		{f.InfraPath, f.InfraURL, func() map[string]string { return g.infraFiles(false) }, func() map[string]string { return g.infraFiles(true) }},
		{f.AppsPath, f.AppsURL, func() map[string]string { return g.appsFiles(false) }, func() map[string]string { return g.appsFiles(true) }},
	}
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var prod map[string]string
			if j.prod != nil {
				prod = j.prod()
			}
			if err := writeRepo(j.path, j.url, j.main(), prod); err != nil {
				errs[i] = fmt.Errorf("synth: %s: %w", filepath.Base(j.path), err)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := writeChartFiles(f.ChartsPath, g.chartFiles()); err != nil {
		return nil, fmt.Errorf("synth: charts: %w", err)
	}
	return f, nil
}

// checkEmpty fails unless dir is absent or an empty folder.
func checkEmpty(dir string) error {
	fi, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("synth: %s is not a folder", dir)
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Readdirnames(1); err == nil {
		return fmt.Errorf("synth: %s is not empty", dir)
	} else if err != io.EOF {
		return err
	}
	return nil
}

// signature is the fixed author and committer of every commit.
func signature() *object.Signature {
	return &object.Signature{Name: AuthorName, Email: AuthorEmail, When: CommitTime}
}

// writeRepo creates a repository in dir whose main branch holds mainFiles
// in its working tree, index and commit. When prodFiles is not nil, a
// production branch holding them is committed first (never checked out) and
// becomes main's parent.
//
// Objects are built in memory and stored as a single packfile: writing one
// loose object file per blob and tree, as Worktree.Add and Commit do, costs
// several times more than the whole rest of the work.
func writeRepo(dir, url string, mainFiles, prodFiles map[string]string) error {
	r, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName(MainBranch)},
	})
	if err != nil {
		return err
	}
	if _, err := r.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{url}}); err != nil {
		return err
	}

	mem := memory.NewStorage()
	var parents []plumbing.Hash
	var prod plumbing.Hash
	if prodFiles != nil {
		tree, _, err := writeTree(mem, prodFiles)
		if err != nil {
			return err
		}
		if prod, err = writeCommit(mem, tree, nil, "Synthetic d1 fleet: production"); err != nil {
			return err
		}
		parents = []plumbing.Hash{prod}
	}
	tree, blobs, err := writeTree(mem, mainFiles)
	if err != nil {
		return err
	}
	main, err := writeCommit(mem, tree, parents, "Synthetic d1 fleet: main")
	if err != nil {
		return err
	}
	if err := writePack(r.Storer, mem); err != nil {
		return err
	}

	refs := []*plumbing.Reference{plumbing.NewHashReference(plumbing.NewBranchReferenceName(MainBranch), main)}
	if prodFiles != nil {
		refs = append(refs, plumbing.NewHashReference(plumbing.NewBranchReferenceName(ProductionBranch), prod))
	}
	for _, ref := range refs {
		if err := r.Storer.SetReference(ref); err != nil {
			return err
		}
	}

	idx, err := writeFiles(dir, mainFiles, blobs)
	if err != nil {
		return err
	}
	return r.Storer.SetIndex(idx)
}

// writePack copies every object of mem into one packfile of s.
func writePack(s storer.Storer, mem *memory.Storage) error {
	pw, ok := s.(storer.PackfileWriter)
	if !ok {
		return fmt.Errorf("storage %T cannot write packfiles", s)
	}
	var hashes []plumbing.Hash
	for h := range mem.ObjectStorage.Objects {
		hashes = append(hashes, h)
	}
	sort.Slice(hashes, func(i, j int) bool { return bytes.Compare(hashes[i][:], hashes[j][:]) < 0 })
	w, err := pw.PackfileWriter()
	if err != nil {
		return err
	}
	if _, err := packfile.NewEncoder(w, mem, false).Encode(hashes, 0); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// writeFiles writes files (slash-separated relative paths) under root, in
// sorted order, and returns the git index describing them; blobs maps each
// path to its blob hash.
func writeFiles(root string, files map[string]string, blobs map[string]plumbing.Hash) (*index.Index, error) {
	idx := &index.Index{Version: 2}
	made := map[string]bool{".": true}
	var mkdir func(dir string) error
	mkdir = func(dir string) error {
		if made[dir] {
			return nil
		}
		if err := mkdir(path.Dir(dir)); err != nil {
			return err
		}
		made[dir] = true
		return os.Mkdir(filepath.Join(root, filepath.FromSlash(dir)), 0o755)
	}
	for _, p := range slices.Sorted(maps.Keys(files)) {
		if err := mkdir(path.Dir(p)); err != nil {
			return nil, err
		}
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.WriteFile(full, []byte(files[p]), 0o644); err != nil {
			return nil, err
		}
		fi, err := os.Lstat(full)
		if err != nil {
			return nil, err
		}
		e := &index.Entry{
			Hash:       blobs[p],
			Name:       p,
			Mode:       filemode.Regular,
			Size:       uint32(fi.Size()),
			ModifiedAt: fi.ModTime(),
			CreatedAt:  fi.ModTime(),
		}
		fillStat(e, fi)
		idx.Entries = append(idx.Entries, e)
	}
	return idx, nil
}

// dirNode is a folder while a tree is built.
type dirNode struct {
	blobs map[string]plumbing.Hash
	dirs  map[string]*dirNode
}

func newDirNode() *dirNode {
	return &dirNode{blobs: map[string]plumbing.Hash{}, dirs: map[string]*dirNode{}}
}

// writeTree stores files (slash-separated relative paths) as blobs and trees
// and returns the root tree's hash and each path's blob hash.
func writeTree(s storer.EncodedObjectStorer, files map[string]string) (plumbing.Hash, map[string]plumbing.Hash, error) {
	root := newDirNode()
	blobs := make(map[string]plumbing.Hash, len(files))
	for _, p := range slices.Sorted(maps.Keys(files)) {
		h, err := writeBlob(s, files[p])
		if err != nil {
			return plumbing.ZeroHash, nil, err
		}
		blobs[p] = h
		parts := strings.Split(p, "/")
		n := root
		for _, d := range parts[:len(parts)-1] {
			c, ok := n.dirs[d]
			if !ok {
				c = newDirNode()
				n.dirs[d] = c
			}
			n = c
		}
		n.blobs[parts[len(parts)-1]] = h
	}
	h, err := root.write(s)
	return h, blobs, err
}

// write stores n and its subfolders as trees.
func (n *dirNode) write(s storer.EncodedObjectStorer) (plumbing.Hash, error) {
	var t object.Tree
	for name, h := range n.blobs {
		t.Entries = append(t.Entries, object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: h})
	}
	for name, c := range n.dirs {
		h, err := c.write(s)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		t.Entries = append(t.Entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
	}
	// git orders tree entries by name, a folder's name compared as if it
	// ended with "/".
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(t.Entries, func(i, j int) bool { return key(t.Entries[i]) < key(t.Entries[j]) })
	obj := s.NewEncodedObject()
	if err := t.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return s.SetEncodedObject(obj)
}

// writeBlob stores content as a blob.
func writeBlob(s storer.EncodedObjectStorer, content string) (plumbing.Hash, error) {
	obj := s.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	obj.SetSize(int64(len(content)))
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := io.WriteString(w, content); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return s.SetEncodedObject(obj)
}

// writeCommit stores a commit of tree with the fixed signature.
func writeCommit(s storer.EncodedObjectStorer, tree plumbing.Hash, parents []plumbing.Hash, msg string) (plumbing.Hash, error) {
	c := &object.Commit{
		Author:       *signature(),
		Committer:    *signature(),
		Message:      msg,
		TreeHash:     tree,
		ParentHashes: parents,
	}
	obj := s.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return s.SetEncodedObject(obj)
}
