// Package cells measures, fits and sanitizes strings in terminal cells.
// Every string from AWS passes through Clean (render.Inert, the one
// sanitizer) before the terminal draws it.
package cells

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/reachnet/reach/render"
)

// Clean makes a string from AWS (a tag, a description, a name) safe to draw
// with render.Inert, the one sanitizer every output uses: line breaks and
// tabs become spaces, control characters (which include the escape that
// starts a terminal sequence), bidirectional overrides and invisible
// characters are shown escaped. With ascii, every other non-ASCII rune
// becomes '?' so that the screen holds no glyph beyond ASCII.
func Clean(s string, ascii bool) string {
	if isPlainASCII(s) {
		return s
	}
	s = render.Inert(s)
	if !ascii || isPlainASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r >= 0x80 {
			b.WriteString(asciiFor(r))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// FromEngine prepares text written by the engine (summaries, rules, fixes)
// for the screen: it has no control characters but uses a few glyphs
// (arrows, ellipsis) that --ascii must not draw.
func FromEngine(s string, ascii bool) string {
	return Clean(s, ascii)
}

func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// asciiFor spells the few glyphs reach's own texts use in ASCII.
func asciiFor(r rune) string {
	switch r {
	case '→':
		return "->"
	case '←':
		return "<-"
	case '…':
		return "..."
	case '·', '•':
		return "-"
	case '✓':
		return "+"
	case '✗':
		return "x"
	case '—', '–':
		return "-"
	case '“', '”':
		return `"`
	case '‘', '’':
		return "'"
	}
	return "?"
}

// Width is the number of cells s takes on the screen.
func Width(s string) int {
	if isPlainASCII(s) {
		return len(s)
	}
	return ansi.StringWidth(s)
}

// Fit pads or truncates s to exactly w cells; a truncated string ends with
// tail (which must be one cell wide).
func Fit(s string, w int, tail string) string {
	if w <= 0 {
		return ""
	}
	sw := Width(s)
	switch {
	case sw == w:
		return s
	case sw < w:
		return s + strings.Repeat(" ", w-sw)
	}
	return Truncate(s, w, tail)
}

// Truncate cuts s to at most w cells, ending with tail when it cut.
func Truncate(s string, w int, tail string) string {
	if w <= 0 {
		return ""
	}
	if isPlainASCII(s) {
		if len(s) <= w {
			return s
		}
		return s[:w-1] + tail
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	t := ansi.Truncate(s, w, tail)
	// Truncate leaves a cell free when a wide rune does not fit; pad it so
	// that columns stay aligned.
	if tw := ansi.StringWidth(t); tw < w {
		t += strings.Repeat(" ", w-tw)
	}
	return t
}

// Wrap breaks plain text into lines of at most w cells, at spaces where it
// can and anywhere when a word is longer than a line (a CLI command with a
// long JSON argument). indent starts every line but the first.
func Wrap(s string, w int, indent string) []string {
	if w <= len(indent)+4 {
		return []string{Truncate(s, max(w, 1), "~")}
	}
	var lines []string
	first := true
	for s != "" {
		limit := w
		if !first {
			limit = w - len(indent)
		}
		if Width(s) <= limit {
			lines = append(lines, prefixed(s, indent, first))
			break
		}
		cut := cutAt(s, limit)
		lines = append(lines, prefixed(strings.TrimRight(s[:cut], " "), indent, first))
		s = strings.TrimLeft(s[cut:], " ")
		first = false
	}
	if len(lines) == 0 {
		lines = []string{""}
	}
	return lines
}

func prefixed(s, indent string, first bool) string {
	if first {
		return s
	}
	return indent + s
}

// cutAt returns the byte index at which to break s so that s[:i] fits in
// limit cells: after the last space; in a word longer than the line (a JSON
// argument), after its last comma; only then anywhere.
func cutAt(s string, limit int) int {
	cells, lastSpace, lastComma, i := 0, -1, -1, 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		rw := 1
		if r >= 0x80 {
			rw = ansi.StringWidth(string(r))
		}
		if cells+rw > limit {
			break
		}
		switch r {
		case ' ':
			lastSpace = i
		case ',':
			lastComma = i
		}
		cells += rw
		i += size
	}
	if i >= len(s) {
		return i
	}
	if lastSpace > 0 {
		return lastSpace + 1
	}
	if lastComma > 0 {
		return lastComma + 1
	}
	if i == 0 {
		_, size := utf8.DecodeRuneInString(s)
		return size
	}
	return i
}

// FirstLine is s up to its first line break: one line of an error for a
// status line.
func FirstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
