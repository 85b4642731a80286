// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package helm

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// schemaChart is a chart (or subchart) as schema validation sees it, taken
// from a Helm chart after its dependencies were processed: disabled
// subcharts are gone and aliased ones carry their alias as name.
type schemaChart struct {
	name   string
	schema []byte            // values.schema.json; nil when the chart has none
	files  map[string][]byte // the chart's own files, for $ref
	deps   []*schemaChart
}

// schemaURL is where Helm puts a chart's schema for the validator; a
// relative $ref resolves against it to file:///<name in the chart>.
const schemaURL = "file:///values.schema.json"

var printer = message.NewPrinter(language.English)

// validateValues checks the coalesced values against the schema of the
// chart and of every enabled subchart, as Helm's ValidateAgainstSchema does
// (helm.sh/helm/v3/pkg/chartutil/jsonschema.go, and v4's
// pkg/chart/common/util): a subchart's schema applies to the values under
// its name, and only when there are values there. Helm's install runs it
// with the schema's $refs loaded from the local file system and over HTTP;
// d1lint loads them from the chart's own files only.
func validateValues(c *schemaChart, vals map[string]any) ([]Violation, error) {
	var out []Violation
	if err := c.validate(vals, nil, &out); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Violation) int {
		if n := slices.Compare(a.Path, b.Path); n != 0 {
			return n
		}
		return strings.Compare(a.Message, b.Message)
	})
	out = slices.CompactFunc(out, func(a, b Violation) bool {
		return slices.Equal(a.Path, b.Path) && a.Message == b.Message
	})
	return out, nil
}

func (c *schemaChart) validate(vals map[string]any, prefix []string, out *[]Violation) error {
	if c.schema != nil {
		if err := c.validateOne(vals, prefix, out); err != nil {
			return err
		}
	}
	for _, d := range c.deps {
		raw, ok := vals[d.name]
		if !ok || raw == nil {
			// Helm validates a subchart only when it has values.
			continue
		}
		sub, ok := raw.(map[string]any)
		sp := append(slices.Clip(prefix), d.name)
		if !ok {
			*out = append(*out, Violation{Path: sp, Message: fmt.Sprintf("got %s, want object (the values of subchart %s)", jsonTypeName(raw), d.name)})
			continue
		}
		if err := d.validate(sub, sp, out); err != nil {
			return err
		}
	}
	return nil
}

func (c *schemaChart) validateOne(vals map[string]any, prefix []string, out *[]Violation) (err error) {
	// The validator panics on values that are not JSON types; Helm
	// recovers the same way and reports that it could not validate.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("chart %s: unable to validate the values against values.schema.json: %v", c.name, r)
		}
	}()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(c.schema))
	if err != nil {
		return fmt.Errorf("chart %s: values.schema.json: %w", c.name, err)
	}
	comp := jsonschema.NewCompiler()
	comp.UseLoader(chartLoader{chart: c.name, files: c.files})
	if err := comp.AddResource(schemaURL, doc); err != nil {
		return fmt.Errorf("chart %s: values.schema.json: %w", c.name, err)
	}
	sch, err := comp.Compile(schemaURL)
	if err != nil {
		return fmt.Errorf("chart %s: values.schema.json: %w", c.name, err)
	}
	err = sch.Validate(vals)
	if err == nil {
		return nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return fmt.Errorf("chart %s: validating values: %w", c.name, err)
	}
	collect(verr, prefix, out)
	return nil
}

// collect turns the validator's tree of errors into violations: its leaves,
// each at its path from the top-level values. A missing required property
// and a property the schema does not allow point at that property.
func collect(e *jsonschema.ValidationError, prefix []string, out *[]Violation) {
	if len(e.Causes) > 0 {
		for _, c := range e.Causes {
			collect(c, prefix, out)
		}
		return
	}
	at := append(slices.Clip(prefix), e.InstanceLocation...)
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		for _, p := range k.Missing {
			*out = append(*out, Violation{Path: append(slices.Clip(at), p), Message: "required, but not set"})
		}
	case *kind.AdditionalProperties:
		for _, p := range k.Properties {
			*out = append(*out, Violation{Path: append(slices.Clip(at), p), Message: "not allowed (the schema has no such property)"})
		}
	default:
		*out = append(*out, Violation{Path: at, Message: e.ErrorKind.LocalizedString(printer)})
	}
}

// jsonTypeName names a value's JSON type as the validator does.
func jsonTypeName(v any) string {
	switch v.(type) {
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case float32, float64, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return "number"
	}
	return fmt.Sprintf("%T", v)
}

// chartLoader serves $refs of a chart's schema from the chart's own files.
// Helm would read file: URLs from the local disk and fetch http(s) ones;
// d1lint never does either. urn: refs get Helm's fallback, a schema that
// allows anything (Helm's urnLoader, when no resolver is set).
type chartLoader struct {
	chart string
	files map[string][]byte
}

func (l chartLoader) Load(ref string) (any, error) {
	u, err := url.Parse(ref)
	if err == nil && u.Scheme == "urn" {
		return true, nil
	}
	if err == nil && u.Scheme == "file" && u.Host == "" {
		name := strings.TrimPrefix(path.Clean(u.Path), "/")
		if data, ok := l.files[name]; ok {
			return jsonschema.UnmarshalJSON(bytes.NewReader(data))
		}
		return nil, fmt.Errorf("chart %s: values.schema.json refers to %q, which is not a file of the chart", l.chart, name)
	}
	return nil, fmt.Errorf("chart %s: values.schema.json refers to %s: d1lint loads no schema from the network or outside the chart, only the chart's own files", l.chart, ref)
}
