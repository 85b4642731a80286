// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package schema

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"text/template"

	jsonschema "github.com/santhosh-tekuri/jsonschema/v6"
)

// The team's schema locations follow kubeconform's conventions, so that a
// folder or template that works with kubeconform works with d1lint: the
// same default layout for a folder, the same template variables
// (NormalizedKubernetesVersion, StrictSuffix, ResourceKind,
// ResourceAPIVersion, Group, KindSuffix, as its README documents them),
// filled the same way (pkg/registry's schemaPath; layout_test.go compares
// the two). They are not read through kubeconform, though: its
// validator.New installs, with no option to replace them, a loader that
// follows a $ref to any file (jsonschema.FileLoader) and one that follows
// http(s) $refs with an http.Transport of its own (loader.NewHTTPURLLoader),
// which guard.Lockdown cannot reach. A schema in a pull request could then
// read any file of the CI runner, or send it to a server. d1lint's loader
// reads only inside the locations, through os.Root, and nothing remote.

// kubeconformSuffix is what kubeconform appends to a location that is a
// folder rather than a path template ending in json (registry.New).
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

// Length limits of Kubernetes names: a DNS subdomain, a DNS label, and the
// kind, which becomes a resource name and so a DNS label too.
const (
	maxGroup   = 253
	maxVersion = 63
	maxKind    = 63
)

// templateData are the variables of a location's template, named and
// filled as kubeconform's registry fills them.
type templateData struct {
	NormalizedKubernetesVersion string
	StrictSuffix                string
	ResourceKind                string
	ResourceAPIVersion          string
	Group                       string
	KindSuffix                  string
}

// location is one of the team's schema locations: a path template, and
// the folder every schema it names, and every $ref they make, must stay in.
type location struct {
	name string // as the user gave it
	tpl  *template.Template
	dir  string // the folder, absolute, as named
	real string // dir with its symlinks resolved, for $refs spelt that way
}

// localSchemas reads the team's schema locations the way kubeconform lays
// them out, with d1lint's own loader (see the comment at the top).
type localSchemas struct {
	locs  []location
	kube  string // "v1.36.3", as kubeconform's templates spell it
	mu    sync.Mutex
	cache map[string]*compiled // by schema file; nil when there is none
}

// IsRemote reports whether a schema location names something other than a
// local path: kubeconform's "default", or anything with a scheme (http://,
// file://). New refuses such a location; callers that resolve relative
// paths leave it as it is, so that it is refused by name.
func IsRemote(l string) bool {
	if l == "default" || strings.Contains(l, "://") {
		return true
	}
	u, err := url.Parse(l)
	return err == nil && len(u.Scheme) > 1 // "C:\..." is a path
}

func newLocalSchemas(locations []string, kubeVersion string) (*localSchemas, error) {
	ls := &localSchemas{kube: "v" + kubeVersion, cache: map[string]*compiled{}}
	for _, l := range locations {
		if IsRemote(l) {
			return nil, usagef("schema location %q: d1lint never downloads schemas; give a local folder or path template", l)
		}
		full := l
		if !strings.HasSuffix(l, "json") {
			full += kubeconformSuffix
		}
		tpl, err := template.New("location").Parse(full)
		if err == nil {
			// As kubeconform's registry.New does: a template naming a
			// variable that does not exist fails now, not on every object.
			err = tpl.Execute(io.Discard, templateData{})
		}
		if err != nil {
			return nil, usagef("schema location %q: %w", l, err)
		}
		// The folder is what comes before the first template action: what
		// the user named, and all its schemas may read.
		dir, _, _ := strings.Cut(l, "{{")
		if strings.Contains(l, "{{") || strings.HasSuffix(l, "json") {
			dir = filepath.Dir(dir + "x")
		}
		abs, err := filepath.Abs(dir)
		if err != nil {
			return nil, usagef("schema location %q: %w", l, err)
		}
		real, err := filepath.EvalSymlinks(abs)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, usagef("schema location %q: folder %s does not exist", l, dir)
		}
		if err != nil {
			return nil, usagef("schema location %q: %w", l, err)
		}
		if fi, err := os.Stat(real); err != nil || !fi.IsDir() {
			return nil, usagef("schema location %q: %s is not a folder", l, dir)
		}
		ls.locs = append(ls.locs, location{name: l, tpl: tpl, dir: abs, real: real})
	}
	return ls, nil
}

// errBadName is returned for an object whose kind or apiVersion cannot be
// put in a path.
var errBadName = errors.New("not a Kubernetes name")

// checkName refuses a kind or apiVersion that Kubernetes would refuse: only
// names that pass go into a path.
func checkName(kind, apiVersion string) error {
	if len(kind) > maxKind || !kindRE.MatchString(kind) {
		return fmt.Errorf("kind %q: %w", kind, errBadName)
	}
	group, version, grouped := strings.Cut(apiVersion, "/")
	if !grouped {
		group, version = "", apiVersion
	}
	if (grouped && (len(group) > maxGroup || !groupRE.MatchString(group))) ||
		len(version) > maxVersion || !versionRE.MatchString(version) {
		return fmt.Errorf("apiVersion %q: %w", apiVersion, errBadName)
	}
	return nil
}

