// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package graph draws a cluster's Flux Kustomization graph: which
// Kustomization applies which (solid edges, from the parent to its child)
// and which waits for which (spec.dependsOn, dashed edges labelled
// "depends on", from the dependent to its dependency), in Graphviz DOT or
// Mermaid.
package graph

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/d1lint/d1lint/internal/model"
)

// Formats lists the supported output formats.
var Formats = []string{"dot", "mermaid"}

// Write draws the graph of c in format.
func Write(w io.Writer, c *model.Cluster, format string) error {
	switch format {
	case "dot":
		return writeDOT(w, c)
	case "mermaid":
		return writeMermaid(w, c)
	}
	return fmt.Errorf("unknown graph format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

// edge goes from a parent to the child it applies, or from a dependent to
// the dependency it waits for.
type edge struct{ from, to string }

// dependsLabel labels a dependsOn edge: it reads from the dependent to its
// dependency, the way the edge points.
const dependsLabel = "depends on"

// edges returns the apply and dependsOn edges, sorted.
func edges(c *model.Cluster) (applies, depends []edge) {
	known := map[string]bool{}
	for _, k := range c.Kustomizations {
		known[k.Key] = true
	}
	for _, k := range c.Kustomizations {
		for _, ch := range k.Children {
			applies = append(applies, edge{k.Key, ch})
		}
		for _, d := range k.DependsOn {
			depends = append(depends, edge{k.Key, d.Namespace + "/" + d.Name})
		}
	}
	less := func(l []edge) func(i, j int) bool {
		return func(i, j int) bool {
			if l[i].from != l[j].from {
				return l[i].from < l[j].from
			}
			return l[i].to < l[j].to
		}
	}
	sort.Slice(applies, less(applies))
	sort.Slice(depends, less(depends))
	return applies, depends
}

// label describes a Kustomization node.
func label(k *model.Kustomization) string {
	var b strings.Builder
	b.WriteString(k.Key)
	if k.Revision != nil {
		rev := k.Revision.Branch
		if rev == "" {
			rev = k.Revision.Tag
		}
		fmt.Fprintf(&b, "\n%s@%s", shortRepo(k.Revision.Repo), rev)
	}
	if k.Path != "" {
		fmt.Fprintf(&b, "\n%s", k.Path)
	}
	if k.Status != model.StatusRendered {
		fmt.Fprintf(&b, "\n[%s]", k.Status)
	}
	return b.String()
}

func shortRepo(r string) string {
	if i := strings.LastIndex(r, "/"); i >= 0 {
		return r[i+1:]
	}
	return r
}

func ids(c *model.Cluster) map[string]string {
	out := map[string]string{}
	for i, k := range c.Kustomizations {
		out[k.Key] = fmt.Sprintf("k%d", i)
	}
	return out
}

func writeDOT(w io.Writer, c *model.Cluster) error {
	id := ids(c)
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %q {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n", c.Name)
	for _, k := range c.Kustomizations {
		style := ""
		switch k.Status {
		case model.StatusFailed:
			style = ", color=red, fontcolor=red"
		case model.StatusSkipped:
			style = ", color=orange, style=dashed"
		}
		fmt.Fprintf(&b, "  %s [label=%q%s];\n", id[k.Key], label(k), style)
	}
	applies, depends := edges(c)
	for _, e := range applies {
		if id[e.from] == "" || id[e.to] == "" {
			continue
		}
		fmt.Fprintf(&b, "  %s -> %s;\n", id[e.from], id[e.to])
	}
	for _, e := range depends {
		to, ok := id[e.to]
		if !ok {
			to = fmt.Sprintf("%q", e.to+" (missing)")
		}
		fmt.Fprintf(&b, "  %s -> %s [style=dashed, label=%q];\n", id[e.from], to, dependsLabel)
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func writeMermaid(w io.Writer, c *model.Cluster) error {
	id := ids(c)
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	for _, k := range c.Kustomizations {
		text := strings.ReplaceAll(label(k), "\n", "<br/>")
		text = strings.ReplaceAll(text, `"`, "#quot;")
		fmt.Fprintf(&b, "  %s[\"%s\"]\n", id[k.Key], text)
	}
	applies, depends := edges(c)
	for _, e := range applies {
		if id[e.from] == "" || id[e.to] == "" {
			continue
		}
		fmt.Fprintf(&b, "  %s --> %s\n", id[e.from], id[e.to])
	}
	missing := map[string]string{}
	for _, e := range depends {
		to, ok := id[e.to]
		if !ok {
			// One node per missing dependency, however many wait for it.
			if to, ok = missing[e.to]; !ok {
				to = fmt.Sprintf("m%d", len(missing))
				missing[e.to] = to
				fmt.Fprintf(&b, "  %s[\"%s (missing)\"]\n", to, e.to)
				fmt.Fprintf(&b, "  class %s failed\n", to)
			}
		}
		fmt.Fprintf(&b, "  %s -. %s .-> %s\n", id[e.from], dependsLabel, to)
	}
	for _, k := range c.Kustomizations {
		if k.Status != model.StatusRendered {
			fmt.Fprintf(&b, "  class %s %s\n", id[k.Key], k.Status)
		}
	}
	b.WriteString("  classDef failed stroke:#d00,color:#d00\n  classDef skipped stroke:#e90,stroke-dasharray:4\n")
	_, err := io.WriteString(w, b.String())
	return err
}
