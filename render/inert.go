package render

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Strings from AWS (Name tags, descriptions, rule descriptions) and from
// flow logs are written by whoever can tag a resource or send a packet. On
// a terminal, an escape sequence in one can clear the screen, set the
// window title or write the clipboard (OSC 52); bidirectional overrides
// and zero-width characters make a name read as another. Everything reach
// prints passes through the functions of this file, the one place that
// decides what is inert.

// Inert returns s safe to print on a terminal on one line: tabs and line
// breaks become spaces; every other control character (C0, DEL, C1, which
// include ESC and CSI), bidirectional control, zero-width or other format
// character, and invalid UTF-8 is shown escaped (\x1b, \u202e), so that it
// does nothing and can still be seen.
func Inert(s string) string { return inert(s, false) }

// InertLines is Inert for text of several lines: line breaks are kept.
func InertLines(s string) string { return inert(s, true) }

func inert(s string, keepNewlines bool) string {
	if plain(s, keepNewlines) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n' && keepNewlines:
			b.WriteByte('\n')
		case r == '\n' || r == '\t' || r == '\r':
			b.WriteByte(' ')
		case Dangerous(r):
			if r < 0x100 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// plain reports whether s is printable ASCII (plus line breaks when they
// are kept), the common case, which needs no copy.
func plain(s string, keepNewlines bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 0x20 && !(keepNewlines && c == '\n')) || c >= 0x7f {
			return false
		}
	}
	return true
}

// Dangerous reports whether a rune must not reach a terminal as it is:
// anything Go does not count as printable except the plain space. That is
// the control characters (C0, DEL, C1), the format characters (the
// bidirectional controls U+202A-U+202E and U+2066-U+2069, zero-width space
// and joiners, the byte-order mark, tag characters), line and paragraph
// separators, spaces other than U+0020 (which pass for one), and private
// or unassigned code points.
func Dangerous(r rune) bool {
	return r != ' ' && !unicode.IsPrint(r)
}

// markdownSpecial are the characters that give Markdown (CommonMark and
// the chat flavours) structure inside a line: emphasis, code, links and
// images, raw HTML and entities, headings, table cells, strike-through.
// Untrusted strings never hold a line break once inert, so the constructs
// that need the start of a line (lists, quotes, setext headings) cannot
// begin inside one.
var markdownSpecial = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "{", `\{`, "}", `\}`,
	"[", `\[`, "]", `\]`, "(", `\(`, ")", `\)`, "#", `\#`, "!", `\!`,
	"|", `\|`, "<", `&lt;`, ">", `&gt;`, "&", `&amp;`, "~", `\~`,
)

// autolinkish reports whether text could become a link without any
// bracket: GitHub-flavoured Markdown and chat tools link bare URLs, www.
// names and e-mail addresses after escapes are resolved, so escaping
// cannot stop them; a code span can.
func autolinkish(s string) bool {
	l := strings.ToLower(s)
	return strings.Contains(l, "://") || strings.Contains(l, "www.") || strings.Contains(l, "@")
}

// MarkdownText makes an untrusted string plain text inside a Markdown
// paragraph or table cell: inert, on one line, with every character that
// could open a link, an image, HTML, code, a heading or a cell escaped;
// text that a renderer would link by itself is quoted as code.
func MarkdownText(s string) string {
	s = Inert(s)
	if autolinkish(s) {
		return MarkdownCode(s)
	}
	return markdownSpecial.Replace(s)
}

// MarkdownCode quotes a string as inline code: inert, on one line, fenced
// with more backticks than it holds in a row, so that nothing in it can
// close the span; a pipe is escaped so that it cannot end a table cell
// (GitHub-flavoured tables honour the escape inside code).
func MarkdownCode(s string) string {
	s = strings.ReplaceAll(Inert(s), "|", `\|`)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}
