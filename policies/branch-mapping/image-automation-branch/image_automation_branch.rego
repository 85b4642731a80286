# METADATA
# title: Image automation outside the automation branch
# description: |
#   Image automation commits to git. In d1 it runs only on the clusters that
#   follow the automation branch (main: staging), and pushes only to it;
#   production takes changes by promotion (a merge of main into production).
#   An ImageUpdateAutomation, or any object labelled as automation, rendered
#   on a cluster following another branch, or an ImageUpdateAutomation
#   pushing to another branch, bypasses promotion.
# custom:
#   id: D1-0206
#   category: branch-mapping
#   severity: error
#   remediation: Keep image automation labelled toolkit.fluxcd.io/role=automation and delete it on clusters of other branches (a patch with $patch delete on that label selector), and make ImageUpdateAutomation push to the automation branch.
#   profiles: [d1]
package d1lint.rules.branch_mapping.image_automation_branch

import data.d1lint.lib.applied
import data.d1lint.lib.result

automation_branch := input.config.automationBranch

label := split(input.config.automationLabel, "=")

# automation are the applied image automation objects: every
# ImageUpdateAutomation, and whatever carries the automation label. Only
# clusters that do not follow the automation branch need the labelled
# ones, which means looking at the labels of every object: the second
# report below reads the ImageUpdateAutomations alone.
automation contains obj if {
	some obj in applied.of_kind("ImageUpdateAutomation")
}

# The label is what is rare: it is tested first, before the object is
# checked to be applied.
automation contains obj if {
	some obj in input.cluster.objects
	obj.object.metadata.labels[label[0]] == label[1]
	not obj.notApplied
	not obj.remote
}

report contains result.fail(rego.metadata.chain(), result.object_details(obj, sprintf(
	"%s %s is image automation, rendered on cluster %s which follows %q; image automation belongs only on clusters following %q: delete it here (label it %s and delete that label on this cluster)",
	[obj.kind, object_name(obj), input.cluster.name, branch, automation_branch, input.config.automationLabel],
))) if {
	branch := input.cluster.runtimeInfo.GIT_BRANCH
	branch != automation_branch
	some obj in automation
}

# The automation itself is the finding above (no field); this one names the
# field that sets the branch it pushes to.
report contains result.fail(rego.metadata.chain(), result.object_field_details(
	obj,
	push_field(obj.object.spec),
	sprintf(
		"ImageUpdateAutomation %s pushes to branch %q; image automation pushes only to %q, and other branches take its changes by promotion",
		[object_name(obj), push, automation_branch],
	),
)) if {
	input.cluster.runtimeInfo.GIT_BRANCH == automation_branch
	some obj in applied.of_kind("ImageUpdateAutomation")
	push := push_branch(obj.object.spec)
	push != automation_branch
}

push_branch(spec) := spec.git.push.branch if {
	spec.git.push.branch
} else := spec.git.checkout.ref.branch if {
	spec.git.checkout.ref.branch
}

# push_field is the field push_branch reads.
push_field(spec) := ["spec", "git", "push", "branch"] if {
	spec.git.push.branch
} else := ["spec", "git", "checkout", "ref", "branch"]

object_name(o) := concat("/", [o.namespace, o.name]) if object.get(o, "namespace", "") != ""

object_name(o) := o.name if object.get(o, "namespace", "") == ""
