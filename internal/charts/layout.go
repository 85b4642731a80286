// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package charts

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"strconv"
	"strings"
)

// Media types of a Helm chart in an OCI registry or layout (Helm's
// pkg/registry constants, which Flux's OCIRepository layerSelector names).
const (
	chartLayerMediaType       = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
	legacyChartLayerMediaType = "application/tar+gzip"
	imageIndexMediaType       = "application/vnd.oci.image.index.v1+json"
	refNameAnnotation         = "org.opencontainers.image.ref.name"
)

// ociDescriptor is an OCI content descriptor, with the tag its
// org.opencontainers.image.ref.name annotation gives in an index.json.
type ociDescriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Annotations map[string]string `json:"annotations,omitempty"`
	tag         string
}

// layout is the manifests listed in the index.json of the OCI image
// layout at folder rel of cache folder i (nil when there is none there),
// memoised. Only index.json is read here.
func (c *Cache) layout(i int, rel string) ([]ociDescriptor, error) {
	v, err := c.memoised("layout\x00"+strconv.Itoa(i)+"\x00"+rel, func() (any, error) {
		ents, err := c.list(i, rel)
		if err != nil {
			return nil, err
		}
		var hasLayout, hasIndex bool
		for _, e := range ents {
			hasLayout = hasLayout || (e.name == "oci-layout" && !e.dir)
			hasIndex = hasIndex || (e.name == "index.json" && !e.dir)
		}
		if !hasLayout || !hasIndex {
			return []ociDescriptor(nil), nil
		}
		data, err := readLimited(c.roots[i], rel+"/index.json", maxMetaSize)
		if err != nil {
			return nil, fmt.Errorf("reading OCI layout %s in chart cache %s: %w", rel, c.dirs[i], err)
		}
		var index struct {
			Manifests []ociDescriptor `json:"manifests"`
		}
		if err := json.Unmarshal(data, &index); err != nil {
			return nil, fmt.Errorf("reading OCI layout %s in chart cache %s: index.json: %w", rel, c.dirs[i], err)
		}
		var out []ociDescriptor
		for _, d := range index.Manifests {
			if !digestRE.MatchString(d.Digest) {
				continue
			}
			d.tag = refNameTag(d.Annotations[refNameAnnotation])
			out = append(out, d)
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]ociDescriptor), nil
}

// refNameTag is the tag in an org.opencontainers.image.ref.name
// annotation. `oras copy --to-oci-layout` writes the bare tag; `crane
// pull --format=oci` writes the whole reference (ghcr.io/x/podinfo:6.14.0),
// whose tag is what follows the last ':' after the last '/'.
func refNameTag(name string) string {
	name, _, _ = strings.Cut(name, "@")
	if !strings.ContainsAny(name, "/:") {
		return name
	}
	i := strings.LastIndex(name, ":")
	if i < 0 || strings.Contains(name[i:], "/") {
		return ""
	}
	return name[i+1:]
}

// layoutChart reads the chart layer of the manifest cd.desc in the OCI
// layout cd.rel: the manifest, the layer (checked against its digest) and,
// when no tag told the version, the Helm config blob.
func (c *Cache) layoutChart(cd candidate) ([]byte, string, error) {
	if cd.desc.MediaType == imageIndexMediaType {
		return nil, "", fmt.Errorf("%s is an image index, not a Helm chart manifest", cd.desc.Digest)
	}
	raw, err := c.blob(cd, cd.desc.Digest, maxMetaSize)
	if err != nil {
		return nil, "", err
	}
	var m struct {
		MediaType string          `json:"mediaType"`
		Config    ociDescriptor   `json:"config"`
		Layers    []ociDescriptor `json:"layers"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, "", fmt.Errorf("manifest %s: %w", cd.desc.Digest, err)
	}
	var layer *ociDescriptor
	for k := range m.Layers {
		switch m.Layers[k].MediaType {
		case chartLayerMediaType, legacyChartLayerMediaType:
			if layer == nil || m.Layers[k].MediaType == chartLayerMediaType {
				layer = &m.Layers[k]
			}
		}
	}
	if layer == nil {
		return nil, "", fmt.Errorf("manifest %s has no layer of media type %s", cd.desc.Digest, chartLayerMediaType)
	}
	data, err := c.blob(cd, layer.Digest, MaxChartSize)
	if err != nil {
		return nil, "", err
	}
	version := cd.version
	if version == "" {
		// Found by digest, untagged: Helm's config blob is the chart's
		// metadata, whose version is the chart version.
		cfg, err := c.blob(cd, m.Config.Digest, maxMetaSize)
		if err != nil {
			return nil, "", err
		}
		var meta struct {
			Version string `json:"version"`
		}
		if err := json.Unmarshal(cfg, &meta); err != nil {
			return nil, "", fmt.Errorf("config %s: %w", m.Config.Digest, err)
		}
		version = meta.Version
	}
	return data, version, nil
}

// blob reads blob digest of the OCI layout cd.rel, checking its content
// against the digest.
func (c *Cache) blob(cd candidate, digest string, limit int64) ([]byte, error) {
	if !digestRE.MatchString(digest) {
		return nil, fmt.Errorf("invalid blob digest %q", digest)
	}
	alg, sum, _ := strings.Cut(digest, ":")
	data, err := readLimited(c.roots[cd.dir], cd.rel+"/blobs/"+alg+"/"+sum, limit)
	if err != nil {
		return nil, fmt.Errorf("blob %s: %w", digest, err)
	}
	if got := digestOf(alg, data); got != digest {
		return nil, fmt.Errorf("blob %s: content has digest %s", digest, got)
	}
	return data, nil
}

// digestOf is "<alg>:<hex>" of data, for sha256 or sha512.
func digestOf(alg string, data []byte) string {
	var h hash.Hash
	switch alg {
	case "sha512":
		h = sha512.New()
	default:
		h = sha256.New()
	}
	h.Write(data)
	return alg + ":" + hex.EncodeToString(h.Sum(nil))
}
