// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/d1lint/d1lint/internal/engine"
	"github.com/d1lint/d1lint/internal/model"
	"github.com/d1lint/d1lint/internal/report"
	"github.com/d1lint/d1lint/internal/suggest"
)

// ui is how d1lint talks to the user besides its output, set by the
// root's flags (--color, --quiet, --verbose) for every command.
type ui struct {
	color          string
	quiet, verbose bool
	// stderr is standard error; terminal tells whether a stream is a
	// terminal.
	stderr   io.Writer
	terminal func(io.Writer) bool
	// status is the progress line (nil until progress is first shown).
	status *statusLine
}

// register adds the root's persistent flags.
func (u *ui) register(root *cobra.Command) {
	fl := root.PersistentFlags()
	fl.StringVar(&u.color, "color", report.ColorAuto, "colour the text output: auto (on a terminal, unless NO_COLOR is set, FORCE_COLOR forces it, or TERM=dumb), always or never")
	fl.BoolVarP(&u.quiet, "quiet", "q", false, "write only the findings and errors: no summary, no progress")
	fl.BoolVarP(&u.verbose, "verbose", "v", false, "also write to standard error which local folder stood for which repository, and how long each stage took")
}

// check refuses a --color value that is none of the modes, and --quiet
// with --verbose.
func (u *ui) check() error {
	if !slices.Contains(report.ColorModes, u.color) {
		return usagef("--color %q: %s", u.color, want(u.color, report.ColorModes))
	}
	if u.quiet && u.verbose {
		return usagef("--quiet and --verbose contradict each other: pick one")
	}
	return nil
}

// want says which values a flag takes, naming the one likely meant.
func want(got string, values []string) string {
	if s := suggest.Closest(got, values); s != "" {
		return fmt.Sprintf("did you mean %s? (want %s)", s, orList(values))
	}
	return "want " + orList(values)
}

// orList is "a, b or c".
func orList(values []string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// uiKey is the context key of the command's ui (see uiFrom).
type uiKey struct{}

// uiFrom is the ui the root put in the command's context, for helpers
// that get the context but not the Streams; a quiet one when none.
func uiFrom(ctx context.Context) *ui {
	if u, ok := ctx.Value(uiKey{}).(*ui); ok {
		return u
	}
	return &ui{color: report.ColorAuto, stderr: io.Discard, terminal: func(io.Writer) bool { return false }}
}

// progress is the function the engine tells its progress to: a status
// line on standard error, only on a terminal and without --quiet (nil
// otherwise: no progress is ever written to a file or a pipe).
func (u *ui) progress() func(string) {
	if u.quiet || !u.terminal(u.stderr) {
		return nil
	}
	if u.status == nil {
		u.status = &statusLine{w: u.stderr}
	}
	return u.status.show
}

// done clears the progress line, before the output it would garble.
func (u *ui) done() {
	if u.status != nil {
		u.status.clear()
	}
}

// say writes a line to standard error, as progress does: only on a
// terminal and without --quiet.
func (u *ui) say(msg string) {
	if u.quiet || !u.terminal(u.stderr) {
		return
	}
	u.done()
	fmt.Fprintln(u.stderr, msg)
}

// engineConfig sets what the engine tells the user: progress, and the
// stages' times under --verbose, the load stage counted from loadStart
// (when the command started reading its configuration).
func (u *ui) engineConfig(ec *engine.Config, loadStart time.Time) {
	if p := u.progress(); p != nil {
		ec.Progress = p
	}
	if u.verbose {
		ec.Timings = &engine.Timings{}
		ec.Timings.Since(engine.StageLoad, loadStart)
	}
}

// explain writes, under --verbose, which local folder stood for which
// repository and how long each stage took, to standard error.
func (u *ui) explain(mappings []model.Mapping, t *engine.Timings) {
	if !u.verbose {
		return
	}
	u.done()
	used, _ := report.SourceLines(mappings)
	if len(used) > 0 {
		fmt.Fprintln(u.stderr, "sources:")
		for _, l := range used {
			fmt.Fprintln(u.stderr, "  "+l)
		}
	}
	if s := t.String(); s != "" {
		fmt.Fprintln(u.stderr, "timings: "+s)
	}
}

// statusLine is one line of standard error that each message overwrites
// (a carriage return, then spaces over what is left of the last one: no
// escape sequence, so a dumb terminal shows it too). The engine may tell
// its progress from several goroutines.
type statusLine struct {
	mu    sync.Mutex
	w     io.Writer
	width int
}

func (s *statusLine) show(msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := utf8.RuneCountInString(msg)
	fmt.Fprintf(s.w, "\r%s%s", msg, strings.Repeat(" ", max(0, s.width-n)))
	s.width = n
}

func (s *statusLine) clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.width > 0 {
		fmt.Fprintf(s.w, "\r%s\r", strings.Repeat(" ", s.width))
		s.width = 0
	}
}
