package tui

import (
	"log/slog"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/themes"
)

// env is what every screen reads and only the root changes: styles, glyphs,
// key maps, the clock. Screens hold a pointer to the root's env; they never
// write to it.
type env struct {
	st themes.Styles
	// p holds the styles of the hot paths as escape-sequence pairs.
	p     paints
	ascii bool
	g     glyphs
	keys  keyMaps
	log   *slog.Logger
	now   func() time.Time
	// after schedules msg after d; tests replace it to keep timers out of
	// model tests.
	after func(d time.Duration, msg tea.Msg) tea.Cmd
	// spinEvery is the spinner's frame interval.
	spinEvery time.Duration
}

// setStyles installs styles and the paints derived from them.
func (e *env) setStyles(st themes.Styles) {
	e.st = st
	e.p = paints{
		text: paintOf(st.Text), subtle: paintOf(st.Subtle), ok: paintOf(st.OK), warn: paintOf(st.Warn),
		fail: paintOf(st.Fail), sel: paintOf(st.Selected), header: paintOf(st.Header), accent: paintOf(st.Accent),
		pending: paintOf(st.Pending), unknown: paintOf(st.Unknown), skip: paintOf(st.Skip), changed: paintOf(st.Changed),
	}
}

// paint is a style reduced to the sequences around its text. lipgloss's
// Render measures, wraps and pads on every call; for the few styles drawn
// on every visible row, concatenating two precomputed strings is what
// keeps a frame of 60 rows well under a millisecond.
type paint struct{ pre, post string }

// paintOf splits a style's rendering of a marker into what comes before
// and after it. Only colour and attribute styles may be painted (no width,
// padding or borders).
func paintOf(s lipgloss.Style) paint {
	const marker = "\uE000"
	r := s.Render(marker)
	i := strings.Index(r, marker)
	if i < 0 {
		return paint{}
	}
	return paint{pre: r[:i], post: r[i+len(marker):]}
}

func (p paint) on(s string) string {
	if p.pre == "" && p.post == "" {
		return s
	}
	return p.pre + s + p.post
}

type paints struct {
	text, subtle, ok, warn, fail, sel, header, accent, pending, unknown, skip, changed paint
}

func tick(d time.Duration, msg tea.Msg) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return msg })
}

// glyphs are the symbols drawn for states; --ascii picks 7-bit ones, each
// one cell wide like its Unicode twin so layouts do not move.
type glyphs struct {
	pass, fail, warn, unknown, skip string
	spinner                         []string
	arrow                           string
	ellipsis                        string // one cell
	cursor                          string // the selected row's marker
	match                           string // the deciding rule's marker
	rule                            string // horizontal rule
	dot                             string
	up, down                        string // a sorted column's direction
}

// sortMark is appended to the title of the column a list is sorted by.
func (g glyphs) sortMark(desc bool) string {
	if desc {
		return g.down
	}
	return g.up
}

func newGlyphs(ascii bool) glyphs {
	if ascii {
		return glyphs{pass: "+", fail: "x", warn: "!", unknown: "?", skip: "-",
			spinner: []string{"|", "/", "-", "\\"}, arrow: "->", ellipsis: "~", cursor: ">", match: ">", rule: "-", dot: "-", up: "^", down: "v"}
	}
	return glyphs{pass: "✓", fail: "✗", warn: "!", unknown: "?", skip: "·",
		spinner: []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}, arrow: "→", ellipsis: "…", cursor: "▸", match: "▶", rule: "─", dot: "·", up: "↑", down: "↓"}
}

// rowStatus is a checklist row's state: the engine's statuses plus pending
// (the data the layer needs is still loading) and none (not evaluated).
type rowStatus string

const (
	rowPending rowStatus = "pending"
	rowNone    rowStatus = "none"
)

func statusOf(s checks.Status) rowStatus { return rowStatus(s) }

// mark returns the glyph and the style for a row status; frame animates
// the spinner.
func (e *env) mark(s rowStatus, frame int) string {
	switch s {
	case rowStatus(checks.StatusPass):
		return e.p.ok.on(e.g.pass)
	case rowStatus(checks.StatusFail):
		return e.p.fail.on(e.g.fail)
	case rowStatus(checks.StatusWarn):
		return e.p.warn.on(e.g.warn)
	case rowStatus(checks.StatusUnknown):
		return e.p.unknown.on(e.g.unknown)
	case rowPending:
		return e.p.pending.on(e.g.spinner[frame%len(e.g.spinner)])
	}
	return e.p.skip.on(e.g.skip)
}

// word is the status spelled out, so that meaning never rests on colour.
func (e *env) word(s rowStatus) string {
	switch s {
	case rowStatus(checks.StatusPass):
		return e.p.ok.on("pass")
	case rowStatus(checks.StatusFail):
		return e.p.fail.on("FAIL")
	case rowStatus(checks.StatusWarn):
		return e.p.warn.on("warn")
	case rowStatus(checks.StatusUnknown):
		return e.p.unknown.on("unknown")
	case rowPending:
		return e.p.pending.on("loading")
	case rowNone:
		return e.p.skip.on("-")
	}
	return e.p.skip.on("skip")
}