// path fills a location's template for one object, as kubeconform's
// schemaPath does, always strict (d1lint validates as kubeconform -strict).
// The names must have passed checkName.
func (ls *localSchemas) path(loc location, kind, apiVersion string) (string, error) {
	groupParts := strings.Split(apiVersion, "/")
	kindSuffix := "-" + strings.ToLower(strings.Split(groupParts[0], ".")[0])
	if len(groupParts) > 1 {
		kindSuffix += "-" + strings.ToLower(groupParts[1])
	}
	var buf bytes.Buffer
	err := loc.tpl.Execute(&buf, templateData{
		NormalizedKubernetesVersion: ls.kube,
		StrictSuffix:                "-strict",
		ResourceKind:                strings.ToLower(kind),
		ResourceAPIVersion:          groupParts[len(groupParts)-1],
		// For a core kind ("v1") kubeconform's Group is the version.
		Group:      groupParts[0],
		KindSuffix: kindSuffix,
	})
	return buf.String(), err
}

// schema finds and compiles the schema for kind and apiVersion in the
// first location that holds one; nil when none does. Errors name the
// schema file.
func (ls *localSchemas) schema(kind, apiVersion string) (*compiled, error) {
	if err := checkName(kind, apiVersion); err != nil {
		return nil, err
	}
	for _, loc := range ls.locs {
		p, err := ls.path(loc, kind, apiVersion)
		if err != nil {
			return nil, fmt.Errorf("schema location %q: %w", loc.name, err)
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, fmt.Errorf("schema %s: %w", p, err)
		}
		ls.mu.Lock()
		c, ok := ls.cache[abs]
		if !ok {
			c = ls.compile(loc, p, abs)
			ls.cache[abs] = c
		}
		ls.mu.Unlock()
		if c == nil {
			continue
		}
		if c.err != nil {
			return nil, fmt.Errorf("schema %s: %w", p, c.err)
		}
		return c, nil
	}
	return nil, nil
}

// compile reads the schema at abs (p as the template spelt it) inside loc
// and compiles it; nil when there is no such file.
func (ls *localSchemas) compile(loc location, p, abs string) *compiled {
	rel, ok := within(loc.dir, abs)
	if !ok {
		// The team's own template walks out of its folder.
		return &compiled{err: fmt.Errorf("%s is outside its schema location %s", p, loc.dir)}
	}
	u := fileURL(abs)
	// Each schema file has a compiler of its own, which loads every file
	// the schema reaches: their URLs and contents are all it is compiled
	// from, and identify it for the persistent cache (persist.go).
	read := &readLog{}
	doc, err := read.in(u, loc.dir, rel)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return &compiled{err: err}
	}
	c := newCompiler()
	c.UseLoader(jsonschema.SchemeURLLoader{
		"file":  rootedLoader{ls, read},
		"http":  refuseLoader{},
		"https": refuseLoader{},
	})
	if err := c.AddResource(u, doc); err != nil {
		return &compiled{err: err}
	}
	s, err := c.Compile(u)
	if err != nil {
		return &compiled{err: err}
	}
	return &compiled{schema: s, id: newSchemaID(append([]string{"local"}, read.files...)...)}
}

// readLog records the files one schema's compiler read: URL and SHA-256,
// in the order read. The compiler loads and calls its loader on one
// goroutine.
type readLog struct{ files []string }

// in is readIn, recorded under the file's URL u.
func (l *readLog) in(u, dir, rel string) (any, error) {
	doc, raw, err := readIn(dir, rel)
	if err == nil {
		l.files = append(l.files, u, contentID(raw))
	}
	return doc, err
}

// readIn reads and decodes the JSON file rel inside dir, and returns its
// bytes too. os.Root keeps the read there: a "..", or a symlink anywhere
// on the way that leads out of dir, fails instead of being followed.
func readIn(dir, rel string) (any, []byte, error) {
	f, err := os.OpenInRoot(dir, rel)
	if err != nil {
		// An escape reads "path escapes from parent".
		return nil, nil, fmt.Errorf("%s in schema location %s: %w", rel, dir, err)
	}
	defer f.Close()
	raw, err := io.ReadAll(f)
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", f.Name(), err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", f.Name(), err)
	}
	return doc, raw, nil
}

// within returns path (absolute) relative to dir, and whether it is inside
// dir, lexically; readIn then refuses symlinks out.
func within(dir, path string) (string, bool) {
	rel, err := filepath.Rel(dir, filepath.Clean(path))
	if err != nil || !filepath.IsLocal(rel) {
		return "", false
	}
	return rel, true
}

// fileURL is the file:// URL of an absolute path, on Windows too
// (file:///C:/schemas/x.json), as jsonschema resolves $refs against it.
func fileURL(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// filePath is the inverse of fileURL; ok is false for a URL that names a
// host (on Windows, file://host/share is a network share).
func filePath(u string) (string, bool) {
	pu, err := url.Parse(u)
	if err != nil || (pu.Host != "" && pu.Host != "localhost") {
		return "", false
	}
	p := pu.Path
	if runtime.GOOS == "windows" {
		p = strings.TrimPrefix(p, "/")
	}
	p = filepath.FromSlash(p)
	return p, filepath.IsAbs(p)
}

// rootedLoader reads the files schemas' $refs name, only inside the schema
// locations, and records them in read.
type rootedLoader struct {
	ls   *localSchemas
	read *readLog
}

func (l rootedLoader) Load(u string) (any, error) {
	if p, ok := filePath(u); ok {
		for _, loc := range l.ls.locs {
			for _, dir := range []string{loc.dir, loc.real} {
				if rel, ok := within(dir, p); ok {
					return l.read.in(u, dir, rel)
				}
			}
		}
	}
	// jsonschema's error names the URL.
	return nil, errors.New("the $ref leads outside the schema locations; d1lint reads nothing else")
}

// refuseLoader refuses remote references: d1lint never touches the network.
type refuseLoader struct{}

func (refuseLoader) Load(string) (any, error) {
	return nil, errors.New("the $ref is remote; d1lint never downloads schemas")
}
