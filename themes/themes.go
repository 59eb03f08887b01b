// Package themes holds reach's semantic palettes and the lipgloss styles
// built from them. A palette names colours by what they mean (OK, Fail,
// Pending, ...), never by where they are drawn; screens ask for a style by
// meaning. There is no layout here and nothing about AWS, and nothing queries
// the terminal: the caller says whether the background is dark and how many
// colours the terminal shows, and rebuilds the styles when either changes.
package themes

import (
	"fmt"
	"image/color"
	"strings"

	"charm.land/lipgloss/v2"
)

// Depth is how many colours the terminal can show.
type Depth int

// Colour depths, from none to 24-bit.
const (
	// NoColor draws with text attributes only (bold, reverse, faint): the
	// NO_COLOR convention, or a terminal without colour.
	NoColor Depth = iota
	// ANSI16 uses the 16 basic colours, which the user's terminal theme
	// defines; they suit light and dark backgrounds alike.
	ANSI16
	// ANSI256 uses the xterm 256-colour palette.
	ANSI256
	// TrueColor uses 24-bit colours.
	TrueColor
)

// String names the depth.
func (d Depth) String() string {
	switch d {
	case NoColor:
		return "no-color"
	case ANSI16:
		return "16"
	case ANSI256:
		return "256"
	}
	return "truecolor"
}

// Palette is a set of semantic colours. A nil colour means "the terminal's
// default" (lipgloss draws nothing for it).
type Palette struct {
	// Name is "dark" or "light".
	Name string
	// Dark is true when the palette is meant for a dark background.
	Dark  bool
	Depth Depth

	Text    color.Color // body text
	Subtle  color.Color // secondary text: headers of columns, hints
	Accent  color.Color // titles, keys in help, the focused field
	OK      color.Color // pass, in-use
	Fail    color.Color // fail, blocked
	Warn    color.Color // warn, partial
	Pending color.Color // loading, spinners
	Unknown color.Color // data missing
	Match   color.Color // the rule that decided
	// SelFg and SelBg draw the selected row.
	SelFg, SelBg color.Color
	Border       color.Color
}

// Names lists the theme names --theme accepts.
func Names() []string { return []string{"auto", "dark", "light"} }

// Resolve turns a --theme value and the terminal's background into a
// palette of the given depth. "auto" (or "") follows the terminal.
func Resolve(name string, terminalDark bool, depth Depth) (Palette, error) {
	dark := terminalDark
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "auto":
	case "dark":
		dark = true
	case "light":
		dark = false
	default:
		return Palette{}, fmt.Errorf("theme %q: expected %s", name, strings.Join(Names(), ", "))
	}
	return New(dark, depth), nil
}

// New returns the palette for a background and a colour depth.
func New(dark bool, depth Depth) Palette {
	name := "light"
	if dark {
		name = "dark"
	}
	p := Palette{Name: name, Dark: dark, Depth: depth}
	c := lipgloss.Color
	switch depth {
	case NoColor:
		// Every colour stays nil; styles fall back to attributes.
	case ANSI16:
		// Basic colours follow the user's terminal scheme, which already
		// suits its background; only the selection needs a choice.
		p.Subtle, p.Accent = c("8"), c("4")
		p.OK, p.Fail, p.Warn, p.Pending, p.Unknown, p.Match = c("2"), c("1"), c("3"), c("6"), c("5"), c("3")
		p.SelFg, p.SelBg, p.Border = c("0"), c("6"), c("8")
		if !dark {
			p.SelFg, p.SelBg = c("15"), c("4")
		}
	case ANSI256:
		if dark {
			p.Text, p.Subtle, p.Accent = c("252"), c("244"), c("75")
			p.OK, p.Fail, p.Warn, p.Pending, p.Unknown, p.Match = c("78"), c("196"), c("214"), c("81"), c("177"), c("221")
			p.SelFg, p.SelBg, p.Border = c("231"), c("24"), c("240")
		} else {
			p.Text, p.Subtle, p.Accent = c("235"), c("242"), c("25")
			p.OK, p.Fail, p.Warn, p.Pending, p.Unknown, p.Match = c("28"), c("160"), c("130"), c("31"), c("91"), c("94")
			p.SelFg, p.SelBg, p.Border = c("16"), c("153"), c("250")
		}
	default:
		if dark {
			p.Text, p.Subtle, p.Accent = c("#D0D0D0"), c("#808080"), c("#5FAFFF")
			p.OK, p.Fail, p.Warn, p.Pending, p.Unknown, p.Match = c("#5FD787"), c("#FF3B3B"), c("#FFAF00"), c("#5FD7FF"), c("#D787FF"), c("#FFD75F")
			p.SelFg, p.SelBg, p.Border = c("#FFFFFF"), c("#005F87"), c("#585858")
		} else {
			p.Text, p.Subtle, p.Accent = c("#262626"), c("#6C6C6C"), c("#005FAF")
			p.OK, p.Fail, p.Warn, p.Pending, p.Unknown, p.Match = c("#008700"), c("#D70000"), c("#AF5F00"), c("#0087AF"), c("#8700AF"), c("#875F00")
			p.SelFg, p.SelBg, p.Border = c("#000000"), c("#AFD7FF"), c("#BCBCBC")
		}
	}
	return p
}

