// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package audit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/audit"
	"github.com/d1lint/d1lint/internal/finding"
)

// chromiumPath is where Debian's chromium package installs the browser.
const chromiumPath = "/usr/bin/chromium"

// browserTimeout bounds one run of the browser (a large page, on a busy
// machine, takes a while).
const browserTimeout = 90 * time.Second

// chromium finds the headless browser. CI runs .ci/run, which installs it
// and sets D1LINT_REQUIRE_CHROMIUM, so the test never skips there; on a
// developer's machine without chromium it skips, so that the README's
// go test ./... works on a fresh machine.
func chromium(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err == nil {
		return chromiumPath
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	msg := fmt.Sprintf("chromium is not installed (%s, or chromium in PATH): the browser test renders report.html in it; "+
		".ci/run installs it (here: sudo apt-get install -y chromium)", chromiumPath)
	if os.Getenv("D1LINT_REQUIRE_CHROMIUM") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// runBrowser runs headless chromium on a page with extra flags, within
// browserTimeout, and returns its standard output.
func runBrowser(t *testing.T, bin, page string, args ...string) string {
	t.Helper()
	profile, err := os.MkdirTemp("", "d1lint-chromium-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(profile) })
	ctx, cancel := context.WithTimeout(context.Background(), browserTimeout)
	defer cancel()
	argv := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
		"--user-data-dir=" + profile}, args...)
	argv = append(argv, "file://"+page)
	cmd := exec.CommandContext(ctx, bin, argv...)
	killGroup(cmd)
	cmd.WaitDelay = 2 * time.Second
	cmd.Env = append(os.Environ(), "HOME="+profile)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	reapGroup(cmd)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("chromium did not finish within %s: %s", browserTimeout, tail(stderr.String()))
	}
	require.NoError(t, err, "chromium failed: %s", tail(stderr.String()))
	return stdout.String()
}

func tail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}

var countRe = regexp.MustCompile(`id="count-([a-z]+)">(\d+)<`)

// TestBrowser renders the hazards fleet's report.html in headless chromium:
// the page loads and shows the report's counts, and its screenshot is a
// coloured page, not a blank one.
func TestBrowser(t *testing.T) {
	bin := chromium(t)
	dir, r := runAudit(t, hazardsFleet)
	page, err := filepath.Abs(filepath.Join(dir, audit.HTMLFile))
	require.NoError(t, err)
	html, err := os.ReadFile(page)
	require.NoError(t, err)
	audit.AssertSelfContained(t, string(html))

	t.Run("dom", func(t *testing.T) {
		dom := runBrowser(t, bin, page, "--dump-dom")
		require.Contains(t, dom, "<h1>d1lint audit</h1>", "the page loaded")
		got := map[string]int{}
		for _, m := range countRe.FindAllStringSubmatch(dom, -1) {
			got[m[1]], _ = strconv.Atoi(m[2])
		}
		s := r.Summary
		assert.Equal(t, map[string]int{
			"clusters": s.Clusters, "objects": s.Objects, "kustomizations": s.Rendered(), "skipped": s.Skipped,
			"unresolved": s.Unresolved, "error": s.Findings[finding.Error], "warning": s.Findings[finding.Warning],
			"info": s.Findings[finding.Info], "waived": s.Waived,
		}, got, "the overview shows the report's summary")
		assert.Positive(t, s.Findings[finding.Error])
		distinct := map[string]bool{}
		for _, f := range r.Findings {
			distinct[fmt.Sprint(f.Rule, f.Severity, f.Location, f.Object, f.Field, f.Message)] = true
		}
		assert.LessOrEqual(t, len(distinct), len(r.Findings))
		assert.Equal(t, len(distinct), strings.Count(dom, `<article class="finding `), "one block per distinct finding")
		assert.Contains(t, dom, `<span class="verdict fail" id="verdict">FAIL</span>`)
		assert.Contains(t, dom, `<div class="zoom"><button type="button" title="Zoom in">+</button>`, "the script added the zoom buttons")
		assert.Equal(t, len(r.Clusters), strings.Count(dom, `<tr><th><a href="#cluster-`), "one matrix row per cluster")
		graphs := strings.Count(dom, `aria-label="Flux Kustomization graph"`)
		assert.Equal(t, len(r.Clusters), graphs+strings.Count(dom, `<p class="same">`), "a graph per cluster, or a link to the cluster that has the same")
		assert.Positive(t, graphs)
		assert.Contains(t, dom, `class="node skipped flagged"`)
		assert.Contains(t, dom, "The fleet has no production cluster.")
	})

	t.Run("screenshot", func(t *testing.T) {
		shot := filepath.Join(t.TempDir(), "report.png")
		runBrowser(t, bin, page, "--screenshot="+shot, "--window-size=1280,2000", "--hide-scrollbars")
		f, err := os.Open(shot)
		require.NoError(t, err)
		defer f.Close()
		img, err := png.Decode(f)
		require.NoError(t, err)
		b := img.Bounds()
		assert.Equal(t, image.Rect(0, 0, 1280, 2000), b)
		colours := map[uint32]bool{}
		nonWhite, errorRed := 0, 0
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, g, bl, _ := img.At(x, y).RGBA()
				r, g, bl = r>>8, g>>8, bl>>8
				colours[r<<16|g<<8|bl] = true
				if r < 245 || g < 245 || bl < 245 {
					nonWhite++
				}
				// The error colour (#b42318) of the error card and badges.
				if near(r, 0xb4) && near(g, 0x23) && near(bl, 0x18) {
					errorRed++
				}
			}
		}
		total := b.Dx() * b.Dy()
		t.Logf("%d colours, %.1f%% non-white, %d error-red pixels", len(colours), 100*float64(nonWhite)/float64(total), errorRed)
		assert.Greater(t, len(colours), 100, "a rendered page has many colours (text, tables, badges)")
		assert.Greater(t, nonWhite, total/10, "at least a tenth of the page is not white")
		assert.Greater(t, errorRed, 200, "errors are shown in red: the inline CSS applied")
	})
}

