// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package source

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	sibInfraURL = "https://github.com/acme/d1-infra.git"
	sibAppsURL  = "https://github.com/acme/d1-apps.git"
)

// siblingRepo makes a git repository at dir (bare when bare is set) with
// the remotes given (name → URL), and one commit of file with content
// unless bare.
func siblingRepo(t *testing.T, dir string, bare bool, remotes map[string]string, content string) {
	t.Helper()
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{Bare: bare,
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")}})
	require.NoError(t, err)
	for name, u := range remotes {
		_, err := repo.CreateRemote(&config.RemoteConfig{Name: name, URLs: []string{u}})
		require.NoError(t, err)
	}
	if bare || content == "" {
		return
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "file.yaml"), []byte(content), 0o644))
	w, err := repo.Worktree()
	require.NoError(t, err)
	require.NoError(t, w.AddWithOptions(&git.AddOptions{All: true}))
	sig := &object.Signature{Name: "Test", Email: "test@example.com", When: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	_, err = w.Commit("tree", &git.CommitOptions{Author: sig, Committer: sig})
	require.NoError(t, err)
}

// TestFindSiblings: the git repositories directly inside a folder (working
// trees and bare ones), by path, with their remotes; plain folders, hidden
// ones, symlinks and the folders to skip are left out.
func TestFindSiblings(t *testing.T) {
	parent := t.TempDir()
	siblingRepo(t, filepath.Join(parent, "d1-infra"), false, map[string]string{"origin": "git@github.com:acme/d1-infra.git"}, "")
	siblingRepo(t, filepath.Join(parent, "d1-apps.git"), true, nil, "")
	siblingRepo(t, filepath.Join(parent, "d1-fleet"), false, nil, "")
	siblingRepo(t, filepath.Join(parent, ".hidden"), false, nil, "")
	require.NoError(t, os.MkdirAll(filepath.Join(parent, "plain", "clusters"), 0o755))
	if err := os.Symlink(filepath.Join(parent, "d1-infra"), filepath.Join(parent, "linked")); err != nil {
		t.Logf("no symlink: %v", err)
	}

	got := FindSiblings(parent, "the fleet", filepath.Join(parent, "d1-fleet"))
	require.Len(t, got, 2, "%+v", got)
	assert.Equal(t, Sibling{Path: filepath.Join(parent, "d1-apps.git"), Name: "d1-apps", Beside: "the fleet", Remotes: []Remote{}}, got[0])
	assert.Equal(t, Sibling{Path: filepath.Join(parent, "d1-infra"), Name: "d1-infra", Beside: "the fleet",
		Remotes: []Remote{{Name: "origin", URLs: []string{"git@github.com:acme/d1-infra.git"}}}}, got[1])

	assert.Empty(t, FindSiblings(filepath.Join(parent, "missing"), "the fleet"), "a folder that does not exist has no siblings")
}

