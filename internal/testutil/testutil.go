// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package testutil finds the project's fixtures and lays out the shared d1
// corpus as git repositories for tests and benchmarks.
package testutil

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Root returns the repository root (the folder holding go.mod).
func Root(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("go.mod not found above the test's folder")
		}
		dir = parent
	}
}

// Fixture returns the path of a folder under fixtures/.
func Fixture(tb testing.TB, elem ...string) string {
	tb.Helper()
	return filepath.Join(append([]string{Root(tb), "fixtures"}, elem...)...)
}

// SharedCorpus returns ../shared/corpus next to the repository, skipping the
// test when it is absent (a user's fresh clone has no such folder; CI has it).
func SharedCorpus(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join(filepath.Dir(Root(tb)), "shared", "corpus")
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		tb.Skipf("%s is absent: corpus tests skipped", dir)
	}
	return dir
}

// D1 is the d1 corpus laid out as three local git repositories.
type D1 struct {
	Fleet, Infra, Apps string
}

// URLs of the d1 repositories, as the corpus fleet names them.
const (
	D1InfraURL = "https://github.com/controlplaneio-fluxcd/d1-infra.git"
	D1AppsURL  = "https://github.com/controlplaneio-fluxcd/d1-apps.git"
)

var (
	corpusMu  sync.Mutex
	corpusDir = map[bool]string{}
)

// D1Corpus lays out the d1 corpus with its mkrepos.sh (once per process and
// era) and returns where. bootstrap picks the bootstrap-era fleet.
func D1Corpus(tb testing.TB, bootstrap bool) D1 {
	tb.Helper()
	corpus := SharedCorpus(tb)
	corpusMu.Lock()
	defer corpusMu.Unlock()
	dir, ok := corpusDir[bootstrap]
	if !ok {
		var err error
		dir, err = os.MkdirTemp("", "d1lint-corpus-")
		if err != nil {
			tb.Fatal(err)
		}
		args := []string{filepath.Join(corpus, "d1", "mkrepos.sh"), dir}
		if bootstrap {
			args = append(args, "--bootstrap-era")
		}
		bash, err := exec.LookPath("bash")
		if err != nil {
			tb.Fatalf("bash is needed to lay out the corpus: %v", err)
		}
		cmd := exec.Command(bash, args...)
		if out, err := cmd.CombinedOutput(); err != nil {
			tb.Fatalf("mkrepos.sh: %v\n%s", err, out)
		}
		corpusDir[bootstrap] = dir
	}
	return D1{Fleet: filepath.Join(dir, "d1-fleet"), Infra: filepath.Join(dir, "d1-infra"), Apps: filepath.Join(dir, "d1-apps")}
}

// D2 is the d2 corpus laid out as three local git repositories side by
// side, with their release tags.
type D2 struct {
	Fleet, Infra, Apps string
}

// D2Corpus lays out the d2 corpus with its mkrepos.sh in a temporary
// folder of the test (a test may change it) and returns where.
func D2Corpus(tb testing.TB) D2 {
	tb.Helper()
	corpus := SharedCorpus(tb)
	dir := tb.TempDir()
	bash, err := exec.LookPath("bash")
	if err != nil {
		tb.Fatalf("bash is needed to lay out the corpus: %v", err)
	}
	if out, err := exec.Command(bash, filepath.Join(corpus, "d2", "mkrepos.sh"), dir).CombinedOutput(); err != nil {
		tb.Fatalf("mkrepos.sh: %v\n%s", err, out)
	}
	return D2{Fleet: filepath.Join(dir, "d2-fleet"), Infra: filepath.Join(dir, "d2-infra"), Apps: filepath.Join(dir, "d2-apps")}
}

// Cleanup removes what D1Corpus laid out; call it from TestMain.
func Cleanup() {
	corpusMu.Lock()
	defer corpusMu.Unlock()
	for k, d := range corpusDir {
		_ = os.RemoveAll(d)
		delete(corpusDir, k)
	}
}

// Golden compares got with testdata/golden/<name>.golden (relative to the
// test's package) byte for byte, or rewrites the file when update is set
// (each package's -update flag). Goldens are plain files, never templated.
func Golden(t *testing.T, update bool, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".golden")
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file missing (rerun the test with -update): %v", err)
	}
	if string(want) != got {
		t.Errorf("output differs from %s (rerun with -update if the change is intended)\n%s", path, diff(string(want), got))
	}
}

// diff shows the first line where want and got differ.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, wl, gl)
		}
	}
	return ""
}

// FluxInstance is an operator-era FluxInstance (Flux 2.7) whose sync applies
// clusters/<cluster> of the fleet at url, branch main: the root of a test
// cluster folder, at clusters/<cluster>/flux-system/flux-instance.yaml.
func FluxInstance(cluster, url string) string {
	return `apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata:
  name: flux
  namespace: flux-system
spec:
  distribution:
    version: 2.7.x
  sync:
    kind: GitRepository
    url: ` + url + `
    ref: refs/heads/main
    path: clusters/` + cluster + `
`
}

// WriteFiles writes files (slash paths relative to dir → content) under dir.
func WriteFiles(tb testing.TB, dir string, files map[string]string) {
	tb.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// CopyTree copies the regular files of the folder src into dst (created
// as needed); links and other special files are left out.
func CopyTree(tb testing.TB, src, dst string) {
	tb.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		tb.Fatalf("copying %s: %v", src, err)
	}
}

// GitCopy copies the folder src (regular files only) into a new git
// repository under tb's temporary folder, commits it on branch main with
// go-git (no git process), gives it the remote origin (when not empty),
// and returns the repository's folder: a fixture laid out as the checkout
// of a repository, for layouts whose meaning depends on where the
// repository's top is (a fleet in a subfolder of a monorepo).
func GitCopy(tb testing.TB, src, origin string) string {
	tb.Helper()
	dst := filepath.Join(tb.TempDir(), filepath.Base(src))
	CopyTree(tb, src, dst)
	repo, err := git.PlainInitWithOptions(dst, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
	})
	if err != nil {
		tb.Fatalf("git init %s: %v", dst, err)
	}
	if origin != "" {
		if _, err := repo.CreateRemote(&gitconfig.RemoteConfig{Name: "origin", URLs: []string{origin}}); err != nil {
			tb.Fatalf("adding remote origin: %v", err)
		}
	}
	wt, err := repo.Worktree()
	if err != nil {
		tb.Fatal(err)
	}
	if err := wt.AddGlob("."); err != nil {
		tb.Fatalf("git add: %v", err)
	}
	sig := &object.Signature{Name: "d1lint tests", Email: "tests@d1lint.invalid", When: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	if _, err := wt.Commit("fixture", &git.CommitOptions{Author: sig, Committer: sig}); err != nil {
		tb.Fatalf("git commit: %v", err)
	}
	return dst
}
