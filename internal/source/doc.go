// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package source maps Git URLs to local checkouts and materialises a source
// revision as a safe on-disk snapshot, the way Flux's source-controller turns
// a GitRepository into an artifact, but offline.
//
// A [Resolver] holds the URL-to-path [Mapping]s given on the command line.
// [Resolver.Resolve] picks, for a GitRepository URL and [Ref], either the
// working tree of a mapped checkout (uncommitted changes included), a
// revision read straight from the objects in its .git directory (nothing is
// checked out and the git binary is never run), or a plain folder standing
// for any ref. The chosen files are copied into a private temporary
// directory as regular files only: symlinks are dropped as Flux drops them,
// Flux's ignore rules (.sourceignore, spec.ignore and the default
// exclusions) are applied, and hazardous files (oversized files, YAML alias
// bombs) are refused and reported in [Snapshot.Problems] instead of being
// written. Nothing in this package touches the network.
//
// A mapped bare repository (git clone --bare, a mirror) has no working
// tree: every ref is read from its objects.
//
// A Resolver writes its snapshots into a folder of its own, made with the
// first snapshot and locked (flock) until Close removes it. The kernel
// drops the lock of a run that dies without closing (SIGKILL, a crash), and
// the next Resolver to write into the same temporary folder removes such
// unlocked folders first; a live run's folder is never touched.
//
// A Flux source is resolved by its kind through a [Kind], looked up in a
// [Kinds] set by the name a sourceRef gives. [GitKind] is the GitRepository
// kind: it reads spec.ref as source-controller does and resolves through a
// Resolver. [OCIKind] is the OCIRepository kind: offline, an OCI artifact is
// the folder of a git repository CI pushed it from, at the revision its tag
// was built from; [Artifacts] maps one to the other with rules from the
// configuration, from CI workflows ([WorkflowRules]) and d2's conventions
// ([DefaultRules]), and the snapshot's Dir is that folder (Prefix).
//
// [Remotes] reads the remotes of a checkout from its git configuration (with
// go-git), so that the fleet checkout can say which repository it is.
//
// A URL no mapping names is read from a [Sibling], a git checkout found
// beside the fleet ([FindSiblings]) whose remote is the URL, or that is
// named like the repository with no remote naming another
// ([MatchSiblings]). The Resolver looks a URL up among its siblings when a
// source first asks for it, so that a sibling no cluster reads is never
// read beyond its git configuration.
package source
