// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/profile"
	"github.com/d1lint/d1lint/internal/render"
	"github.com/d1lint/d1lint/internal/testutil"
	"github.com/d1lint/d1lint/policies"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testutil.Cleanup()
	os.Exit(code)
}

func load(t testing.TB) *Catalogue {
	t.Helper()
	c, err := Load()
	require.NoError(t, err)
	return c
}

func TestRegoTests(t *testing.T) {
	results, err := RunTests(context.Background(), policies.FS)
	require.NoError(t, err)
	require.NotEmpty(t, results)
	tested := map[string]bool{}
	for _, r := range results {
		assert.True(t, r.Pass, "%s.%s: %s", r.Package, r.Name, r.Message)
		tested[strings.TrimSuffix(r.Package, "_test")] = true
	}
	for _, r := range load(t).Rules() {
		assert.True(t, tested[r.Package], "rule %s (%s) has no Rego tests", r.ID, r.Package)
	}
}

// TestCatalogue checks the metadata every rule must carry, and that every
// rule folder holds its tests and fixtures.
func TestCatalogue(t *testing.T) {
	c := load(t)
	rules := c.Rules()
	require.NotEmpty(t, rules)
	dirs := map[string]bool{}
	for _, r := range rules {
		dirs[r.Dir] = true
		assert.Regexp(t, `^D1-\d{4}$`, r.ID)
		assert.True(t, strings.HasSuffix(r.Remediation, "."), "%s: a remediation ends with a period", r.ID)
		assert.False(t, strings.HasSuffix(r.Title, "."), "%s: a title does not", r.ID)
		got, ok := c.Rule(r.ID)
		assert.True(t, ok)
		assert.Equal(t, r, got)
		entries, err := fs.ReadDir(policies.FS, r.Dir)
		require.NoError(t, err)
		var hasTest bool
		for _, e := range entries {
			hasTest = hasTest || strings.HasSuffix(e.Name(), "_test.rego")
		}
		assert.True(t, hasTest, "%s has a _test.rego", r.Dir)
		for _, kind := range []string{"good", "bad"} {
			files := overlayFiles(t, filepath.Join(r.Dir, "fixtures", kind))
			assert.NotEmpty(t, files, "%s has fixtures/%s", r.Dir, kind)
		}
	}
	// Every folder two levels down under policies/ is a rule.
	for _, cat := range Categories {
		entries, err := fs.ReadDir(policies.FS, cat)
		if err != nil {
			continue
		}
		for _, e := range entries {
			assert.True(t, dirs[cat+"/"+e.Name()], "folder %s/%s holds no rule", cat, e.Name())
		}
	}
}

// overlayFiles lists the files of a fixture overlay (slash paths).
func overlayFiles(t testing.TB, dir string) []string {
	var out []string
	_ = fs.WalkDir(policies.FS, dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, strings.TrimPrefix(p, dir+"/"))
		}
		return nil
	})
	return out
}

// exampleWith copies the example fleet to a temporary folder and lays a
// fixture overlay over it (its top folders mirror fixtures/example).
func exampleWith(t testing.TB, overlay string) string {
	t.Helper()
	dst := t.TempDir()
	src := testutil.Fixture(t, "example")
	require.NoError(t, os.CopyFS(dst, os.DirFS(src)))
	for _, f := range overlayFiles(t, overlay) {
		data, err := fs.ReadFile(policies.FS, overlay+"/"+f)
		require.NoError(t, err)
		p := filepath.Join(dst, filepath.FromSlash(f))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, data, 0o644))
	}
	return dst
}

// renderExample renders the example fleet (its sources unmapped: the
// rules still have a fleet to evaluate).
func renderExample(t testing.TB) *model.Fleet {
	t.Helper()
	res, err := render.Render(context.Background(), render.Options{FleetPath: testutil.Fixture(t, "example", "fleet"),
		Getenv: func(string) string { return "" }})
	require.NoError(t, err)
	t.Cleanup(func() { _ = res.Close() })
	return res.Fleet
}

