// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package fleet discovers the clusters of a Flux fleet repository by their
// content (Discover): every folder holding a cluster root, in the Flux
// Operator era (a FluxInstance whose spec.sync makes Flux create the root
// GitRepository and Kustomization), the bootstrap era (gotk-sync.yaml
// declaring them) or any layout whose root Kustomization applies its own
// folder, with d1's clusters/<name>/ as the default convention; and it
// decides which repository the fleet checkout is (Identify).
package fleet

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/d1lint/d1lint/internal/source"
)

// Eras of a cluster's Flux installation.
const (
	EraOperator  = "operator"
	EraBootstrap = "bootstrap"
)

// maxFileSize caps the files discovery reads: the limit the source
// snapshots the renderer builds from apply to every file.
const maxFileSize = source.DefaultMaxFileSize

// Doc is one YAML document of a file with the line it starts on.
type Doc struct {
	Object map[string]any
	Line   int
	// node is the document's YAML mapping, for the lines of its fields.
	node *yaml.Node
}

// Cluster is a discovered cluster folder. Its paths are slash-separated
// and relative to the repository root (Layout.RepoRoot), as Flux's
// spec.path is.
type Cluster struct {
	// Name is the folder's name under clusters/, else the cluster
	// folder's name, or the name the configuration gives (see Discover).
	Name string
	// Path is the cluster folder: clusters/<name> in d1.
	Path string
	// Era is EraOperator (a FluxInstance) or EraBootstrap (the root
	// Kustomization and its GitRepository are manifests in git, as
	// gotk-sync.yaml's are, or are assumed).
	Era string
	// Found says how the root was found: FoundInstance, FoundBootstrap,
	// FoundKustomization or FoundAssumed.
	Found string
	// Configured is true when the configuration's clusters: lists it.
	Configured bool
	// RootFile and RootLine locate the root: the FluxInstance, or the root
	// Kustomization ("" and 0 when assumed).
	RootFile string
	RootLine int
	// Root is the root Kustomization's namespace/name: flux-system/flux-system
	// in d1, whatever the fleet names it otherwise.
	Root string
	// SourceNamespace and SourceName name the GitRepository the root
	// reads (flux-system/flux-system in d1).
	SourceNamespace, SourceName string
	// Instance is the FluxInstance (operator era).
	Instance map[string]any
	// InstanceFile and InstanceLine locate it.
	InstanceFile string
	InstanceLine int
	// SyncDir is the folder holding the root Kustomization's file
	// (bootstrap era).
	SyncDir string
	// Sync is the root Kustomization as written (gotk-sync.yaml's
	// flux-system), before the patches of the folder's kustomization.yaml
	// (bootstrap era).
	Sync map[string]any
	// SyncFile and SyncLine locate the root Kustomization (bootstrap era).
	SyncFile string
	SyncLine int
	// Repo is the root's GitRepository as written, and RepoLine the line
	// it starts on in URLFile (bootstrap era; nil when assumed or not
	// found).
	Repo     map[string]any
	RepoLine int
	// ComponentsFile is the cluster folder's gotk-components.yaml, when
	// present.
	ComponentsFile string
	// URL, Ref and SyncPath are what the cluster's root syncs. For an
	// OCI artifact, URL is its oci:// URL and Ref the git ref that stands
	// for its tag (SourceKind, Repository, Artifact).
	URL      string
	Ref      source.Ref
	SyncPath string
	// SourceKind is the kind of the root's source: source.GitRepository,
	// or source.OCIRepository when a FluxInstance syncs an OCI artifact.
	SourceKind string
	// Repository is the git repository an OCI root's artifact is pushed
	// from (Artifact says how it was mapped); "" for a git root, whose
	// repository is URL.
	Repository string
	// Artifact is how an OCI root's artifact maps to git.
	Artifact *source.Artifact
	// URLFile and URLLine locate where URL is written: the FluxInstance's
	// spec.sync.url, or the root GitRepository's spec.url (empty and 0
	// when the folder declares no sync).
	URLFile string
	URLLine int
	// Assumed is true when the cluster folder declares no sync at all (a
	// placeholder gotk-sync.yaml, as example repositories ship): the root is
	// then assumed to be what `flux bootstrap` creates, a flux-system
	// Kustomization applying ./clusters/<name> from the fleet repository.
	Assumed bool
	// Problem says why the cluster cannot be rendered ("" when it can).
	Problem string
}

// RepoURL is the git repository the root reads: Repository for an OCI
// artifact, else URL.
func (c *Cluster) RepoURL() string {
	if c.Repository != "" {
		return c.Repository
	}
	return c.URL
}

// RefFromSync turns a FluxInstance spec.sync.ref ("refs/heads/main",
// "refs/tags/v1", a plain branch name) into a source ref.
func RefFromSync(ref string) source.Ref {
	switch {
	case strings.HasPrefix(ref, "refs/heads/"):
		return source.Ref{Branch: strings.TrimPrefix(ref, "refs/heads/")}
	case strings.HasPrefix(ref, "refs/tags/"):
		return source.Ref{Tag: strings.TrimPrefix(ref, "refs/tags/")}
	case strings.HasPrefix(ref, "refs/"):
		return source.Ref{Name: ref}
	case ref == "":
		return source.Ref{Branch: "main"}
	default:
		return source.Ref{Branch: ref}
	}
}

func refOf(obj map[string]any) source.Ref {
	return source.Ref{
		Branch: nestedString(obj, "spec", "ref", "branch"),
		Tag:    nestedString(obj, "spec", "ref", "tag"),
		SemVer: nestedString(obj, "spec", "ref", "semver"),
		Name:   nestedString(obj, "spec", "ref", "name"),
		Commit: nestedString(obj, "spec", "ref", "commit"),
	}
}

// readCapped reads the regular file p, at most maxFileSize bytes. The file
// is checked before it is opened (opening a FIFO blocks) and again once
// open, so that one swapped for a device or a FIFO in between is not read.
func readCapped(p string) ([]byte, error) {
	st, err := os.Lstat(p)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", p)
	}
	if st.Size() > maxFileSize {
		return nil, fmt.Errorf("%s: file too large", p)
	}
	f, err := os.OpenFile(p, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !os.SameFile(fi, st) {
		return nil, fmt.Errorf("%s: changed while being read", p)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > maxFileSize {
		return nil, fmt.Errorf("%s: file too large", p)
	}
	return data, nil
}

func apiVersion(obj map[string]any) string { s, _ := obj["apiVersion"].(string); return s }

func nestedString(obj map[string]any, fields ...string) string {
	var cur any = obj
	for _, f := range fields {
		m, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = m[f]
	}
	s, _ := cur.(string)
	return s
}

// AssumeURL names the fleet repository for the clusters whose folder
// declares no sync (Assumed): url when given (the renderer gives the
// fleet's Identity), else the URL the other
// clusters sync, else "local/<folder name>" of the fleet at path.
func AssumeURL(specs []*Cluster, url, path string) {
	if url == "" {
		for _, s := range specs {
			if !s.Assumed && s.RepoURL() != "" {
				url = s.RepoURL()
				break
			}
		}
	}
	if url == "" {
		abs, err := filepath.Abs(path)
		if err != nil {
			abs = path
		}
		url = "local/" + filepath.Base(abs)
	}
	for _, s := range specs {
		if s.Assumed {
			s.URL = url
		}
	}
}
