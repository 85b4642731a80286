// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules

import (
	"context"
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
)

// conftestPolicies are conftest policies as teams write them for
// `conftest test --combine`.
var conftestPolicies = fstest.MapFS{
	// Rego v0, conftest's syntax before OPA 1.0.
	"limits.rego": {Data: []byte(`package main

deny[msg] {
	doc := input[_]
	doc.contents.kind == "Deployment"
	c := doc.contents.spec.template.spec.containers[_]
	not c.resources.limits
	msg := sprintf("%s has no limits", [doc.contents.metadata.name])
}
`)},
	"latest.rego": {Data: []byte(`package main

import rego.v1

# METADATA
# title: Pinned images
# custom:
#   id: ACME-7
warn_latest contains {"msg": msg, "details": {"image": c.image}} if {
	some doc in input
	some c in doc.contents.spec.template.spec.containers
	endswith(c.image, ":latest")
	msg := sprintf("%s runs a latest image", [doc.contents.metadata.name])
}
`)},
	// Only the combination gives it: two Services on the same port name.
	"combined.rego": {Data: []byte(`package main

import rego.v1

violation contains msg if {
	some i, j
	input[i].contents.kind == "Service"
	input[j].contents.kind == "Service"
	i < j
	input[i].contents.metadata.name == input[j].contents.metadata.name
	msg := sprintf("two Services named %s", [input[i].contents.metadata.name])
}
`)},
	"other/k8s.rego": {Data: []byte(`package k8s

import rego.v1

deny contains "k8s namespace ran" if count(input) > 0
`)},
	"lib/helper.rego": {Data: []byte(`package lib

import rego.v1

ignored := true
`)},
}

func conftestCluster() *model.Cluster {
	obj := func(kind, ns, name, path string, line int, body map[string]any) *model.Object {
		o := map[string]any{"apiVersion": "v1", "kind": kind, "metadata": map[string]any{"name": name, "namespace": ns}}
		for k, v := range body {
			o[k] = v
		}
		return &model.Object{ObjectID: model.ObjectID{APIVersion: "v1", Kind: kind, Namespace: ns, Name: name},
			Location: model.Location{Repo: "github.com/acme/apps", Branch: "main", Commit: "abc", Path: path, Line: line},
			Chain:    []string{"flux-system/flux-system", "flux-system/apps"}, AppliedBy: "flux-system/apps", Object: o}
	}
	containers := func(image string, limits bool) map[string]any {
		c := map[string]any{"name": "app", "image": image}
		if limits {
			c["resources"] = map[string]any{"limits": map[string]any{"cpu": "1"}}
		}
		return map[string]any{"spec": map[string]any{"template": map[string]any{"spec": map[string]any{"containers": []any{c}}}}}
	}
	skipped := obj("Deployment", "shop", "disabled", "apps/disabled.yaml", 1, containers("nginx:latest", false))
	skipped.NotApplied = "annotation kustomize.toolkit.fluxcd.io/reconcile: disabled"
	return &model.Cluster{Name: "staging", Path: "clusters/staging",
		Discovery: &model.Discovery{How: model.FoundInstance, Location: &model.Location{Repo: "github.com/acme/fleet", Branch: "main", Path: "clusters/staging/flux-system/flux-instance.yaml", Line: 1}},
		Objects: []*model.Object{
			obj("Deployment", "shop", "web", "apps/web.yaml", 3, containers("nginx:latest", false)),
			obj("Deployment", "shop", "api", "apps/api.yaml", 1, containers("api:1.0", true)),
			obj("Service", "shop", "web", "apps/web.yaml", 30, nil),
			obj("Service", "blog", "web", "apps/blog.yaml", 1, nil),
			skipped,
		}}
}

func evalConftestFixture(t *testing.T, opts ConftestOptions) []finding.Finding {
	t.Helper()
	c, err := LoadWithPolicies(map[string]fs.FS{"team": conftestPolicies}, map[string]ConftestOptions{"team": opts})
	require.NoError(t, err)
	fs, err := c.Evaluate(context.Background(), &model.Fleet{Version: model.Version, Clusters: []*model.Cluster{conftestCluster()}}, DefaultSettings())
	require.NoError(t, err)
	var out []finding.Finding
	for _, f := range fs {
		if f.Category == CustomCategory {
			out = append(out, f)
		}
	}
	return out
}

