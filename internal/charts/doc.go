// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package charts says where the chart of a HelmRelease comes from when
// d1lint renders it offline, and holds the one piece of d1lint that may use
// the network to fetch charts: [Pull], behind `d1lint charts pull`.
//
// A HelmRelease names its chart in one of two ways, both described by a
// [Ref]: through a HelmRepository (spec.chart.spec: chart name, version,
// and a repository URL, https:// or oci://), or through an OCIRepository
// (spec.chartRef: the chart's own OCI repository and a tag, a semver range
// or a digest). Charts kept in git are read elsewhere.
//
// # The chart cache
//
// A chart cache is one or more folders (`--charts DIR`, `charts:` in
// .d1lint.yaml) holding packaged charts. [OpenCache] opens them and
// [Cache.Find] looks a Ref up, never touching the network. One folder can
// serve many fleets. A folder may hold, in any mix:
//
//   - Structured: <registry host>/<path>/<name>-<version>.tgz, as
//     `d1lint charts pull` writes it. The first part is the repository URL
//     without its scheme: the host lower-cased, its port kept only when it
//     is not the scheme's default and then written host_port, the path
//     cleaned and without a trailing slash. So chart podinfo 6.14.0 from the
//     OCI HelmRepository oci://ghcr.io/stefanprodan/charts is
//     ghcr.io/stefanprodan/charts/podinfo-6.14.0.tgz; the same chart from
//     the https HelmRepository https://stefanprodan.github.io/podinfo is
//     stefanprodan.github.io/podinfo/podinfo-6.14.0.tgz; and an
//     OCIRepository oci://ghcr.io/controlplaneio-fluxcd/charts/metrics-server
//     at tag 3.13.1 is ghcr.io/controlplaneio-fluxcd/charts/metrics-server-3.13.1.tgz
//     (the last URL segment is the chart name, so an OCIRepository and an
//     OCI HelmRepository for the same chart share one file).
//   - Flat: <name>-<version>.tgz at the top of the folder. This is how Helm
//     keeps its own repository cache (~/.cache/helm/repository), so that
//     folder can be given as a chart cache as it is. A flat file stands for
//     the chart from any repository: the structured layout is searched
//     first.
//   - Unpacked: a folder <name>-<version>/ holding Chart.yaml, in the
//     structured or the flat layout (what `helm pull --untar` writes, and
//     what a project keeps in review as text). It is packed in memory, with
//     fixed file times, so one folder always has one digest.
//   - OCI image layouts: <registry host>/<path>/<name>/ holding oci-layout,
//     index.json and blobs/sha256/..., as `oras copy --to-oci-layout` or
//     `crane pull --format=oci` write them. Tags are read from the
//     org.opencontainers.image.ref.name annotation in index.json (a bare
//     tag, or a full reference whose tag is taken), manifests are matched
//     by digest, and the chart is the layer of media type
//     application/vnd.cncf.helm.chart.content.v1.tar+gzip. Only index.json,
//     one manifest and the chart layer are read.
//   - Digest sidecars: next to <name>-<version>.tgz, pull writes
//     <name>-<version>.digest holding the OCI manifest digest
//     (sha256:<hex>) the chart was pulled at. An OCIRepository that pins a
//     digest is found through these sidecars (and through OCI layouts).
//
// A version in a file name is the version as published: Helm chart
// versions may carry a leading "v" (cert-manager-v1.20.2.tgz), and Helm's
// '+' for build metadata is kept (OCI tags carry it as '_'). Chart names
// contain dashes, so a file name is split with the chart name asked for as
// its prefix.
//
// # Choosing a version
//
// Find chooses as Flux's source-controller does: a version (or tag) that
// equals the one asked for character by character wins; otherwise the
// version is a semver range (github.com/Masterminds/semver/v3, the library
// Flux uses; "" and "*" mean the newest stable version) and the newest
// cached version in range wins, pre-releases only when the range admits
// them. Versions are compared across all cache folders; between equal
// versions the first folder wins, and in a folder the structured layout
// beats an OCI layout, which beats the flat layout. An OCIRepository's
// spec.ref follows Flux's precedence: digest, then semver (with the
// optional semverFilter applied to the tags first), then tag, and "latest"
// when none is set.
//
// A cache is read through [os.Root]: a symlink or ".." that leads out of a
// cache folder is never followed, and a chart larger than 50 MiB is
// refused. Folder listings are read once per Cache and kept, so that a
// thousand clusters asking for one chart list its folder once; a Cache is
// safe for concurrent use and sees the folders as they were when first
// listed.
//
// # Pull
//
// [Pull] fills a cache folder for a list of Refs, as `d1lint charts pull`
// does, and is the only code in d1lint that talks to chart repositories.
// https repositories are read through their index.yaml (credentials from
// Helm's repositories.yaml), OCI registries through the Helm SDK's
// registry client (credentials from Helm's registry config, falling back to
// Docker's). A chart already cached at the version resolved is not fetched
// again: delete its file to refresh it.
package charts
