// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package schema

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/Masterminds/semver/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

type sourceEntry struct {
	Name    string   `yaml:"name" json:"name"`
	Kind    string   `yaml:"kind" json:"kind"`
	Module  string   `yaml:"module" json:"module"`
	Version string   `yaml:"version" json:"version"`
	Paths   []string `yaml:"paths" json:"paths"`
	Minimum string   `yaml:"minimum" json:"minimum"`
}

// TestProvenance checks that the bundle was generated from the list of
// sources as it stands (rerun go generate ./internal/schema after editing
// sources.yaml), and that provenance.json describes the bundle embedded.
func TestProvenance(t *testing.T) {
	raw, err := os.ReadFile("sources.yaml")
	require.NoError(t, err)
	var list struct {
		Sources []sourceEntry `yaml:"sources"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &list))
	var prov struct {
		Sources []struct {
			sourceEntry
			Sum      string   `json:"sum"`
			Files    []string `json:"files"`
			Releases []string `json:"releases"`
		} `json:"sources"`
		Bundle struct{ SHA256 string } `json:"bundle"`
	}
	require.NoError(t, json.Unmarshal(ProvenanceJSON, &prov))
	require.Len(t, prov.Sources, len(list.Sources))
	for i, s := range list.Sources {
		p := prov.Sources[i]
		assert.Equal(t, s, p.sourceEntry, "source %d", i)
		assert.True(t, strings.HasPrefix(p.Sum, "h1:"), "%s: module checksum recorded", s.Name)
		assert.NotEmpty(t, p.Files, s.Name)
	}
	sum := sha256.Sum256(bundleZip)
	assert.Equal(t, hex.EncodeToString(sum[:]), prov.Bundle.SHA256, "provenance.json describes the embedded schemas.zip")

	// The index agrees: every Kubernetes source is a bundled release, and
	// every Flux minor from 2.5 on is there with its newest patch.
	b, err := Bundled()
	require.NoError(t, err)
	var kube []string
	for _, s := range list.Sources {
		if s.Kind == "kubernetes" {
			kube = append(kube, strings.TrimPrefix(s.Version, "v"))
		}
	}
	assert.Equal(t, kube, b.KubeVersions())
	minors := map[string]bool{}
	for _, v := range b.FluxVersions() {
		sv, err := semver.NewVersion(v)
		require.NoError(t, err)
		minors[sv.Original()[:strings.LastIndex(sv.Original(), ".")]] = true
	}
	for _, m := range []string{"2.5", "2.6", "2.7", "2.8", "2.9"} {
		assert.True(t, minors[m], "Flux %s is bundled", m)
	}
}

// TestBundleCompiles compiles every bundled schema: each Kubernetes kind of
// each release and each version of each CRD.
func TestBundleCompiles(t *testing.T) {
	b, err := Bundled()
	require.NoError(t, err)
	for _, k := range b.index.Kubernetes {
		v, err := New(Options{KubeVersion: k.Version})
		require.NoError(t, err)
		for _, kind := range k.Kinds {
			_, err := v.kubeSchema(kind)
			assert.NoError(t, err, "kubernetes %s %s/%s", k.Version, kind.APIVersion(), kind.Kind)
		}
		if k.Version != b.index.Kubernetes[0].Version {
			continue
		}
		for _, s := range b.index.Sets {
			for _, c := range s.CRDs {
				for _, cv := range c.Versions {
					if cv.Schema == "" {
						continue
					}
					_, err := v.crdSchema(cv.Schema)
					assert.NoError(t, err, "%s %s: %s %s/%s", s.Name, s.Version, c.Kind, c.Group, cv.Name)
				}
			}
		}
	}
}

func TestEntries(t *testing.T) {
	b, err := Bundled()
	require.NoError(t, err)
	var hr []Entry
	for _, e := range b.Entries() {
		if e.Kind == "HelmRelease" {
			hr = append(hr, e)
		}
		assert.NotEmpty(t, e.Versions)
		assert.NotEmpty(t, e.Releases)
		assert.NotEmpty(t, e.Module)
	}
	require.NotEmpty(t, hr)
	assert.Equal(t, "helm.toolkit.fluxcd.io", hr[0].Group)
	assert.Equal(t, "flux", hr[0].Source)
	var all []string
	for _, e := range hr {
		all = append(all, strings.Join(e.Versions, ","))
	}
	assert.Contains(t, all, "v2,v2beta2 (deprecated)", "Flux 2.7's HelmRelease versions")
}
