// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package audit

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
)

// The Flux Kustomization graph of a cluster, laid out as a tree from left
// to right: one column per depth along the parent chain (the root in the
// first column, what it applies in the second, ...), the leaves of the tree
// on consecutive rows in depth-first order (children by key), each parent
// on the row of its first child, so that the root is at the top left, where
// the graph's box opens. Edges point from the Kustomization that needs the
// other to it, as d1lint graph draws them: parent edges (which
// Kustomization applies which) are solid curves from a parent's right side
// to a child's left side and never cross; dependsOn edges are dashed purple
// curves from the Kustomization that waits to its dependency. Two of one
// column (siblings, usually) are joined by an arc in a lane to the right of
// the column, wider for rows further apart, so that nested arcs do not
// overlap. A dependsOn target that is not in the render gets a "missing"
// node on a row of its own under the tree.

// Layout sizes, in pixels. Text is monospace at 12px: about 7.2px a
// character.
const (
	svgMargin   = 16
	nodeHeight  = 38
	rowHeight   = 52
	columnGap   = 96
	laneMin     = 18  // the narrowest dependsOn arc, right of its column
	laneStep    = 10  // how much wider an arc is for each row it spans
	laneMax     = 160 // the widest
	nodePadX    = 10
	nodeMinW    = 110
	maxLabel    = 56 // characters of a node's text before it is cut
	maxTipItems = 8  // findings and problems listed in a node's tooltip
)

type graphView struct {
	Width, Height int
	Nodes         []nodeView
	Edges         []edgeView
}

type nodeView struct {
	Key                string
	X, Y, W, H         int
	TextX, TextY, SubY int
	Class              string
	Label, Sub, Tip    string
	Flagged            bool
	Badge              int
	BadgeX, BadgeY     int
	BadgeTextY         int
}

type edgeView struct {
	Class, D, Tip string
}

type gnode struct {
	key     string
	k       *model.Kustomization // nil for a missing dependsOn target
	depth   int
	y       int
	w       int
	label   string
	sub     string
	issues  []string
	nIssues int
}