func TestMatchSiblings(t *testing.T) {
	sib := func(path string, remotes ...Remote) Sibling {
		return Sibling{Path: "../" + path, Name: path, Beside: "the fleet", Remotes: remotes}
	}
	origin := func(u string) Remote { return Remote{Name: "origin", URLs: []string{u}} }
	for _, tc := range []struct {
		name     string
		url      string
		siblings []Sibling
		want     []Mapping
		refused  string
	}{{
		name:     "remote in another spelling",
		url:      "https://GitHub.com/acme/d1-infra",
		siblings: []Sibling{sib("d1-apps", origin(sibAppsURL)), sib("infra-checkout", origin("ssh://git@github.com/acme/d1-infra.git"))},
		want: []Mapping{{URL: "https://GitHub.com/acme/d1-infra", Path: "../infra-checkout", Origin: OriginSiblingRemote,
			How: "found beside the fleet by its git remote origin"}},
	}, {
		name: "origin before another remote",
		url:  sibInfraURL,
		siblings: []Sibling{
			sib("a-fork", origin("git@github.com:me/d1-infra.git"), Remote{Name: "upstream", URLs: []string{sibInfraURL}}),
			sib("b-clone", origin(sibInfraURL)),
		},
		want: []Mapping{{URL: sibInfraURL, Path: "../b-clone", Origin: OriginSiblingRemote, How: "found beside the fleet by its git remote origin"}},
	}, {
		name:     "another remote when no origin matches",
		url:      sibInfraURL,
		siblings: []Sibling{sib("a-fork", origin("git@github.com:me/d1-infra.git"), Remote{Name: "upstream", URLs: []string{sibInfraURL}})},
		want:     []Mapping{{URL: sibInfraURL, Path: "../a-fork", Origin: OriginSiblingRemote, How: "found beside the fleet by its git remote upstream"}},
	}, {
		name:     "a remote match wins over a folder name",
		url:      sibInfraURL,
		siblings: []Sibling{sib("d1-infra"), sib("elsewhere", origin(sibInfraURL))},
		want:     []Mapping{{URL: sibInfraURL, Path: "../elsewhere", Origin: OriginSiblingRemote, How: "found beside the fleet by its git remote origin"}},
	}, {
		name:     "folder name, no remote",
		url:      sibInfraURL,
		siblings: []Sibling{sib("d1-apps"), sib("d1-infra")},
		want:     []Mapping{{URL: sibInfraURL, Path: "../d1-infra", Origin: OriginSiblingName, How: "found beside the fleet by its folder name"}},
	}, {
		name:     "folder name, a remote on the local file system only",
		url:      sibInfraURL,
		siblings: []Sibling{sib("d1-infra", origin("/srv/git/d1-infra.git"))},
		want:     []Mapping{{URL: sibInfraURL, Path: "../d1-infra", Origin: OriginSiblingName, How: "found beside the fleet by its folder name"}},
	}, {
		name:     "folder name in another case",
		url:      "https://github.com/acme/D1-Infra.git",
		siblings: []Sibling{sib("d1-infra")},
		want: []Mapping{{URL: "https://github.com/acme/D1-Infra.git", Path: "../d1-infra", Origin: OriginSiblingName,
			How: "found beside the fleet by its folder name"}},
	}, {
		name:     "a conflicting remote is refused",
		url:      sibInfraURL,
		siblings: []Sibling{sib("d1-infra", origin("https://token@github.com/other/d1-infra.git"))},
		refused: "../d1-infra (found beside the fleet) is named like it, but its git remote origin is https://github.com/other/d1-infra.git: " +
			"map it with --source if it is this repository",
	}, {
		name:     "nothing like it",
		url:      sibInfraURL,
		siblings: []Sibling{sib("d1-apps"), sib("infra")},
	}, {
		name:     "a local URL is never matched",
		url:      "/srv/git/d1-infra",
		siblings: []Sibling{sib("d1-infra")},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got, refused := MatchSiblings(tc.url, tc.siblings)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.refused, refused)
		})
	}
}

func TestNearestURL(t *testing.T) {
	referenced := []string{sibInfraURL, sibAppsURL, "https://github.com/acme/d1-fleet.git"}
	assert.Equal(t, sibInfraURL, NearestURL("https://github.com/acme/d1-infr.git", referenced), "a typo")
	assert.Equal(t, sibAppsURL, NearestURL("git@github.com:acme/d1-app", referenced), "in another spelling")
	assert.Empty(t, NearestURL("https://gitlab.example.com/team/platform.git", referenced), "nothing close")
	assert.Empty(t, NearestURL(sibInfraURL, []string{sibInfraURL}), "the URL itself is no suggestion")
	assert.Empty(t, NearestURL(sibInfraURL, nil))
	assert.Equal(t, "https://h/a/bx", NearestURL("https://h/a/b", []string{"https://h/a/xb", "https://h/a/bx"}), "ties: the smallest key")
}

func TestOtherRemote(t *testing.T) {
	parent := t.TempDir()
	wrong := filepath.Join(parent, "wrong")
	siblingRepo(t, wrong, false, map[string]string{"origin": sibAppsURL}, "")
	right := filepath.Join(parent, "right")
	siblingRepo(t, right, false, map[string]string{"origin": "git@github.com:acme/d1-infra", "upstream": sibAppsURL}, "")
	none := filepath.Join(parent, "none")
	siblingRepo(t, none, false, nil, "")
	plain := filepath.Join(parent, "plain")
	require.NoError(t, os.MkdirAll(plain, 0o755))

	assert.Equal(t, "origin is "+sibAppsURL, OtherRemote(sibInfraURL, wrong))
	assert.Empty(t, OtherRemote(sibInfraURL, right), "one remote is the URL")
	assert.Empty(t, OtherRemote(sibInfraURL, none), "no remote says anything")
	assert.Empty(t, OtherRemote(sibInfraURL, plain), "not a git repository")
}

