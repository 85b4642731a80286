// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package resourceset

import (
	"fmt"
	"math"
	"strings"
	"text/template"
)

// maxListLen bounds the lists until, untilStep and seq may build.
const maxListLen = 1 << 20

// boundFuncs guards the slim-sprig functions whose arguments alone decide
// how much memory or time they take (repeat, indent, nindent, until,
// untilStep, seq): within the bounds they are slim-sprig's own; beyond,
// where the operator itself would exhaust its memory, they fail with a message instead.
func boundFuncs(funcs template.FuncMap) {
	repeat := funcs["repeat"].(func(int, string) string)
	funcs["repeat"] = func(count int, s string) (string, error) {
		if count > 0 && float64(count)*float64(len(s)) > MaxOutputBytes {
			return "", fmt.Errorf("repeat: %d copies of %d bytes exceed d1lint's output limit", count, len(s))
		}
		return repeat(count, s), nil
	}
	indent := funcs["indent"].(func(int, string) string)
	nindent := funcs["nindent"].(func(int, string) string)
	funcs["indent"] = func(spaces int, s string) (string, error) {
		if err := checkIndent("indent", spaces, s); err != nil {
			return "", err
		}
		return indent(spaces, s), nil
	}
	funcs["nindent"] = func(spaces int, s string) (string, error) {
		if err := checkIndent("nindent", spaces, s); err != nil {
			return "", err
		}
		return nindent(spaces, s), nil
	}
	until := funcs["until"].(func(int) []int)
	funcs["until"] = func(count int) ([]int, error) {
		if err := checkRange("until", 0, count, 1); err != nil {
			return nil, err
		}
		return until(count), nil
	}
	untilStep := funcs["untilStep"].(func(int, int, int) []int)
	funcs["untilStep"] = func(start, stop, step int) ([]int, error) {
		if err := checkRange("untilStep", start, stop, step); err != nil {
			return nil, err
		}
		return untilStep(start, stop, step), nil
	}
	seq := funcs["seq"].(func(...int) string)
	funcs["seq"] = func(params ...int) (string, error) {
		// With one or two arguments seq counts towards the end either way.
		var start, end, step = 1, 0, 0
		switch len(params) {
		case 1:
			end = params[0]
		case 2:
			start, end = params[0], params[1]
		case 3:
			start, step, end = params[0], params[1], params[2]
		}
		if step == 0 && len(params) < 3 {
			step = 1
			if end < start {
				step = -1
			}
		}
		if err := checkRange("seq", start, end, step); err != nil {
			return "", err
		}
		return seq(params...), nil
	}
}

func checkIndent(name string, spaces int, s string) error {
	if spaces > 0 && float64(spaces)*float64(strings.Count(s, "\n")+1)+float64(len(s)) > MaxOutputBytes {
		return fmt.Errorf("%s: %d spaces on %d lines exceed d1lint's output limit", name, spaces, strings.Count(s, "\n")+1)
	}
	return nil
}

// checkRange refuses a range of more than maxListLen numbers. A step that
// points away from stop (or is zero) gives slim-sprig's empty list.
func checkRange(name string, start, stop, step int) error {
	if (stop > start && step <= 0) || (stop < start && step >= 0) || stop == start {
		return nil
	}
	span := math.Abs(float64(stop) - float64(start))
	if span/math.Abs(float64(step)) > maxListLen {
		return fmt.Errorf("%s: more than %d numbers exceed d1lint's limit", name, maxListLen)
	}
	return nil
}