func near(a, b uint32) bool { return a+8 >= b && a <= b+8 }

// measureJS runs in the page (as the body of a function whose this is its
// window) and measures its layout, with the cluster sections collapsed as
// the page opens and then with every <details> open: the width of the
// viewport and of the document (wider: the page scrolls sideways), the
// document's height, how many texts are laid out and which of them (up to
// 20) have a computed font size under 12px, and which elements (up to 10)
// outside a box of their own (.scroll, .graph) end right of the viewport;
// then the width of the first graph before and after a click on its "+"
// button.
const measureJS = `var win = this, doc = win.document, de = doc.documentElement;
function measure() {
  var small = [], texts = 0, n, walker = doc.createTreeWalker(doc.body, win.NodeFilter.SHOW_TEXT);
  while ((n = walker.nextNode())) {
    if (!n.nodeValue.trim()) continue;
    var el = n.parentElement;
    if (!el || el.closest("script, style, title") || !el.getClientRects().length) continue;
    var cs = win.getComputedStyle(el);
    if (cs.visibility === "hidden" || cs.display === "none") continue;
    texts++;
    if (parseFloat(cs.fontSize) < 12 && small.length < 20) small.push(el.tagName + " " + cs.fontSize + ": " + n.nodeValue.trim().slice(0, 40));
  }
  var wide = [];
  doc.querySelectorAll("body *").forEach(function (e) {
    if (wide.length < 10 && !e.closest(".scroll, .graph") && e.getBoundingClientRect().right > win.innerWidth + 0.5)
      wide.push(e.tagName + "." + e.getAttribute("class") + " " + Math.round(e.getBoundingClientRect().right));
  });
  return {viewport: win.innerWidth, scrollWidth: de.scrollWidth, height: de.scrollHeight, texts: texts, small: small, wide: wide};
}
var closed = measure();
doc.querySelectorAll("details").forEach(function (d) { d.open = true; });
var open = measure();
var zoomed = [], svg = doc.querySelector(".graph svg"), bar = doc.querySelector(".zoom");
if (svg && bar) {
  zoomed.push(+svg.getAttribute("width"));
  bar.querySelector("button").click();
  zoomed.push(+svg.getAttribute("width"));
}
return JSON.stringify({closed: closed, open: open, zoomed: zoomed});`

// layoutStats are measureJS's measurements of one state of the page.
type layoutStats struct {
	Viewport, ScrollWidth, Height, Texts int
	Small, Wide                          []string
}

var measureRe = regexp.MustCompile(`<pre id="measure">([^<]*)</pre>`)