// TestResolverSiblings: a URL no mapping names is read from the sibling
// that stands for it, found when first asked for; a mapping given always
// wins; a sibling refused says why in the error; and a sibling with a
// revision At stands for its branch with that revision, not its working
// tree.
func TestResolverSiblings(t *testing.T) {
	parent := t.TempDir()
	infra := filepath.Join(parent, "d1-infra")
	siblingRepo(t, infra, false, nil, "committed\n")
	apps := filepath.Join(parent, "d1-apps")
	siblingRepo(t, apps, false, map[string]string{"origin": "https://github.com/other/d1-apps.git"}, "apps\n")
	explicit := filepath.Join(parent, "explicit")
	require.NoError(t, os.MkdirAll(explicit, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(explicit, "file.yaml"), []byte("explicit\n"), 0o644))
	// An uncommitted edit: the working tree stands for main.
	require.NoError(t, os.WriteFile(filepath.Join(infra, "file.yaml"), []byte("edited\n"), 0o644))
	siblings := FindSiblings(parent, "the fleet")
	require.Len(t, siblings, 2)

	read := func(t *testing.T, r *Resolver, url string) (*Snapshot, string) {
		t.Helper()
		snap, err := r.Resolve(url, Ref{Branch: "main"}, "")
		require.NoError(t, err)
		data, err := os.ReadFile(filepath.Join(snap.Dir, "file.yaml"))
		require.NoError(t, err)
		return snap, string(data)
	}

	t.Run("found", func(t *testing.T) {
		r, err := NewResolver(nil, Options{TempDir: t.TempDir(), Siblings: siblings})
		require.NoError(t, err)
		defer r.Close()
		assert.Empty(t, r.Mapped(), "nothing is looked up before it is asked for")
		snap, content := read(t, r, sibInfraURL)
		assert.Equal(t, "edited\n", content, "the working tree")
		assert.Equal(t, infra, snap.LocalPath)
		assert.Contains(t, snap.Note, "; found beside the fleet by its folder name")
		assert.Equal(t, []Mapping{{URL: sibInfraURL, Path: infra, Origin: OriginSiblingName, How: "found beside the fleet by its folder name"}}, r.Mapped())

		_, err = r.Resolve(sibAppsURL, Ref{Branch: "main"}, "")
		require.ErrorIs(t, err, ErrUnmapped)
		assert.Contains(t, err.Error(), "d1-apps (found beside the fleet) is named like it, but its git remote origin is https://github.com/other/d1-apps.git")
	})

	t.Run("explicit wins", func(t *testing.T) {
		r, err := NewResolver([]Mapping{{URL: "git@github.com:acme/d1-infra", Path: explicit, Origin: OriginFlag}}, Options{TempDir: t.TempDir(), Siblings: siblings})
		require.NoError(t, err)
		defer r.Close()
		_, content := read(t, r, sibInfraURL)
		assert.Equal(t, "explicit\n", content)
		require.Len(t, r.Mapped(), 1)
		assert.Equal(t, OriginFlag, r.Mapped()[0].Origin)
	})

	t.Run("at a revision", func(t *testing.T) {
		at := append([]Sibling(nil), siblings...)
		for i := range at {
			at[i].At = "HEAD"
		}
		r, err := NewResolver(nil, Options{TempDir: t.TempDir(), Siblings: at})
		require.NoError(t, err)
		defer r.Close()
		snap, content := read(t, r, sibInfraURL)
		assert.Equal(t, "committed\n", content, "the HEAD commit stands in for the working tree")
		assert.Equal(t, infra+" at HEAD", snap.LocalPath, "shown as the checkout, never as the copy")
		mapped := r.Mapped()
		require.Len(t, mapped, 2, "the copy for main, the repository for its other branches")
		assert.Equal(t, Mapping{URL: sibInfraURL, Path: infra, Origin: OriginSiblingName, How: "found beside the fleet by its folder name"}, mapped[0])
		assert.Equal(t, Mapping{URL: sibInfraURL, Path: infra, Branch: "main", Origin: OriginSiblingName, How: "found beside the fleet by its folder name",
			Display: infra, Revision: "HEAD"}, mapped[1])
	})
}
