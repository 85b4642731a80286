package d1lint.rules.branch_mapping.image_automation_branch_test

import data.d1lint.rules.branch_mapping.image_automation_branch

config := {"automationBranch": "main", "automationLabel": "toolkit.fluxcd.io/role=automation"}

loc := {"repo": "github.com/acme/fleet", "branch": "main", "path": "tenants/infra/update/automation.yaml", "line": 1}

chain := ["flux-system/flux-system", "flux-system/flux-infra-tenant"]

iua(git) := {
	"apiVersion": "image.toolkit.fluxcd.io/v1", "kind": "ImageUpdateAutomation", "namespace": "flux-system", "name": "flux-infra",
	"location": loc, "chain": chain, "object": {"metadata": {}, "spec": {"git": git}},
}

labelled := {
	"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "flux-system", "name": "flux-infra-update",
	"location": loc, "chain": chain, "object": {"metadata": {"labels": {"toolkit.fluxcd.io/role": "automation"}}},
}

test_automation_on_production if {
	r := image_automation_branch.report with input as {"config": config, "cluster": {
		"name": "prod-eu", "runtimeInfo": {"GIT_BRANCH": "production"},
		"objects": [iua({"push": {"branch": "production"}}), labelled],
	}}
	r == {
		{
			"rule": "D1-0206",
			"title": "Image automation outside the automation branch",
			"category": "branch-mapping",
			"severity": "error",
			"object": {"apiVersion": "image.toolkit.fluxcd.io/v1", "kind": "ImageUpdateAutomation", "namespace": "flux-system", "name": "flux-infra"},
			"location": loc,
			"chain": chain,
			"message": "ImageUpdateAutomation flux-system/flux-infra is image automation, rendered on cluster prod-eu which follows \"production\"; image automation belongs only on clusters following \"main\": delete it here (label it toolkit.fluxcd.io/role=automation and delete that label on this cluster)",
		},
		{
			"rule": "D1-0206",
			"title": "Image automation outside the automation branch",
			"category": "branch-mapping",
			"severity": "error",
			"object": {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "namespace": "flux-system", "name": "flux-infra-update"},
			"location": loc,
			"chain": chain,
			"message": "Kustomization flux-system/flux-infra-update is image automation, rendered on cluster prod-eu which follows \"production\"; image automation belongs only on clusters following \"main\": delete it here (label it toolkit.fluxcd.io/role=automation and delete that label on this cluster)",
		},
	}
}

test_push_to_other_branch if {
	r := image_automation_branch.report with input as {"config": config, "cluster": {
		"name": "staging", "runtimeInfo": {"GIT_BRANCH": "main"},
		"objects": [iua({"checkout": {"ref": {"branch": "main"}}, "push": {"branch": "production"}})],
	}}
	r == {{
		"rule": "D1-0206",
		"title": "Image automation outside the automation branch",
		"category": "branch-mapping",
		"severity": "error",
		"object": {"apiVersion": "image.toolkit.fluxcd.io/v1", "kind": "ImageUpdateAutomation", "namespace": "flux-system", "name": "flux-infra"},
		"location": loc,
		"chain": chain,
		"field": ["spec", "git", "push", "branch"],
		"message": "ImageUpdateAutomation flux-system/flux-infra pushes to branch \"production\"; image automation pushes only to \"main\", and other branches take its changes by promotion",
	}}
}

test_checkout_branch_is_the_push_branch if {
	r := image_automation_branch.report with input as {"config": config, "cluster": {
		"name": "staging", "runtimeInfo": {"GIT_BRANCH": "main"},
		"objects": [iua({"checkout": {"ref": {"branch": "production"}}})],
	}}
	[f.field | some f in r] == [["spec", "git", "checkout", "ref", "branch"]]
}

test_automation_on_main if {
	count(image_automation_branch.report) == 0 with input as {"config": config, "cluster": {
		"name": "staging", "runtimeInfo": {"GIT_BRANCH": "main"},
		"objects": [iua({"checkout": {"ref": {"branch": "main"}}, "push": {"branch": "main"}}), labelled],
	}}
	count(image_automation_branch.report) == 0 with input as {"config": config, "cluster": {
		"name": "prod-eu", "runtimeInfo": {"GIT_BRANCH": "production"},
		"objects": [object.union(labelled, {"object": {"metadata": {"labels": {"toolkit.fluxcd.io/role": "other"}}}})],
	}}
}
