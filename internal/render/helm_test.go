// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/testutil"
)

func TestHelmMajor(t *testing.T) {
	for v, want := range map[string]int{"2.7.x": 3, "v2.7.5": 3, "2.6": 3, "2.8.x": 4, "v2.8.8": 4, "2.x": 4, "": 4, "3.0": 4, "nonsense": 4} {
		assert.Equal(t, want, helmMajor(v), v)
	}
}

func TestServedHelmRelease(t *testing.T) {
	assert.True(t, servedHelmRelease("helm.toolkit.fluxcd.io/v2", ""))
	assert.False(t, servedHelmRelease("helm.toolkit.fluxcd.io/v2beta1", "2.7.x"), "removed in Flux 2.7")
	assert.False(t, servedHelmRelease("helm.toolkit.fluxcd.io/v2beta2", ""), "the newest Flux")
	assert.True(t, servedHelmRelease("helm.toolkit.fluxcd.io/v2beta2", "v2.6.4"))
}

func TestReleaseName(t *testing.T) {
	assert.Equal(t, "set", releaseName("set", "apps", "web"))
	assert.Equal(t, "web", releaseName("", "", "web"))
	assert.Equal(t, "apps-web", releaseName("", "apps", "web"))
	long := releaseName("", "a-very-long-target-namespace-for-tests", "and-a-long-release-name")
	assert.Len(t, long, 53, "helm-controller shortens past Helm's 53 characters")
	assert.Equal(t, "a-very-long-target-namespace-for-tests-a-", long[:41])
}

func TestMergeMapsAndTargetPath(t *testing.T) {
	a := map[string]any{"image": map[string]any{"repository": "r", "tag": "1"}, "keep": true}
	b := map[string]any{"image": map[string]any{"tag": "2"}}
	assert.Equal(t, map[string]any{"image": map[string]any{"repository": "r", "tag": "2"}, "keep": true}, mergeMaps(a, b))
	assert.Equal(t, "1", a["image"].(map[string]any)["tag"], "the inputs are not modified")

	dest := map[string]any{}
	assert.NoError(t, replacePathValue(dest, "auth.password", `"123"`))
	assert.NoError(t, replacePathValue(dest, "replicas", "3"))
	assert.Equal(t, map[string]any{"auth": map[string]any{"password": "123"}, "replicas": int64(3)}, dest)
}

// helmObject returns the object of a chart in the cluster, or fails.
func helmObject(t *testing.T, c *model.Cluster, kind, ns, name string) *model.Object {
	t.Helper()
	for _, o := range c.Objects {
		if o.Kind == kind && o.Namespace == ns && o.Name == name {
			return o
		}
	}
	t.Fatalf("%s: no %s %s/%s", c.Name, kind, ns, name)
	return nil
}

func releaseOf(t *testing.T, c *model.Cluster, name string) *model.HelmRelease {
	t.Helper()
	for _, h := range c.HelmReleases {
		if h.Name == name {
			return h
		}
	}
	t.Fatalf("%s: no HelmRelease %s", c.Name, name)
	return nil
}