// measure lays the page out in an iframe width px wide (its viewport:
// headless chromium's window is at least 500px wide) and returns
// measureJS's measurements, the page collapsed and opened. The frame's
// content is the page itself (srcdoc), so the wrapper's script can reach
// into it; the page's own policy still holds inside.
func measure(t *testing.T, bin, page string, width int) (closed, open layoutStats) {
	t.Helper()
	wrapper := fmt.Sprintf(`<!DOCTYPE html><html><body style="margin:0"><iframe id="f" style="border:0;width:%dpx;height:900px" srcdoc="%s"></iframe>
<script>document.getElementById("f").addEventListener("load", function () {
  var out = document.createElement("pre");
  out.id = "measure";
  out.textContent = (new Function(%s)).call(this.contentWindow);
  document.body.appendChild(out);
});</script></body></html>`, width, html.EscapeString(page), strconv.Quote(measureJS))
	file := filepath.Join(t.TempDir(), "measure.html")
	require.NoError(t, os.WriteFile(file, []byte(wrapper), 0o644))
	dom := runBrowser(t, bin, file, "--dump-dom", "--hide-scrollbars", fmt.Sprintf("--window-size=%d,1000", width+100))
	m := measureRe.FindStringSubmatch(dom)
	require.NotNil(t, m, "the measurements are in the DOM: %s", tail(dom))
	var got struct {
		Closed, Open layoutStats
		Zoomed       []int
	}
	require.NoError(t, json.Unmarshal([]byte(html.UnescapeString(m[1])), &got))
	require.Equal(t, width, got.Closed.Viewport, "the page's viewport is the frame")
	require.Len(t, got.Zoomed, 2, "a graph and its zoom buttons")
	assert.InDelta(t, float64(got.Zoomed[0])*1.25, got.Zoomed[1], 1, "+ zooms the graph in by a quarter")
	return got.Closed, got.Open
}

// assertFits checks a page at phone and desktop widths: no horizontal
// scrolling of the page (tables, the matrix and graphs scroll in boxes of
// their own), and no text under 12px, collapsed or opened. It returns the
// height of the collapsed page at each width.
func assertFits(t *testing.T, bin, page string) map[int]int {
	t.Helper()
	heights := map[int]int{}
	for _, width := range []int{390, 1280} {
		closed, open := measure(t, bin, page, width)
		for state, m := range map[string]layoutStats{"collapsed": closed, "opened": open} {
			t.Logf("%d px, %s: %d px wide, %d px tall, %d texts", width, state, m.ScrollWidth, m.Height, m.Texts)
			assert.LessOrEqual(t, m.ScrollWidth, width, "%d px, %s: the page scrolls sideways: %v", width, state, m.Wide)
			assert.Empty(t, m.Wide, "%d px, %s: elements right of the viewport", width, state)
			assert.Empty(t, m.Small, "%d px, %s: text under 12 px", width, state)
			assert.Greater(t, m.Texts, 100, "%d px, %s: the page was laid out", width, state)
		}
		assert.Greater(t, open.Height, closed.Height, "%d px: opening the sections makes the page taller", width)
		heights[width] = closed.Height
	}
	return heights
}

// maxPageBytes and maxPageHeight bound the page of a 100-cluster fleet.
const (
	maxPageBytes  = 1500 * 1000
	maxPageHeight = 30000
)

// TestBrowserLayout lays the hazards fleet's page out at 390 px (a phone)
// and 1280 px.
func TestBrowserLayout(t *testing.T) {
	bin := chromium(t)
	dir, _ := runAudit(t, hazardsFleet)
	page, err := os.ReadFile(filepath.Join(dir, audit.HTMLFile))
	require.NoError(t, err)
	assertFits(t, bin, string(page))
}

// TestBrowserLargeFleet: the page of a 100-cluster fleet shaped like
// cmd/synth-fleet's (audit.Synthetic) is at most 1.5 MB and 30,000 px tall
// and fits a phone's width.
func TestBrowserLargeFleet(t *testing.T) {
	bin := chromium(t)
	var b bytes.Buffer
	require.NoError(t, audit.HTML(&b, audit.Synthetic(100)))
	page := b.String()
	audit.AssertSelfContained(t, page)
	t.Logf("%d bytes", len(page))
	assert.LessOrEqual(t, len(page), maxPageBytes)
	assert.Equal(t, 100, strings.Count(page, `<details class="cluster"`), "a section per cluster")
	assert.Contains(t, page, `<dt>50 clusters</dt>`, "the finding every production cluster has is one card")
	assert.Equal(t, 1, strings.Count(page, `<section class="drift"`), "one drift for the 50 production clusters")
	assert.Contains(t, page, `<details class="rule error" id="rule-D1-0401-error">
<summary><span class="sev error">error</span><span class="rule">D1-0401</span><b>Variable is not defined for this cluster</b><span class="cat">substitution</span> <span class="meta">· 100 findings in 100 clusters</span></summary>`,
		"with 161 cards, each rule's are collapsed under a line that counts them")
	assert.Contains(t, page, `<details><summary>40 object changes, 20 chart versions</summary>`, "a long drift's tables are collapsed")
	for width, h := range assertFits(t, bin, page) {
		assert.LessOrEqual(t, h, maxPageHeight, "%d px", width)
	}
}
