// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runTerminal executes d1lint in-process as run does, with standard output
// and standard error terminals or not as asked.
func runTerminal(t *testing.T, stdoutTerminal, stderrTerminal bool, env map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := NewRootCommand(Streams{Out: &stdout, Err: &stderr, Getenv: func(k string) string { return env[k] },
		IsTerminal: func(w io.Writer) bool {
			switch w {
			case &stdout:
				return stdoutTerminal
			case &stderr:
				return stderrTerminal
			}
			return false
		}})
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return result{stdout: stdout.String(), stderr: stderr.String(), err: err}
}

// TestProgress: on a terminal, check and build tell their progress on
// standard error, one line each message overwrites and that is cleared
// before the output; never when standard error is no terminal (a CI log,
// a file), nor with --quiet; and never on standard output.
func TestProgress(t *testing.T) {
	for _, args := range [][]string{
		{"check", "--config", exampleFleet},
		{"build", "--config", exampleFleet, "--cluster", "staging"},
	} {
		r := runTerminal(t, false, true, nil, args...)
		require.NoError(t, r.err, r.stderr)
		total := "2 clusters"
		if args[0] == "build" {
			total = "1 cluster"
		}
		assert.Contains(t, r.stderr, "\rrendering "+total+"…", args)
		assert.Contains(t, r.stderr, "\rrendering 1/"+total+"…", args)
		assert.Regexp(t, `\r +\r$`, r.stderr, "the line is cleared at the end: %q", r.stderr)
		assert.NotContains(t, r.stdout, "rendering", args)

		for _, quiet := range []bool{false, true} {
			a := args
			if quiet {
				a = append([]string{"--quiet"}, args...)
				r = runTerminal(t, true, true, nil, a...)
			} else {
				r = run(t, a...)
			}
			require.NoError(t, r.err, r.stderr)
			assert.NotContains(t, r.stderr, "rendering", a)
			assert.NotContains(t, r.stderr, "\r", a)
		}
	}
	r := runTerminal(t, false, true, nil, "check", "--config", exampleFleet)
	assert.Regexp(t, `\revaluating \d+ rules over 2 clusters…`, r.stderr)
}

// TestQuiet: --quiet leaves the findings only.
func TestQuiet(t *testing.T) {
	r := run(t, "check", "--quiet", "--config", badFleet, "--cluster", "undefined-var,good")
	assertErrClass(t, errFindings, r.err)
	assert.Contains(t, r.stdout, "undefined-var (staging, 9 objects)\n  error   D1-0401  Variable is not defined for this cluster\n")
	for _, chatter := range []string{"checked", "profile", "no findings"} {
		assert.NotContains(t, r.stdout, chatter)
	}
	assert.Empty(t, r.stderr)

	r = run(t, "check", "-q", "--config", exampleFleet)
	require.NoError(t, r.err)
	assert.Empty(t, r.stdout, "nothing found, nothing said")
}

// TestVerbose: --verbose writes the source mappings and the stages' times
// to standard error; the report is byte-identical with or without it.
func TestVerbose(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		plain := run(t, "check", "--config", exampleFleet, "--format", format)
		require.NoError(t, plain.err)
		v := run(t, "check", "-v", "--config", exampleFleet, "--format", format)
		require.NoError(t, v.err)
		assert.True(t, plain.stdout == v.stdout, "the report does not change with --verbose (%s)", format)
		assert.NotContains(t, v.stdout, "timings")
		assert.Contains(t, v.stderr, "sources:\n  https://github.com/acme/d1-apps.git@main → ../../fixtures/example/apps-main (sources: in .d1lint.yaml)\n")
		assert.Regexp(t, regexp.MustCompile(`(?m)^timings: load \S+, render \S+, validate \S+, evaluate \S+, locate \S+, waive \S+, report \S+$`), v.stderr)
		assert.NotContains(t, v.stderr, "rendering", "no progress off a terminal, verbose or not")
	}
	b := run(t, "build", "--verbose", "--config", exampleFleet, "--cluster", "staging")
	require.NoError(t, b.err)
	assert.Contains(t, b.stderr, "sources:\n")
	assert.Regexp(t, `(?m)^timings: load \S+, render \S+, validate \S+, locate \S+$`, b.stderr)
}

