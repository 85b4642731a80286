// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	goccy "github.com/goccy/go-yaml"
	goccyparser "github.com/goccy/go-yaml/parser"
	yaml "go.yaml.in/yaml/v3"
)

// badYAML is where a file stops being valid YAML.
type badYAML struct {
	line int // 1-based; 0 when no line can be told
	msg  string
}

var (
	yamlLineRE   = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	yamlAnchorRE = regexp.MustCompile(`unknown anchor '([^']+)' referenced`)
)

// checkYAML decodes data as a stream of YAML documents, the way kustomize's
// reader does, and says where the first error is, in lines of the file
// (kustomize reports lines of a document, and no file once a base is
// involved). It returns nil for valid YAML.
func checkYAML(data []byte) *badYAML {
	if !utf8.Valid(data) {
		// The YAML reader refuses the file at its first invalid byte.
		i := invalidUTF8(data)
		return &badYAML{line: lineAt(data, i), msg: fmt.Sprintf("invalid UTF-8 at byte %d", i+1)}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return yamlError(data, err)
		}
	}
}

// yamlError turns a YAML decoder error into a file line and message. The
// message is the decoder's, the one Flux reports (kustomize decodes with the
// same YAML library). Its lines can be early: parser errors ("did not find
// expected key") give the 0-based line of the enclosing block, and a
// scanner error inside a plain scalar the line the scalar starts on. A
// second parser with exact token positions gives another line when it
// rejects the file too; neither is ever late, so the later one is taken.
func yamlError(data []byte, err error) *badYAML {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if strings.Contains(msg, "exceeded max depth") {
		// Never handed to the second parser, which recurses without a limit.
		return &badYAML{line: deepLine(data), msg: msg}
	}
	line := 0
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		if strings.HasPrefix(msg, "did not find expected") {
			line++
		}
	}
	// An error at the end of the file ("did not find expected node
	// content" after an unclosed '[') is reported a line past it.
	line = min(max(line, exactLine(data)), lineAt(data, len(data)))
	if m := yamlAnchorRE.FindStringSubmatch(msg); m != nil && line == 0 {
		if i := bytes.Index(data, []byte("*"+m[1])); i >= 0 {
			line = lineAt(data, i)
		}
	}
	return &badYAML{line: line, msg: msg}
}

// exactLineLimit bounds the files the second parser reads: it is several
// times slower than the first on large files.
const exactLineLimit = 1 << 20

// exactLine is the line the second parser reports an error on, 0 when it
// accepts the data, cannot tell, or fails.
func exactLine(data []byte) (line int) {
	if len(data) > exactLineLimit {
		return 0
	}
	defer func() {
		// A bug in the second parser costs the line, not the render.
		if recover() != nil {
			line = 0
		}
	}()
	var syntax *goccy.SyntaxError
	if _, err := goccyparser.ParseBytes(data, 0); errors.As(err, &syntax) && syntax.GetToken() != nil {
		return syntax.GetToken().Position.Line
	}
	return 0
}

// invalidUTF8 returns the offset of the first invalid UTF-8 sequence.
func invalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// lineAt is the 1-based line of offset i.
func lineAt(data []byte, i int) int {
	return bytes.Count(data[:min(i, len(data))], []byte("\n")) + 1
}

// maxYAMLDepth is the YAML decoder's nesting limit.
const maxYAMLDepth = 10000

// deepLine finds the line where flow collections nest deeper than the
// decoder allows (block nesting that deep needs lines of 10,000 spaces and
// is told by its first over-indented line); 0 when neither is found.
func deepLine(data []byte) int {
	depth := 0
	for i, c := range data {
		switch c {
		case '[', '{':
			if depth++; depth > maxYAMLDepth {
				return lineAt(data, i)
			}
		case ']', '}':
			depth--
		}
	}
	for i, l := range bytes.Split(data, []byte("\n")) {
		if len(l)-len(bytes.TrimLeft(l, " ")) > maxYAMLDepth {
			return i + 1
		}
	}
	return 0
}

// blame finds the manifest that makes a failed build's YAML invalid: the
// first of files (absolute paths, in the order the build reads them) that
// does not decode. It returns its path relative to root.
func blame(root string, files []string) (string, *badYAML) {
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if bad := checkYAML(data); bad != nil {
			return relSlash(root, f), bad
		}
	}
	return "", nil
}

// relSlash is path relative to root, slash-separated.
func relSlash(root, path string) string {
	r, err := filepath.Rel(root, path)
	if err != nil {
		return path
	}
	return filepath.ToSlash(r)
}
