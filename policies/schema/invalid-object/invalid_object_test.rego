package d1lint.rules.schema.invalid_object_test

import data.d1lint.rules.schema.invalid_object

loc := {"repo": "github.com/acme/d1-apps", "branch": "main", "path": "components/shop/base/web.yaml", "line": 1}

chain := ["flux-system/flux-system", "flux-system/flux-apps-tenant", "shop/flux-shop"]

id := {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "web"}

web(schema) := object.union(id, {
	"location": loc, "appliedBy": "shop/flux-shop", "chain": chain,
	"object": {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"}},
	"schema": schema,
})

finding(location, message) := {
	"rule": "D1-0501",
	"title": "Object does not match its schema",
	"category": "schema",
	"severity": "error",
	"object": id,
	"location": location,
	"chain": chain,
	"message": message,
}

field_finding(location, field, message) := object.union(finding(location, message), {"field": field})

# The findings stay at the object's document and name the field: d1lint's
# locate step moves them to the field's line.
test_one_finding_per_error if {
	r := invalid_object.report with input as {"cluster": {"objects": [web({
		"status": "invalid",
		"source": "kubernetes v1.37.2",
		"errors": [
			{"path": "spec.replicas", "message": "got string, want integer"},
			{"path": "spec.template.spec.containers[0].imagePullPolicy", "message": "value must be one of \"Always\", \"Never\", \"IfNotPresent\""},
		],
	})]}}
	r == {
		field_finding(loc, "spec.replicas", "Deployment shop/web: spec.replicas: got string, want integer (schema: kubernetes v1.37.2)"),
		field_finding(loc, "spec.template.spec.containers[0].imagePullPolicy", "Deployment shop/web: spec.template.spec.containers[0].imagePullPolicy: value must be one of \"Always\", \"Never\", \"IfNotPresent\" (schema: kubernetes v1.37.2)"),
	}
}

test_error_on_the_object_itself_from_the_render if {
	r := invalid_object.report with input as {"cluster": {"objects": [web({
		"status": "invalid",
		"source": "render",
		"errors": [{"path": "", "message": "missing property \"spec\""}],
	})]}}
	r == {finding(loc, "Deployment shop/web: missing property \"spec\" (schema: the cluster's own CustomResourceDefinition)")}
}

test_cluster_scoped_without_source if {
	ns := {
		"apiVersion": "v1", "kind": "Namespace", "name": "shop", "location": loc, "chain": chain,
		"schema": {"status": "invalid", "errors": [{"path": "metadata.labels.team", "message": "got integer, want string"}]},
	}
	r := invalid_object.report with input as {"cluster": {"objects": [ns]}}
	[f.message | some f in r] == ["Namespace shop: metadata.labels.team: got integer, want string"]
	[f.field | some f in r] == ["metadata.labels.team"]
	[f.object | some f in r] == [{"apiVersion": "v1", "kind": "Namespace", "namespace": "", "name": "shop"}]
}

test_other_verdicts_are_not_reported if {
	objects := [
		object.remove(web({}), ["schema"]),
		web({"status": "valid", "source": "flux v2.7.5", "deprecated": true, "replacement": "apps/v1"}),
		web({"status": "missing"}),
		web({"status": "removed", "source": "flux v2.7.5", "replacement": "apps/v1"}),
	]
	count(invalid_object.report) == 0 with input as {"cluster": {"objects": objects}}
}

test_invalid_and_deprecated if {
	r := invalid_object.report with input as {"cluster": {"objects": [web({
		"status": "invalid", "source": "flux v2.7.5", "deprecated": true, "replacement": "apps/v1",
		"errors": [{"path": "spec.replicas", "message": "got string, want integer"}],
	})]}}
	r == {field_finding(loc, "spec.replicas", "Deployment shop/web: spec.replicas: got string, want integer (schema: flux v2.7.5)")}
}