// layout lays out a cluster's Kustomization graph; findings are the
// report's (those of other clusters are ignored).
func layout(c *model.Cluster, findings []finding.Finding) *graphView {
	g := &graphView{}
	if len(c.Kustomizations) == 0 {
		return g
	}
	nodes := map[string]*gnode{}
	var order []*gnode // apply order, then missing targets by key
	for _, k := range c.Kustomizations {
		if nodes[k.Key] != nil {
			continue
		}
		n := &gnode{key: k.Key, k: k, depth: -1}
		nodes[k.Key] = n
		order = append(order, n)
	}
	children := map[string][]string{}
	for _, n := range order {
		if p := n.k.Parent; p != "" && p != n.key && nodes[p] != nil {
			children[p] = append(children[p], n.key)
		}
	}
	for p := range children {
		slices.Sort(children[p])
	}

	// Roots: the cluster's root, then Kustomizations whose parent is not
	// in the render, in apply order; then, for cycles, whatever is left.
	var roots []*gnode
	if r := nodes[c.Root]; r != nil {
		roots = append(roots, r)
	}
	for _, n := range order {
		if n.key != c.Root && (n.k.Parent == "" || n.k.Parent == n.key || nodes[n.k.Parent] == nil) {
			roots = append(roots, n)
		}
	}
	next := 0 // next free row
	var place func(n *gnode, depth int)
	place = func(n *gnode, depth int) {
		n.depth = depth
		var placed []*gnode
		for _, ch := range children[n.key] {
			if cn := nodes[ch]; cn.depth < 0 {
				place(cn, depth+1)
				placed = append(placed, cn)
			}
		}
		if len(placed) == 0 {
			n.y = svgMargin + next*rowHeight
			next++
			return
		}
		n.y = placed[0].y
	}
	for _, r := range roots {
		if r.depth < 0 {
			place(r, 0)
		}
	}
	for _, n := range order {
		if n.depth < 0 {
			place(n, 0)
		}
	}

	// dependsOn edges, from the one that waits to its dependency; missing
	// dependencies get a node in the column of their first dependent.
	type dep struct{ from, to string }
	var deps []dep
	for _, n := range order {
		for _, d := range n.k.DependsOn {
			deps = append(deps, dep{n.key, nsName(d.Namespace, d.Name)})
		}
	}
	sort.Slice(deps, func(i, j int) bool {
		if deps[i].from != deps[j].from {
			return deps[i].from < deps[j].from
		}
		return deps[i].to < deps[j].to
	})
	for _, d := range deps {
		if nodes[d.to] == nil {
			n := &gnode{key: d.to, depth: nodes[d.from].depth, y: svgMargin + next*rowHeight}
			next++
			nodes[d.to] = n
			order = append(order, n)
		}
	}

	flag(c, nodes, findings)

	// Column widths from the text of their nodes.
	var widths []int
	for _, n := range order {
		n.label, n.sub = nodeText(n)
		chars := max(utf8.RuneCountInString(n.label), utf8.RuneCountInString(n.sub))
		n.w = max(nodeMinW, (chars*72+9)/10+2*nodePadX)
		for len(widths) <= n.depth {
			widths = append(widths, 0)
		}
		widths[n.depth] = max(widths[n.depth], n.w)
	}
	// Each column's lane, right of it, is as wide as its widest arc.
	lanes := make([]int, len(widths))
	for _, d := range deps {
		if from, to := nodes[d.from], nodes[d.to]; from.depth == to.depth {
			lanes[from.depth] = max(lanes[from.depth], bulge(from, to))
		}
	}
	colX := make([]int, len(widths))
	x := svgMargin
	for i, w := range widths {
		colX[i] = x
		x += w + lanes[i] + columnGap
	}
	last := len(widths) - 1
	g.Width = colX[last] + widths[last] + lanes[last] + svgMargin
	g.Height = svgMargin + next*rowHeight - (rowHeight - nodeHeight) + svgMargin

	// Parent edges, then dependsOn edges, under the nodes.
	type pair struct{ from, to string }
	var applies []pair
	for _, n := range order {
		for _, ch := range children[n.key] {
			applies = append(applies, pair{n.key, ch})
		}
	}
	sort.Slice(applies, func(i, j int) bool {
		if applies[i].from != applies[j].from {
			return applies[i].from < applies[j].from
		}
		return applies[i].to < applies[j].to
	})
	for _, e := range applies {
		p, ch := nodes[e.from], nodes[e.to]
		if ch.depth != p.depth+1 {
			continue // applied twice: drawn from the parent that placed it
		}
		// Straight through the column's lane, where dependsOn arcs run,
		// then a curve to the child.
		x1, y1 := colX[p.depth]+p.w, p.y+nodeHeight/2
		xs := colX[p.depth] + widths[p.depth] + lanes[p.depth]
		x2, y2 := colX[ch.depth], ch.y+nodeHeight/2
		m := (xs + x2) / 2
		straight := ""
		if xs > x1 {
			straight = fmt.Sprintf("H%d ", xs)
		}
		g.Edges = append(g.Edges, edgeView{Class: "edge parent", D: fmt.Sprintf("M%d %d %sC%d %d %d %d %d %d", x1, y1, straight, m, y1, m, y2, x2, y2)})
	}
	for _, d := range deps {
		from, to := nodes[d.from], nodes[d.to]
		fy, ty := from.y+nodeHeight/2, to.y+nodeHeight/2
		var path string
		switch {
		case from.depth < to.depth:
			x1, x2 := colX[from.depth]+from.w, colX[to.depth]
			m := (x1 + x2) / 2
			path = fmt.Sprintf("M%d %d C%d %d %d %d %d %d", x1, fy, m, fy, m, ty, x2, ty)
		case from.depth > to.depth:
			x1, x2 := colX[from.depth], colX[to.depth]+to.w
			m := (x1 + x2) / 2
			path = fmt.Sprintf("M%d %d C%d %d %d %d %d %d", x1, fy, m, fy, m, ty, x2, ty)
		default:
			// One column: an arc in the lane right of it, leaving and
			// reaching each node on the side towards the other.
			x1, x2 := colX[from.depth]+from.w, colX[to.depth]+to.w
			if from.y < to.y {
				fy, ty = fy+6, ty-6
			} else {
				fy, ty = fy-6, ty+6
			}
			// A cubic curve with both control points at xc reaches 3/4 of
			// the way from its ends to xc.
			edge := colX[from.depth] + widths[from.depth] + bulge(from, to)
			xc := max(x1, x2) + (edge-max(x1, x2))*4/3
			path = fmt.Sprintf("M%d %d C%d %d %d %d %d %d", x1, fy, xc, fy, xc, ty, x2, ty)
		}
		g.Edges = append(g.Edges, edgeView{Class: "edge depends", D: path, Tip: d.from + " depends on " + d.to})
	}

	for _, n := range order {
		x, y := colX[n.depth], n.y
		v := nodeView{Key: n.key, X: x, Y: y, W: n.w, H: nodeHeight, TextX: x + nodePadX, TextY: y + 16, SubY: y + 31,
			Label: n.label, Sub: n.sub, Tip: tooltip(n), Flagged: n.nIssues > 0}
		status := "missing"
		if n.k != nil {
			status = n.k.Status
		}
		v.Class = "node " + status
		if v.Flagged {
			v.Class += " flagged"
			v.Badge, v.BadgeX, v.BadgeY, v.BadgeTextY = n.nIssues, x+n.w, y, y+4
		}
		g.Nodes = append(g.Nodes, v)
	}
	return g
}

