// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package main

// The release's definition (.goreleaser.yaml, Dockerfile and
// .github/workflows/release.yml), checked without running GoReleaser, so
// that what a release needs does not rot between releases.

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/d1lint/d1lint/internal/testutil"
)

type goreleaser struct {
	Version int `yaml:"version"`
	Builds  []struct {
		ID      string   `yaml:"id"`
		Main    string   `yaml:"main"`
		Binary  string   `yaml:"binary"`
		Env     []string `yaml:"env"`
		GOOS    []string `yaml:"goos"`
		GOARCH  []string `yaml:"goarch"`
		Flags   []string `yaml:"flags"`
		LDFlags []string `yaml:"ldflags"`
	} `yaml:"builds"`
	Archives []struct {
		IDs     []string `yaml:"ids"`
		Formats []string `yaml:"formats"`
		Files   []string `yaml:"files"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
	} `yaml:"checksum"`
	Dockers []struct {
		IDs            []string `yaml:"ids"`
		GOOS           string   `yaml:"goos"`
		GOARCH         string   `yaml:"goarch"`
		Dockerfile     string   `yaml:"dockerfile"`
		ImageTemplates []string `yaml:"image_templates"`
		BuildFlags     []string `yaml:"build_flag_templates"`
	} `yaml:"dockers"`
	DockerManifests []struct {
		NameTemplate   string   `yaml:"name_template"`
		ImageTemplates []string `yaml:"image_templates"`
	} `yaml:"docker_manifests"`
}

func readYAML(t *testing.T, rel string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testutil.Root(t), rel))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(data, v), rel)
}

func TestReleaseGoReleaser(t *testing.T) {
	// Only the top-level keys GoReleaser v2 has that this file uses: a
	// misspelt one fails here rather than at release time.
	var loose map[string]any
	readYAML(t, ".goreleaser.yaml", &loose)
	for key := range loose {
		assert.Contains(t, []string{"version", "project_name", "before", "builds", "archives", "checksum", "dockers",
			"docker_manifests", "release", "changelog"}, key, ".goreleaser.yaml: unexpected key")
	}
	var g goreleaser
	data, err := os.ReadFile(filepath.Join(testutil.Root(t), ".goreleaser.yaml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(data, &g))
	assert.Equal(t, 2, g.Version, "GoReleaser v2's configuration")

	require.Len(t, g.Builds, 1)
	b := g.Builds[0]
	assert.Equal(t, "./cmd/d1lint", b.Main)
	assert.Equal(t, "d1lint", b.Binary)
	assert.Contains(t, b.Env, "CGO_ENABLED=0", "static binaries, for the distroless image")
	assert.ElementsMatch(t, []string{"linux", "darwin", "windows"}, b.GOOS)
	assert.ElementsMatch(t, []string{"amd64", "arm64"}, b.GOARCH)
	assert.Contains(t, b.Flags, "-trimpath", "no build machine paths in the binary")
	require.Len(t, b.LDFlags, 1)
	// The variable the linker sets must exist: d1lint version prints it.
	assert.Contains(t, b.LDFlags[0], "-X github.com/d1lint/d1lint/internal/cli.Version={{ .Tag }}")
	src, err := os.ReadFile(filepath.Join(testutil.Root(t), "internal", "cli", "version.go"))
	require.NoError(t, err)
	assert.Regexp(t, regexp.MustCompile(`(?m)^var Version = ""$`), string(src))

	require.NotEmpty(t, g.Archives)
	assert.Contains(t, g.Archives[0].Formats, "tar.gz")
	assert.Contains(t, g.Archives[0].Files, "LICENSE")
	assert.Equal(t, "checksums.txt", g.Checksum.NameTemplate)

	require.Len(t, g.Dockers, 2)
	var platforms []string
	for _, d := range g.Dockers {
		assert.Equal(t, []string{b.ID}, d.IDs)
		assert.Equal(t, "linux", d.GOOS)
		assert.Equal(t, "Dockerfile", d.Dockerfile)
		assert.Contains(t, d.BuildFlags, "--platform=linux/"+d.GOARCH)
		require.Len(t, d.ImageTemplates, 1)
		assert.Equal(t, "ghcr.io/d1lint/d1lint:{{ .Tag }}-"+d.GOARCH, d.ImageTemplates[0])
		platforms = append(platforms, d.GOARCH)
	}
	assert.ElementsMatch(t, []string{"amd64", "arm64"}, platforms)
	var manifests []string
	for _, m := range g.DockerManifests {
		manifests = append(manifests, m.NameTemplate)
		assert.Len(t, m.ImageTemplates, 2, m.NameTemplate)
	}
	assert.Contains(t, manifests, "ghcr.io/d1lint/d1lint:{{ .Tag }}")
	assert.Contains(t, manifests, "ghcr.io/d1lint/d1lint:v{{ .Major }}")
}

func TestReleaseDockerfile(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(testutil.Root(t), "Dockerfile"))
	require.NoError(t, err)
	var from, user, entry string
	for line := range strings.Lines(string(data)) {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "FROM":
			from = f[1]
		case "USER":
			user = f[1]
		case "ENTRYPOINT":
			entry = strings.Join(f[1:], " ")
		}
	}
	assert.True(t, strings.HasPrefix(from, "gcr.io/distroless/static"), "a distroless static base: %s", from)
	require.NotEmpty(t, user, "the image runs as a non-root user")
	assert.NotContains(t, []string{"0", "root", "0:0"}, user)
	assert.Equal(t, `["/usr/local/bin/d1lint"]`, entry)
	assert.Contains(t, string(data), "COPY d1lint /usr/local/bin/d1lint", "the binary GoReleaser puts in the build context")
}

func TestReleaseWorkflow(t *testing.T) {
	var wf struct {
		Name string `yaml:"name"`
		On   struct {
			Push struct {
				Tags     []string `yaml:"tags"`
				Branches []string `yaml:"branches"`
			} `yaml:"push"`
		} `yaml:"on"`
		Permissions map[string]string `yaml:"permissions"`
		Jobs        map[string]struct {
			Steps []actionStep `yaml:"steps"`
		} `yaml:"jobs"`
	}
	data, err := os.ReadFile(filepath.Join(testutil.Root(t), ".github", "workflows", "release.yml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(data, &wf))
	require.NotEmpty(t, wf.On.Push.Tags, "a release runs on a tag push")
	assert.Empty(t, wf.On.Push.Branches)
	// GitHub's filter patterns: + repeats the previous character class.
	pattern := func(p string) *regexp.Regexp {
		return regexp.MustCompile("^" + strings.NewReplacer(".", `\.`, "*", ".*").Replace(p) + "$")
	}
	matches := func(tag string) bool {
		return slices.ContainsFunc(wf.On.Push.Tags, func(p string) bool { return pattern(p).MatchString(tag) })
	}
	for _, tag := range []string{"v1.0.0", "v1.12.3", "v2.0.0-rc.1"} {
		assert.True(t, matches(tag), "%s starts a release", tag)
	}
	for _, tag := range []string{"v1", "v2", "latest", "1.0.0"} {
		assert.False(t, matches(tag), "%s does not start a release (the workflow moves v1 itself)", tag)
	}
	assert.Equal(t, "write", wf.Permissions["contents"])
	assert.Equal(t, "write", wf.Permissions["packages"])

	require.Len(t, wf.Jobs, 1)
	var steps []actionStep
	for _, j := range wf.Jobs {
		steps = j.Steps
	}
	index := func(match func(actionStep) bool) int { return slices.IndexFunc(steps, match) }
	checkout := index(func(s actionStep) bool { return strings.HasPrefix(s.Uses, "actions/checkout@") })
	test := index(func(s actionStep) bool { return strings.Contains(s.Run, ".ci/run") })
	release := index(func(s actionStep) bool { return strings.HasPrefix(s.Uses, "goreleaser/goreleaser-action@") })
	major := index(func(s actionStep) bool { return strings.Contains(s.Run, "git push --force origin") })
	require.True(t, checkout >= 0 && test > checkout && release > test && major > release,
		"checkout, test, GoReleaser, then the major tag: %d %d %d %d", checkout, test, release, major)
	assert.Equal(t, "0", steps[checkout].With["fetch-depth"])
	assert.Equal(t, "release --clean", steps[release].With["args"])
	assert.Contains(t, steps[major].If, "!contains(github.ref_name, '-')", "a pre-release does not move v1")
	assert.Contains(t, steps[major].Run, `major="${GITHUB_REF_NAME%%.*}"`)
}
