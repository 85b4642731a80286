// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package audit

import (
	"fmt"

	"github.com/d1lint/d1lint/internal/diff"
	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/report"
)

// synthetic is the audit of a fleet shaped like cmd/synth-fleet's: n
// clusters, every other one production, each with a root, an infra and an
// apps tenant, 8 components (controllers, and configs that depend on them)
// and 20 apps with a HelmRelease each; a finding every production cluster
// shares, one in each cluster's own folder, and on every tenth cluster one
// more that flags a node of its graph; and a promotion drift that is the
// same on every production cluster.
func synthetic(n int) *Data {
	const apps, components = 20, 8
	loc := func(repo, branch, path string, line int) model.Location {
		return model.Location{Repo: "github.com/synth/" + repo, Branch: branch, Commit: "438c55aef910826e8ab4f099c6f7ed882bc68ba5", Path: path, Line: line}
	}
	ptr := func(l model.Location) *model.Location { return &l }
	fl := &model.Fleet{Version: model.Version}
	var fs []finding.Finding
	for i := 1; i <= n; i++ {
		env, branch := "staging", "main"
		if i%2 == 0 {
			env, branch = "production", "production"
		}
		name := fmt.Sprintf("%s-%03d", map[string]string{"staging": "staging", "production": "prod"}[env], i)
		folder := "clusters/" + name
		c := &model.Cluster{Name: name, Era: "operator", Environment: env, Path: folder, Root: "flux-system/flux-system",
			Flux: model.Flux{Version: "2.7.x", Multitenant: true}}
		add := func(k *model.Kustomization) { c.Kustomizations = append(c.Kustomizations, k) }
		add(&model.Kustomization{Key: "flux-system/flux-system", Path: folder, Status: model.StatusRendered, Objects: 4,
			Revision: ptr(loc("d1-fleet", "main", folder, 0)), Location: ptr(loc("d1-fleet", "main", folder+"/flux-system/flux-instance.yaml", 1))})
		for _, tenant := range []string{"infra", "apps"} {
			add(&model.Kustomization{Key: "flux-system/flux-" + tenant + "-tenant", Parent: "flux-system/flux-system", Path: "./tenants/" + tenant,
				Status: model.StatusRendered, Objects: 19, Revision: ptr(loc("d1-fleet", "main", "tenants/"+tenant, 0)),
				Location: ptr(loc("d1-fleet", "main", folder+"/"+tenant+"-tenant.yaml", 1))})
		}
		c.Sources = append(c.Sources, &model.Source{Key: "GitRepository/flux-system/flux-system", Kind: "GitRepository", Namespace: "flux-system", Name: "flux-system",
			URL: "https://github.com/synth/d1-fleet.git", Ref: map[string]string{"branch": "main"}, Resolved: true, Mode: "git", Branch: "main",
			Commit: "4e596e97da30aaaaaaaaaaaaaaaaaaaaaaaaaaaa", Note: "refs/heads/main at 4e596e9 in ."})
		c.Sources = append(c.Sources, &model.Source{Key: "GitRepository/flux-system/flux-infra", Kind: "GitRepository", Namespace: "flux-system", Name: "flux-infra",
			URL: "https://github.com/synth/d1-infra.git", Ref: map[string]string{"branch": branch}, Resolved: true, Mode: "git", Branch: branch,
			Commit: "9f2c1e0b7a66bbbbbbbbbbbbbbbbbbbbbbbbbbbb", Note: "refs/heads/" + branch + " at 9f2c1e0 in ../d1-infra",
			Location: ptr(loc("d1-fleet", "main", "tenants/infra/source.yaml", 1))})
		for j := 1; j <= components; j++ {
			for _, part := range []string{"controllers", "configs"} {
				k := &model.Kustomization{Key: fmt.Sprintf("flux-system/comp-%02d-%s", j, part), Parent: "flux-system/flux-infra-tenant",
					Path: fmt.Sprintf("components/comp-%02d/%s/%s", j, part, env), Status: model.StatusRendered, Objects: 5,
					Revision: ptr(loc("d1-infra", branch, "", 0)), Location: ptr(loc("d1-fleet", "main", "tenants/infra/components.yaml", 4*j))}
				if part == "configs" {
					k.DependsOn = []model.Ref{{Kind: "Kustomization", Namespace: "flux-system", Name: fmt.Sprintf("comp-%02d-controllers", j)}}
				}
				add(k)
			}
		}
		for j := 1; j <= apps; j++ {
			ns := fmt.Sprintf("app-%02d", j)
			add(&model.Kustomization{Key: ns + "/flux-" + ns, Parent: "flux-system/flux-apps-tenant", Path: "./components/" + ns + "/" + env,
				Status: model.StatusRendered, Objects: 2, Revision: ptr(loc("d1-apps", branch, "", 0)),
				Location:  ptr(loc("d1-fleet", "main", "tenants/apps/"+ns+".yaml", 1)),
				DependsOn: []model.Ref{{Kind: "Kustomization", Namespace: "flux-system", Name: "flux-infra-tenant"}}})
			c.Sources = append(c.Sources, &model.Source{Key: "GitRepository/" + ns + "/flux-apps", Kind: "GitRepository", Namespace: ns, Name: "flux-apps",
				URL: "https://github.com/synth/d1-apps.git", Ref: map[string]string{"branch": branch}, Resolved: true, Mode: "git", Branch: branch,
				Commit: "438c55aef910826e8ab4f099c6f7ed882bc68ba5", Note: "refs/heads/" + branch + " at 438c55a in ../d1-apps",
				Location: ptr(loc("d1-fleet", "main", "tenants/apps/"+ns+".yaml", 10))})
			c.HelmReleases = append(c.HelmReleases, &model.HelmRelease{ObjectID: model.ObjectID{APIVersion: "helm.toolkit.fluxcd.io/v2", Kind: "HelmRelease", Namespace: ns, Name: "web"},
				Chart: "web", Version: fmt.Sprintf("2.3.%d", j%4), Source: "HelmRepository/" + ns + "/charts", AppliedBy: ns + "/flux-" + ns,
				Location: loc("d1-apps", branch, "components/"+ns+"/base/release.yaml", 1)})
		}
		for range 366 {
			c.Objects = append(c.Objects, &model.Object{})
		}
		fl.Clusters = append(fl.Clusters, c)

		if env == "production" {
			fs = append(fs, finding.Finding{Rule: "D1-0201", Title: "Production reads the main branch", Category: "branch-mapping", Severity: finding.Warning,
				Cluster: name, Location: loc("d1-fleet", "main", "tenants/infra/source.yaml", 1), Chain: []string{"flux-system/flux-system", "flux-system/flux-infra-tenant"},
				Object:  &finding.Object{APIVersion: "source.toolkit.fluxcd.io/v1", Kind: "GitRepository", Namespace: "flux-system", Name: "flux-infra"},
				Message: "GitRepository flux-system/flux-infra of a production cluster follows branch main: promote through the production branch"})
		}
		fs = append(fs, finding.Finding{Rule: "D1-0401", Title: "Variable is not defined for this cluster", Category: "substitution", Severity: finding.Error,
			Cluster: name, Location: loc("d1-fleet", "main", folder+"/flux-system/runtime-info.yaml", 3), Field: "data.CLUSTER_DOMAIN",
			Object:  &finding.Object{APIVersion: "v1", Kind: "ConfigMap", Namespace: "flux-system", Name: "runtime-info"},
			Message: fmt.Sprintf("ConfigMap flux-system/runtime-info of %s: ${CLUSTER_DOMAIN} is undefined", name)})
		if i%10 == 0 {
			fs = append(fs, finding.Finding{Rule: "D1-0301", Title: "dependsOn names no Kustomization", Category: "dependency-ordering", Severity: finding.Error,
				Cluster: name, Chain: []string{"flux-system/flux-system", "flux-system/flux-apps-tenant", "app-03/flux-app-03"},
				Object:  &finding.Object{APIVersion: "kustomize.toolkit.fluxcd.io/v1", Kind: "Kustomization", Namespace: "app-03", Name: "flux-app-03"},
				Message: "Kustomization app-03/flux-app-03 depends on flux-system/flux-infra-tenant, which is not ready before it"})
		}
	}
	for i := range fs {
		fs[i].SetFingerprint()
	}
	finding.Sort(fs)
	r := report.New(fl, fs)
	r.Repository, r.ToolVersion = "github.com/synth/d1-fleet", "v0.0.0-synthetic"

	var promo []diff.Cluster
	for _, c := range fl.Clusters {
		if c.Environment != "production" {
			continue
		}
		dc := diff.Cluster{Name: c.Name}
		for j := 1; j <= apps; j++ {
			ns := fmt.Sprintf("app-%02d", j)
			for _, kind := range []string{"Deployment", "Service"} {
				dc.Changes = append(dc.Changes, diff.Change{Kind: diff.Modified, Object: model.ObjectID{APIVersion: "apps/v1", Kind: kind, Namespace: ns, Name: "web"},
					Location: loc("d1-apps", "production", "components/"+ns+"/base/release.yaml", 1), AppliedBy: ns + "/flux-" + ns,
					Fields: []diff.FieldChange{{Op: diff.FieldChanged, Field: "spec.replicas"}, {Op: diff.FieldChanged, Field: "spec.template.spec.containers[0].image"}}})
			}
			dc.Charts = append(dc.Charts, diff.ChartChange{Release: model.ObjectID{Kind: "HelmRelease", Namespace: ns, Name: "web"}, Chart: "web", From: "2.3.0", To: "2.4.0"})
		}
		dc.Introduced = []finding.Finding{{Rule: "D1-0501", Title: "A credential in plain text", Category: "credentials", Severity: finding.Error, Cluster: c.Name,
			Location: loc("d1-apps", "main", "components/app-07/base/secret.yaml", 6), Message: "Secret app-07/db holds a password in plain text"}}
		dc.Fixed = []finding.Finding{{Rule: "D1-0201", Title: "Production reads the main branch", Category: "branch-mapping", Severity: finding.Warning, Cluster: c.Name,
			Location: loc("d1-fleet", "main", "tenants/infra/source.yaml", 1), Message: "GitRepository flux-system/flux-infra follows branch main"}}
		promo = append(promo, dc)
	}
	return &Data{Report: r, Fleet: fl, Promotion: promo, Date: "2026-11-24", FailOn: finding.Error}
}
