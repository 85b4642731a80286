// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package schema

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"text/template"

	jsonschema "github.com/santhosh-tekuri/jsonschema/v6"
)

// kubeconformSuffix is what kubeconform appends to a location that is a
// folder rather than a path template ending in .json.
const kubeconformSuffix = "/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"

// Kubernetes naming rules for what goes into a location's path: a kind is
// a CamelCase identifier, a group a DNS subdomain (RFC 1123), a version a
// DNS label (v1, v2beta1). Anything else (kind: ../x) could walk out of the
// schema folder, so it never reaches the template.
var (
	kindRE    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*$`)
	groupRE   = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	versionRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
)

// location is one of the team's schema locations: a path template, and
// the folder every schema it names, and every $ref they make, must stay in.
type location struct {
	tpl  *template.Template
	abs  string // absolute
	root string // absolute, symlinks resolved
}

// localSchemas reads the team's schema locations the way kubeconform lays
// them out, but with d1lint's own loader: kubeconform's follows a $ref to
// any file and over HTTP with its own client.
type localSchemas struct {
	locs  []location
	kube  string // "v1.36.3", as kubeconform's templates spell it
	mu    sync.Mutex
	cache map[string]*compiled // by schema file
}

// IsRemote reports whether a schema location names something other than a
// local path: kubeconform's "default", or anything with a scheme (http://,
// file://). New refuses such a location; callers that resolve relative
// paths leave it as it is, so that it is refused by name.
func IsRemote(l string) bool {
	if l == "default" {
		return true
	}
	u, err := url.Parse(l)
	return err == nil && u.Scheme != "" && len(u.Scheme) > 1 // "C:\..." is a path
}

func newLocalSchemas(locations []string, kubeVersion string) (*localSchemas, error) {
	ls := &localSchemas{kube: "v" + kubeVersion, cache: map[string]*compiled{}}
	for _, l := range locations {
		if IsRemote(l) {
			return nil, fmt.Errorf("%w: schema location %q: d1lint never downloads schemas; give a local folder or path template", ErrUsage, l)
		}
		full := l
		if !strings.HasSuffix(l, "json") {
			full += kubeconformSuffix
		}
		tpl, err := template.New("location").Option("missingkey=error").Parse(full)
		if err != nil {
			return nil, fmt.Errorf("%w: schema location %q: %w", ErrUsage, l, err)
		}
		// The root is the folder before the first template action: what the
		// user named, and all a schema may read.
		static, _, _ := strings.Cut(l, "{{")
		root := static
		if strings.Contains(l, "{{") || strings.HasSuffix(l, "json") {
			root = filepath.Dir(static + "x")
		}
		abs, err := filepath.Abs(root)
		real := abs
		if err == nil {
			real, err = filepath.EvalSymlinks(abs)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: schema location %q: folder %s does not exist", ErrUsage, l, root)
		}
		if fi, err := os.Stat(real); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("%w: schema location %q: %s is not a folder", ErrUsage, l, root)
		}
		ls.locs = append(ls.locs, location{tpl: tpl, abs: abs, root: real})
	}
	return ls, nil
}

// errBadName is returned for an object whose kind or apiVersion cannot be
// put in a path.
var errBadName = errors.New("not a Kubernetes name")

// path fills a location's template for one object, as kubeconform does.
func (ls *localSchemas) path(loc location, kind, apiVersion string) (string, error) {
	group, version, ok := strings.Cut(apiVersion, "/")
	if !ok {
		group, version = "", apiVersion
	}
	if !kindRE.MatchString(kind) {
		return "", fmt.Errorf("kind %q: %w", kind, errBadName)
	}
	if (group != "" && !groupRE.MatchString(group)) || !versionRE.MatchString(version) {
		return "", fmt.Errorf("apiVersion %q: %w", apiVersion, errBadName)
	}
	kindSuffix := "-" + strings.ToLower(strings.Split(strings.Split(apiVersion, "/")[0], ".")[0])
	if ok {
		kindSuffix += "-" + strings.ToLower(version)
	}
	grp := group
	if !ok {
		grp = version
	}
	var buf bytes.Buffer
	err := loc.tpl.Execute(&buf, map[string]string{
		"NormalizedKubernetesVersion": ls.kube,
		"StrictSuffix":                "-strict",
		"ResourceKind":                strings.ToLower(kind),
		"ResourceAPIVersion":          version,
		"Group":                       grp,
		"KindSuffix":                  kindSuffix,
	})
	return buf.String(), err
}

// schema finds and compiles the schema for kind and apiVersion. file is ""
// when no location holds one.
func (ls *localSchemas) schema(kind, apiVersion string) (s *jsonschema.Schema, file string, err error) {
	for _, loc := range ls.locs {
		p, err := ls.path(loc, kind, apiVersion)
		if err != nil {
			return nil, "", err
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, p, err
		}
		if !inside(loc.abs, abs) {
			// The team's own template walks out of its folder.
			return nil, p, fmt.Errorf("%s is outside its schema location", p)
		}
		if _, err := os.Stat(abs); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		ls.mu.Lock()
		c, ok := ls.cache[abs]
		if !ok {
			c = &compiled{}
			c.schema, c.err = ls.compile(abs)
			ls.cache[abs] = c
		}
		ls.mu.Unlock()
		if c.err != nil {
			return nil, p, fmt.Errorf("schema %s: %w", p, c.err)
		}
		return c.schema, p, nil
	}
	return nil, "", nil
}

func (ls *localSchemas) compile(abs string) (*jsonschema.Schema, error) {
	c := newCompiler()
	c.UseLoader(jsonschema.SchemeURLLoader{
		"file":  rootedLoader{ls},
		"http":  refuseLoader{},
		"https": refuseLoader{},
	})
	u := (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
	return c.Compile(u)
}

// inside reports whether path (absolute) is root or under it.
func inside(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// rootedLoader reads schema files, and the files their $refs name, only
// inside the schema locations; symlinks are resolved before the check.
type rootedLoader struct{ ls *localSchemas }

func (l rootedLoader) Load(u string) (any, error) {
	pu, err := url.Parse(u)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", u, err)
	}
	p := filepath.FromSlash(pu.Path)
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		real = p
	}
	for _, loc := range l.ls.locs {
		if inside(loc.root, real) || inside(loc.abs, real) {
			data, err := os.ReadFile(real)
			if err != nil {
				return nil, fmt.Errorf("reading referenced schema: %w", err)
			}
			return jsonschema.UnmarshalJSON(bytes.NewReader(data))
		}
	}
	return nil, fmt.Errorf("$ref %s is outside the schema locations; d1lint reads nothing else", u)
}

// refuseLoader refuses remote references: d1lint never touches the network.
type refuseLoader struct{}

func (refuseLoader) Load(u string) (any, error) {
	return nil, fmt.Errorf("$ref %s is remote; d1lint never downloads schemas", u)
}