// TestOutputFlag: -o writes what would go to standard output to a file.
func TestOutputFlag(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "out.txt")
	r := run(t, "check", "--config", exampleFleet, "-o", text)
	require.NoError(t, r.err)
	assert.Empty(t, r.stdout)
	got, err := os.ReadFile(text)
	require.NoError(t, err)
	assert.Equal(t, run(t, "check", "--config", exampleFleet).stdout, string(got), "the text standard output would have had")

	sarif, js := filepath.Join(dir, "out.sarif"), filepath.Join(dir, "out.json")
	r = run(t, "check", "--config", exampleFleet, "--format", "sarif="+sarif, "--format", "json", "--output", js)
	require.NoError(t, r.err)
	assert.Empty(t, r.stdout)
	for file, want := range map[string]string{sarif: `"$schema"`, js: `"findings": []`} {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		assert.Contains(t, string(data), want, file)
	}

	r = runTerminal(t, true, false, nil, "check", "--config", badFleet, "--cluster", "undefined-var", "-o", text)
	assertErrClass(t, errFindings, r.err)
	got, err = os.ReadFile(text)
	require.NoError(t, err)
	assert.NotContains(t, string(got), "\x1b", "a file gets no colour, whatever standard output is")

	r = run(t, "check", "--config", exampleFleet, "--format", "json", "-o", filepath.Join(dir, "no", "such", "folder.json"))
	assertErrClass(t, errUsage, r.err)
	assert.Contains(t, r.err.Error(), "does not exist")
}

// TestRuleFlags: --disable turns rules off; --enable turns back on a rule
// the configuration disables or the profile leaves out.
func TestRuleFlags(t *testing.T) {
	count := func(r result, id string) int { return strings.Count(r.stdout, "  "+id+"  ") }
	base := []string{"check", "--config", badFleet, "--cluster", "undefined-var"}
	r := run(t, base...)
	require.Positive(t, count(r, "D1-0101"))
	require.Positive(t, count(r, "D1-0404"))

	r = run(t, append(base, "--disable", "D1-0101,d1-0404")...)
	assert.Zero(t, count(r, "D1-0101"))
	assert.Zero(t, count(r, "D1-0404"))
	assert.Positive(t, count(r, "D1-0401"))

	r = run(t, append(base, "--profile", "generic")...)
	assert.Zero(t, count(r, "D1-0101"), "the generic profile leaves D1-0101 out")
	r = run(t, append(base, "--profile", "generic", "--enable", "D1-0101")...)
	assert.Equal(t, 1, count(r, "D1-0101"), "--enable counts it whatever the profile")

	bad, err := filepath.Abs("../../fixtures/bad/fleet")
	require.NoError(t, err)
	cfg := filepath.Join(t.TempDir(), ".d1lint.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte("fleet: "+bad+"\nrules:\n  D1-0101:\n    disabled: true\n    severity: warning\n"), 0o644))
	r = run(t, "check", "--config", cfg, "--cluster", "undefined-var")
	assert.Zero(t, count(r, "D1-0101"))
	r = run(t, "check", "--config", cfg, "--cluster", "undefined-var", "--enable", "D1-0101")
	assert.Contains(t, r.stdout, "  warning D1-0101  ", "turned back on, with the severity the configuration gives it")
}

// TestVersionFlag: --version prints what version prints.
func TestVersionFlag(t *testing.T) {
	v := run(t, "version")
	require.NoError(t, v.err)
	f := run(t, "--version")
	require.NoError(t, f.err)
	assert.Equal(t, v.stdout, f.stdout)
	assert.Regexp(t, `^d1lint \S+.* \(cluster model v1alpha1\)\n$`, f.stdout)
}

// TestReadVersion: the version comes from the linker flag, else the
// module's version, else the VCS stamp; devel only as a last resort.
func TestReadVersion(t *testing.T) {
	info := func(version string, settings ...string) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/d1lint/d1lint", Version: version}}
			for i := 0; i+1 < len(settings); i += 2 {
				bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
			}
			return bi, true
		}
	}
	vcs := []string{"vcs", "git", "vcs.revision", "0123456789abcdef0123", "vcs.time", "2026-03-04T05:06:07Z", "vcs.modified", "true"}
	stamp := []string{"commit 0123456789ab", "2026-03-04T05:06:07Z", "modified"}
	for _, tt := range []struct {
		name    string
		read    func() (*debug.BuildInfo, bool)
		short   string
		details []string
	}{
		{"release", info("v1.2.3"), "v1.2.3", nil},
		{"pseudo-version with its stamp", info("v0.3.1-0.20260304050607-0123456789ab+dirty", vcs...),
			"v0.3.1-0.20260304050607-0123456789ab+dirty", stamp},
		{"devel with a stamp", info("(devel)", vcs...), "devel+0123456789ab.dirty", stamp},
		{"devel, clean", info("(devel)", "vcs.revision", "abc", "vcs.modified", "false"), "devel+abc", []string{"commit abc"}},
		{"nothing known", info("(devel)"), "devel", nil},
		{"no build information", func() (*debug.BuildInfo, bool) { return nil, false }, "devel", nil},
	} {
		v := readVersion(tt.read)
		assert.Equal(t, tt.short, v.short(), tt.name)
		assert.Equal(t, tt.details, v.details(), tt.name)
	}
	prev := Version
	t.Cleanup(func() { Version = prev })
	Version = "v9.8.7"
	v := readVersion(info("v1.2.3", vcs...))
	assert.Equal(t, "v9.8.7", v.short(), "the linker flag wins")
	assert.Equal(t, stamp, v.details())
}
