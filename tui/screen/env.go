package screen

import (
	"log/slog"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/themes"
)

// Env is what every screen reads and only the root changes: styles, glyphs,
// key maps, the clock. Screens hold a pointer to the root's env; they never
// write to it.
type Env struct {
	Styles themes.Styles
	// p holds the styles of the hot paths as escape-sequence pairs.
	Paint  Paints
	ASCII  bool
	Glyphs Glyphs
	Keys   KeyMaps
	Log    *slog.Logger
	Now    func() time.Time
	// After schedules msg after d; tests replace it to keep timers out of
	// model tests.
	After func(d time.Duration, msg tea.Msg) tea.Cmd
	// SpinEvery is the spinner's frame interval.
	SpinEvery time.Duration
}

// SetStyles installs styles and the paints derived from them.
func (e *Env) SetStyles(st themes.Styles) {
	e.Styles = st
	e.Paint = Paints{
		Text: paintOf(st.Text), Subtle: paintOf(st.Subtle), OK: paintOf(st.OK), Warn: paintOf(st.Warn),
		Fail: paintOf(st.Fail), Sel: paintOf(st.Selected), Header: paintOf(st.Header), Accent: paintOf(st.Accent),
		pending: paintOf(st.Pending), unknown: paintOf(st.Unknown), skip: paintOf(st.Skip), Changed: paintOf(st.Changed),
	}
}

// Paint is a style reduced to the sequences around its text. lipgloss's
// Render measures, wraps and pads on every call; for the few styles drawn
// on every visible row, concatenating two precomputed strings is what
// keeps a frame of 60 rows well under a millisecond.
type Paint struct{ pre, post string }

// paintOf splits a style's rendering of a marker into what comes before
// and after it. Only colour and attribute styles may be painted (no width,
// padding or borders).
func paintOf(s lipgloss.Style) Paint {
	const marker = "\uE000"
	r := s.Render(marker)
	i := strings.Index(r, marker)
	if i < 0 {
		return Paint{}
	}
	return Paint{pre: r[:i], post: r[i+len(marker):]}
}

func (p Paint) On(s string) string {
	if p.pre == "" && p.post == "" {
		return s
	}
	return p.pre + s + p.post
}

type Paints struct {
	Text, Subtle, OK, Warn, Fail, Sel, Header, Accent, pending, unknown, skip, Changed Paint
}

func Tick(d time.Duration, msg tea.Msg) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return msg })
}

// Glyphs are the symbols drawn for states; --ascii picks 7-bit ones, each
// one cell wide like its Unicode twin so layouts do not move.
type Glyphs struct {
	Pass, Fail, Warn, Unknown, skip string
	Spinner                         []string
	Arrow                           string
	Ellipsis                        string // one cell
	Cursor                          string // the selected row's marker
	Match                           string // the deciding rule's marker
	Rule                            string // horizontal rule
	Dot                             string
	up, down                        string // a sorted column's direction
}

// SortMark is appended to the title of the column a list is sorted by.
func (g Glyphs) SortMark(desc bool) string {
	if desc {
		return g.down
	}
	return g.up
}

func NewGlyphs(ascii bool) Glyphs {
	if ascii {
		return Glyphs{Pass: "+", Fail: "x", Warn: "!", Unknown: "?", skip: "-",
			Spinner: []string{"|", "/", "-", "\\"}, Arrow: "->", Ellipsis: "~", Cursor: ">", Match: ">", Rule: "-", Dot: "-", up: "^", down: "v"}
	}
	return Glyphs{Pass: "✓", Fail: "✗", Warn: "!", Unknown: "?", skip: "·",
		Spinner: []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}, Arrow: "→", Ellipsis: "…", Cursor: "▸", Match: "▶", Rule: "─", Dot: "·", up: "↑", down: "↓"}
}

// RowStatus is a checklist row's state: the engine's statuses plus pending
// (the data the layer needs is still loading) and none (not evaluated).
type RowStatus string

const (
	RowPending RowStatus = "pending"
	RowNone    RowStatus = "none"
)

func StatusOf(s checks.Status) RowStatus { return RowStatus(s) }

// Mark returns the glyph and the style for a row status; frame animates
// the spinner.
func (e *Env) Mark(s RowStatus, frame int) string {
	switch s {
	case RowStatus(checks.StatusPass):
		return e.Paint.OK.On(e.Glyphs.Pass)
	case RowStatus(checks.StatusFail):
		return e.Paint.Fail.On(e.Glyphs.Fail)
	case RowStatus(checks.StatusWarn):
		return e.Paint.Warn.On(e.Glyphs.Warn)
	case RowStatus(checks.StatusUnknown):
		return e.Paint.unknown.On(e.Glyphs.Unknown)
	case RowPending:
		return e.Paint.pending.On(e.Glyphs.Spinner[frame%len(e.Glyphs.Spinner)])
	}
	return e.Paint.skip.On(e.Glyphs.skip)
}

// Word is the status spelled out, so that meaning never rests on colour.
func (e *Env) Word(s RowStatus) string {
	switch s {
	case RowStatus(checks.StatusPass):
		return e.Paint.OK.On("pass")
	case RowStatus(checks.StatusFail):
		return e.Paint.Fail.On("FAIL")
	case RowStatus(checks.StatusWarn):
		return e.Paint.Warn.On("warn")
	case RowStatus(checks.StatusUnknown):
		return e.Paint.unknown.On("unknown")
	case RowPending:
		return e.Paint.pending.On("loading")
	case RowNone:
		return e.Paint.skip.On("-")
	}
	return e.Paint.skip.On("skip")
}
