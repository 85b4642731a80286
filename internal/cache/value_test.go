// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cache

import (
	"math"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// TestValueRoundTrip: values come back with their exact Go types, nil and
// empty maps and slices apart.
func TestValueRoundTrip(t *testing.T) {
	for _, v := range []any{
		nil, true, false, "", "text\x00\xff", 0, -1, math.MaxInt, math.MinInt, int64(math.MinInt64), uint64(math.MaxUint64),
		0.5, math.Inf(-1), math.Copysign(0, -1),
		map[string]any(nil), map[string]any{}, []any(nil), []any{},
		map[string]any{"a": []any{1, "x", nil, map[string]any{"b": 2.5, "c": []any{}}}, "n": nil, "e": map[string]any{}},
	} {
		b, err := AppendValue(nil, v)
		require.NoError(t, err)
		got, rest, err := DecodeValue(b)
		require.NoError(t, err)
		assert.Empty(t, rest)
		assert.Equal(t, v, got)
		assert.IsType(t, v, got)
	}
	nan, err := AppendValue(nil, math.NaN())
	require.NoError(t, err)
	got, _, err := DecodeValue(nan)
	require.NoError(t, err)
	assert.True(t, math.IsNaN(got.(float64)))
}

// TestValueManifest: a manifest as yaml.v3 decodes it survives exactly.
func TestValueManifest(t *testing.T) {
	var m map[string]any
	require.NoError(t, yaml.Unmarshal([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, labels: {}}\ndata: {a: '1'}\nlist: []\nbig: 18446744073709551615\nneg: -9223372036854775808\nf: 1.5e3\nnull: ~\n"), &m))
	b, err := AppendValue(nil, m)
	require.NoError(t, err)
	got, _, err := DecodeValue(b)
	require.NoError(t, err)
	assert.Equal(t, m, got)
}

// TestValueEqualBytes: equal values encode to equal bytes, whatever the
// maps' iteration order.
func TestValueEqualBytes(t *testing.T) {
	a := map[string]any{}
	b := map[string]any{}
	for i := range 100 {
		a[string(rune('a'+i%26))+string(rune('0'+i/26))] = i
	}
	for k, v := range a {
		b[k] = v
	}
	ea, err := AppendValue(nil, a)
	require.NoError(t, err)
	eb, err := AppendValue(nil, b)
	require.NoError(t, err)
	assert.Equal(t, ea, eb)
}

// TestValueRefuses: other types are refused, not stored otherwise.
func TestValueRefuses(t *testing.T) {
	for _, v := range []any{int32(1), float32(1), map[string]string{}, []string{}, struct{}{}, map[string]any{"x": []any{int8(1)}}} {
		_, err := AppendValue(nil, v)
		assert.ErrorIs(t, err, ErrValue, "%T", v)
	}
}

// TestDecodeBadBytes: truncated or hostile bytes are an error, never a
// panic or a huge allocation.
func TestDecodeBadBytes(t *testing.T) {
	good, err := AppendValue(nil, map[string]any{"a": []any{"b", 1, 2.5}})
	require.NoError(t, err)
	for i := range good {
		_, _, err := DecodeValue(good[:i])
		assert.ErrorIs(t, err, ErrValue, "truncated at %d", i)
	}
	for _, b := range [][]byte{{99}, {tagMap, 0xff, 0xff, 0xff, 0xff, 0x0f}, {tagSlice, 0xff, 0xff, 0xff, 0xff, 0x0f}, {tagString, 0xff, 0xff, 0xff, 0xff, 0x0f}} {
		_, _, err := DecodeValue(b)
		assert.ErrorIs(t, err, ErrValue, "%v", b)
	}
}

func FuzzDecodeValue(f *testing.F) {
	for _, v := range []any{nil, map[string]any{"a": []any{"b", 1, int64(2), uint64(3), 2.5, true, nil, map[string]any(nil), []any(nil)}}} {
		b, err := AppendValue(nil, v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, rest, err := DecodeValue(b)
		if err != nil {
			return
		}
		// What decodes encodes, and reads back the same.
		again, err := AppendValue(nil, v)
		if err != nil {
			t.Fatalf("decoded %#v does not encode: %v", v, err)
		}
		w, rest2, err := DecodeValue(again)
		if err != nil || len(rest2) != 0 {
			t.Fatalf("re-decoding %x: %v", again, err)
		}
		if !reflect.DeepEqual(v, w) && !hasNaN(v) {
			t.Fatalf("round trip changed %#v into %#v", v, w)
		}
		_ = rest
	})
}

// hasNaN reports whether v holds a NaN, which equals nothing.
func hasNaN(v any) bool {
	switch x := v.(type) {
	case float64:
		return math.IsNaN(x)
	case map[string]any:
		for _, e := range x {
			if hasNaN(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if hasNaN(e) {
				return true
			}
		}
	}
	return false
}