func TestConftestPolicies(t *testing.T) {
	got := evalConftestFixture(t, ConftestOptions{})
	byRule := map[string][]finding.Finding{}
	for _, f := range got {
		byRule[f.Rule] = append(byRule[f.Rule], f)
	}
	require.Len(t, byRule["conftest/main"], 2, "%v", got)

	var limits, combined finding.Finding
	for _, f := range byRule["conftest/main"] {
		if f.Severity == finding.Error && f.Object != nil {
			limits = f
		} else {
			combined = f
		}
	}
	assert.Equal(t, "web has no limits", limits.Message, "the v0 policy runs unchanged")
	assert.Equal(t, &finding.Object{APIVersion: "v1", Kind: "Deployment", Namespace: "shop", Name: "web"}, limits.Object)
	assert.Equal(t, model.Location{Repo: "github.com/acme/apps", Branch: "main", Path: "apps/web.yaml", Line: 3}, limits.Location,
		"located at the object's file and line")
	assert.Equal(t, []string{"flux-system/flux-system", "flux-system/apps"}, limits.Chain)
	assert.Equal(t, "main", limits.Title)

	assert.Equal(t, finding.Error, combined.Severity, "violation is an error")
	assert.Nil(t, combined.Object)
	assert.Equal(t, "two Services named web (from the cluster's objects combined; no single object gives it)", combined.Message)
	assert.Equal(t, "clusters/staging/flux-system/flux-instance.yaml", combined.Location.Path, "at the cluster's root")

	require.Len(t, byRule["ACME-7"], 1, "the METADATA id; the disabled Deployment is not applied, so not in the input")
	latest := byRule["ACME-7"][0]
	assert.Equal(t, finding.Warning, latest.Severity, "warn is a warning")
	assert.Equal(t, "Pinned images", latest.Title)
	assert.Equal(t, "web runs a latest image", latest.Message, "the msg of an object result")
	assert.Equal(t, "apps/web.yaml", latest.Location.Path)
	assert.NotEmpty(t, latest.Fingerprint)

	assert.Empty(t, byRule["conftest/k8s"], "only package main runs by default, as in conftest")
}

func TestConftestNamespaces(t *testing.T) {
	got := evalConftestFixture(t, ConftestOptions{Namespaces: []string{"k8s"}})
	require.Len(t, got, 1)
	assert.Equal(t, "conftest/k8s", got[0].Rule)
	assert.Equal(t, "k8s namespace ran (about the cluster: every object alone gives it)", got[0].Message,
		"a message every object gives alone is about none of them")
	assert.Nil(t, got[0].Object)
	assert.Equal(t, "clusters/staging/flux-system/flux-instance.yaml", got[0].Location.Path)

	all := evalConftestFixture(t, ConftestOptions{Namespaces: []string{"*"}})
	rules := map[string]bool{}
	for _, f := range all {
		rules[f.Rule] = true
	}
	assert.Equal(t, map[string]bool{"conftest/main": true, "ACME-7": true, "conftest/k8s": true}, rules)
}

func TestConftestRefusesD1lintNamespace(t *testing.T) {
	_, err := LoadWithPolicies(map[string]fs.FS{"team": fstest.MapFS{"x.rego": {Data: []byte("package d1lint.x\n\ndeny[msg] { msg := \"x\" }\n")}}},
		map[string]ConftestOptions{"team": {}})
	require.ErrorIs(t, err, ErrPolicy)
	assert.Contains(t, err.Error(), "d1lint's namespace")

	_, err = LoadWithPolicies(map[string]fs.FS{"team": fstest.MapFS{"x.rego": {Data: []byte("package main\n\ndeny[msg] {\n")}}},
		map[string]ConftestOptions{"team": {}})
	require.ErrorIs(t, err, ErrPolicy)
	assert.Contains(t, err.Error(), "x.rego")
}