func TestCapabilitiesDenyNetwork(t *testing.T) {
	for _, builtin := range []string{`http.send({"method": "get", "url": "http://x"})`, `net.lookup_ip_addr("example.com")`, `opa.runtime()`,
		`time.now_ns()`, `rand.intn("k", 3)`, `uuid.rfc4122("k")`, `crypto.x509.parse_and_verify_certificates("")`, `json.match_schema({}, {})`} {
		m, err := ast.ParseModuleWithOpts("x.rego", "package x\n\nallow := "+builtin+"\n", ast.ParserOptions{RegoVersion: ast.RegoV1})
		require.NoError(t, err)
		compiler := ast.NewCompiler().WithCapabilities(Capabilities())
		compiler.Compile(map[string]*ast.Module{"x.rego": m})
		assert.True(t, compiler.Failed(), "%s must not compile", builtin)
	}
	// Deterministic builtins stay.
	assert.NotContains(t, Refused(), "uuid.parse")
	assert.NotContains(t, Refused(), "time.parse_rfc3339_ns")
	assert.Contains(t, Refused(), "io.jwt.encode_sign")
}

// TestEvaluationDeadline checks that an evaluation that outlives its
// deadline fails (exit status 3 in the CLI) rather than hanging.
func TestEvaluationDeadline(t *testing.T) {
	c := load(t)
	c.timeout = time.Nanosecond
	fl := renderExample(t)
	_, err := c.Evaluate(context.Background(), fl, DefaultSettings())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "evaluating cluster")
}

// TestProfiles: every rule says which profiles it belongs to, from the
// known set; d1 runs every rule, and generic keeps the rules about Flux's
// own behaviour (builds, schemas, credentials) whole.
func TestProfiles(t *testing.T) {
	generic := map[string]bool{}
	for _, r := range load(t).Rules() {
		require.NotEmpty(t, r.Profiles, "%s declares no profiles", r.ID)
		for _, p := range r.Profiles {
			assert.True(t, profile.Known(p), "%s: profile %q is not one of %v", r.ID, p, profile.Names)
		}
		assert.Contains(t, r.Profiles, profile.D1, "%s: the d1 profile runs every rule", r.ID)
		if slices.Contains(r.Profiles, profile.Generic) {
			generic[r.Category] = true
		} else {
			assert.NotContains(t, []string{"build", "schema", "credentials"}, r.Category,
				"%s: the generic profile keeps every %s rule", r.ID, r.Category)
		}
	}
	for _, cat := range []string{"build", "schema", "credentials", "substitution", "dependency-ordering"} {
		assert.True(t, generic[cat], "the generic profile keeps rules of %s", cat)
	}
}

// TestReadMetadataProfiles: a rule without profiles, with an unknown one
// or with one twice is refused, naming the file and the known profiles.
func TestReadMetadataProfiles(t *testing.T) {
	for name, tc := range map[string]struct{ line, want string }{
		"missing":   {"", "custom.profiles must list the profiles the rule belongs to (d1, generic)"},
		"not list":  {"#   profiles: d1\n", "custom.profiles must list"},
		"unknown":   {"#   profiles: [d1, d2]\n", "custom.profiles: d2 is not a profile (d1, generic)"},
		"duplicate": {"#   profiles: [d1, d1]\n", "custom.profiles lists d1 twice"},
	} {
		t.Run(name, func(t *testing.T) {
			src := "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: D1-0999\n#   category: build\n" +
				"#   severity: info\n#   remediation: R.\n" + tc.line + "package d1lint.rules.build.x\n\nreport := set()\n"
			m, err := ast.ParseModuleWithOpts("build/x/x.rego", src, ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
			require.NoError(t, err)
			_, err = readMetadata(map[string]*ast.Module{"build/x/x.rego": m})
			require.ErrorIs(t, err, ErrPolicy)
			assert.ErrorContains(t, err, "build/x/x.rego: rule D1-0999: "+tc.want)
		})
	}
}

func TestInProfile(t *testing.T) {
	c := load(t)
	assert.True(t, c.InProfile("D1-0401", profile.Generic))
	assert.False(t, c.InProfile("D1-0101", profile.Generic))
	assert.True(t, c.InProfile("D1-0101", profile.D1))
	assert.True(t, c.InProfile("acme.deny", profile.Generic), "a team's rules count in every profile")
}
