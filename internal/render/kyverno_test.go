// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"fmt"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/d1lint/d1lint/internal/model"
)

func fromYAML(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(s), &m))
	return m
}

func namespace(name string, labels, annotations map[string]any) *model.Object {
	md := map[string]any{"name": name}
	if labels != nil {
		md["labels"] = labels
	}
	if annotations != nil {
		md["annotations"] = annotations
	}
	return &model.Object{ObjectID: model.ObjectID{APIVersion: "v1", Kind: "Namespace", Name: name},
		Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": md}}
}

// TestMatchesNamespace: which Namespaces trigger a generate rule, as
// Kyverno's match and exclude blocks select them.
func TestMatchesNamespace(t *testing.T) {
	tenant := map[string]any{"toolkit.fluxcd.io/tenant": "apps", "team": "blue"}
	other := map[string]any{"toolkit.fluxcd.io/tenant": "infra"}
	nss := []*model.Object{
		namespace("blog", tenant, map[string]any{"owner": "web-team"}),
		namespace("infra-x", other, nil),
		namespace("plain", nil, nil),
		namespace("flux-system", nil, nil),
	}
	for _, tc := range []struct {
		name, rule string
		want       []string
	}{
		{"kinds only", `
match: {any: [{resources: {kinds: [Namespace]}}]}`, []string{"blog", "infra-x", "plain", "flux-system"}},
		{"version/kind", `
match: {any: [{resources: {kinds: [v1/Namespace]}}]}`, []string{"blog", "infra-x", "plain", "flux-system"}},
		{"another kind", `
match: {any: [{resources: {kinds: [ConfigMap]}}]}`, nil},
		{"a wildcard kind: Kyverno refuses it in a generate rule", `
match: {any: [{resources: {kinds: ["*/Namespace"]}}]}`, nil},
		{"no kinds", `
match: {any: [{resources: {names: [blog]}}]}`, nil},
		{"matchLabels", `
match: {any: [{resources: {kinds: [Namespace], selector: {matchLabels: {toolkit.fluxcd.io/tenant: apps}}}}]}`, []string{"blog"}},
		{"matchExpressions In", `
match: {any: [{resources: {kinds: [Namespace], selector: {matchExpressions: [{key: toolkit.fluxcd.io/tenant, operator: In, values: [apps, infra]}]}}}]}`,
			[]string{"blog", "infra-x"}},
		{"matchExpressions NotIn", `
match: {any: [{resources: {kinds: [Namespace], selector: {matchExpressions: [{key: toolkit.fluxcd.io/tenant, operator: NotIn, values: [apps]}]}}}]}`,
			[]string{"infra-x", "plain", "flux-system"}},
		{"matchExpressions Exists", `
match: {any: [{resources: {kinds: [Namespace], selector: {matchExpressions: [{key: team, operator: Exists}]}}}]}`, []string{"blog"}},
		{"matchExpressions DoesNotExist", `
match: {any: [{resources: {kinds: [Namespace], selector: {matchExpressions: [{key: toolkit.fluxcd.io/tenant, operator: DoesNotExist}]}}}]}`,
			[]string{"plain", "flux-system"}},
		{"matchLabels and matchExpressions together", `
match: {any: [{resources: {kinds: [Namespace], selector: {matchLabels: {team: blue}, matchExpressions: [{key: toolkit.fluxcd.io/tenant, operator: In, values: [infra]}]}}}]}`,
			nil},
		{"the name label the API server sets", `
match: {any: [{resources: {kinds: [Namespace], selector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [flux-system, plain]}]}}}]}`,
			[]string{"blog", "infra-x"}},
		{"an unknown operator: an invalid selector matches nothing", `
match: {any: [{resources: {kinds: [Namespace], selector: {matchExpressions: [{key: team, operator: Equals, values: [blue]}]}}}]}`, nil},
		{"In without values: invalid", `
match: {any: [{resources: {kinds: [Namespace], selector: {matchExpressions: [{key: team, operator: In}]}}}]}`, nil},
		{"an invalid label key: invalid", `
match: {any: [{resources: {kinds: [Namespace], selector: {matchLabels: {"bad key": x}}}}]}`, nil},
		{"a selector of the wrong type: invalid", `
match: {any: [{resources: {kinds: [Namespace], selector: [team]}}]}`, nil},
		{"an empty selector selects every Namespace", `
match: {any: [{resources: {kinds: [Namespace], selector: {}}}]}`, []string{"blog", "infra-x", "plain", "flux-system"}},
		{"wildcards in matchLabels keys and values", `
match: {any: [{resources: {kinds: [Namespace], selector: {matchLabels: {"toolkit.fluxcd.io/*": "inf?a"}}}}]}`, []string{"infra-x"}},
		{"a wildcard value that no label matches", `
match: {any: [{resources: {kinds: [Namespace], selector: {matchLabels: {team: "gr*"}}}}]}`, nil},
		{"namespaceSelector is not evaluated for a Namespace", `
match: {any: [{resources: {kinds: [Namespace], namespaceSelector: {matchLabels: {team: red}}}}]}`, []string{"blog", "infra-x", "plain", "flux-system"}},
		{"names with wildcards", `
match: {any: [{resources: {kinds: [Namespace], names: ["infra-*", "pla?n"]}}]}`, []string{"infra-x", "plain"}},
		{"namespaces: the Namespace's own name", `
match: {any: [{resources: {kinds: [Namespace], namespaces: ["b*"]}}]}`, []string{"blog"}},
		{"annotations", `
match: {any: [{resources: {kinds: [Namespace], annotations: {owner: "*-team"}}}]}`, []string{"blog"}},
		{"any: one filter is enough", `
match: {any: [{resources: {kinds: [Namespace], names: [plain]}}, {resources: {kinds: [Namespace], selector: {matchLabels: {team: blue}}}}]}`,
			[]string{"blog", "plain"}},
		{"all: every filter", `
match: {all: [{resources: {kinds: [Namespace], names: ["*"]}}, {resources: {kinds: [Namespace], selector: {matchLabels: {team: blue}}}}]}`,
			[]string{"blog"}},
		{"deprecated resources directly under match", `
match: {resources: {kinds: [Namespace], selector: {matchExpressions: [{key: team, operator: Exists}]}}}`, []string{"blog"}},
		{"exclude any by name", `
match: {any: [{resources: {kinds: [Namespace]}}]}
exclude: {any: [{resources: {names: [flux-system]}}]}`, []string{"blog", "infra-x", "plain"}},
		{"exclude by matchExpressions", `
match: {any: [{resources: {kinds: [Namespace]}}]}
exclude: {any: [{resources: {kinds: [Namespace], selector: {matchExpressions: [{key: toolkit.fluxcd.io/tenant, operator: Exists}]}}}]}`,
			[]string{"plain", "flux-system"}},
		{"exclude all: only what every filter selects", `
match: {any: [{resources: {kinds: [Namespace]}}]}
exclude: {all: [{resources: {names: ["*x*"]}}, {resources: {selector: {matchLabels: {toolkit.fluxcd.io/tenant: infra}}}}]}`,
			[]string{"blog", "plain", "flux-system"}},
		{"an invalid exclude selector excludes nothing", `
match: {any: [{resources: {kinds: [Namespace]}}]}
exclude: {any: [{resources: {selector: {matchExpressions: [{key: team, operator: Bogus}]}}}]}`,
			[]string{"blog", "infra-x", "plain", "flux-system"}},
		{"an exclude filter on the requester excludes nothing without a request", `
match: {any: [{resources: {kinds: [Namespace]}}]}
exclude: {any: [{subjects: [{kind: ServiceAccount, name: kustomize-controller, namespace: flux-system}]}]}`,
			[]string{"blog", "infra-x", "plain", "flux-system"}},
		{"no match block", `
exclude: {any: [{resources: {names: [blog]}}]}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rule := fromYAML(t, tc.rule)
			var got []string
			for _, ns := range nss {
				if matchesNamespace(rule, ns) {
					got = append(got, ns.Name)
				}
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestKyvernoCloneListSelector: a cloneList copies the sources its selector
// selects, with matchExpressions; none for a selector Kyverno or the API
// server would refuse; all without a selector. A namespaced Policy never
// reacts to a Namespace.
func TestKyvernoCloneListSelector(t *testing.T) {
	secret := func(name string, labels map[string]any) *stored {
		return &stored{from: fromRender, obj: map[string]any{"apiVersion": "v1", "kind": "Secret",
			"metadata": map[string]any{"name": name, "namespace": "flux-system", "labels": labels}}}
	}
	sources := []*stored{
		secret("apps-git", map[string]any{"toolkit.fluxcd.io/tenant": "apps"}),
		secret("infra-git", map[string]any{"toolkit.fluxcd.io/tenant": "infra"}),
		secret("unlabelled", nil),
	}
	list := func(kind, ns string) []*stored {
		if kind == "Secret" && ns == "flux-system" {
			return sources
		}
		return nil
	}
	lookup := func(kind, ns, name string) *stored {
		if kind == "Secret" && ns == "flux-system" {
			for _, s := range sources {
				if s.name() == name {
					return s
				}
			}
		}
		return nil
	}
	const policy = `apiVersion: kyverno.io/v1
kind: %s
metadata: {name: p, namespace: %s}
spec:
  rules:
    - name: r
      match: {any: [{resources: {kinds: [Namespace], names: [blog]}}]}
      generate:
        namespace: "{{request.object.metadata.name}}"
        cloneList:
          namespace: flux-system
          kinds: [v1/Secret]
%s`
	for _, tc := range []struct {
		name, kind, selector string
		want                 []string
	}{
		{"matchLabels", "ClusterPolicy", "          selector: {matchLabels: {toolkit.fluxcd.io/tenant: apps}}", []string{"apps-git"}},
		{"In", "ClusterPolicy", "          selector: {matchExpressions: [{key: toolkit.fluxcd.io/tenant, operator: In, values: [apps, infra]}]}",
			[]string{"apps-git", "infra-git"}},
		{"NotIn", "ClusterPolicy", "          selector: {matchExpressions: [{key: toolkit.fluxcd.io/tenant, operator: NotIn, values: [apps]}]}",
			[]string{"infra-git", "unlabelled"}},
		{"Exists", "ClusterPolicy", "          selector: {matchExpressions: [{key: toolkit.fluxcd.io/tenant, operator: Exists}]}",
			[]string{"apps-git", "infra-git"}},
		{"DoesNotExist", "ClusterPolicy", "          selector: {matchExpressions: [{key: toolkit.fluxcd.io/tenant, operator: DoesNotExist}]}",
			[]string{"unlabelled"}},
		{"no selector: every source", "ClusterPolicy", "", []string{"apps-git", "infra-git", "unlabelled"}},
		{"an invalid selector: none", "ClusterPolicy", "          selector: {matchExpressions: [{key: toolkit.fluxcd.io/tenant, operator: Exists, values: [apps]}]}", nil},
		{"a wildcard, which Kyverno refuses in a cloneList selector: none", "ClusterPolicy",
			"          selector: {matchLabels: {toolkit.fluxcd.io/tenant: \"ap*\"}}", nil},
		{"a namespaced Policy: no Namespace is in its namespace", "Policy", "          selector: {matchLabels: {toolkit.fluxcd.io/tenant: apps}}", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ns := "\"\""
			if tc.kind == "Policy" {
				ns = "flux-system"
			}
			p := fromYAML(t, fmt.Sprintf(policy, tc.kind, ns, tc.selector))
			objs := []*model.Object{
				namespace("blog", nil, nil), namespace("shop", nil, nil),
				{ObjectID: model.ObjectID{APIVersion: "kyverno.io/v1", Kind: tc.kind, Name: "p"}, Object: p},
			}
			var got []string
			for _, o := range kyvernoClones(objs, lookup, list) {
				assert.Equal(t, "blog", o.Namespace, "only the Namespace the rule matches")
				got = append(got, o.Name)
			}
			sort.Strings(got)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestWildcardMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, name string
		want          bool
	}{
		{"*", "", true},
		{"*", "anything", true},
		{"", "", true},
		{"", "a", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"prod-*", "prod-eu", true},
		{"prod-*", "staging", false},
		{"*-system", "flux-system", true},
		{"*a*b", "xaayb", true},
		{"*a*b", "xaaybc", false},
		{"a**b", "ab", true},
		{"é?", "éa", true},
	} {
		assert.Equal(t, tc.want, wildcardMatch(tc.pattern, tc.name), "%q %q", tc.pattern, tc.name)
	}
}
