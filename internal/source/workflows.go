// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package source

import (
	"io"
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// pushAction is the GitHub Action d2's workflows push artifacts with
// (controlplaneio-fluxcd/distribution/actions/push: inputs repository,
// the artifact without oci://, and path, the folder pushed).
const pushAction = "/actions/push@"

// fluxPush finds `flux push artifact oci://...:tag` and its --path in a
// run: script.
var (
	fluxPush     = regexp.MustCompile(`flux\s+push\s+artifact\s+["']?(oci://[^\s"']+)`)
	fluxPushPath = regexp.MustCompile(`--path[=\s]+["']?([^\s"']+)`)
	// ghExpr is a GitHub Actions expression ${{ ... }}, shellVar a shell
	// variable $X or ${X}.
	ghExpr   = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)
	shellVar = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`)
)

// WorkflowRules reads the GitHub Actions workflows of the checkout at dir
// (.github/workflows/*.yaml, *.yml; nothing outside dir is read, and a
// workflow that is not a regular file, too large or not YAML is passed
// by) and returns a rule for every step that pushes a folder as an OCI
// artifact: `flux push artifact oci://<url>:<tag> --path=<folder>` in a
// run: script, or the ControlPlane push action with repository: and path:.
// It is a heuristic, not a reading of CI: expressions become
// placeholders (${{ matrix.component }} and
// ${{ steps.prep.outputs.component }} both {component}, $COMPONENT
// {COMPONENT}), so that the URL pattern matches every artifact the step
// may push and the folder follows; ${{ github.repository }} is
// {owner}/name, name being the repository's (the last element of repoURL,
// else the folder's name). The rule's repository is repoURL when known,
// else https://github.com/{owner}/name when the URL names the owner; a
// step whose repository cannot be told is passed by. Tags follow the
// defaults.
func WorkflowRules(dir, repoURL string) []ArtifactRule {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil
	}
	defer root.Close()
	name := path.Base(NormalizeURL(repoURL))
	if repoURL == "" {
		name = strings.TrimSuffix(path.Base(strings.ReplaceAll(dir, `\`, "/")), ".git")
	}
	entries, err := fs.ReadDir(root.FS(), ".github/workflows")
	if err != nil {
		return nil
	}
	var out []ArtifactRule
	for _, e := range entries {
		if !e.Type().IsRegular() || !(strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
			continue
		}
		file := ".github/workflows/" + e.Name()
		data, err := readRootFile(root, file)
		if err != nil || CheckYAML(data, DefaultMaxYAMLNodes) != nil {
			continue
		}
		var wf struct {
			Jobs map[string]struct {
				Steps []struct {
					Uses string            `yaml:"uses"`
					Run  string            `yaml:"run"`
					With map[string]string `yaml:"with"`
				} `yaml:"steps"`
			} `yaml:"jobs"`
		}
		if yaml.Unmarshal(data, &wf) != nil {
			continue
		}
		from := "the workflow " + path.Join(dir, file)
		for _, job := range wf.Jobs {
			for _, st := range job.Steps {
				var pairs [][2]string
				if strings.Contains(st.Uses, pushAction) && st.With["repository"] != "" {
					pairs = append(pairs, [2]string{"oci://" + strings.TrimPrefix(st.With["repository"], "oci://"), st.With["path"]})
				}
				// Expressions lose their spaces, so that a URL holding one
				// reads as one word of the script.
				run := ghExpr.ReplaceAllString(strings.ReplaceAll(st.Run, "\\\n", " "), "$${{$1}}")
				for _, line := range strings.Split(run, "\n") {
					if m := fluxPush.FindStringSubmatch(line); m != nil {
						p := ""
						if pm := fluxPushPath.FindStringSubmatch(line); pm != nil {
							p = pm[1]
						}
						pairs = append(pairs, [2]string{m[1], p})
					}
				}
				for _, pr := range pairs {
					if r, ok := workflowRule(pr[0], pr[1], name, repoURL, from); ok && !slices.ContainsFunc(out, func(o ArtifactRule) bool {
						return o.URL == r.URL && o.Path == r.Path && o.Repository == r.Repository
					}) {
						out = append(out, r)
					}
				}
			}
		}
	}
	return out
}

// workflowRule turns a pushed artifact URL and folder, as a workflow
// writes them, into a rule.
func workflowRule(url, dir, name, repoURL, from string) (ArtifactRule, bool) {
	tmpl := func(s string) string {
		s = ghExpr.ReplaceAllStringFunc(s, func(e string) string {
			expr := ghExpr.FindStringSubmatch(e)[1]
			switch expr {
			case "github.repository":
				return "{owner}/" + name
			case "github.repository_owner":
				return "{owner}"
			case "github.event.repository.name":
				return name
			}
			return "{" + expr[strings.LastIndexByte(expr, '.')+1:] + "}"
		})
		return shellVar.ReplaceAllString(s, "{$1}")
	}
	url = tmpl(url)
	// The tag: after the last ':' of the last path element.
	if i := strings.LastIndexByte(url, '/'); i >= 0 {
		if j := strings.LastIndexByte(url[i:], ':'); j >= 0 {
			url = url[:i+j]
		}
	}
	dir = strings.Trim(path.Clean("/"+tmpl(dir)), "/")
	if _, err := compilePattern(url); err != nil {
		return ArtifactRule{}, false
	}
	// Every placeholder of the folder must come from the URL.
	vars := map[string]string{}
	for _, m := range placeholder.FindAllStringSubmatch(url, -1) {
		vars[varName(m[1])] = m[0]
	}
	if _, err := expand(dir, vars); err != nil {
		return ArtifactRule{}, false
	}
	repo := repoURL
	if repo == "" {
		if !strings.Contains(url, "{owner}") {
			return ArtifactRule{}, false
		}
		repo = "https://github.com/{owner}/" + name
	}
	return ArtifactRule{URL: url, Repository: repo, Path: dir, From: from}, true
}

// readRootFile reads the regular file name of root, at most
// DefaultMaxFileSize bytes.
func readRootFile(root *os.Root, name string) ([]byte, error) {
	st, err := root.Lstat(name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() || st.Size() > DefaultMaxFileSize {
		return nil, fs.ErrInvalid
	}
	f, err := root.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, DefaultMaxFileSize))
}
