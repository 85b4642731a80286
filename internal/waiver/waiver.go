// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package waiver applies what a team decided about findings: rules turned
// off or re-graded, waivers from .d1lint.yaml (scoped, with a reason, an
// owner and an expiry) and inline waivers, an annotation on the object
// itself for one-off exceptions.
package waiver

import (
	"path"
	"sort"
	"strings"
	"time"

	"github.com/d1lint/d1lint/internal/config"
	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
)

// AnnotationPrefix starts the inline waiver annotation: an object annotated
// waive.d1lint.io/D1-0401: "<reason>" waives that rule's findings about it.
const AnnotationPrefix = "waive.d1lint.io/"

// ExpiringWithin is how close to its expiry a waiver is called expiring.
const ExpiringWithin = 14 * 24 * time.Hour

// Waiver states.
const (
	Active   = "active"
	Expiring = "expiring"
	Expired  = "expired"
	Stale    = "stale"
)

// Status is a configured waiver and what became of it.
type Status struct {
	config.Waiver
	// Status is active, expiring (active, expires within 14 days), expired
	// (no longer waives) or stale (waives nothing).
	Status string `json:"status"`
	// Waived counts the findings it waived.
	Waived int `json:"waived"`
}

// Result is what remains after the team's decisions.
type Result struct {
	Findings []finding.Finding
	// Waived counts findings removed by a configured or inline waiver.
	Waived int
	// Inline counts those removed by an inline waiver.
	Inline int
	// Waivers are the configured waivers with their status.
	Waivers []Status
}

// Apply disables and re-grades rules, then applies inline and configured
// waivers as of today. An expired waiver waives nothing.
func Apply(fl *model.Fleet, findings []finding.Finding, cfg *config.Config, today time.Time) Result {
	return ApplyAnnotated(objectAnnotations(fl), findings, cfg, today)
}

// Annotations are the inline waivers of a fleet's objects (annotations
// under AnnotationPrefix), by cluster and object. A check that drops each
// cluster's model once judged keeps these (Of each cluster, merged).
type Annotations map[string]map[string]string

// Of returns the inline waiver annotations of one cluster's objects.
func Of(c *model.Cluster) Annotations {
	if a := objectAnnotations(&model.Fleet{Clusters: []*model.Cluster{c}}); len(a) > 0 {
		return a
	}
	return nil
}

// ApplyAnnotated is Apply with the fleet's inline waivers read already
// (Of each cluster, merged).
func ApplyAnnotated(annotations Annotations, findings []finding.Finding, cfg *config.Config, today time.Time) Result {
	var rules map[string]config.RuleSetting
	var waivers []config.Waiver
	if cfg != nil {
		rules, waivers = cfg.Rules, cfg.Waivers
	}
	res := Result{Findings: []finding.Finding{}, Waivers: make([]Status, len(waivers))}
	for i, w := range waivers {
		res.Waivers[i] = Status{Waiver: w, Status: Active}
		exp, _ := time.Parse(time.DateOnly, w.Expires)
		// A waiver holds through its expiry date.
		switch end := exp.Add(24 * time.Hour); {
		case !today.Before(end):
			res.Waivers[i].Status = Expired
		case end.Sub(today) <= ExpiringWithin:
			res.Waivers[i].Status = Expiring
		}
	}
	for _, f := range findings {
		if s, ok := rules[f.Rule]; ok {
			if s.Disabled {
				continue
			}
			if s.Severity != "" {
				f.Severity = s.Severity
			}
		}
		if f.Object != nil {
			key := f.Cluster + "\x00" + f.Object.Kind + "\x00" + f.Object.Namespace + "\x00" + f.Object.Name
			if reason := strings.TrimSpace(annotations[key][AnnotationPrefix+f.Rule]); reason != "" {
				res.Waived++
				res.Inline++
				continue
			}
		}
		waived := false
		for i, w := range waivers {
			if res.Waivers[i].Status == Expired || !matches(w, f) {
				continue
			}
			res.Waivers[i].Waived++
			waived = true
		}
		if waived {
			res.Waived++
			continue
		}
		res.Findings = append(res.Findings, f)
	}
	for i := range res.Waivers {
		if res.Waivers[i].Status != Expired && res.Waivers[i].Waived == 0 {
			res.Waivers[i].Status = Stale
		}
	}
	sort.SliceStable(res.Waivers, func(i, j int) bool { return rank(res.Waivers[i].Status) < rank(res.Waivers[j].Status) })
	return res
}

func rank(status string) int {
	return map[string]int{Expired: 0, Stale: 1, Expiring: 2, Active: 3}[status]
}

func matches(w config.Waiver, f finding.Finding) bool {
	var o finding.Object
	if f.Object != nil {
		o = *f.Object
	}
	return w.Rule == f.Rule && match(w.Cluster, f.Cluster) && match(w.Namespace, o.Namespace) &&
		match(w.Kind, o.Kind) && match(w.Name, o.Name)
}

func match(pattern, s string) bool {
	if pattern == "" {
		return true
	}
	ok, _ := path.Match(pattern, s)
	return ok
}

// objectAnnotations indexes the annotations of every rendered object.
func objectAnnotations(fl *model.Fleet) Annotations {
	out := Annotations{}
	for _, c := range fl.Clusters {
		for _, o := range c.Objects {
			md, _ := o.Object["metadata"].(map[string]any)
			anns, _ := md["annotations"].(map[string]any)
			if len(anns) == 0 {
				continue
			}
			m := map[string]string{}
			for k, v := range anns {
				if s, ok := v.(string); ok && strings.HasPrefix(k, AnnotationPrefix) {
					m[k] = s
				}
			}
			if len(m) > 0 {
				out[c.Name+"\x00"+o.Kind+"\x00"+o.Namespace+"\x00"+o.Name] = m
			}
		}
	}
	return out
}
