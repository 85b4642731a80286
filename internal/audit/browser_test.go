// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package audit_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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

// browserTimeout bounds one run of the browser.
const browserTimeout = 20 * time.Second

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
		assert.Equal(t, len(r.Findings), strings.Count(dom, `<article class="finding `), "one block per finding")
		assert.Equal(t, len(r.Clusters), strings.Count(dom, `<tr><th><a href="#cluster-`), "one matrix row per cluster")
		assert.Equal(t, len(r.Clusters), strings.Count(dom, `aria-label="Flux Kustomization graph"`), "one graph per cluster")
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
