// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package rules

import (
	"encoding/json"
	"strconv"

	"github.com/d1lint/d1lint/internal/finding"
	"github.com/d1lint/d1lint/internal/model"
)

// reportedOf reads a finding's value, as a query result holds it (JSON
// values, numbers as json.Number), into what json.Unmarshal would make of
// its JSON form: ok only when the value has the exact shape result.fail
// gives it (known keys, values of their types). Any other value is left to
// the JSON round trip, which decodes it as it always did (keys matched
// whatever their case, unknown keys ignored) or says what is wrong.
func reportedOf(v any) (r reported, ok bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return r, false
	}
	for k, x := range m {
		switch k {
		case "rule":
			ok = str(x, &r.Rule)
		case "title":
			ok = str(x, &r.Title)
		case "category":
			ok = str(x, &r.Category)
		case "severity":
			ok = str(x, &r.Severity)
		case "message":
			ok = str(x, &r.Message)
		case "cluster":
			ok = str(x, &r.Cluster)
		case "object":
			r.Object, ok = objectOf(x)
		case "location":
			r.Location, ok = locationOf(x)
		case "chain":
			r.Chain, ok = stringsOf(x)
		case "field":
			r.Field, ok = fieldOf(x)
		default:
			ok = false
		}
		if !ok {
			return r, false
		}
	}
	return r, true
}

// str sets *to to x, a string; null leaves it empty, as json.Unmarshal does.
func str(x any, to *string) bool {
	switch s := x.(type) {
	case nil:
		return true
	case string:
		*to = s
		return true
	}
	return false
}

func objectOf(x any) (*finding.Object, bool) {
	if x == nil {
		return nil, true
	}
	m, ok := x.(map[string]any)
	if !ok {
		return nil, false
	}
	o := &finding.Object{}
	for k, v := range m {
		switch k {
		case "apiVersion":
			ok = str(v, &o.APIVersion)
		case "kind":
			ok = str(v, &o.Kind)
		case "namespace":
			ok = str(v, &o.Namespace)
		case "name":
			ok = str(v, &o.Name)
		default:
			ok = false
		}
		if !ok {
			return nil, false
		}
	}
	return o, true
}

func locationOf(x any) (*model.Location, bool) {
	if x == nil {
		return nil, true
	}
	m, ok := x.(map[string]any)
	if !ok {
		return nil, false
	}
	l := &model.Location{}
	for k, v := range m {
		switch k {
		case "repo":
			ok = str(v, &l.Repo)
		case "branch":
			ok = str(v, &l.Branch)
		case "tag":
			ok = str(v, &l.Tag)
		case "commit":
			ok = str(v, &l.Commit)
		case "path":
			ok = str(v, &l.Path)
		case "line":
			switch n := v.(type) {
			case nil:
			case json.Number:
				// An integer literal, as json.Unmarshal reads into an int.
				line, err := strconv.Atoi(string(n))
				ok, l.Line = err == nil, line
			default:
				ok = false
			}
		default:
			ok = false
		}
		if !ok {
			return nil, false
		}
	}
	return l, true
}

func stringsOf(x any) ([]string, bool) {
	if x == nil {
		return nil, true
	}
	l, ok := x.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, len(l))
	for i, e := range l {
		s, ok := e.(string)
		if !ok {
			return nil, false
		}
		out[i] = s
	}
	return out, true
}

// fieldOf reads a field: null, a string, or keys and indices (numbers as
// json.Unmarshal reads them into an interface: float64).
func fieldOf(x any) (any, bool) {
	switch f := x.(type) {
	case nil, string:
		return f, true
	case []any:
		out := make([]any, len(f))
		for i, e := range f {
			switch v := e.(type) {
			case string:
				out[i] = v
			case json.Number:
				n, err := strconv.ParseFloat(string(v), 64)
				if err != nil {
					return nil, false
				}
				out[i] = n
			default:
				return nil, false
			}
		}
		return out, true
	}
	return nil, false
}