// Styles are the lipgloss styles every screen draws with, built once per
// palette. Styles never set widths or margins: layout belongs to the
// screens.
type Styles struct {
	Palette Palette

	Text     lipgloss.Style
	Subtle   lipgloss.Style
	Title    lipgloss.Style
	Accent   lipgloss.Style
	Header   lipgloss.Style // column headers
	Selected lipgloss.Style // the selected row
	OK       lipgloss.Style
	Fail     lipgloss.Style
	Warn     lipgloss.Style
	Pending  lipgloss.Style
	Unknown  lipgloss.Style
	Skip     lipgloss.Style
	// Matched marks the rule that decided, in evidence tables.
	Matched lipgloss.Style
	// Error is the status line's style for errors.
	Error lipgloss.Style
	// Key and Desc draw key bindings in help.
	Key  lipgloss.Style
	Desc lipgloss.Style
	// Input is the focused text field; Blurred the others.
	Input   lipgloss.Style
	Blurred lipgloss.Style
	Border  lipgloss.Style
	// Changed marks a layer that flipped in watch mode.
	Changed lipgloss.Style
}

// NewStyles builds the styles of a palette. Without colour, meaning is
// carried by attributes (bold, reverse, faint) so that a failing layer and
// the selected row stay visible.
func NewStyles(p Palette) Styles {
	s := lipgloss.NewStyle
	fg := func(c color.Color) lipgloss.Style {
		if c == nil {
			return s()
		}
		return s().Foreground(c)
	}
	st := Styles{
		Palette: p,
		Text:    fg(p.Text),
		Subtle:  fg(p.Subtle),
		Title:   fg(p.Accent).Bold(true),
		Accent:  fg(p.Accent),
		Header:  fg(p.Subtle).Bold(true),
		OK:      fg(p.OK),
		Fail:    fg(p.Fail).Bold(true),
		Warn:    fg(p.Warn),
		Pending: fg(p.Pending),
		Unknown: fg(p.Unknown),
		Skip:    fg(p.Subtle),
		Matched: fg(p.Match).Bold(true),
		Error:   fg(p.Fail).Bold(true),
		Key:     fg(p.Accent).Bold(true),
		Desc:    fg(p.Subtle),
		Input:   fg(p.Accent),
		Blurred: fg(p.Subtle),
		Border:  fg(p.Border),
		Changed: fg(p.Warn).Bold(true),
	}
	if p.SelBg != nil {
		st.Selected = s().Foreground(p.SelFg).Background(p.SelBg).Bold(true)
	} else {
		st.Selected = s().Reverse(true)
	}
	if p.Depth == NoColor {
		st.Subtle = s().Faint(true)
		st.Header = s().Bold(true).Underline(true)
		st.Skip = s().Faint(true)
		st.Desc = s().Faint(true)
		st.Blurred = s().Faint(true)
		st.Matched = s().Bold(true).Underline(true)
		st.Warn = s().Bold(true)
		st.Border = s()
	}
	return st
}