// bulge is how far right of its column the arc between two nodes of one
// column reaches: further for rows further apart.
func bulge(a, b *gnode) int {
	rows := (a.y - b.y) / rowHeight
	if rows < 0 {
		rows = -rows
	}
	return min(laneMin+laneStep*rows, laneMax)
}

// flag attributes the cluster's findings and problems to Kustomizations: a
// finding about a Flux Kustomization to that Kustomization, any other to
// the one that applied its object (the last of its chain); a problem to its
// Kustomization. Missing dependsOn targets are flagged too.
func flag(c *model.Cluster, nodes map[string]*gnode, findings []finding.Finding) {
	for _, f := range findings {
		if f.Cluster != c.Name {
			continue
		}
		var n *gnode
		if o := f.Object; o != nil && o.Kind == "Kustomization" && strings.HasPrefix(o.APIVersion, "kustomize.toolkit.fluxcd.io/") {
			n = nodes[nsName(o.Namespace, o.Name)]
		}
		if n == nil && len(f.Chain) > 0 {
			n = nodes[f.Chain[len(f.Chain)-1]]
		}
		if n == nil || n.k == nil {
			continue
		}
		n.nIssues++
		n.issues = append(n.issues, fmt.Sprintf("%s %s: %s", f.Severity, f.Rule, f.Message))
	}
	for _, p := range c.Problems {
		n := nodes[p.Kustomization]
		if n == nil || n.k == nil {
			continue
		}
		what := "problem"
		if p.Warning {
			what = "warning"
		}
		n.nIssues++
		n.issues = append(n.issues, fmt.Sprintf("%s %s: %s", what, p.Kind, p.Reason))
	}
	for _, n := range nodes {
		if n.k == nil {
			n.nIssues++
			n.issues = append(n.issues, "a dependsOn target that is not in the render")
		}
	}
}

// nodeText is a node's two lines: its key, and its path and object count
// (or its status when it was not rendered).
func nodeText(n *gnode) (string, string) {
	if n.k == nil {
		return cut(n.key), "missing"
	}
	sub := n.k.Path
	switch n.k.Status {
	case model.StatusRendered:
		sub = plural(n.k.Objects, "object")
		if n.k.Path != "" {
			sub = n.k.Path + " · " + sub
		}
	default:
		sub = "[" + n.k.Status + "] " + n.k.Path
	}
	return cut(n.key), cut(sub)
}

// cut shortens text to maxLabel characters.
func cut(s string) string {
	if utf8.RuneCountInString(s) <= maxLabel {
		return s
	}
	r := []rune(s)
	return string(r[:maxLabel-1]) + "…"
}

// tooltip is a node's title: everything its box leaves out.
func tooltip(n *gnode) string {
	var b strings.Builder
	b.WriteString(n.key)
	if k := n.k; k != nil {
		fmt.Fprintf(&b, "\nstatus: %s", k.Status)
		if k.Reason != "" {
			fmt.Fprintf(&b, " (%s)", oneLine(k.Reason))
		}
		if k.Path != "" {
			fmt.Fprintf(&b, "\npath: %s", k.Path)
		}
		if k.Revision != nil {
			from := k.Revision.Repo
			if k.Revision.Branch != "" {
				from += "@" + k.Revision.Branch
			}
			fmt.Fprintf(&b, "\nfrom: %s", from)
		}
		fmt.Fprintf(&b, "\nobjects: %d", k.Objects)
		if len(k.DependsOn) > 0 {
			var deps []string
			for _, d := range k.DependsOn {
				deps = append(deps, nsName(d.Namespace, d.Name))
			}
			fmt.Fprintf(&b, "\ndepends on: %s", strings.Join(deps, ", "))
		}
	} else {
		b.WriteString("\nnot in the render")
	}
	if len(n.issues) > 0 && n.k != nil {
		fmt.Fprintf(&b, "\nfindings and problems (%d):", len(n.issues))
		for i, s := range n.issues {
			if i == maxTipItems {
				fmt.Fprintf(&b, "\n… and %d more", len(n.issues)-maxTipItems)
				break
			}
			b.WriteString("\n• " + oneLine(s))
		}
	}
	return b.String()
}

// oneLine joins lines and cuts text for a tooltip.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > 200 {
		s = string([]rune(s)[:199]) + "…"
	}
	return s
}