// TestHelmFixture renders fixtures/helm: every way a chart is found,
// helm-controller's values, release and post-rendering, the Helm major
// version of each cluster's Flux, and what is not rendered and why.
func TestHelmFixture(t *testing.T) {
	fl := renderConfig(t, testutil.Fixture(t, "helm", ".d1lint.yaml"))
	for _, name := range []string{"staging", "edge"} {
		t.Run(name, func(t *testing.T) {
			c := cluster(t, fl, name)
			major := map[string]int{"staging": 3, "edge": 4}[name]

			web := releaseOf(t, c, "web")
			assert.Equal(t, model.ChartRendered, web.Status, web.Reason)
			assert.Equal(t, major, web.Helm, "Flux 2.7 runs Helm 3, Flux 2.8 Helm 4")
			assert.Equal(t, "1.0.0", web.ChartVersion, "1.x resolves to the newest cached version")
			assert.Equal(t, "web-web", web.ReleaseName, "[<targetNamespace>-]<name>")
			assert.Equal(t, "web", web.ReleaseNamespace)
			assert.Equal(t, &model.ChartPackage{Kind: "HelmRepository", URL: "oci://ghcr.io/acme/charts", Name: "web", Version: "1.x"}, web.Package)
			assert.True(t, strings.HasPrefix(web.ChartFrom, "chart cache ") && strings.HasSuffix(web.ChartFrom, "fixtures/helm/charts: ghcr.io/acme/charts/web-1.0.0"), web.ChartFrom)

			d := helmObject(t, c, "Deployment", "web", "web-web")
			assert.Equal(t, "apps/web", d.HelmRelease)
			assert.Equal(t, "web@1.0.0", d.Chart)
			assert.Equal(t, "releases/releases.yaml", d.Location.Path, "a cached chart's objects point at their HelmRelease")
			assert.Equal(t, "flux-system/releases", d.AppliedBy)
			spec := d.Object["spec"].(map[string]any)
			assert.EqualValues(t, 3, spec["replicas"], "spec.values wins over valuesFrom")
			container := spec["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
			assert.Equal(t, "registry.acme.example/web:1.4.0", container["image"], "valuesFrom's tag, then the post-renderer's images")
			md := d.Object["metadata"].(map[string]any)
			assert.Equal(t, map[string]any{"patched": "yes"}, md["annotations"], "the post-renderer's patch")
			assert.Equal(t, map[string]any{"helm.toolkit.fluxcd.io/name": "web", "helm.toolkit.fluxcd.io/namespace": "apps", "team": "web"}, md["labels"],
				"commonMetadata and the origin labels")

			auth := helmObject(t, c, "Secret", "web", "web-web-auth")
			assert.Equal(t, map[string]any{"password": "s3cr3t"}, auth.Object["stringData"], "a quoted Secret value at its targetPath")
			facts := helmObject(t, c, "ConfigMap", "web", "web-web-facts").Object["data"].(map[string]any)
			assert.Equal(t, "web", facts["namespace"])
			assert.Equal(t, strconv.Itoa(major), facts["helmMajor"])
			assert.Equal(t, "true", facts["widgets"], "the CRD another chart ships is among the API versions")
			assert.Equal(t, "map[]", facts["existing"], "lookup finds nothing, as in a dry run")

			tool := releaseOf(t, c, "tool")
			assert.Equal(t, model.ChartRendered, tool.Status, tool.Reason)
			assert.Equal(t, &model.ChartPackage{Kind: "OCIRepository", URL: "oci://ghcr.io/acme/charts/tool", Name: "tool", Tag: "1.2.0"}, tool.Package)
			assert.Equal(t, "tool-tool", helmObject(t, c, "ConfigMap", "apps", "tool-tool").Name)

			widgets := releaseOf(t, c, "widgets")
			assert.Equal(t, model.ChartRendered, widgets.Status, widgets.Reason)
			assert.Equal(t, "github.com/acme/helm-fleet@main:local-charts/widgets", widgets.ChartFrom)
			assert.Equal(t, []string{"widgets.widgets.acme.example"}, widgets.CRDs)
			w := helmObject(t, c, "Widget", "apps", "widgets")
			assert.Equal(t, model.Location{Repo: "github.com/acme/helm-fleet", Branch: "main", Path: "local-charts/widgets/templates/widget.yaml", Line: 2}, w.Location,
				"a chart in git: the template file, at its kind")
			job := helmObject(t, c, "Job", "apps", "widgets-migrate")
			assert.Equal(t, "pre-install,pre-upgrade", job.Hook)
			for _, o := range c.Objects {
				assert.NotEqual(t, "widgets-test", o.Name, "test hooks run only on helm test")
			}

			deps := releaseOf(t, c, "needs-dep")
			assert.Equal(t, model.ChartFailed, deps.Status)
			assert.Contains(t, deps.Reason, "common")
			assert.Equal(t, model.ChartNotRendered, releaseOf(t, c, "secret-values").Status)
			ghost := releaseOf(t, c, "ghost")
			assert.Equal(t, model.ChartMissing, ghost.Status)

			kinds := map[string]string{}
			for _, p := range c.Problems {
				if p.HelmRelease != "" {
					kinds[p.HelmRelease] = p.Kind
				}
			}
			assert.Equal(t, map[string]string{"apps/needs-dep": model.ProblemChartError, "apps/secret-values": model.ProblemNotRendered, "apps/ghost": model.ProblemChartMissing}, kinds)
			assert.False(t, c.Completeness.Complete)
			assert.False(t, c.Completeness.ChartsOnly, "a chart that fails is a gap of its own")
		})
	}
}

// TestHelmFixtureDeterministic: two renders give the same model, and no
// chart renders twice for the same request.
func TestHelmFixtureDeterministic(t *testing.T) {
	a := renderConfig(t, testutil.Fixture(t, "helm", ".d1lint.yaml"))
	b := renderConfig(t, testutil.Fixture(t, "helm", ".d1lint.yaml"))
	ja, err := json.Marshal(a)
	require.NoError(t, err)
	jb, err := json.Marshal(b)
	require.NoError(t, err)
	assert.Equal(t, string(ja), string(jb))
}
