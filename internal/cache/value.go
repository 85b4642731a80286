// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cache

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
)

// The value codec stores manifests (the plain values YAML and JSON decode
// to) exactly: each Go type as it was (an int stays an int, an int64 an
// int64), nil apart from empty for maps and slices, so that a value read
// back renders, validates and converts exactly as the one stored. Map keys
// are written sorted: equal values encode to equal bytes.

// Tags of the value codec.
const (
	tagNil byte = iota
	tagFalse
	tagTrue
	tagString
	tagInt
	tagInt64
	tagUint64
	tagFloat64
	tagMap
	tagNilMap
	tagSlice
	tagNilSlice
)

// maxDepth bounds the nesting the codec writes and reads.
const maxDepth = 10000

// ErrValue is the error for a value the codec does not store (a type
// other than the plain ones) or bytes it cannot read.
var ErrValue = errors.New("cache: value")

// AppendValue appends the encoding of v to b.
func AppendValue(b []byte, v any) ([]byte, error) {
	return appendValue(b, v, 0)
}

func appendValue(b []byte, v any, depth int) ([]byte, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: nested too deep", ErrValue)
	}
	switch x := v.(type) {
	case nil:
		return append(b, tagNil), nil
	case bool:
		if x {
			return append(b, tagTrue), nil
		}
		return append(b, tagFalse), nil
	case string:
		return appendString(append(b, tagString), x), nil
	case int:
		return binary.AppendVarint(append(b, tagInt), int64(x)), nil
	case int64:
		return binary.AppendVarint(append(b, tagInt64), x), nil
	case uint64:
		return binary.AppendUvarint(append(b, tagUint64), x), nil
	case float64:
		return binary.BigEndian.AppendUint64(append(b, tagFloat64), math.Float64bits(x)), nil
	case map[string]any:
		if x == nil {
			return append(b, tagNilMap), nil
		}
		b = binary.AppendUvarint(append(b, tagMap), uint64(len(x)))
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var err error
		for _, k := range keys {
			b = appendString(b, k)
			if b, err = appendValue(b, x[k], depth+1); err != nil {
				return nil, err
			}
		}
		return b, nil
	case []any:
		if x == nil {
			return append(b, tagNilSlice), nil
		}
		b = binary.AppendUvarint(append(b, tagSlice), uint64(len(x)))
		var err error
		for _, e := range x {
			if b, err = appendValue(b, e, depth+1); err != nil {
				return nil, err
			}
		}
		return b, nil
	}
	return nil, fmt.Errorf("%w: cannot store a %T", ErrValue, v)
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// DecodeValue reads one value that AppendValue wrote at the start of b, and
// returns the rest of b.
func DecodeValue(b []byte) (any, []byte, error) {
	d := decoder{b: b}
	v, err := d.value(0)
	if err != nil {
		return nil, nil, err
	}
	return v, d.b, nil
}

type decoder struct{ b []byte }

var errShort = fmt.Errorf("%w: truncated", ErrValue)

func (d *decoder) uvarint() (uint64, error) {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		return 0, errShort
	}
	d.b = d.b[n:]
	return v, nil
}

func (d *decoder) varint() (int64, error) {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		return 0, errShort
	}
	d.b = d.b[n:]
	return v, nil
}

func (d *decoder) string() (string, error) {
	n, err := d.uvarint()
	if err != nil {
		return "", err
	}
	if n > uint64(len(d.b)) {
		return "", errShort
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s, nil
}

// count reads a length, which cannot exceed the bytes left (every element
// takes at least one).
func (d *decoder) count() (int, error) {
	n, err := d.uvarint()
	if err != nil {
		return 0, err
	}
	if n > uint64(len(d.b)) {
		return 0, errShort
	}
	return int(n), nil
}

func (d *decoder) value(depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: nested too deep", ErrValue)
	}
	if len(d.b) == 0 {
		return nil, errShort
	}
	tag := d.b[0]
	d.b = d.b[1:]
	switch tag {
	case tagNil:
		return nil, nil
	case tagFalse:
		return false, nil
	case tagTrue:
		return true, nil
	case tagString:
		return d.string()
	case tagInt:
		v, err := d.varint()
		if err != nil || v < math.MinInt || v > math.MaxInt {
			return nil, errShort
		}
		return int(v), nil
	case tagInt64:
		return d.varint()
	case tagUint64:
		return d.uvarint()
	case tagFloat64:
		if len(d.b) < 8 {
			return nil, errShort
		}
		v := math.Float64frombits(binary.BigEndian.Uint64(d.b))
		d.b = d.b[8:]
		return v, nil
	case tagNilMap:
		return map[string]any(nil), nil
	case tagMap:
		n, err := d.count()
		if err != nil {
			return nil, err
		}
		m := make(map[string]any, n)
		for range n {
			k, err := d.string()
			if err != nil {
				return nil, err
			}
			if m[k], err = d.value(depth + 1); err != nil {
				return nil, err
			}
		}
		return m, nil
	case tagNilSlice:
		return []any(nil), nil
	case tagSlice:
		n, err := d.count()
		if err != nil {
			return nil, err
		}
		s := make([]any, n)
		for i := range s {
			if s[i], err = d.value(depth + 1); err != nil {
				return nil, err
			}
		}
		return s, nil
	}
	return nil, fmt.Errorf("%w: unknown tag %d", ErrValue, tag)
}
